import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, ones, tensor, RuntimeError, ValueError } from "../../lib/index.js";
import { nnFixture } from "./fixture.js";

/**
 * Each bad input raises paramlab's error whose message starts with PyTorch's own (recorded by
 * nn_fixtures.py); paramlab may add the given value after it.
 */
const cases: Record<string, [() => unknown, new (...a: never[]) => Error]> = {
  "Conv2d(3, 8, 3, groups=2)": [() => new nn.Conv2d(3, 8, 3, { groups: 2 }), ValueError],
  "Conv2d(4, 6, 3, groups=4)": [() => new nn.Conv2d(4, 6, 3, { groups: 4 }), ValueError],
  "Conv2d(4, 4, 3, groups=0)": [() => new nn.Conv2d(4, 4, 3, { groups: 0 }), ValueError],
  "Conv2d stride 2 padding='same'": [() => new nn.Conv2d(3, 3, 3, { stride: 2, padding: "same" }), ValueError],
  "Dropout(1.5)": [() => new nn.Dropout(1.5), ValueError],
  "Embedding(5, 2, padding_idx=5)": [() => new nn.Embedding(5, 2, { padding_idx: 5 }), ValueError],
  "GELU(approximate='x') forward": [() => new nn.GELU("x" as never), ValueError],
  "LayerNorm(4) on [2, 3]": [() => new nn.LayerNorm(4).forward(ones(2, 3)), RuntimeError],
  "BatchNorm1d on 4-d": [() => new nn.BatchNorm1d(3).forward(ones(2, 3, 2, 2)), ValueError],
  "BatchNorm2d on 3-d": [() => new nn.BatchNorm2d(3).forward(ones(2, 3, 2)), ValueError],
  "BatchNorm1d train batch 1": [() => new nn.BatchNorm1d(4).forward(ones(1, 4)), ValueError],
  "Conv2d(3, 8, 3) on 4 channels": [() => new nn.Conv2d(3, 8, 3).forward(ones(1, 4, 5, 5)), RuntimeError],
  "Conv2d(3, 8, 3) on 2-d": [() => new nn.Conv2d(3, 8, 3).forward(ones(3, 5)), RuntimeError],
  "Conv2d(3, 8, 3) on 2x2 image": [() => new nn.Conv2d(3, 8, 3).forward(ones(1, 3, 2, 2)), RuntimeError],
  "Conv1d(3, 8, 3) on 1-d": [() => new nn.Conv1d(3, 8, 3).forward(ones(3)), RuntimeError],
  "Linear(4, 8) on [2, 3]": [() => new nn.Linear(4, 8).forward(ones(2, 3)), RuntimeError],
  "Embedding(5, 2) index 5": [() => new nn.Embedding(5, 2).forward(tensor([5])), RuntimeError],
  "MaxPool2d(3, padding=2)": [() => new nn.MaxPool2d(3, { padding: 2 }).forward(ones(1, 1, 5, 5)), RuntimeError],
  "MaxPool2d(4) on 2x2": [() => new nn.MaxPool2d(4).forward(ones(1, 1, 2, 2)), RuntimeError],
  "MaxPool2d(2) on 1-d": [() => new nn.MaxPool2d(2).forward(ones(5)), RuntimeError],
  "Softmax(3) on 2-d": [() => new nn.Softmax(3).forward(ones(2, 2)), RangeError],
  "AdaptiveAvgPool2d(2) on 1-d": [() => new nn.AdaptiveAvgPool2d(2).forward(ones(4)), RuntimeError],
  "Sequential get(3) of 2": [() => new nn.Sequential(new nn.ReLU(), new nn.ReLU()).get(3), RangeError],
};

for (const [name, [fn, cls]] of Object.entries(cases)) {
  test(`${name} throws ${cls.name} with PyTorch's message`, () => {
    const expected = nnFixture.errors[name];
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      assert.ok((e as Error).message.startsWith(expected), `message ${JSON.stringify((e as Error).message)} should start with ${JSON.stringify(expected)}`);
      return true;
    });
  });
}

test("messages PyTorch builds from a set (order varies) carry the same words", () => {
  assert.match(nnFixture.errors["Conv2d padding='foo'"], /^Invalid padding string 'foo', should be one of \{/);
  assert.throws(() => new nn.Conv2d(3, 3, 3, { padding: "foo" as never }), /^ValueError: Invalid padding string 'foo', should be one of \{'valid', 'same'\}$/);
  assert.match(nnFixture.errors["Conv2d padding_mode='bogus'"], /^padding_mode must be one of \{.*\}, but got padding_mode='bogus'$/);
  assert.throws(() => new nn.Conv2d(3, 3, 3, { padding_mode: "bogus" as never }), /padding_mode must be one of \{'zeros', 'reflect', 'replicate', 'circular'\}, but got padding_mode='bogus'/);
});

test("invalid sizes name the layer, the argument and the value given", () => {
  assert.throws(() => new nn.Linear(4, -1), { name: "ValueError", message: "Linear: out_features must be a non-negative integer, got -1" });
  assert.throws(() => new nn.Linear(2.5 as never, 3), /Linear: in_features must be a non-negative integer, got 2.5/);
  assert.throws(() => new nn.Conv2d(0, 3, 3), /Conv2d: in_channels must be a positive integer, got 0/);
  assert.throws(() => new nn.Conv2d(3, 3, [3, 3, 3] as never), /Conv2d: kernel_size must be a positive integer or a list of 2 positive integers, got \[3,3,3\]/);
  assert.throws(() => new nn.Conv1d(3, 3, 3, { padding: -1 }), /Conv1d: padding must be a non-negative integer or a list of 1 non-negative integers, got -1/);
  assert.throws(() => new nn.Embedding(10, 0), /Embedding: embedding_dim must be a positive integer, got 0/);
  assert.throws(() => new nn.LayerNorm([]), /LayerNorm: normalized_shape must be a positive integer or a non-empty list of positive integers, got \[\]/);
  assert.throws(() => new nn.BatchNorm1d(4, { momentum: 2 }), /BatchNorm1d: momentum must be a number in \[0, 1\] or null, got 2/);
  assert.throws(() => new nn.Bilinear(3, 5, 2).forward(ones(4, 3), ones(4, 4)), /bilinear\(\): input2 size does not match weight size: got 4 but expected 5/);
  assert.throws(() => new nn.Sequential(new nn.ReLU(), 3 as never), /Sequential: argument #1 is 3, not a Module/);
  assert.throws(() => new nn.Flatten(1.5), /Flatten: start_dim must be an integer, got 1.5/);
  assert.throws(() => new nn.Flatten(3).forward(ones(2, 3)), /Dimension out of range \(expected to be in range of \[-2, 1\], but got 3\)/);
  assert.throws(() => new nn.Embedding(5, 2).forward([0.5]), /embedding\(\): indices must be integers, got 0.5/);
});
