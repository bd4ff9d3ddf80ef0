/**
 * Downsampling a long series for drawing without losing what matters in a schedule: every
 * extreme, every jump (step decays, warm restarts) and every flat-segment boundary.
 *
 * Two passes over the data, both O(n):
 * 1. Breakpoints: indices `i - 1` and `i` around every jump, where the change `|v[i] - v[i-1]|`
 *    is non-zero and more than `JUMP_RATIO` times both neighbouring changes (a StepLR decay, a
 *    cosine restart), and around the ends of flat runs (warmup done, schedule ends), so that steps
 *    draw as vertical edges at their exact step and kinks stay sharp.
 * 2. Per-bucket min/max (the M4 method: first, last, min and max of each bucket), which keeps the
 *    drawn envelope exact at the bucket resolution, so every extreme stays visible. Buckets are as
 *    many as the budget allows (monotone buckets cost 2 points, others up to 4).
 * If the breakpoints alone would use more than half the budget, only pass 2 runs and the result
 * is flagged `approximate`.
 */

/** Changes larger than this many times both neighbouring changes are jumps. */
const JUMP_RATIO = 4;

/** Indices kept for one series, sorted ascending, plus whether breakpoints had to be dropped. */
export interface Downsampled {
  indices: Uint32Array;
  approximate: boolean;
}

/**
 * Picks at most `maxPoints` indices of `values` (`n` if `values` is shorter) that draw the same
 * line at plot resolution. First and last index are always kept.
 *
 * @example
 * downsample(trace.lr[0], 2000).indices; // e.g. Uint32Array [0, 1, 499, 500, ..., 999999]
 */
export function downsample(values: ArrayLike<number>, maxPoints = 2000): Downsampled {
  const n = values.length;
  if (!Number.isInteger(maxPoints) || maxPoints < 8) throw new RangeError(`downsample(): maxPoints must be an integer >= 8, got ${maxPoints}`);
  if (n <= maxPoints) return { indices: Uint32Array.from({ length: n }, (_, i) => i), approximate: false };

  const breaks = breakpoints(values, Math.floor(maxPoints / 2));
  const approximate = breaks === null;
  const room = maxPoints - (breaks ? breaks.length : 0) - 2;
  // A monotone bucket keeps 2 points (its ends), a bucket with an interior extreme up to 4: start
  // with room / 2 buckets and shrink in proportion to the overshoot until the result fits.
  let buckets = Math.max(1, Math.floor(room / 2));
  for (;;) {
    const indices = pick(values, buckets, breaks);
    if (indices.length <= maxPoints || buckets === 1) return { indices, approximate };
    buckets = Math.max(1, Math.min(buckets - 1, Math.floor((buckets * maxPoints * 0.95) / indices.length)));
  }
}

/** Marks first / last / min / max of each of `buckets` equal buckets, plus `breaks`; sorted indices. */
function pick(values: ArrayLike<number>, buckets: number, breaks: number[] | null): Uint32Array {
  const n = values.length;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  if (breaks) for (let k = 0; k < breaks.length; k++) keep[breaks[k]] = 1;
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    let vlo = values[start];
    let vhi = vlo;
    for (let i = start + 1; i < end; i++) {
      const v = values[i];
      if (v < vlo || (Number.isNaN(vlo) && !Number.isNaN(v))) {
        vlo = v;
        lo = i;
      }
      if (v > vhi || (Number.isNaN(vhi) && !Number.isNaN(v))) {
        vhi = v;
        hi = i;
      }
    }
    keep[start] = 1;
    keep[end - 1] = 1;
    keep[lo] = 1;
    keep[hi] = 1;
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i];
  const indices = new Uint32Array(count);
  for (let i = 0, j = 0; i < n; i++) if (keep[i]) indices[j++] = i;
  return indices;
}

/**
 * Indices around jumps and flat-run boundaries, or `null` when there are more than `limit`.
 * Exactly equal neighbours count as flat; NaN changes count as jumps.
 */
function breakpoints(values: ArrayLike<number>, limit: number): number[] | null {
  const n = values.length;
  const out: number[] = [];
  let prevD = 0; // |v[i-1] - v[i-2]|
  let d = n > 1 ? Math.abs(values[1] - values[0]) : 0;
  for (let i = 1; i < n; i++) {
    const nextD = i + 1 < n ? Math.abs(values[i + 1] - values[i]) : 0;
    const isJump =
      Number.isNaN(d) || (d > 0 && d > JUMP_RATIO * (Number.isNaN(prevD) ? 0 : prevD) && d > JUMP_RATIO * (Number.isNaN(nextD) ? 0 : nextD));
    // A flat run starts or ends between i-1 and i.
    const flatEdge = (d === 0) !== (prevD === 0) && i > 1;
    // A jump needs both of its ends; a flat-run boundary is a kink at i-1.
    if (isJump || flatEdge) {
      if (out.length === 0 || out[out.length - 1] !== i - 1) out.push(i - 1);
      if (isJump) out.push(i);
      if (out.length > limit) return null;
    }
    prevD = d;
    d = nextD;
  }
  return out;
}
