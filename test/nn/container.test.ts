import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyError, nn, ones, tensor } from "../../lib/index.js";

const names = (m: nn.Module) => m.namedChildren().map(([n]) => n);

test("Sequential: .get with negative indices, length, iteration, forward chaining", () => {
  const a = new nn.Linear(2, 3);
  const r = new nn.ReLU();
  const b = new nn.Linear(3, 1);
  const seq = new nn.Sequential(a, r, b);
  assert.equal(seq.length, 3);
  assert.equal(seq.get(0), a);
  assert.equal(seq.get(-1), b);
  assert.equal(seq.get(-3), a);
  assert.throws(() => seq.get(3), { name: "RangeError", message: "index 3 is out of range" });
  assert.throws(() => seq.get(-4), /index -4 is out of range/);
  assert.throws(() => seq.get(1.5), /index must be an integer, got 1.5/);
  assert.deepEqual([...seq], [a, r, b]);
  assert.deepEqual(names(seq), ["0", "1", "2"]);
  // forward = b(relu(a(x))); checked with hand-set weights: a = identity rows, b = sum.
  a.weight.data.set([1, 0, 0, 1, -1, -1]);
  a.bias!.data.set([0, 0, 0]);
  b.weight.data.set([1, 1, 1]);
  b.bias!.data.set([0.5]);
  // x = [1, -2]: a(x) = [1, -2, 1] -> relu [1, 0, 1] -> sum + 0.5 = 2.5
  assert.deepEqual((seq.forward(tensor([[1, -2]])) as { tolist(): unknown }).tolist(), [[2.5]]);
});

test("Sequential: append, insert, pop renumber children as PyTorch does; slice keeps names", () => {
  const [x, y, z, w] = [new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid(), new nn.SiLU()];
  const seq = new nn.Sequential(x, y);
  seq.append(z);
  assert.deepEqual(names(seq), ["0", "1", "2"]);
  seq.insert(1, w);
  assert.deepEqual([...seq], [x, w, y, z]);
  assert.deepEqual(names(seq), ["0", "1", "2", "3"]);
  assert.equal(seq.pop(0), x);
  assert.deepEqual([...seq], [w, y, z]);
  assert.deepEqual(names(seq), ["0", "1", "2"]);
  seq.set(-1, x);
  assert.equal(seq.get(2), x);
  const named = new nn.Sequential(new Map<string, nn.Module>([["fc", new nn.Linear(1, 1)], ["act", y], ["out", z]]));
  const tail = named.slice(1);
  assert.ok(tail instanceof nn.Sequential);
  assert.deepEqual(names(tail), ["act", "out"]);
  assert.equal(tail.toString(), "Sequential(\n  (act): Tanh()\n  (out): Sigmoid()\n)");
  seq.extend([new nn.Identity()]);
  assert.equal(seq.length, 4);
});

test("ModuleList: registers its modules, list operations, no forward", () => {
  const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
  assert.deepEqual(list.namedParameters().map(([n]) => n), ["0.weight", "0.bias", "1.weight", "1.bias"]);
  list.append(new nn.Linear(2, 1));
  assert.equal(list.length, 3);
  assert.equal((list.get(-1) as nn.Linear).outFeatures, 1);
  assert.equal(list.slice(0, 2).length, 2);
  list.pop(1);
  assert.deepEqual(names(list), ["0", "1"]);
  assert.throws(() => list.forward(ones(2)), /Module \[ModuleList\] is missing the required "forward" function/);
  let x = ones(1, 2);
  for (const m of list) x = (m as nn.Linear).forward(x.shape[1] === 2 ? x : x);
  assert.deepEqual(x.shape, [1, 1]);
});

test("ModuleDict: insertion order also for integer-like keys; get, set, has, pop, keys, items, update", () => {
  const d = new nn.ModuleDict(new Map<string, nn.Module>([["10", new nn.ReLU()], ["b", new nn.Tanh()], ["2", new nn.Sigmoid()]]));
  assert.deepEqual(d.keys(), ["10", "b", "2"]);
  assert.deepEqual([...d], ["10", "b", "2"]);
  assert.deepEqual(names(d), ["10", "b", "2"]);
  assert.ok(d.get("b") instanceof nn.Tanh);
  assert.throws(() => d.get("zz"), (e: unknown) => e instanceof KeyError && (e as Error).message === '"zz" (keys: "10", "b", "2")');
  d.set("1", new nn.Identity());
  assert.deepEqual(d.keys(), ["10", "b", "2", "1"]);
  assert.ok(d.has("1") && !d.has("3"));
  assert.ok(d.pop("b") instanceof nn.Tanh);
  assert.deepEqual(d.keys(), ["10", "2", "1"]);
  d.update([["0", new nn.ReLU()]]);
  assert.deepEqual(d.items().map(([k]) => k), ["10", "2", "1", "0"]);
  assert.equal(d.length, 4);
  assert.equal(d.values().length, 4);
  d.clear();
  assert.equal(d.length, 0);
  assert.equal(d.toString(), "ModuleDict()");
  assert.throws(() => new nn.ModuleDict({ a: 3 as never }), /ModuleDict: value for "a" is 3, not a Module/);
  // an array of pairs and a plain object work too
  assert.deepEqual(new nn.ModuleDict([["x", new nn.ReLU()], ["y", new nn.Tanh()]]).keys(), ["x", "y"]);
  assert.deepEqual(new nn.ModuleDict({ actor: new nn.ReLU(), critic: new nn.Tanh() }).keys(), ["actor", "critic"]);
});

test("a Sequential nested in a model is found by namedParameters and getSubmodule", () => {
  class Net extends nn.Module {
    features = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU());
    head = new nn.ModuleDict({ cls: new nn.Linear(2, 3) });
  }
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n]) => n), ["features.0.weight", "features.0.bias", "head.cls.weight", "head.cls.bias"]);
  assert.equal(net.getSubmodule("features.0"), net.features.get(0));
  assert.equal(net.getParameter("head.cls.bias").shape[0], 3);
});

test("a subclass of Sequential may add members of its own; they follow the children", () => {
  class Residual extends nn.Sequential {
    skip = new nn.Linear(2, 2);
  }
  const r = new Residual(new nn.Linear(2, 2), new nn.ReLU());
  assert.deepEqual(names(r), ["0", "1", "skip"]);
  assert.deepEqual(r.namedParameters().map(([n]) => n), ["0.weight", "0.bias", "skip.weight", "skip.bias"]);
  assert.equal(r.length, 3);
});
