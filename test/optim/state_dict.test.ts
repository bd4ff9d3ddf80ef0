/**
 * Loading optimizer state dicts (lib/optim/state_dict.ts), table-driven over the registry: what
 * PyTorch raises for missing hyperparameters (KeyError, recorded from torch 1.13 in
 * optim_fixtures.json), flags filled as PyTorch's __setstate__ does, exact state shapes, integer
 * parameter indices, and another optimizer's state dict.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyError, nn, optim, tensor, ValueError } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";
import { assertThrowsMessage } from "../util.js";
import { fixtures } from "./fixtures.js";
import { REGISTRY, type RegistryEntry } from "./registry.js";

type Json = { state: Record<string, Record<string, unknown>>; param_groups: Array<Record<string, unknown>> };

function params(): nn.Parameter[] {
  return [new nn.Parameter(tensor([[0.5, -1.0, 2.0], [0.25, 1.5, -0.75]])), new nn.Parameter(tensor([1.0, -2.0, 0.5]))];
}

/** A fresh optimizer and the JSON state dict of the same optimizer after two steps. */
function saved(entry: RegistryEntry) {
  const ps = params();
  const opt = new entry.cls(ps, entry.options);
  for (let s = 0; s < 2; s++) {
    ps.forEach((p) => (p.grad = tensor(Array.from(p.data, (_, i) => Math.cos(i + s)), p.shape)));
    opt.step();
  }
  const sd = JSON.parse(JSON.stringify(opt.stateDict())) as Json;
  return { fresh: new entry.cls(params(), entry.options), sd };
}

test("PyTorch raises KeyError at the first step for a loaded group without lr / betas (torch 1.13 record)", () => {
  const recorded = (fixtures as unknown as { missing_key_errors: Record<string, string> }).missing_key_errors;
  assert.equal(recorded["SGD without lr"], "KeyError: 'lr'");
  assert.equal(recorded["Adam without betas"], "KeyError: 'betas'");
});

for (const entry of REGISTRY) {
  const defaults = new entry.cls(params()).defaults;
  const flags = Object.keys(defaults).filter((k) => typeof defaults[k] === "boolean" || defaults[k] === null);
  const values = Object.keys(defaults).filter((k) => !flags.includes(k));

  test(`${entry.name} loadStateDict: a group missing ${values.join(" / ")} is a KeyError naming the key`, () => {
    for (const key of values) {
      const { fresh, sd } = saved(entry);
      delete sd.param_groups[0][key];
      assertThrowsMessage(() => fresh.loadStateDict(sd as never), KeyError, msg.missingGroupKey(0, key));
    }
  });

  test(`${entry.name} loadStateDict fills missing flags from the class's defaults (not the instance's), as PyTorch's __setstate__`, () => {
    const { fresh, sd } = saved(entry);
    for (const key of flags) delete sd.param_groups[0][key];
    fresh.loadStateDict(sd as never);
    for (const key of flags) assert.equal(fresh.paramGroups[0][key], defaults[key], key);
  });

  test(`${entry.name} loadStateDict rejects a state tensor of another shape, even with as many elements`, () => {
    const { fresh, sd } = saved(entry);
    const [name, value] = Object.entries(sd.state["0"]).find(([, v]) => Array.isArray(v))!;
    const flat = (value as number[][]).flat();
    sd.state["0"][name] = [flat.slice(0, 2), flat.slice(2, 4), flat.slice(4, 6)]; // [3, 2] for a [2, 3] parameter
    assertThrowsMessage(() => fresh.loadStateDict(sd as never), ValueError, msg.stateShapeMismatch("0", name, "[3, 2]", "[2, 3]"));
    sd.state["0"][name] = flat; // [6]
    assertThrowsMessage(() => fresh.loadStateDict(sd as never), ValueError, msg.stateShapeMismatch("0", name, "[6]", "[2, 3]"));
  });

  test(`${entry.name} loadStateDict rejects negative, fractional, non-numeric and duplicate parameter indices`, () => {
    for (const [ids, message] of [
      [[-1, 1], msg.badParamIndex(0, -1)],
      [[0.5, 1], msg.badParamIndex(0, 0.5)],
      [["0", 1], msg.badParamIndex(0, "0")],
      [[1, 1], msg.duplicateParamIndex(1)],
    ] as Array<[unknown[], string]>) {
      const { fresh, sd } = saved(entry);
      sd.param_groups[0].params = ids;
      assertThrowsMessage(() => fresh.loadStateDict(sd as never), ValueError, message);
    }
  });

  test(`${entry.name} loadStateDict rejects state under a key that is not a listed parameter index`, () => {
    for (const [key, message] of [
      ["-1", msg.badStateKey("-1")],
      ["1.5", msg.badStateKey("1.5")],
      ["abc", msg.badStateKey("abc")],
      ["7", msg.unknownStateIndex("7", [0, 1])],
    ]) {
      const { fresh, sd } = saved(entry);
      sd.state[key] = sd.state["0"];
      assertThrowsMessage(() => fresh.loadStateDict(sd as never), ValueError, message);
    }
  });

  if (entry.stateKeys.includes("step")) {
    test(`${entry.name} loadStateDict: stepped state without 'step' is a KeyError (PyTorch reads state["step"])`, () => {
      const { fresh, sd } = saved(entry);
      delete sd.state["1"].step;
      assertThrowsMessage(() => fresh.loadStateDict(sd as never), KeyError, msg.missingStateEntry("1", "step", entry.name));
    });
  }
}

test("an Adam state dict loaded into SGD is rejected, naming the hyperparameters SGD does not have", () => {
  const adam = saved(REGISTRY.find((e) => e.name === "Adam")!).sd;
  const sgd = new optim.SGD(params(), { lr: 0.1, momentum: 0.9 });
  const sgdKeys = Object.keys(sgd.defaults);
  // Adam's group keys, in its defaults' order, less the ones SGD shares (lr, weight_decay, maximize, foreach, differentiable, fused).
  const foreign = ["betas", "eps", "amsgrad", "capturable", "decoupled_weight_decay"];
  assertThrowsMessage(() => sgd.loadStateDict(adam as never), ValueError, msg.inLoadedGroup(0) + msg.foreignHyperparameters("SGD", foreign, sgdKeys));
  assert.equal(sgd.paramGroups[0].lr, 0.1, "nothing loaded");
});

test("every other optimizer's state dict is rejected by SGD; Adam and AdamW load each other's (same hyperparameters)", () => {
  const sgd = new optim.SGD(params(), { lr: 0.1 });
  for (const entry of REGISTRY.filter((e) => e.name !== "SGD")) {
    assert.throws(() => sgd.loadStateDict(saved(entry).sd as never), (e: unknown) => e instanceof ValueError && /of SGD/.test((e as Error).message), entry.name);
  }
  const adamW = new optim.AdamW(params());
  adamW.loadStateDict(saved(REGISTRY.find((e) => e.name === "Adam")!).sd as never);
  // Current PyTorch's AdamW.__setstate__ sets decoupled_weight_decay = True on every loaded group.
  assert.equal(adamW.paramGroups[0].decoupled_weight_decay, true);
  const adam = new optim.Adam(params());
  adam.loadStateDict(saved(REGISTRY.find((e) => e.name === "AdamW")!).sd as never);
  assert.equal(adam.paramGroups[0].decoupled_weight_decay, true, "Adam keeps the loaded group's setting");
});

test("a loaded non-numeric lr is rejected instead of turning the next step's weights into NaN", () => {
  const { fresh, sd } = saved(REGISTRY[0]);
  sd.param_groups[0].lr = "abc";
  assertThrowsMessage(() => fresh.loadStateDict(sd as never), TypeError, msg.inLoadedGroup(0) + msg.hyperNotNumber("lr", "abc"));
});
