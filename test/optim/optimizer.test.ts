/**
 * Shared behaviour of every optimizer (table-driven over registry.ts): param-group handling,
 * zeroGrad, addParamGroup, state dict round trips, named parameters, skipped gradients and each
 * bad input with its exact message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, Tensor, ValueError, zeros } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";
import { assertThrowsMessage } from "../util.js";
import { REGISTRY } from "./registry.js";

function params(): nn.Parameter[] {
  return [
    new nn.Parameter(tensor([[0.5, -1.0, 2.0], [0.25, 1.5, -0.75]])),
    new nn.Parameter(tensor([1.0, -2.0, 0.5])),
    new nn.Parameter(tensor([0.1, 0.2, -0.3, 0.4])),
  ];
}

function grads(ps: nn.Parameter[], step: number) {
  for (const p of ps) {
    const g = zeros(p.shape);
    for (let i = 0; i < g.numel; i++) g.data[i] = Math.sin(1 + i + 3 * step + p.numel);
    p.grad = g;
  }
}

function snapshot(ps: nn.Parameter[]): number[][] {
  return ps.map((p) => Array.from(p.data));
}

for (const entry of REGISTRY) {
  const { name, cls, options } = entry;
  const make = (ps: optim.ParamsInput, extra: Record<string, unknown> = {}) => new cls(ps, { ...options, ...extra });

  test(`${name} fills group defaults, keeps extra group keys and PyTorch's default lr`, () => {
    const ps = params();
    const opt = make([{ params: ps.slice(0, 2) }, { params: [ps[2]], lr: 0.5, name: "head" }]);
    assert.equal(opt.paramGroups.length, 2);
    assert.equal(opt.paramGroups[0].lr, options.lr);
    assert.equal(opt.paramGroups[1].lr, 0.5);
    assert.equal(opt.paramGroups[1].name, "head");
    for (const key of Object.keys(opt.defaults)) assert.ok(key in opt.paramGroups[1], `group lacks '${key}'`);
    assert.equal(new cls(params()).defaults.lr, entry.defaultLr);
  });

  test(`${name} creates PyTorch's state keys lazily and skips parameters whose grad is null`, () => {
    const ps = params();
    const opt = make(ps, name === "Adagrad" ? {} : { weight_decay: 0.1 });
    const before = snapshot(ps);
    grads(ps, 0);
    ps[1].grad = null;
    opt.step();
    assert.deepEqual(Array.from(ps[1].data), before[1], "param without grad unchanged (no weight decay either)");
    assert.notDeepEqual(Array.from(ps[0].data), before[0]);
    assert.deepEqual(Object.keys(opt.state.get(ps[0])!).sort(), [...entry.stateKeys].sort());
    if (name === "Adagrad") {
      // Adagrad's state is made at construction (PyTorch does the same), so it exists but is unstepped.
      assert.equal(opt.state.get(ps[1])!.step, 0);
    } else assert.equal(opt.state.has(ps[1]), false);
  });

  test(`${name} updates a frozen parameter that has a grad (PyTorch only checks grad is not None)`, () => {
    const ps = params();
    ps[0].requiresGrad = false;
    const opt = make(ps);
    const before = snapshot(ps);
    grads(ps, 0);
    opt.step();
    assert.notDeepEqual(Array.from(ps[0].data), before[0]);
  });

  test(`${name} zeroGrad sets grads to null, or zeros in place with setToNone=false`, () => {
    const ps = params();
    const opt = make(ps);
    grads(ps, 0);
    const g0 = ps[0].grad!;
    opt.zeroGrad(false);
    assert.equal(ps[0].grad, g0);
    assert.ok(g0.data.every((x) => x === 0));
    opt.zeroGrad();
    assert.ok(ps.every((p) => p.grad === null));
  });

  test(`${name} addParamGroup adds a group with defaults that is stepped, and rejects a parameter already held`, () => {
    const ps = params();
    const opt = make(ps.slice(0, 2));
    opt.addParamGroup({ params: [ps[2]], lr: 0.05, name: "late" });
    assert.equal(opt.paramGroups[1].lr, 0.05);
    assert.equal(opt.paramGroups[1].name, "late");
    const before = snapshot(ps);
    grads(ps, 0);
    opt.step();
    assert.notDeepEqual(Array.from(ps[2].data), before[2]);
    assertThrowsMessage(() => opt.addParamGroup({ params: [ps[0]] }), ValueError, msg.paramInTwoGroups());
  });

  test(`${name} stateDict survives JSON and loadStateDict continues identically`, () => {
    const a = params();
    const optA = make([{ params: a.slice(0, 2) }, { params: [a[2]], lr: 0.02, name: "head" }]);
    for (let s = 0; s < 3; s++) {
      grads(a, s);
      optA.step();
    }
    const sd = optA.stateDict();
    const json = JSON.parse(JSON.stringify(sd));
    assert.deepEqual(json.param_groups.map((g: { params: number[] }) => g.params), [[0, 1], [2]]);
    assert.equal(json.param_groups[1].name, "head");
    assert.deepEqual(Object.keys(json.state).sort(), ["0", "1", "2"]);

    const b = a.map((p) => p.clone());
    const optB = make([{ params: b.slice(0, 2) }, { params: [b[2]] }]);
    optB.loadStateDict(json);
    assert.equal(optB.paramGroups[1].lr, 0.02, "hyperparameters come from the state dict");
    assert.equal(optB.paramGroups[1].name, "head");
    for (let s = 3; s < 5; s++) {
      grads(a, s);
      grads(b, s);
      optA.step();
      optB.step();
    }
    assert.deepEqual(snapshot(b), snapshot(a));
    // Loaded state is the optimizer's own (not aliased to the dict's arrays).
    for (const v of Object.values(optB.state.get(b[0])!)) assert.ok(typeof v === "number" || v instanceof Tensor);
  });

  test(`${name} accepts [name, param] pairs and records param_names (PyTorch 2.6 named form)`, () => {
    const ps = params();
    const named: Array<[string, nn.Parameter]> = [["base.weight", ps[0]], ["base.bias", ps[1]], ["head.weight", ps[2]]];
    const opt = make(named);
    assert.deepEqual(opt.paramGroups[0].param_names, ["base.weight", "base.bias", "head.weight"]);
    assert.deepEqual(opt.paramGroups[0].params, ps);
    const sd = JSON.parse(JSON.stringify(opt.stateDict()));
    assert.deepEqual(sd.param_groups[0].param_names, ["base.weight", "base.bias", "head.weight"]);
    assertThrowsMessage(() => opt.addParamGroup({ params: [new nn.Parameter(zeros(2))] }), ValueError, msg.mixedNamedGroups({}));
    assertThrowsMessage(
      () => make([["a", ps[0]], ps[1]] as never),
      ValueError,
      msg.someNamesMissing(),
    );
  });

  test(`${name} rejects bad parameter lists with PyTorch's messages`, () => {
    assertThrowsMessage(() => make([]), ValueError, msg.emptyParams());
    assertThrowsMessage(() => make(new Set(params())), TypeError, msg.paramsAsSet());
    assertThrowsMessage(() => make([{ params: new Set(params()) } as never]), TypeError, msg.paramsAsSet());
    const t = tensor([1, 2]);
    assertThrowsMessage(() => make([t] as never), TypeError, msg.notAParameter(t));
    assertThrowsMessage(() => make([3] as never), TypeError, msg.notAParameter(3));
    const ps = params();
    assertThrowsMessage(() => make([{ params: [ps[0]] }, { params: [ps[0], ps[1]] }]), ValueError, msg.paramInTwoGroups());
    assertThrowsMessage(() => make(ps[0] as never), TypeError, msg.paramsNotIterable(ps[0]));
  });

  test(`${name} rejects unknown options and options of the wrong kind`, () => {
    const keys = Object.keys(new cls(params()).defaults);
    assertThrowsMessage(() => make(params(), { learning_rate: 0.1 }), TypeError, msg.unknownOption(name, "learning_rate", keys));
    assertThrowsMessage(() => make(params(), { lr: "0.1" }), TypeError, msg.hyperNotNumber("lr", "0.1"));
    assertThrowsMessage(() => make(params(), { maximize: 1 }), TypeError, msg.hyperNotBoolean("maximize", 1));
  });

  test(`${name} loadStateDict rejects a state dict of another shape`, () => {
    const ps = params();
    const opt = make(ps);
    grads(ps, 0);
    opt.step();
    const sd = JSON.parse(JSON.stringify(opt.stateDict()));
    const two = make([{ params: ps.slice(0, 2).map((p) => p.clone()) }, { params: [ps[2].clone()] }]);
    assertThrowsMessage(() => two.loadStateDict(sd), ValueError, msg.groupCountMismatch(1, 2));
    const fewer = make(ps.slice(0, 2).map((p) => p.clone()));
    assertThrowsMessage(() => fewer.loadStateDict(sd), ValueError, msg.groupSizeMismatch(0, 3, 2));
  });

  test(`${name} prints like PyTorch's optimizer repr`, () => {
    const opt = make(params());
    const text = opt.toString();
    assert.ok(text.startsWith(`${name} (\nParameter Group 0\n`), text);
    assert.match(text, new RegExp(`\\n    lr: ${String(options.lr).replace(".", "\\.")}\\n`));
    assert.ok(text.endsWith("\n)"));
  });
}
