import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, tensor, type MimeBundle } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import { tensorHeadline, tensorStats, valuePreview } from "../../lib/display/tensor_display.js";
import { parseHtml, textOf } from "./helpers.js";

describe("tensor display", () => {
  it("shows shape, dtype, requires_grad, grad and a few values", () => {
    const p = new nn.Parameter(tensor([[1, 2], [3, 4]]));
    const b = toMimeBundle(p) as MimeBundle;
    assert.equal(b.data["text/plain"], p.toString());
    const root = parseHtml(String(b.data["text/html"]));
    const facts = Object.fromEntries(root.querySelectorAll("dt").map((dt, i) => [textOf(dt), textOf(root.querySelectorAll("dd")[i])]));
    assert.equal(facts.shape, "(2, 2)");
    assert.equal(facts.dtype, "float32");
    assert.equal(facts.requires_grad, "True (trainable)");
    assert.equal(facts.grad, "None");
    // min 1, max 4, mean 2.5, population std sqrt(((1.5^2)*2 + (0.5^2)*2) / 4) = sqrt(1.25) = 1.118
    assert.equal(facts.stats, "min 1 · max 4 · mean 2.5 · std 1.118");
    assert.equal(textOf(root.querySelector("pre")), "tensor([[1., 2.], [3., 4.]], requires_grad=True)");
    assert.equal(tensorHeadline(p), "Parameter (2, 2) float32, 4 elements, requires_grad=True, grad: none");
  });

  it("previews large tensors by their first and last values", () => {
    const t = tensor(Array.from({ length: 1000 }, (_, i) => i));
    assert.equal(valuePreview(t.data), "[0, 1, 2, 3, 4, 5, …, 997, 998, 999]");
    const s = tensorStats(new Float32Array([NaN, 1, Infinity, 3]));
    assert.deepEqual(s, { min: 1, max: 3, mean: 2, std: 1, nan: 1, inf: 1 });
  });
});
