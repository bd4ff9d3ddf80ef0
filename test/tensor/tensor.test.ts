import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor, tensor, zeros, ones, full, ValueError } from "../../lib/index.js";
import { assertThrowsMessage } from "../util.js";

test("tensor() infers the shape of nested arrays and keeps row-major order", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.numel, 6);
  assert.equal(t.dtype, "float32");
  assert.deepEqual([...t.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
});

test("tensor() with an explicit shape reshapes flat values and checks the count", () => {
  assert.deepEqual(tensor([1, 2, 3, 4, 5, 6], [3, 2]).tolist(), [[1, 2], [3, 4], [5, 6]]);
  assertThrowsMessage(() => tensor([1, 2, 3], [2, 2]), ValueError, "tensor(): shape [2, 2] needs 4 values, got 3");
  assert.throws(() => tensor([[1, 2], [3]]), /nested arrays must be rectangular/);
});

test("float32 storage rounds values as PyTorch's default dtype does", () => {
  // 0.1 is not representable in float32: nearest is 0.100000001490116...
  assert.equal(tensor([0.1]).data[0], Math.fround(0.1));
  assert.notEqual(tensor([0.1]).data[0], 0.1);
});

test("zeros, ones and full accept a shape array or separate sizes", () => {
  assert.deepEqual(zeros(2, 3).shape, [2, 3]);
  assert.deepEqual(zeros([2, 3]).shape, [2, 3]);
  assert.ok(ones(4).data.every((v) => v === 1));
  assert.ok(full([2], 7).data.every((v) => v === 7));
  assertThrowsMessage(() => zeros(2, -1), ValueError, "shape must contain non-negative integers, got [2,-1]");
});

test("Tensor constructor rejects data whose length does not match the shape", () => {
  assertThrowsMessage(
    () => new Tensor(new Float32Array(5), [2, 3]),
    ValueError,
    "shape [2, 3] is invalid for input of size 5 (expected 6 elements)",
  );
});

test("view shares storage and infers one -1 dimension", () => {
  const t = tensor([1, 2, 3, 4, 5, 6]);
  const v = t.view(2, -1);
  assert.deepEqual(v.shape, [2, 3]);
  v.data[0] = 42;
  assert.equal(t.data[0], 42);
  assert.throws(() => t.view(4, -1), ValueError);
});

test("toString matches PyTorch's printing", () => {
  // Strings printed by torch 1.13: print(torch.tensor([[1.,2.],[3.,4.5]])) etc.
  assert.equal(tensor([[1, 2], [3, 4.5]]).toString(), "tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])");
  assert.equal(tensor([1, 2, 3]).toString(), "tensor([1., 2., 3.])");
  assert.equal(tensor([1e-5, 1]).toString(), "tensor([1.0000e-05, 1.0000e+00])");
  assert.equal(zeros(2000).toString(), "tensor([0., 0., 0.,  ..., 0., 0., 0.])");
});
