/**
 * The engine's buffer handling (lib/autograd/engine.ts): gradients an op made for the engine alone
 * (`gradBuffer`) become a leaf's `.grad` without a copy and are summed in place where gradients
 * meet. These tests check that no tensor anyone else holds is ever written through. Expected
 * values are closed forms derived in the comments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, ones, Tensor, tensor } from "../../lib/index.js";
import { SHARED_STORAGE_MIN_ELEMENTS } from "../../lib/tensor/storage.js";
import { wasmAddress } from "../../lib/tensor/wasm.js";

const F = nn.functional;

/** Row-major [rows, cols] from a formula. */
function grid(rows: number, cols: number, f: (r: number, c: number) => number): Tensor {
  return tensor(Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols)), [rows, cols]);
}

/** Column sums of a [rows, cols] tensor. */
function colSums(t: Tensor): number[] {
  const [rows, cols] = t.shape;
  return Array.from({ length: cols }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += t.data[r * cols + c];
    return s;
  });
}

test("a weight used twice gets the sum of both gradients, and each stolen buffer stays its own", () => {
  const x1 = grid(3, 4, (r, c) => r + 0.5 * c);
  const x2 = grid(5, 4, (r, c) => r - c);
  const w = grid(2, 4, () => 0.25).requiresGrad_();
  // loss = Σ x1 Wᵀ + Σ x2 Wᵀ  =>  dW[j][i] = Σ_r x1[r][i] + Σ_r x2[r][i] for every row j
  F.linear(x1, w).sum().add(F.linear(x2, w).sum()).backward();
  const s1 = colSums(x1);
  const s2 = colSums(x2);
  assert.deepEqual([...w.grad!.data], [0, 1].flatMap(() => s1.map((v, i) => v + s2[i])));
});

test("gradients meeting at a computed tensor are summed without touching the retained copy", () => {
  const x = grid(4, 3, (r, c) => (r + 1) * (c - 1));
  const w1 = grid(5, 3, (r, c) => 0.1 * (r + c)).requiresGrad_();
  const a = grid(2, 5, () => 1);
  const b = grid(3, 5, () => 2);
  const h = F.linear(x, w1);
  h.retainGrad();
  // loss = Σ h Aᵀ + Σ h Bᵀ: dL/dh[r][j] = Σ_k A[k][j] + Σ_k B[k][j] = 2·1 + 3·2 = 8 everywhere
  const loss = F.linear(h, a).sum().add(F.linear(h, b).sum());
  loss.backward(null, { retain_graph: true });
  assert.deepEqual([...h.grad!.data], new Array(20).fill(8));
  // dW1[j][i] = Σ_r 8 · x[r][i]
  const expected = [0, 1, 2, 3, 4].flatMap(() => colSums(x).map((v) => 8 * v));
  assert.deepEqual([...w1.grad!.data], expected);
  // A second backward adds the same again, in place in both .grad tensors.
  const hGrad = h.grad!;
  loss.backward();
  assert.equal(h.grad, hGrad);
  assert.deepEqual([...h.grad!.data], new Array(20).fill(16));
  assert.deepEqual([...w1.grad!.data], expected.map((v) => 2 * v));
});

test("a gradient the user kept after zeroing is not reused by the next backward", () => {
  const x = grid(2, 3, (r, c) => r + c);
  const fc = new nn.Linear(3, 2);
  F.linear(x, fc.weight, fc.bias).sum().backward();
  const kept = fc.weight.grad!;
  const keptValues = [...kept.data];
  fc.weight.grad = null;
  F.linear(x, fc.weight, fc.bias).mul(3).sum().backward();
  assert.notEqual(fc.weight.grad, kept);
  assert.deepEqual([...kept.data], keptValues);
  assert.deepEqual([...fc.weight.grad!.data], keptValues.map((v) => 3 * v));
});

test("the default gradient of a scalar is its own buffer, not shared with the next backward", () => {
  const w = tensor([2]).requiresGrad_();
  w.backward();
  const first = w.grad!;
  assert.deepEqual([...first.data], [1]);
  w.grad = null;
  w.backward();
  assert.notEqual(w.grad, first);
  assert.deepEqual([...first.data], [1]);
});

test("large gradients live in ordinary memory, so a synchronous training loop recycles them", () => {
  // Blocks of the shared wasm memory are freed only when the event loop turns; a gradient made
  // there every step of a long synchronous loop would take fresh pages each step.
  const inF = Math.ceil(SHARED_STORAGE_MIN_ELEMENTS / 4);
  const fc = new nn.Linear(inF, 4);
  assert.ok(wasmAddress(fc.weight.data) >= 0 || fc.weight.data.buffer instanceof SharedArrayBuffer, "the weight itself is shared storage");
  F.linear(ones(2, inF), fc.weight, fc.bias).sum().backward();
  const g = fc.weight.grad!;
  assert.equal(wasmAddress(g.data), -1);
  assert.ok(!(g.data.buffer instanceof SharedArrayBuffer));
  // dW[j][i] = Σ_r x[r][i] = 2
  assert.equal(g.data[0], 2);
  assert.equal(g.data[g.numel - 1], 2);
});

// Both orders of the loss's two terms, so the two gradients meet at u's node in either order.
const ORDERS = [(a: Tensor, b: Tensor) => a.add(b), (a: Tensor, b: Tensor) => b.add(a)];

test("a gradient passed on unchanged is not recycled while it is still on its way", () => {
  for (const order of ORDERS) {
    const x = grid(4, 2, (r, c) => 1 + r + c);
    const w = grid(8, 2, () => 0.5).requiresGrad_();
    const shift = grid(4, 8, () => 1);
    const u = F.linear(x, w);
    // u + 1 > 0 everywhere, so dL/du = 1 + 2 = 3: ReluBackward's buffer (32 values, poolable)
    // reaches u's node through AddBackward unchanged and meets the gradient of 2·Σu there.
    order(F.relu(u.add(shift)).sum(), u.sum().mul(2)).backward();
    const s = colSums(x);
    assert.deepEqual([...w.grad!.data], Array.from({ length: 8 }, () => s.map((c) => 3 * c)).flat());
  }
});

test("one buffer returned at two inputs is summed into neither in place", () => {
  for (const order of ORDERS) {
    const x = grid(4, 2, (r, c) => 1 + r + c);
    const w = grid(8, 2, () => 0.5).requiresGrad_();
    const w2 = grid(8, 2, () => 0.25).requiresGrad_();
    const u = F.linear(x, w);
    const v = F.linear(x, w2);
    // dL/du = 1 + 2 = 3 and dL/dv = 1: AddBackward returns ReluBackward's buffer for both.
    order(F.relu(u.add(v)).sum(), u.sum().mul(2)).backward();
    const s = colSums(x);
    assert.deepEqual([...w.grad!.data], Array.from({ length: 8 }, () => s.map((c) => 3 * c)).flat());
    assert.deepEqual([...w2.grad!.data], Array.from({ length: 8 }, () => s).flat());
  }
});

test("recycled gradient buffers start from zero: repeated steps give the same gradients", () => {
  const x = grid(16, 8, (r, c) => Math.sin(r * 8 + c));
  const model = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 32), new nn.ReLU(), new nn.Linear(32, 3));
  const y = tensor(Array.from({ length: 16 }, (_, i) => i % 3));
  const lossFn = new nn.CrossEntropyLoss();
  const grads = (): number[][] => {
    for (const p of model.parameters()) p.grad = null;
    lossFn.forward(model.forward(x), y).backward();
    return model.parameters().map((p) => [...p.grad!.data]);
  };
  const first = grads();
  for (let i = 0; i < 3; i++) assert.deepEqual(grads(), first);
});
