/**
 * The Adam / AdamW update as one fused pass over the elements `[start, end)`: read `param`,
 * `grad`, `exp_avg`, `exp_avg_sq` once, write them once, allocate nothing.
 *
 * The function is self-contained (only `Math`), because the worker pool (`parallel.ts`) ships its
 * source text to worker threads: the fast path runs this very code on slices of shared storage,
 * so its results are bit-identical to the single-threaded path.
 *
 * `Math.fround` marks where PyTorch materialises a float32 tensor (`grad.add(param)`, `exp_avg`,
 * `exp_avg_sq`, `denom`), so intermediate rounding follows PyTorch's single-tensor Adam.
 *
 * `s` holds the scalars: [lr, beta1, beta2, eps, weight_decay, decoupled (0/1), maximize (0/1),
 * step_size, bias_correction2_sqrt].
 */
export function adamKernel(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vmax: Float32Array | null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const lr = s[0];
  const beta2 = f(s[2]);
  const eps = f(s[3]);
  const wd = s[4];
  const decoupled = s[5] !== 0;
  const maximize = s[6] !== 0;
  const negStep = f(-s[7]);
  const bc2Sqrt = s[8];
  const w1 = f(1 - s[1]);
  const w2 = f(1 - s[2]);
  // PyTorch: param.mul_(1 - lr * weight_decay) for AdamW; grad.add(param, alpha=weight_decay) for Adam.
  const decay = f(1 - lr * wd);
  const l2 = decoupled ? 0 : f(wd);
  const invBc2 = f(1 / bc2Sqrt);
  for (let i = start; i < end; i++) {
    let gi = maximize ? -g[i] : g[i];
    let pi = p[i];
    if (decoupled) {
      if (wd !== 0) pi = f(pi * decay);
    } else if (l2 !== 0) gi = f(gi + l2 * pi);
    const mOld = m[i];
    const mi = f(mOld + w1 * f(gi - mOld));
    const vi = f(f(v[i] * beta2) + w2 * f(gi * gi));
    m[i] = mi;
    v[i] = vi;
    let vv = vi;
    if (vmax !== null) {
      vv = vmax[i];
      if (vi > vv) vv = vi;
      vmax[i] = vv;
    }
    const denom = f(f(f(Math.sqrt(vv)) * invBc2) + eps);
    p[i] = f(pi + negStep * f(mi / denom));
  }
}
