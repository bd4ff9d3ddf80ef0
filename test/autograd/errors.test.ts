/** Bad input fails where it enters, in PyTorch's words (messages checked exactly). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as P from "../../lib/index.js";
import { nn, ones, RuntimeError, tensor, zeros } from "../../lib/index.js";
import { assertThrowsMessage } from "../util.js";

test("shape mismatches in matmul / linear name both shapes", () => {
  const fc = new nn.Linear(3, 64);
  assertThrowsMessage(() => fc.forward(zeros(64, 2)), RuntimeError, "mat1 and mat2 shapes cannot be multiplied (64x2 and 3x64)");
  assertThrowsMessage(() => P.matmul(zeros(2, 3), zeros(4, 5)), RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
  assertThrowsMessage(() => P.matmul(zeros(3), zeros(4)), RuntimeError,
    "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively");
  assertThrowsMessage(() => P.matmul(zeros(2, 3), tensor(1)), RuntimeError, "both arguments to matmul need to be at least 1D, but they are 2D and 0D");
});

test("broadcasting failures name the dimension", () => {
  assertThrowsMessage(() => P.add(zeros(2, 3), zeros(4)), RuntimeError,
    "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
  assertThrowsMessage(() => zeros(3, 2).expand(3, 4), RuntimeError,
    "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [3, 2]");
});

test("shape ops reject bad sizes and dims", () => {
  assert.throws(() => zeros(2, 3).view(4, -1), /shape '\[4, -1\]' is invalid for input of size 6/);
  assertThrowsMessage(() => zeros(2, 3).view(-1, -1), RuntimeError, "only one dimension can be inferred");
  assertThrowsMessage(() => zeros(2, 3).sum(2), RangeError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  assertThrowsMessage(() => P.cat([zeros(2, 3), zeros(2, 4)], 0), RuntimeError,
    "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.");
  assertThrowsMessage(() => P.stack([zeros(2), zeros(3)]), RuntimeError, "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1");
  assertThrowsMessage(() => zeros(2, 3).permute(1, 0, 2), RuntimeError, "number of dims don't match in permute: input.dim() = 2, len(dims) = 3");
});

test("indexing rejects out-of-range and non-integer indices", () => {
  assertThrowsMessage(() => zeros(2, 3).gather(1, tensor([[0], [3]])), RangeError, "index 3 is out of bounds for dimension 1 with size 3");
  assert.throws(() => zeros(2, 3).indexSelect(0, [0, 2]), /index out of range in self: index 2 for dimension 0 with size 2/);
  assert.throws(() => zeros(2, 3).indexSelect(0, tensor([0.5])), /Expected dtype int64 for index, got a non-integer value 0.5/);
  assertThrowsMessage(() => zeros(2, 3).select(0, 2), RangeError, "select(): index 2 out of range for tensor of size [2, 3] at dimension 0");
});

test("wrong kinds of argument are TypeErrors naming what was given", () => {
  assertThrowsMessage(() => P.add([1, 2] as never, 1), TypeError, "add(): argument 'input' must be Tensor, not an array");
  assertThrowsMessage(() => ones(2).mul("2" as never), TypeError, "mul(): argument 'other' must be Tensor or Number, not a string");
  assertThrowsMessage(() => { ones(2).requiresGrad = 1 as never; }, TypeError, "requires_grad must be a boolean, got a number");
  assertThrowsMessage(() => ones(2).backward(ones(3)), RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn");
  assertThrowsMessage(() => ones(2).requiresGrad_().mul(2).backward(ones(3)), RuntimeError,
    "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2]).");
});

test("in-place activations refuse a leaf that requires grad, and keep gradients flowing otherwise", () => {
  const w = ones(3).requiresGrad_();
  assertThrowsMessage(() => new nn.ReLU(true).forward(w), RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation.");
  const h = tensor([-1, 2, 3]).requiresGrad_().mul(1);
  const y = new nn.ReLU(true).forward(h);
  assert.equal(y.data, h.data); // same storage
  assert.deepEqual([...h.data], [0, 2, 3]);
  assert.equal(y.gradFn?.name(), "ReluBackward0");
});
