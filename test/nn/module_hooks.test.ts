/**
 * Module hooks: forward pre-hooks / forward hooks / full backward (pre-)hooks, their order,
 * return values, prepend and removal. Backward-hook gradients against torch 1.13
 * (test/fixtures/module_hooks_fixtures.py → module_hooks.json).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nn, RuntimeError, Tensor, tensor } from "../../lib/index.js";
import { hookCounts } from "../../lib/nn/module_hooks.js";

interface TJ {
  shape: number[];
  values: number[];
}
const fx = JSON.parse(readFileSync(join(__dirname, "../fixtures/module_hooks.json"), "utf8"));
const T = (t: TJ) => tensor(t.values, t.shape);

function close(actual: Tensor | null, expected: TJ | null, what: string, tol = 1e-5): void {
  if (expected === null) {
    assert.equal(actual, null, `${what}: expected null`);
    return;
  }
  assert.ok(actual instanceof Tensor, `${what}: expected a tensor, got ${actual}`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  const a = actual.data;
  expected.values.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol * (1 + Math.abs(v)), `${what}[${i}]: ${a[i]} vs ${v}`));
}

function load(m: nn.Module, params: Record<string, TJ>): void {
  m.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, T(v)])));
}

function leaf(t: TJ): Tensor {
  return T(t).requiresGrad_();
}

type Grads = { gradInput: (Tensor | null)[]; gradOutput: (Tensor | null)[] };
const recorder = (store: Partial<Grads>) => (_m: nn.Module, gi: (Tensor | null)[], go: (Tensor | null)[]) => {
  store.gradInput = gi;
  store.gradOutput = go;
};

test("full backward hook on Linear sees grad_input and grad_output as PyTorch's", () => {
  const r = fx.linear;
  const lin = new nn.Linear(3, 2);
  load(lin, r.params);
  const x = leaf(r.x);
  const s: Partial<Grads> = {};
  lin.registerFullBackwardHook(recorder(s));
  (lin.forward(x) as Tensor).mul(T(r.w)).sum().backward();
  assert.equal(s.gradInput!.length, 1);
  close(s.gradInput![0], r.grad_input[0], "grad_input[0]");
  close(s.gradOutput![0], r.grad_output[0], "grad_output[0]");
  close(x.grad, r.x_grad, "x.grad");
  close(lin.weight.grad, r.weight_grad, "weight.grad");
});

test("full backward hook on Bilinear: an input that needs no gradient gets zeros, as torch 1.13", () => {
  const r = fx.bilinear;
  const bil = new nn.Bilinear(2, 3, 2);
  load(bil, r.params);
  const x1 = leaf(r.x1);
  const x2 = T(r.x2);
  const s: Partial<Grads> = {};
  bil.registerFullBackwardHook(recorder(s));
  (bil.forward(x1, x2) as Tensor).mul(T(r.w)).sum().backward();
  close(s.gradInput![0], r.grad_input[0], "grad_input[0]");
  close(s.gradInput![1], r.grad_input[1], "grad_input[1]");
  close(s.gradOutput![0], r.grad_output[0], "grad_output[0]");
  close(x1.grad, r.x1_grad, "x1.grad");
  assert.equal(x2.grad, null);
});

test("full backward hook runs with grad_input [null] when no input requires grad", () => {
  const r = fx.no_input_grad;
  const lin = new nn.Linear(3, 2);
  load(lin, r.params);
  const s: Partial<Grads> = {};
  lin.registerFullBackwardHook(recorder(s));
  (lin.forward(T(r.x)) as Tensor).mul(T(r.w)).sum().backward();
  assert.deepEqual(s.gradInput, [null]);
  assert.deepEqual(r.grad_input, [null]);
  close(s.gradOutput![0], r.grad_output[0], "grad_output[0]");
  close(lin.weight.grad, r.weight_grad, "weight.grad");
  // Returning gradients there is an error, in PyTorch's words.
  const bad = new nn.Linear(3, 2);
  bad.registerFullBackwardHook((_m, gi) => gi.map(() => tensor([0])));
  assert.throws(() => (bad.forward(T(r.x)) as Tensor).sum().backward(), /no input requires gradient should always return None/);
});

class Split extends nn.Module {
  override forward(x: Tensor): [Tensor, Tensor] {
    return [x.mul(2), x.mul(3)];
  }
}

test("a module with two outputs, one unused: grad_output has null for it, as PyTorch", () => {
  const r = fx.two_outputs;
  const m = new Split();
  const x = leaf(r.x);
  const s: Partial<Grads> = {};
  m.registerFullBackwardHook(recorder(s));
  const [a] = m.forward(x);
  a.mul(T(r.w)).sum().backward();
  assert.equal(s.gradOutput!.length, 2);
  close(s.gradOutput![0], r.grad_output[0], "grad_output[0]");
  close(s.gradOutput![1], r.grad_output[1], "grad_output[1]");
  close(s.gradInput![0], r.grad_input[0], "grad_input[0]");
  close(x.grad, r.x_grad, "x.grad");
});

test("a backward hook's returned grad_input replaces the gradient flowing further back", () => {
  const r = fx.scaled;
  const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
  load(seq, r.params);
  (seq.get(1) as nn.Module).registerFullBackwardHook((_m, gi) => gi.map((g) => g!.mul(3)));
  const x = leaf(r.x);
  (seq.forward(x) as Tensor).mul(T(r.w)).sum().backward();
  close(x.grad, r.x_grad, "x.grad");
  for (const [name, p] of seq.namedParameters()) close(p.grad, r.grads[name], `${name}.grad`);
});

test("a hook returning the wrong number of gradients fails with PyTorch's message", () => {
  const lin = new nn.Linear(2, 2);
  lin.registerFullBackwardHook(() => []);
  const x = tensor([[1, 2]]).requiresGrad_();
  assert.throws(() => (lin.forward(x) as Tensor).sum().backward(), (e: Error) => e instanceof RuntimeError && /Backward hook returned an invalid number of grad_input, got 0, but expected 1/.test(e.message));
});

test("full backward pre-hook: scaling grad_output by 2 doubles every gradient behind the module", () => {
  // Closed form: the module is linear in its output's gradient, so grads upstream double.
  const build = () => {
    const lin = new nn.Linear(3, 2);
    lin.loadStateDict({ weight: tensor([[1, -2, 0.5], [0.25, 3, -1]]), bias: tensor([0.1, -0.2]) });
    return lin;
  };
  const x0 = [[1, 2, 3], [-1, 0.5, 2]];
  const plain = build();
  const xa = tensor(x0).requiresGrad_();
  (plain.forward(xa) as Tensor).pow(2).sum().backward();
  const hooked = build();
  let seen: (Tensor | null)[] = [];
  hooked.registerFullBackwardPreHook((_m, go) => {
    seen = go;
    return go.map((g) => g!.mul(2));
  });
  const xb = tensor(x0).requiresGrad_();
  (hooked.forward(xb) as Tensor).pow(2).sum().backward();
  // d(sum y^2)/dy = 2y: the pre-hook sees that.
  const y = (build().forward(tensor(x0)) as Tensor).mul(2);
  assert.deepEqual([...seen[0]!.data], [...y.data]);
  assert.deepEqual([...xb.grad!.data], [...xa.grad!.data].map((v) => 2 * v));
  assert.deepEqual([...hooked.weight.grad!.data], [...plain.weight.grad!.data].map((v) => 2 * v));
});

test("hooks run in PyTorch's order: pre-hooks, forward, forward hooks, then backward hooks", () => {
  const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const log: string[] = [];
  for (const [name, mod] of [["0", seq.get(0)], ["2", seq.get(2)], ["seq", seq]] as Array<[string, nn.Module]>) {
    mod.registerForwardPreHook(() => void log.push(`pre ${name}`));
    mod.registerForwardHook(() => void log.push(`fwd ${name}`));
    mod.registerFullBackwardHook(() => void log.push(`bwd ${name}`));
  }
  (seq.forward(tensor([[1, 2], [3, -4], [0.5, 1]]).requiresGrad_()) as Tensor).sum().backward();
  assert.deepEqual(log, fx.order);
});

test("forward pre-hook return replaces the arguments; forward hook return replaces the output", () => {
  const lin = new nn.Linear(2, 1);
  lin.loadStateDict({ weight: tensor([[1, 1]]), bias: tensor([0]) });
  const x = tensor([[1, 2]]);
  const h1 = lin.registerForwardPreHook((_m, [a]) => (a as Tensor).mul(10)); // a single value is one argument
  assert.deepEqual((lin.forward(x) as Tensor).tolist(), [[30]]);
  const h2 = lin.registerForwardHook((_m, args, out) => {
    assert.deepEqual((args[0] as Tensor).tolist(), [[10, 20]]); // the hook sees the replaced arguments
    return (out as Tensor).add(1);
  });
  assert.deepEqual((lin.forward(x) as Tensor).tolist(), [[31]]);
  h1.remove();
  h2.remove();
  assert.deepEqual((lin.forward(x) as Tensor).tolist(), [[3]]);
});

test("prepend puts a hook before the ones already registered; removal takes exactly one out", () => {
  const lin = new nn.Linear(2, 1);
  const log: string[] = [];
  const a = lin.registerForwardHook(() => void log.push("a"));
  lin.registerForwardHook(() => void log.push("b"));
  lin.registerForwardHook(() => void log.push("c"), { prepend: true });
  lin.forward(tensor([[1, 2]]));
  assert.deepEqual(log, ["c", "a", "b"]);
  a.remove();
  a.remove(); // twice is harmless
  log.length = 0;
  lin.forward(tensor([[1, 2]]));
  assert.deepEqual(log, ["c", "b"]);
});

test("the forward wrapper exists only while a hook does, and is not a member", () => {
  const lin = new nn.Linear(2, 1);
  assert.equal(Object.getOwnPropertyDescriptor(lin, "forward"), undefined);
  const h = lin.registerForwardPreHook(() => undefined);
  const g = lin.registerFullBackwardHook(() => undefined);
  assert.ok(Object.getOwnPropertyDescriptor(lin, "forward"));
  assert.deepEqual(lin.namedParameters().map(([n]) => n), ["weight", "bias"]);
  assert.deepEqual(Object.keys(lin.stateDict()), ["weight", "bias"]);
  assert.deepEqual(hookCounts(lin), { forwardPre: 1, forward: 0, backward: 1, backwardPre: 0 });
  h.remove();
  assert.ok(Object.getOwnPropertyDescriptor(lin, "forward"), "one hook is left");
  g.remove();
  assert.equal(Object.getOwnPropertyDescriptor(lin, "forward"), undefined);
  // An instance's own forward is restored, not deleted.
  const m = new nn.Module();
  const own = (x: unknown) => x;
  (m as unknown as { forward: unknown }).forward = own;
  m.registerForwardHook(() => undefined).remove();
  assert.equal(m.forward, own);
});

test("bad hooks and options fail where they enter, naming what was given", () => {
  const lin = new nn.Linear(2, 1);
  assert.throws(() => lin.registerForwardHook(null as never), /registerForwardHook\(\) expects a hook function, got null/);
  assert.throws(() => lin.registerForwardPreHook(() => undefined, { prepend: 1 } as never), /prepend must be a boolean, got 1/);
  assert.throws(() => lin.registerFullBackwardHook(() => undefined, { with_kwargs: true } as never), /unexpected option 'with_kwargs'/);
  assert.equal(Object.getOwnPropertyDescriptor(lin, "forward"), undefined, "a rejected hook installs nothing");
});

test("hooks see no backward wiring without grad: noGrad forward leaves outputs untouched", async () => {
  const { noGrad } = await import("../../lib/index.js");
  const lin = new nn.Linear(2, 1);
  let called = false;
  lin.registerFullBackwardHook(() => void (called = true));
  const y = noGrad(() => lin.forward(tensor([[1, 2]]).requiresGrad_())) as Tensor;
  assert.equal(y.gradFn, null);
  assert.equal(called, false);
});
