/**
 * The engine's contract: recordOp, grad mode, accumulation, retain_graph, leaf / non-leaf rules.
 * Expected values are derived by hand in the comments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { enableGrad, isGradEnabled, noGrad, ones, RuntimeError, Tensor, tensor, zeros } from "../../lib/index.js";
import { recordOp, SECOND_BACKWARD_MESSAGE } from "../../lib/autograd/function.js";
import { NON_LEAF_REQUIRES_GRAD_MESSAGE } from "../../lib/tensor/tensor.js";
import { assertThrowsMessage } from "../util.js";

/** y = 3x through recordOp, as an op file would write it. */
function triple(x: Tensor): Tensor {
  const out = new Tensor(x.data.map((v) => 3 * v), x.shape);
  return recordOp("TripleBackward0", out, [x], (g) => [new Tensor(g.data.map((v) => 3 * v), g.shape)]);
}

test("recordOp sets gradFn only when grad mode is on and an input requires grad", () => {
  const x = tensor([1, 2]);
  assert.equal(triple(x).gradFn, null);
  x.requiresGrad = true;
  const y = triple(x);
  assert.equal(y.gradFn?.name(), "TripleBackward0");
  assert.equal(y.requiresGrad, true);
  assert.equal(y.isLeaf, false);
  assert.equal(x.isLeaf, true);
  assert.equal(y.toString(), "tensor([3., 6.], grad_fn=<TripleBackward0>)");
  assert.equal(x.toString(), "tensor([1., 2.], requires_grad=True)");
  assert.equal(noGrad(() => triple(x)).gradFn, null);
  assert.equal(noGrad(() => isGradEnabled()), false);
  assert.equal(noGrad(() => enableGrad(() => triple(x))).requiresGrad, true);
  assert.equal(isGradEnabled(), true);
});

test("backward through a chain multiplies, and two backward calls accumulate", () => {
  const x = tensor([1, 2]).requiresGrad_();
  // z = 3(3x) = 9x, gradient [1, 1] -> 9 each; twice -> 18
  triple(triple(x)).backward(ones(2));
  assert.deepEqual([...x.grad!.data], [9, 9]);
  triple(triple(x)).backward(ones(2));
  assert.deepEqual([...x.grad!.data], [18, 18]);
});

test("a tensor used twice gets the sum of both paths (x·x style fan-out)", () => {
  const x = tensor([1]).requiresGrad_();
  // s = 3x + 3x = 6x: d/dx = 6
  triple(x).add(triple(x)).backward();
  assert.deepEqual([...x.grad!.data], [6]);
});

test("backward of a non-scalar needs a gradient; a second backward needs retain_graph", () => {
  const x = tensor([1, 2]).requiresGrad_();
  const y = triple(x);
  assertThrowsMessage(() => y.backward(), RuntimeError, "grad can be implicitly created only for scalar outputs");
  y.backward(ones(2), { retain_graph: true });
  y.backward(ones(2));
  assert.deepEqual([...x.grad!.data], [6, 6]);
  assertThrowsMessage(() => y.backward(ones(2)), RuntimeError, SECOND_BACKWARD_MESSAGE);
  assertThrowsMessage(() => tensor([1]).backward(), RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn");
});

test("requiresGrad is settable on leaves only; frozen leaves get no grad; detach cuts the graph", () => {
  const x = tensor([1]).requiresGrad_();
  const frozen = tensor([2]);
  const y = triple(x).mul(frozen);
  assertThrowsMessage(() => { y.requiresGrad = false; }, RuntimeError, NON_LEAF_REQUIRES_GRAD_MESSAGE);
  y.backward();
  assert.equal(frozen.grad, null);
  assert.deepEqual([...x.grad!.data], [6]);
  const d = y.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.data, y.data);
});

test("only leaves keep .grad unless retainGrad() is called", () => {
  const x = tensor([1, 2]).requiresGrad_();
  const h = triple(x);
  const k = triple(x);
  h.retainGrad();
  assert.equal(h.retainsGrad, true);
  h.mul(k).backward(ones(2));
  // d/dh (h·k) = k = 3x
  assert.deepEqual([...h.grad!.data], [3, 6]);
  assert.equal(k.grad, null);
});

test("grad assignment is shape-checked on every tensor", () => {
  const x = zeros(2);
  assert.throws(() => { x.grad = zeros(3); }, /assigned grad has data of a different size: got shape \[3\], expected \[2\]/);
  x.grad = ones(2);
  assert.deepEqual([...x.grad.data], [1, 1]);
});
