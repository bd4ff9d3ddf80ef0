/**
 * Every differentiable op against torch 1.13 (test/fixtures/autograd_fixtures.py): forward value,
 * grad_fn name and each input's gradient for a fixed upstream gradient, broadcasting included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as P from "../../lib/index.js";
import { nn, Tensor } from "../../lib/index.js";
import { assertClose } from "../util.js";
import { autogradFixture, fromTJ, label, type OpCase } from "./fixture.js";

const F = nn.functional;
type Args = Record<string, any>;

/** The same ops as the generator's OPS table, through paramlab's API (methods and functions). */
export const OPS: Record<string, (xs: Tensor[], a: Args) => Tensor> = {
  add: ([a, b], { alpha }) => (alpha === undefined ? a.add(b) : P.add(a, b, { alpha })),
  add_scalar: ([a], { s }) => a.add(s),
  sub: ([a, b], { alpha }) => P.sub(a, b, { alpha }),
  sub_scalar: ([a], { s }) => a.sub(s),
  mul: ([a, b]) => a.mul(b),
  mul_scalar: ([a], { s }) => P.mul(a, s),
  div: ([a, b]) => a.div(b),
  div_scalar: ([a], { s }) => a.div(s),
  neg: ([a]) => a.neg(),
  pow_scalar: ([a], { e }) => a.pow(e),
  pow_tensor: ([a, b]) => P.pow(a, b),
  exp: ([a]) => a.exp(),
  log: ([a]) => P.log(a),
  sqrt: ([a]) => a.sqrt(),
  abs: ([a]) => a.abs(),
  clamp: ([a], { lo, hi }) => a.clamp(lo, hi),
  matmul: ([a, b]) => a.matmul(b),
  sum: ([a], { dim, keepdim }) => a.sum(dim, keepdim),
  mean: ([a], { dim, keepdim }) => P.mean(a, dim, keepdim),
  max: ([a]) => a.max(),
  max_dim: ([a], { dim, keepdim }) => a.max(dim, keepdim).values,
  min: ([a]) => P.min(a),
  min_dim: ([a], { dim, keepdim }) => P.min(a, dim, keepdim).values,
  view: ([a], { shape }) => a.view(shape),
  reshape: ([a], { shape }) => P.reshape(a, shape),
  flatten: ([a], { start, end }) => a.flatten(start, end),
  transpose: ([a], { d0, d1 }) => a.transpose(d0, d1),
  permute: ([a], { dims }) => a.permute(dims),
  squeeze: ([a], { dim }) => a.squeeze(dim),
  unsqueeze: ([a], { dim }) => a.unsqueeze(dim),
  expand: ([a], { shape }) => a.expand(shape),
  t: ([a]) => a.t(),
  cat: (xs, { dim }) => P.cat(xs, dim),
  stack: (xs, { dim }) => P.stack(xs, dim),
  select: ([a], { dim, index }) => a.select(dim, index),
  narrow: ([a], { dim, start, length }) => a.narrow(dim, start, length),
  index_select: ([a, i], { dim }) => a.indexSelect(dim, i),
  gather: ([a, i], { dim }) => a.gather(dim, i),
  where: ([c, a, b]) => P.where(c, a, b),
  masked_fill: ([a, m], { value }) => a.maskedFill(m, value),
  linear: ([x, w, b]) => F.linear(x, w, b ?? null),
  relu: ([a]) => F.relu(a),
  gelu: ([a], { approximate }) => F.gelu(a, approximate),
  tanh: ([a]) => F.tanh(a),
  sigmoid: ([a]) => F.sigmoid(a),
  silu: ([a]) => F.silu(a),
  leaky_relu: ([a], { slope }) => F.leakyRelu(a, slope),
  elu: ([a], { alpha }) => F.elu(a, alpha),
  softmax: ([a], { dim }) => F.softmax(a, dim),
  log_softmax: ([a], { dim }) => F.logSoftmax(a, dim),
};

/**
 * Node names where current PyTorch differs from 1.13: `_reshape_alias` is gone since PyTorch
 * 2.0, and reshape / flatten of a contiguous tensor record ViewBackward0 (aten/src/ATen/native/
 * TensorShape.cpp, `reshape_symint` calls `view` when the strides allow it).
 */
const CURRENT_NAMES: Record<string, string> = { ReshapeAliasBackward0: "ViewBackward0" };

/** Runs a recorded case through paramlab: inputs, output, backward. */
export function runCase(c: OpCase): { inputs: Tensor[]; out: Tensor } {
  const inputs = c.inputs.map((i) => fromTJ(i).requiresGrad_(i.requires_grad));
  const out = OPS[c.op](inputs, c.args);
  out.backward(fromTJ(c.grad_output));
  return { inputs, out };
}

test("the fixture comes from torch 1.13", () => {
  assert.match(autogradFixture.torch, /^1\.13/);
  assert.ok(autogradFixture.ops.length >= 70);
});

for (const c of autogradFixture.ops) {
  test(`${label(c)} matches PyTorch: value, grad_fn and gradients`, () => {
    const { inputs, out } = runCase(c);
    assert.deepEqual(out.shape, c.output.shape, "output shape");
    assertClose(out.data, c.output.values, { rtol: 2e-6, atol: 1e-6, what: "output" });
    assert.equal(out.gradFn?.name(), CURRENT_NAMES[c.grad_fn] ?? c.grad_fn, "grad_fn");
    c.grads.forEach((g, i) => {
      if (g === null) {
        assert.equal(inputs[i].grad, null, `input ${i} should get no grad`);
        return;
      }
      assert.ok(inputs[i].grad !== null, `input ${i} has no grad`);
      assert.deepEqual(inputs[i].grad!.shape, g.shape, `grad ${i} shape`);
      assertClose(inputs[i].grad!.data, g.values, { rtol: 1e-5, atol: 1e-6, what: `grad of input ${i}` });
    });
  });
}

test("every op of the generator's table is exercised", () => {
  const used = new Set(autogradFixture.ops.map((c) => c.op));
  assert.deepEqual(Object.keys(OPS).filter((k) => !used.has(k)), []);
});
