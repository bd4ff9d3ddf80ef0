import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { downsample } from "../../lib/display/downsample.js";

/** Max |value| difference between a series and the line through the kept points, over all steps. */
function maxInterpolationError(values: Float64Array, kept: Uint32Array): number {
  let err = 0;
  for (let k = 0; k + 1 < kept.length; k++) {
    const a = kept[k];
    const b = kept[k + 1];
    for (let i = a; i <= b; i++) {
      const t = b === a ? 0 : (i - a) / (b - a);
      const y = values[a] + t * (values[b] - values[a]);
      err = Math.max(err, Math.abs(y - values[i]));
    }
  }
  return err;
}

describe("downsample", () => {
  it("keeps short series whole", () => {
    const v = Float64Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(Array.from(downsample(v, 2000).indices), Array.from({ length: 100 }, (_, i) => i));
  });

  it("keeps every step-decay edge at its exact step (StepLR: lr = 0.1 * 0.5^floor(i / 1000))", () => {
    const n = 100_000;
    const v = Float64Array.from({ length: n }, (_, i) => 0.1 * 0.5 ** Math.floor(i / 1000));
    const { indices, approximate } = downsample(v, 2000);
    assert.equal(approximate, false);
    assert.ok(indices.length <= 2000, `${indices.length} points`);
    const kept = new Set(indices);
    for (let edge = 1000; edge < n; edge += 1000) {
      assert.ok(kept.has(edge - 1) && kept.has(edge), `both sides of the drop at ${edge}`);
    }
    // With both sides of every drop kept, the drawn line is exact.
    assert.equal(maxInterpolationError(v, indices), 0);
  });

  it("keeps restarts, minima and maxima of warm-restart cosine over 1,000,000 steps", () => {
    // CosineAnnealingWarmRestarts(T_0=50000, T_mult=1, eta_min=0): 0.1 * (1 + cos(pi * (i mod T) / T)) / 2
    const n = 1_000_000;
    const T = 50_000;
    const v = Float64Array.from({ length: n }, (_, i) => 0.05 * (1 + Math.cos((Math.PI * (i % T)) / T)));
    const t0 = performance.now();
    const { indices } = downsample(v, 2000);
    const ms = performance.now() - t0;
    assert.ok(indices.length <= 2000);
    assert.ok(ms < 200, `took ${ms} ms`);
    const kept = new Set(indices);
    for (let r = T; r < n; r += T) assert.ok(kept.has(r - 1) && kept.has(r), `restart at ${r}`);
    assert.ok(kept.has(0) && kept.has(n - 1));
    // The drawn line stays within 0.2% of the lr range of the true curve.
    assert.ok(maxInterpolationError(v, indices) < 0.1 * 0.002, `error ${maxInterpolationError(v, indices)}`);
  });

  it("keeps the ends of flat runs (warmup then constant then decay)", () => {
    const n = 50_000;
    const v = Float64Array.from({ length: n }, (_, i) => (i < 1234 ? i / 1234 : i < 30_001 ? 1 : 1 - (i - 30_000) / 40_000));
    const kept = new Set(downsample(v, 500).indices);
    assert.ok(kept.has(1233) || kept.has(1234), "end of warmup");
    assert.ok(kept.has(30_000), "start of decay");
  });

  it("falls back to min/max buckets when jumps exceed the budget, flagging it", () => {
    const v = Float64Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const { indices, approximate } = downsample(v, 1000);
    assert.equal(approximate, true);
    assert.ok(indices.length <= 1000);
  });

  it("rejects a tiny budget", () => {
    assert.throws(() => downsample(new Float64Array(10), 3), RangeError);
  });
});
