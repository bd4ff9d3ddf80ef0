/**
 * A second, independent check of every layer's backward: central finite differences of
 * L = Σ y · gy (gy a fixed pattern) against the gradients `backward` accumulates. The layers run in
 * float32, so L is summed in double and the step is large (1e-2); the ops here are linear or
 * smooth at that scale (inputs chosen without near-ties for the max pools).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, noGrad, Tensor, tensor } from "../../lib/index.js";

/** Deterministic values without the RNG: sin(0.37 i + phase) · scale. */
function fixed(shape: number[], scale = 1, phase = 0.1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + phase) * scale), shape);
}

/** Distinct values (a permutation scaled to [-1, 1]): max pooling has no near-ties. */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n * 2 - 1), shape);
}

function lossOf(y: Tensor, gy: Float64Array): number {
  let s = 0;
  for (let i = 0; i < gy.length; i++) s += y.data[i] * gy[i];
  return s;
}

/**
 * Compares d(Σ y·gy)/dt from `backward` with central differences for each tensor in `wrt`
 * (at most `maxPerTensor` evenly spread elements each).
 */
function gradcheck(what: string, f: () => Tensor, wrt: Tensor[], { eps = 1e-2, rtol = 2e-3, atol = 5e-4, maxPerTensor = 60 } = {}): void {
  for (const t of wrt) t.grad = null;
  const y = f();
  const gy = Float64Array.from({ length: y.numel }, (_, i) => Math.cos(0.53 * i + 0.5));
  y.backward(tensor(Array.from(gy), y.shape));
  wrt.forEach((t, k) => {
    assert.ok(t.grad, `${what}: input ${k} got a gradient`);
    const analytic = t.grad!.data;
    const step = Math.max(1, Math.floor(t.numel / maxPerTensor));
    for (let i = 0; i < t.numel; i += step) {
      const old = t.data[i];
      t.data[i] = old + eps;
      const up = t.data[i];
      const lp = lossOf(noGrad(f), gy);
      t.data[i] = old - eps;
      const down = t.data[i];
      const lm = lossOf(noGrad(f), gy);
      t.data[i] = old;
      const numeric = (lp - lm) / (up - down);
      const tol = atol + rtol * Math.abs(numeric);
      assert.ok(Math.abs(analytic[i] - numeric) <= tol, `${what}: input ${k} [${i}]: backward ${analytic[i]}, finite differences ${numeric}`);
    }
  });
}

/** A layer's forward on `inputs`, checked with respect to the inputs and every parameter. */
function checkLayer(what: string, m: nn.Module, inputs: Tensor[], options: Parameters<typeof gradcheck>[3] = {}, seed: number | null = null): void {
  const xs = inputs.map((x) => x.requiresGrad_());
  const f = () => {
    if (seed !== null) manualSeed(seed);
    return (m.forward as (...a: Tensor[]) => Tensor)(...xs);
  };
  gradcheck(what, f, [...xs, ...m.parameters()], options);
}

const cases: Array<[string, () => void]> = [
  ["Conv1d stride, padding, dilation, groups", () => checkLayer("Conv1d", new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }), [fixed([2, 4, 11])])],
  ["Conv1d reflect 'same'", () => checkLayer("Conv1d reflect", new nn.Conv1d(2, 3, 4, { padding: "same", padding_mode: "reflect" }), [fixed([2, 2, 9])])],
  ["Conv2d zeros, groups and dilation", () => checkLayer("Conv2d", new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), [fixed([2, 4, 6, 5])])],
  ["Conv2d reflect", () => checkLayer("Conv2d reflect", new nn.Conv2d(2, 3, 3, { padding: [1, 2], padding_mode: "reflect" }), [fixed([1, 2, 5, 6])])],
  ["Conv2d replicate unbatched", () => checkLayer("Conv2d replicate", new nn.Conv2d(2, 3, 3, { padding: 2, padding_mode: "replicate" }), [fixed([2, 4, 4])])],
  ["Conv2d circular", () => checkLayer("Conv2d circular", new nn.Conv2d(2, 2, 3, { padding: "same", padding_mode: "circular", bias: false }), [fixed([2, 2, 4, 5])])],
  ["MaxPool2d overlapping, padded, dilated, ceil_mode", () => checkLayer("MaxPool2d", new nn.MaxPool2d([3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], ceil_mode: true }), [distinct([2, 2, 7, 6])], { eps: 1e-3 })],
  ["MaxPool1d", () => checkLayer("MaxPool1d", new nn.MaxPool1d(3, { stride: 2, padding: 1 }), [distinct([2, 3, 9])], { eps: 1e-3 })],
  ["AvgPool2d count_include_pad=false ceil_mode", () => checkLayer("AvgPool2d", new nn.AvgPool2d(3, { stride: 2, padding: 1, ceil_mode: true, count_include_pad: false }), [fixed([2, 2, 7, 6])])],
  ["AvgPool1d count_include_pad", () => checkLayer("AvgPool1d", new nn.AvgPool1d(4, { stride: 3, padding: 2, ceil_mode: true }), [fixed([2, 11])])],
  ["AdaptiveAvgPool2d overlapping windows", () => checkLayer("AdaptiveAvgPool2d", new nn.AdaptiveAvgPool2d([5, 4]), [fixed([2, 2, 7, 6])])],
  ["BatchNorm1d train", () => checkLayer("BatchNorm1d train", new nn.BatchNorm1d(3), [fixed([5, 3, 4], 2)])],
  ["BatchNorm2d eval (running statistics)", () => {
    const bn = new nn.BatchNorm2d(3);
    bn.running_mean!.data.set([0.5, -0.2, 0.1]);
    bn.running_var!.data.set([2, 0.5, 1.5]);
    checkLayer("BatchNorm2d eval", bn.eval(), [fixed([2, 3, 3, 3], 2)]);
  }],
  ["BatchNorm2d track_running_stats=false, no affine", () => checkLayer("BatchNorm2d", new nn.BatchNorm2d(2, { track_running_stats: false, affine: false }), [fixed([3, 2, 2, 2], 2)])],
  ["LayerNorm", () => {
    const ln = new nn.LayerNorm([3, 4]);
    ln.weight!.data.set(fixed([3, 4], 1, 1.1).data.map((v) => v + 1.5));
    checkLayer("LayerNorm", ln, [fixed([2, 3, 4], 2)]);
  }],
  ["LayerNorm bias=false (weight only)", () => {
    const ln = new nn.LayerNorm(5, { bias: false });
    assert.deepEqual(ln.namedParameters().map(([n]) => n), ["weight"]);
    ln.weight!.data.set([0.5, 1.5, -1, 2, 0.25]);
    checkLayer("LayerNorm bias=false", ln, [fixed([3, 5], 2)]);
  }],
  ["Embedding with repeated indices", () => {
    const emb = new nn.Embedding(6, 3);
    gradcheck("Embedding", () => emb.forward([[1, 2, 1], [5, 0, 2]]), [emb.weight]);
  }],
  ["Embedding padding_idx: no gradient for that row by design, the others as without it", () => {
    // Finite differences would see the padding row (it is looked up); PyTorch excludes it on purpose.
    const emb = new nn.Embedding(6, 3, { padding_idx: 2 });
    const plain = new nn.Embedding(6, 3);
    plain.weight.data.set(emb.weight.data);
    const gy = fixed([2, 3, 3]);
    emb.forward([[1, 2, 1], [5, 0, 2]]).backward(gy);
    plain.forward([[1, 2, 1], [5, 0, 2]]).backward(gy);
    const expected = [...plain.weight.grad!.data];
    expected.fill(0, 6, 9);
    assert.deepEqual([...emb.weight.grad!.data], expected);
  }],
  ["Dropout (same mask each call)", () => checkLayer("Dropout", new nn.Dropout(0.4), [fixed([4, 6])], {}, 11)],
  ["Bilinear", () => checkLayer("Bilinear", new nn.Bilinear(3, 4, 2), [fixed([2, 3, 3]), fixed([2, 3, 4], 1, 0.7)])],
  ["Flatten and Unflatten", () => {
    const m = new nn.Sequential(new nn.Flatten(0, 1), new nn.Unflatten(1, [2, -1]));
    const x = fixed([2, 3, 4]).requiresGrad_();
    gradcheck("Flatten/Unflatten", () => m.forward(x) as Tensor, [x]);
  }],
];

for (const [name, run] of cases) test(`finite differences agree with backward: ${name}`, run);
