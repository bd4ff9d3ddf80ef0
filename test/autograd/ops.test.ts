/**
 * Every differentiable op against torch 1.13 (test/fixtures/autograd_fixtures.py): forward value,
 * grad_fn name and each input's gradient for a fixed upstream gradient, broadcasting included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../lib/index.js";
import { assertClose } from "../util.js";
import { autogradFixture, fromTJ, label, type OpCase } from "./fixture.js";
import { OPS } from "./op_table.js";

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
