/**
 * Models end to end against torch 1.13 (test/fixtures/autograd_fixtures.py): gradients of an
 * MLP, accumulation over two backward calls, a frozen weight, weight tying, and an MLP trained
 * with AdamW whose parameters match PyTorch's step for step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, noGrad, optim, Tensor, tensor } from "../../lib/index.js";
import { assertClose } from "../util.js";
import { autogradFixture, fromTJ, type Named } from "../autograd/fixture.js";

const F = nn.functional;
const M = autogradFixture.modules;

function mlp(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 3));
}

function assertParams(model: nn.Module, expected: Named, what: string, rtol = 1e-6, atol = 1e-7): void {
  const got = model.namedParameters();
  assert.deepEqual(got.map(([n]) => n), expected.map(([n]) => n));
  got.forEach(([n, p], i) => assertClose(p.data, expected[i][1].values, { rtol, atol, what: `${what} ${n}` }));
}

function assertGrads(model: nn.Module, expected: Array<[string, { values: number[] } | null]>, what: string): void {
  model.namedParameters().forEach(([n, p], i) => {
    const e = expected[i][1];
    if (e === null) assert.equal(p.grad, null, `${what}: ${n} should have no grad`);
    else assertClose(p.grad!.data, e.values, { rtol: 1e-5, atol: 1e-7, what: `${what} ${n}.grad` });
  });
}

const xb = fromTJ({ shape: [6, 2], values: Array.from({ length: 12 }, (_, i) => Math.sin(0.37 * i + 0.1) * 2) });
const yb = tensor([0, 2, 1, 1, 0, 2]);

test("an MLP's parameter gradients match PyTorch", () => {
  const m = mlp(0);
  assertParams(m, M.mlp_grads.params, "seeded init");
  const loss = F.crossEntropy(m.forward(xb), yb);
  assertClose([loss.item()], [M.mlp_grads.loss], { rtol: 1e-6 });
  loss.backward();
  assertGrads(m, M.mlp_grads.grads, "grad");
});

test("two backward calls accumulate into .grad as in PyTorch", () => {
  const m = mlp(0);
  F.crossEntropy(m.forward(xb), yb).backward();
  F.crossEntropy(m.forward(xb.mul(0.5)), yb).backward();
  assertGrads(m, M.accumulation.grads, "accumulated");
});

test("a frozen weight gets no grad, the rest match PyTorch", () => {
  const m = mlp(0);
  (m.get(0) as nn.Linear).weight.requiresGrad = false;
  F.crossEntropy(m.forward(xb), yb).backward();
  assertGrads(m, M.frozen_first_weight.grads, "frozen");
});

test("a weight used by two layers (tying) gets the sum of both gradients", () => {
  manualSeed(1);
  const emb = new nn.Linear(3, 3, false);
  const head = new nn.Linear(3, 3, false);
  head.weight = emb.weight;
  assertClose(emb.weight.data, M.weight_tying.weight.values, { what: "seeded weight" });
  const x = fromTJ({ shape: [4, 3], values: Array.from({ length: 12 }, (_, i) => Math.sin(0.37 * i + 0.1) * 2) });
  head.forward(F.tanh(emb.forward(x))).sum().backward();
  assertClose(emb.weight.grad!.data, M.weight_tying.grad.values, { rtol: 1e-5, atol: 1e-7, what: "tied grad" });
});

test("zeroGrad sets grads to null (PyTorch 2.x); noGrad builds no graph", () => {
  const m = mlp(0);
  F.crossEntropy(m.forward(xb), yb).backward();
  m.zeroGrad();
  for (const p of m.parameters()) assert.equal(p.grad, null);
  const y = noGrad(() => m.forward(xb));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(m.forward(xb).gradFn?.name(), "AddmmBackward0");
});

test("an MLP trained with AdamW matches PyTorch's parameters step for step", () => {
  const T = autogradFixture.trajectory;
  manualSeed(T.seed);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
  assertParams(model, T.init, "init");
  const opt = new optim.AdamW(model.parameters(), { lr: T.lr });
  const lossFn = new nn.CrossEntropyLoss();
  const x = fromTJ(T.x);
  const y = tensor(T.y);
  T.steps.forEach((s, step) => {
    opt.zeroGrad();
    const loss: Tensor = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    assertClose([loss.item()], [s.loss], { rtol: 1e-5, what: `loss at step ${step}` });
    assertParams(model, s.params, `step ${step}`, 1e-4, 2e-6);
  });
});
