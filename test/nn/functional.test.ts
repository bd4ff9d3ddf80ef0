import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, ones, rand, setNumThreads, tensor, zeros } from "../../lib/index.js";
import { assertClose } from "../util.js";

const F = nn.functional;

test("element-wise activations at hand-derived points", () => {
  assert.deepEqual(F.relu(tensor([-1, 0, 2])).tolist(), [0, 0, 2]);
  assert.ok(Number.isNaN(F.relu(tensor([Number.NaN])).data[0]), "relu keeps NaN, as torch");
  assert.deepEqual(F.sigmoid(tensor([0])).tolist(), [0.5]);
  assert.deepEqual(F.tanh(tensor([0])).tolist(), [0]);
  // silu(1) = 1 / (1 + e^-1); gelu(1) = Φ(1) = 0.8413447460685429 (normal CDF table)
  assertClose(F.silu(tensor([1])).data, [1 / (1 + Math.exp(-1))], { rtol: 1e-7 });
  assertClose(F.gelu(tensor([1])).data, [0.8413447460685429], { rtol: 1e-7 });
  // tanh form: 0.5 (1 + tanh(sqrt(2/pi) (1 + 0.044715)))
  assertClose(F.gelu(tensor([1]), "tanh").data, [0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))], { rtol: 1e-7 });
});

test("linear, layerNorm and batchNorm on values worked by hand", () => {
  // [1, 2] · [[1, 0], [0, 1], [1, 1]]ᵀ + [0, 0, 1] = [1, 2, 4]
  assert.deepEqual(F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1])).tolist(), [[1, 2, 4]]);
  // [1, 2, 3]: mean 2, biased variance 2/3, so (x - 2) / sqrt(2/3) = [-1.2247449, 0, 1.2247449]
  assertClose(F.layerNorm(tensor([[1, 2, 3]]), [3], null, null, 0).data, [-1.224744871391589, 0, 1.224744871391589], { rtol: 1e-6 });
  // eval with running mean 1, var 4: (x - 1) / 2 * w + b, w = 3, b = 1
  const y = F.batchNorm(tensor([[3], [5]]), tensor([1]), tensor([4]), { weight: tensor([3]), bias: tensor([1]), eps: 0 });
  assert.deepEqual(y.tolist(), [[4], [7]]);
  // training updates: batch mean 4, unbiased var 2 -> running 0.9*1 + 0.1*4 = 1.3, 0.9*4 + 0.1*2 = 3.8
  const rm = tensor([1]);
  const rv = tensor([4]);
  F.batchNorm(tensor([[3], [5]]), rm, rv, { training: true });
  assertClose(rm.data, [1.3], { rtol: 1e-6 });
  assertClose(rv.data, [3.8], { rtol: 1e-6 });
});

test("dropout: p = 0 and eval return the input, p = 1 zeroes, survivors scale by 1/(1-p)", () => {
  const x = ones(10);
  assert.equal(F.dropout(x, 0, true), x);
  assert.equal(F.dropout(x, 0.5, false), x);
  assert.deepEqual(Array.from(F.dropout(x, 1, true).data), new Array(10).fill(0));
  const y = F.dropout(ones(1000), 0.25, true);
  assert.ok(y.data.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
});

test("embedding looks rows up and maxNorm renormalises the rows it touches", () => {
  const w = tensor([[3, 4], [0.3, 0.4], [6, 8]]);
  const y = F.embedding([[2, 0]], w, { max_norm: 1 });
  assert.deepEqual(y.shape, [1, 2, 2]);
  // rows 0 and 2 had norms 5 and 10 > 1: scaled to norm 1 (minus PyTorch's 1e-7 guard)
  assertClose(y.data, [0.6, 0.8, 0.6, 0.8], { rtol: 1e-6 });
  assertClose(w.data.subarray(2, 4), [0.3, 0.4], { rtol: 0 });
  assert.throws(() => F.embedding([3], w), /index out of range in self \(index 3, num_embeddings 3\)/);
});

test("flatten merges the given dimensions", () => {
  assert.deepEqual(F.flatten(zeros(2, 3, 4)).shape, [24]);
  assert.deepEqual(F.flatten(zeros(2, 3, 4), 1).shape, [2, 12]);
  assert.deepEqual(F.flatten(zeros(2, 3, 4), 0, -2).shape, [6, 4]);
  assert.throws(() => F.flatten(zeros(2, 3), 1, 0), /start_dim cannot come after end_dim/);
});

test("conv2d with padding 'same' keeps the size; a 1x1 kernel is a per-pixel linear map", () => {
  const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
  assert.deepEqual(F.conv2d(x, ones(1, 1, 3, 3), null, { padding: "same" }).tolist(), [[[[10, 10], [10, 10]]]]);
  assert.deepEqual(F.conv2d(x, tensor([2], [1, 1, 1, 1]), tensor([1])).tolist(), [[[[3, 5], [7, 9]]]]);
});

test("Embedding.fromPretrained shares the table, is frozen by default and draws nothing", () => {
  const table = tensor([[1, 2, 3], [4, 5, 6]]);
  manualSeed(0);
  const emb = nn.Embedding.fromPretrained(table);
  assert.deepEqual(rand(1).data, (manualSeed(0), rand(1)).data, "no random numbers consumed");
  assert.equal(emb.weight.requiresGrad, false);
  assert.deepEqual(emb.forward([1, 0]).tolist(), [[4, 5, 6], [1, 2, 3]]);
  table.data[0] = 9;
  assert.equal(emb.weight.data[0], 9, "storage is shared, as PyTorch's");
  assert.equal(nn.Embedding.fromPretrained(table, { freeze: false, padding_idx: 1 }).toString(), "Embedding(2, 3, padding_idx=1)");
  assert.throws(() => nn.Embedding.fromPretrained(zeros(3)), /Embeddings parameter is expected to be 2-dimensional \(got shape \[3\]\)/);
});

test("relu and its gradient on the wasm path (64+ values) and the JavaScript path agree with the definition, NaN and -0 included", () => {
  const specials = [NaN, -0, 0, Infinity, -Infinity, -1e-30, 1e-30, -3, 2.5];
  for (const n of [5, 63, 64, 67, 4096]) {
    const values = Array.from({ length: n }, (_, i) => (i < specials.length ? specials[i] : Math.sin(1.3 * i) * (1 + (i % 7))));
    const x = tensor(values).requiresGrad_();
    const y = F.relu(x);
    // relu(v) = v for v > 0, NaN for NaN, +0 otherwise (torch.relu)
    y.data.forEach((v, i) => {
      const e = Math.fround(values[i]);
      const want = e > 0 ? e : Number.isNaN(e) ? NaN : 0;
      assert.ok(Object.is(v, want), `n=${n}: relu(${e}) = ${v}, expected ${want}`);
    });
    // d relu = g where relu(x) > 0, else 0 (also where the gradient is NaN or infinite)
    const g = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? NaN : i % 4 === 1 ? Infinity : i - 10));
    y.backward(tensor(g));
    x.grad!.data.forEach((v, i) => {
      const want = y.data[i] > 0 ? Math.fround(g[i]) : 0;
      assert.ok(Object.is(v, want), `n=${n}: grad[${i}] = ${v}, expected ${want}`);
    });
  }
});

test("relu on a tensor large enough for the worker pool gives the single-thread values", () => {
  const previous = setNumThreads(2);
  try {
    const n = 300_000; // shared storage, above the pool's threshold
    const x = tensor(Array.from({ length: n }, (_, i) => Math.sin(0.7 * i)));
    const y = F.relu(x);
    for (let i = 0; i < n; i++) {
      const v = x.data[i];
      if (y.data[i] !== (v > 0 ? v : 0)) assert.fail(`relu[${i}] = ${y.data[i]} for ${v}`);
    }
  } finally {
    setNumThreads(previous);
  }
});
