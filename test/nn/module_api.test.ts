import { test } from "node:test";
import assert from "node:assert/strict";
import { AttributeError, KeyError, manualSeed, nn, ones, RuntimeError, Tensor, zeros } from "../../lib/index.js";
import { nnFixture } from "./fixture.js";

/** The `Tree` model of nn_fixtures.py: shared submodule, tied bias, containers, BatchNorm, non-persistent buffer. */
class Tree extends nn.Module {
  embed = new nn.Linear(3, 4);
  body = new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4), new nn.ReLU());
  heads = new nn.ModuleDict(new Map<string, nn.Module>([["b", new nn.Linear(4, 2)], ["a", new nn.Linear(4, 1)]]));
  shared = this.embed;
  scale = new nn.Parameter(ones(1));
  constructor() {
    super();
    this.registerBuffer("mask", ones(4), false);
    (this.body.get(0) as nn.Linear).bias = this.embed.bias;
  }
}

const api = (nnFixture as unknown as { module_api: Record<string, unknown> }).module_api as {
  repr: string;
  named_modules: string[];
  named_modules_prefix: string[];
  named_children: string[];
  named_parameters: string[];
  named_parameters_prefix: string[];
  named_parameters_norecurse: string[];
  named_buffers: string[];
  state_dict_keys: string[];
  num_parameters: number;
  apply_order: string[];
  load_error_keys: string;
  load_nonstrict: [string[], string[]];
  load_error_size: string;
};

test("named* listings, prefix, recurse and de-duplication equal PyTorch's on a model with sharing", () => {
  manualSeed(50);
  const m = new Tree();
  assert.equal(m.toString(), api.repr);
  assert.deepEqual(m.namedModules().map(([n]) => n), api.named_modules);
  assert.deepEqual(m.namedModules("net").map(([n]) => n), api.named_modules_prefix);
  assert.deepEqual(m.namedChildren().map(([n]) => n), api.named_children);
  assert.deepEqual(m.children(), [m.embed, m.body, m.heads]);
  assert.equal(m.modules().length, api.named_modules.length);
  assert.deepEqual(m.namedParameters().map(([n]) => n), api.named_parameters);
  assert.deepEqual(m.namedParameters("net").map(([n]) => n), api.named_parameters_prefix);
  assert.deepEqual(m.namedParameters("", false).map(([n]) => n), api.named_parameters_norecurse);
  assert.deepEqual(m.parameters(false), [m.scale]);
  assert.deepEqual(m.namedBuffers().map(([n]) => n), api.named_buffers);
  assert.equal(m.buffers().length, api.named_buffers.length);
  assert.deepEqual(Object.keys(m.stateDict()), api.state_dict_keys);
  assert.equal(m.numParameters(), api.num_parameters);
  const order: string[] = [];
  m.apply((mod) => order.push(mod.constructor.name));
  assert.deepEqual(order, api.apply_order);
});

test("without de-duplication a shared module and tied parameter appear under every name", () => {
  const m = new Tree();
  assert.ok(m.namedModules("", false).some(([n]) => n === "shared"));
  assert.deepEqual(
    m.namedParameters("", true, false).filter(([, p]) => p === m.embed.bias).map(([n]) => n),
    ["embed.bias", "body.0.bias", "shared.bias"],
  );
});

test("constructor assignment and class fields register alike; registerX takes computed names", () => {
  class Assigned extends nn.Module {
    fc: nn.Linear;
    gates: nn.Parameter[] = [];
    constructor() {
      super();
      this.fc = new nn.Linear(2, 2);
      for (let i = 0; i < 3; i++) this.registerParameter(`gate_${i}`, new nn.Parameter(zeros(1)));
      this.registerModule("block_0", new nn.Tanh());
      this.registerBuffer("step", zeros([]));
    }
  }
  const m = new Assigned();
  assert.deepEqual(m.namedParameters().map(([n]) => n), ["gate_0", "gate_1", "gate_2", "fc.weight", "fc.bias"]);
  assert.deepEqual(m.namedChildren().map(([n]) => n), ["fc", "block_0"]);
  assert.deepEqual(Object.keys(m.stateDict()), ["gate_0", "gate_1", "gate_2", "step", "fc.weight", "fc.bias"]);
  m.registerParameter("gate_1", null);
  assert.deepEqual(m.namedParameters().map(([n]) => n), ["gate_0", "gate_2", "fc.weight", "fc.bias"]);
});

test("registration rejects names PyTorch rejects", () => {
  const m = new nn.Linear(2, 2);
  assert.throws(() => m.registerParameter("a.b", null), { name: "KeyError", message: 'parameter name can\'t contain ".", got "a.b"' });
  assert.throws(() => m.registerBuffer("", null), /buffer name can't be empty string ""/);
  assert.throws(() => m.registerModule("forward", new nn.ReLU()), (e: unknown) => e instanceof KeyError && /attribute 'forward' already exists/.test((e as Error).message));
  assert.throws(() => m.registerModule("inFeatures", new nn.ReLU()), /attribute 'inFeatures' already exists on Linear/);
  assert.throws(() => m.registerBuffer("weight", zeros(2)), /attribute 'weight' already exists as a parameter/);
  assert.throws(() => m.registerParameter("w", zeros(2) as never), /cannot assign a Tensor object to parameter 'w' \(nn.Parameter or null required\)/);
  const d = new nn.ModuleDict();
  assert.throws(() => d.set("keys", new nn.ReLU()), /attribute 'keys' already exists on ModuleDict/);
});

test("stateDict / loadStateDict round-trip, non-persistent buffers, strict and shape errors", () => {
  manualSeed(1);
  const a = new Tree();
  manualSeed(2);
  const b = new Tree();
  a.body.train().forward(new Tensor(Float32Array.from({ length: 8 }, (_, i) => Math.sin(i)), [2, 4]));
  const sd = a.stateDict();
  assert.ok(!("mask" in sd), "non-persistent buffer left out");
  assert.deepEqual(b.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(b.getParameter("heads.a.weight").data, a.getParameter("heads.a.weight").data);
  assert.deepEqual(b.getBuffer("body.1.running_mean").data, a.getBuffer("body.1.running_mean").data);
  assert.equal(b.getBuffer("body.1.num_batches_tracked").item(), 1);
  // state-dict tensors share storage with the model, as PyTorch's do
  sd["scale"].data[0] = 5;
  assert.equal(a.scale.data[0], 5);
  // JSON round-trip: nested arrays load too
  const json = JSON.parse(JSON.stringify(a.stateDict()));
  assert.deepEqual(b.loadStateDict(json), { missingKeys: [], unexpectedKeys: [] });
  assert.equal(b.scale.data[0], 5);
  const withMask = { ...sd, mask: ones(4) };
  assert.throws(() => b.loadStateDict(withMask), /Unexpected key\(s\) in state_dict: "mask"\. /);
  const partial = { ...sd };
  delete partial["body.1.running_var"];
  assert.deepEqual(b.loadStateDict(partial, { strict: false }), { missingKeys: ["body.1.running_var"], unexpectedKeys: [] });
  assert.throws(
    () => b.loadStateDict({ ...sd, "embed.weight": zeros(3, 4) }, { strict: false }),
    /size mismatch for embed\.weight: copying a param with shape torch\.Size\(\[3, 4\]\) from checkpoint, the shape in current model is torch\.Size\(\[4, 3\]\)\./,
  );
  assert.throws(() => b.loadStateDict([] as never), /Expected state_dict to be a plain object of name -> tensor, got an array/);
});

test("train / eval reach every submodule; Dropout and BatchNorm follow the mode", () => {
  const m = new Tree();
  assert.equal(m.training, true);
  m.eval();
  assert.ok(m.modules().every((x) => x.training === false));
  const bn = m.body.get(1) as nn.BatchNorm1d;
  const before = bn.running_mean!.data.slice();
  m.body.forward(ones(3, 4));
  assert.deepEqual(bn.running_mean!.data, before, "eval does not update running stats");
  assert.equal(m.train().training, true);
  assert.throws(() => m.train("yes" as never), /training mode is expected to be boolean, got a string/);
  const drop = new nn.Dropout(0.5).eval();
  const x = ones(4);
  assert.equal(drop.forward(x), x);
});

test("requiresGrad_, zeroGrad and numParameters({ trainableOnly })", () => {
  const m = new Tree();
  m.embed.requiresGrad_(false);
  // Tree has 56 parameter elements; embed's weight (12) and bias (4) are frozen, the bias is shared.
  assert.equal(m.numParameters({ trainableOnly: true }), 56 - 16);
  for (const p of m.parameters()) p.grad = ones(p.shape);
  m.zeroGrad(false);
  assert.ok(m.parameters().every((p) => p.grad !== null && p.grad.data.every((v) => v === 0)));
  m.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
});

test("getSubmodule / getParameter / getBuffer name what is missing or of the wrong kind", () => {
  const m = new Tree();
  assert.equal(m.getSubmodule("heads.a"), (m.heads as nn.ModuleDict).get("a"));
  assert.equal(m.getSubmodule(""), m);
  assert.throws(() => m.getSubmodule("heads.c"), (e: unknown) => e instanceof AttributeError && /ModuleDict has no attribute `c`/.test((e as Error).message));
  assert.throws(() => m.getParameter("body.1.running_mean"), /`running_mean` is not an nn.Parameter/);
  assert.throws(() => m.getBuffer("body.1.weight"), /`weight` is not a buffer/);
  assert.equal(m.getBuffer("mask").numel, 4);
});

test("the seed tutorial's MyModel prints its names and shapes", () => {
  class MyModel extends nn.Module {
    base = new nn.Linear(4, 8);
    actor = new nn.Linear(8, 2);
    critic = new nn.Linear(8, 1);
  }
  const lines = new MyModel().namedParameters().map(([n, p]) => `${n} torch.Size([${p.shape.join(", ")}])`);
  // Printed by the seed tutorial (PyTorch).
  assert.deepEqual(lines, [
    "base.weight torch.Size([8, 4])",
    "base.bias torch.Size([8])",
    "actor.weight torch.Size([2, 8])",
    "actor.bias torch.Size([2])",
    "critic.weight torch.Size([1, 8])",
    "critic.bias torch.Size([1])",
  ]);
});

test("namedParameters stays cheap on a large model", () => {
  const m = new nn.Sequential(...Array.from({ length: 200 }, () => new nn.Linear(4, 4)));
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) m.namedParameters();
  const perCall = (performance.now() - t0) / 100;
  assert.ok(perCall < 5, `namedParameters on 200 layers took ${perCall.toFixed(2)} ms`);
});

test("loadStateDict's errors and non-strict report are PyTorch's, word for word", () => {
  const m = new Tree();
  const sd: Record<string, Tensor> = { ...m.stateDict() };
  delete sd["body.1.running_var"];
  sd["extra"] = zeros(1);
  assert.throws(() => m.loadStateDict(sd), (e: unknown) => e instanceof RuntimeError && (e as Error).message === api.load_error_keys);
  const report = m.loadStateDict(sd, { strict: false });
  assert.deepEqual([report.missingKeys, report.unexpectedKeys], api.load_nonstrict);
  const resized = { ...m.stateDict(), "embed.weight": zeros(3, 4) };
  assert.throws(() => m.loadStateDict(resized, { strict: false }), (e: unknown) => (e as Error).message === api.load_error_size);
});
