/**
 * Module bookkeeping against torch 1.13 (test/fixtures/module_state_fixtures.py →
 * module_state.json): insertion order with integer-like child names, and load_state_dict's
 * unexpected keys, size checks and messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { manualSeed, nn, RuntimeError, tensor, zeros } from "../../lib/index.js";

const fx = JSON.parse(readFileSync(join(__dirname, "../fixtures/module_state.json"), "utf8"));

function mixed(): nn.Module {
  manualSeed(0);
  const m = new nn.Module() as nn.Module & Record<string, nn.Module>;
  m.embed = new nn.Linear(2, 3);
  m.addModule("0", new nn.Linear(3, 3));
  m.addModule("1", new nn.Linear(3, 3));
  m.head = new nn.Linear(3, 1);
  return m;
}

test("children with integer-like names keep insertion order, as PyTorch's _modules does", () => {
  const m = mixed();
  assert.deepEqual(m.namedParameters().map(([n]) => n), fx.mixed.named_parameters);
  assert.deepEqual(Object.keys(m.stateDict()), fx.mixed.state_dict_keys);
  assert.deepEqual(m.namedChildren().map(([n]) => n), fx.mixed.named_children);
  assert.equal(String(m), fx.mixed.repr);
  // parameters() follows the same order, so an optimizer's indices match PyTorch's.
  assert.equal(m.parameters()[2], m.getParameter("0.weight"));
});

test("a member deleted and registered again moves to the end, as in an OrderedDict", () => {
  const m = mixed() as nn.Module & Record<string, unknown>;
  delete m["0"];
  m.addModule("0", new nn.Linear(3, 3));
  assert.deepEqual(m.namedChildren().map(([n]) => n), ["embed", "1", "head", "0"]);
  // Reassigning an existing name keeps its place.
  m.addModule("1", new nn.Linear(3, 3));
  assert.deepEqual(m.namedChildren().map(([n]) => n), ["embed", "1", "head", "0"]);
});

function nested(): nn.Module {
  manualSeed(0);
  const inner = new nn.Module() as nn.Module & Record<string, nn.Module>;
  inner.fc = new nn.Linear(2, 2);
  const m = new nn.Module() as nn.Module & Record<string, nn.Module>;
  m.a = new nn.Linear(2, 2);
  m.b = inner;
  return m;
}

function recordedStateDict(): Record<string, ReturnType<typeof zeros>> {
  const full = nested().stateDict();
  const sd: Record<string, ReturnType<typeof zeros>> = {};
  for (const k of fx.unexpected_order.keys as string[]) sd[k] = k in full && Object.hasOwn(full, k) ? full[k] : zeros(1);
  return sd;
}

// torch 1.13 takes any key whose first segment names a child or a local tensor. Current PyTorch
// (torch/nn/modules/module.py, `_load_from_state_dict`: "Must be Module if it have attributes")
// also rejects a dotted key whose head is not a child ("a.weight.x": `weight` is a parameter) and
// a bare key naming a child ("b"). Hand derivation, module by module in checkpoint order:
//   root: zzz, toString, constructor, b      a: a.bogus, a.weight.x
//   b: b.hasOwnProperty                      b.fc: b.fc.extra
const CURRENT_UNEXPECTED = ["zzz", "toString", "constructor", "b", "a.bogus", "a.weight.x", "b.hasOwnProperty", "b.fc.extra"];

test("unexpected keys are collected module by module, Object.prototype names included", () => {
  const torch113: string[] = fx.unexpected_order.lenient.unexpected;
  // The keys torch 1.13 and current PyTorch agree on, in the same order.
  assert.deepEqual(CURRENT_UNEXPECTED.filter((k) => k !== "b" && k !== "a.weight.x"), torch113);
  const r = nested().loadStateDict(recordedStateDict(), { strict: false });
  assert.deepEqual(r.unexpectedKeys, CURRENT_UNEXPECTED);
  assert.deepEqual(r.missingKeys, fx.unexpected_order.lenient.missing);
});

test("strict loading names the unexpected keys in PyTorch's order and text", () => {
  const expected = (fx.unexpected_order.strict.error as string).replace(
    /Unexpected key\(s\) in state_dict: .*\. $/,
    `Unexpected key(s) in state_dict: ${CURRENT_UNEXPECTED.map((k) => `"${k}"`).join(", ")}. `,
  );
  assert.throws(() => nested().loadStateDict(recordedStateDict()), (e: Error) => e instanceof RuntimeError && e.message === expected);
});

test("a [1] tensor does not load into a [1, 1] weight (nor [1, 1] into [1])", () => {
  const lin = new nn.Linear(1, 1);
  assert.throws(
    () => lin.loadStateDict({ weight: zeros(1), bias: zeros(1, 1) }),
    (e: Error) => e instanceof RuntimeError && e.message === fx.size_mismatch.error,
  );
});

test("a 1-d value loads into a 0-d parameter, taking its first element (PyTorch's 0.3 compatibility)", () => {
  const m = new nn.Module() as nn.Module & Record<string, unknown>;
  m.registerParameter("s", new nn.Parameter(tensor(1.5)));
  const r = m.loadStateDict({ s: tensor([2.5, 7]) });
  assert.deepEqual(r, { missingKeys: fx.zero_dim.result.missing, unexpectedKeys: fx.zero_dim.result.unexpected });
  assert.equal((m.getParameter("s")).item(), fx.zero_dim.after);
});
