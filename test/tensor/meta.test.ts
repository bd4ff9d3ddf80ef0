/**
 * Shape-only (meta) tensors: PyTorch's printed form (recorded from torch 1.13 in
 * test/fixtures/safetensors_fixtures.json), sizes in the checkpoint's dtype, and a clear error
 * naming the tensor for everything that needs values.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RuntimeError } from "../../lib/errors.js";
import { Parameter } from "../../lib/nn/parameter.js";
import { makeMeta, metaAccessMessage, metaTensor, tensorBytes, withDType } from "../../lib/tensor/meta.js";
import { Tensor, tensor, zeros, type DType } from "../../lib/tensor/tensor.js";
import { tensorBundle } from "../../lib/display/tensor_display.js";

const fixtures = JSON.parse(readFileSync(join(resolve(__dirname, "..", ".."), "test", "fixtures", "safetensors_fixtures.json"), "utf8"));
const reprs: Record<string, string> = fixtures.meta_repr;

function metaParam(shape: number[], dtype: DType, requiresGrad = true): Parameter {
  return makeMeta(new Parameter(new Tensor(new Float32Array(0), [0]), requiresGrad), shape, dtype, "w");
}

describe("meta tensors", () => {
  test("print as PyTorch prints them (torch 1.13 reprs)", () => {
    assert.equal(String(metaTensor([2, 3])), reprs.float32);
    assert.equal(String(metaTensor([2, 3], "bfloat16")), reprs.bfloat16);
    assert.equal(String(metaTensor([2, 3], "float16")), reprs.float16);
    assert.equal(String(metaTensor([2, 3], "int64")), reprs.int64);
    assert.equal(String(metaTensor([5])), reprs.vector_float32);
    assert.equal(String(metaParam([2, 3], "float32")), reprs.parameter_float32);
    assert.equal(String(metaParam([2, 3], "bfloat16")), reprs.parameter_bfloat16);
    assert.equal(String(metaParam([2, 3], "float32", false)), reprs.parameter_frozen);
  });

  test("shape, numel, ndim, dtype and bytes work without storage; isMeta is true only for meta", () => {
    const t = metaTensor([32000, 4096], "bfloat16", "model.embed_tokens.weight");
    assert.equal(t.isMeta, true);
    assert.equal(zeros(2).isMeta, false);
    assert.deepEqual(t.shape, [32000, 4096]);
    assert.equal(t.numel, 131_072_000);
    assert.equal(t.ndim, 2);
    assert.equal(t.size(-1), 4096);
    assert.equal(t.dtype, "bfloat16");
    assert.equal(tensorBytes(t), 262_144_000); // 2 bytes per bf16 value
    assert.equal(tensorBytes(zeros(3)), 12);
  });

  test("everything that needs values throws a RuntimeError naming the tensor", () => {
    const t = metaTensor([4, 4], "bfloat16", "layers.0.q_proj.weight");
    const message = metaAccessMessage("layers.0.q_proj.weight", [4, 4], "bfloat16");
    for (const [what, fn] of Object.entries<() => unknown>({
      data: () => t.data,
      clone: () => t.clone(),
      tolist: () => t.tolist(),
      fill_: () => t.fill_(1),
      normal_: () => t.normal_(),
      copy_into: () => t.copy_(zeros(4, 4)),
      copy_from: () => zeros(4, 4).copy_(t),
      view: () => t.view(16),
      item: () => metaTensor([1], "float32", "s").item(),
      json: () => JSON.stringify({ t }),
      parameter: () => new Parameter(t),
    })) {
      assert.throws(fn, (e: unknown) => e instanceof RuntimeError && (e.message === message || e.message.includes('meta tensor "')), what);
    }
  });

  test("a meta parameter keeps its grad slot and requiresGrad; its display shows shape, dtype and size, no values", () => {
    const p = metaParam([8, 4], "bfloat16");
    p.requiresGrad = false;
    assert.equal(p.grad, null);
    const bundle = tensorBundle(p);
    const html = String(bundle["text/html"]);
    assert.match(html, /bfloat16/);
    assert.match(html, /meta \(shape only, no values\)/);
    assert.match(html, /64 B/);
    assert.equal(bundle["text/plain"], String(p));
  });

  test("withDType tags values with an integer dtype, and rejects unknown names", () => {
    assert.equal(withDType(tensor([1, 2]), "int64").dtype, "int64");
    assert.throws(() => withDType(tensor([1]), "complex64" as never), { name: "ValueError" });
  });
});

describe("integer and bool tensors loaded with values", () => {
  test("print as PyTorch prints them (torch 1.13 reprs): no decimal point, True / False, the dtype suffix", () => {
    for (const [dtype, c] of Object.entries<{ values: number[]; shape: number[]; repr: string }>(fixtures.int_repr)) {
      assert.equal(String(withDType(tensor(c.values, c.shape), dtype as DType)), c.repr, dtype);
    }
  });
});
