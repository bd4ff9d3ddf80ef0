/**
 * The Adam / AdamW update as one fused pass over the elements `[start, end)`: read `param`,
 * `grad`, `exp_avg`, `exp_avg_sq` once, write them once, allocate nothing. (PyTorch's CPU Adam
 * makes five to seven passes over memory with temporaries; this loop is memory-bound instead.)
 *
 * The function is self-contained (it uses only `Math`), because the worker pool (`parallel.ts`)
 * ships its source text to worker threads: the fast path runs this very code on slices of shared
 * storage, so its results are bit-identical to the single-threaded path.
 *
 * Rounding: the state PyTorch keeps in float32 tensors (`exp_avg`, `exp_avg_sq`, the decayed
 * param, the L2 gradient) is rounded to float32 (`Math.fround`) before it is used again, so the
 * recurrences follow PyTorch's; the arithmetic in between runs in float64, one rounding at the
 * store. Rounding every intermediate instead costs 2x in V8 and moves no result by more than a
 * float32 ulp or two (the parity tests compare at float32 precision).
 *
 * `s` holds the scalars: [lr, beta1, beta2, eps, weight_decay, decoupled (0/1), maximize (0/1),
 * step_size = lr / bias_correction1, sqrt(bias_correction2)].
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
  const beta2 = s[2];
  const eps = s[3];
  const wd = s[4];
  const decoupled = s[5] !== 0;
  const sign = s[6] !== 0 ? -1 : 1;
  const negStep = -s[7];
  const w1 = 1 - s[1];
  const w2 = 1 - beta2;
  const invBc2 = 1 / s[8];
  if (wd === 0 && vmax === null) {
    // The common case, kept free of per-element branches.
    for (let i = start; i < end; i++) {
      const gi = sign * g[i];
      const mOld = m[i];
      const mi = f(mOld + w1 * (gi - mOld));
      const vi = f(v[i] * beta2 + w2 * gi * gi);
      m[i] = mi;
      v[i] = vi;
      p[i] += (negStep * mi) / (Math.sqrt(vi) * invBc2 + eps);
    }
    return;
  }
  // PyTorch: param.mul_(1 - lr * weight_decay) for AdamW; grad.add(param, alpha=weight_decay) for Adam.
  const decay = decoupled ? 1 - lr * wd : 1;
  const l2 = decoupled ? 0 : wd;
  for (let i = start; i < end; i++) {
    let gi = sign * g[i];
    let pi = p[i];
    if (decoupled) pi = f(pi * decay);
    else if (l2 !== 0) gi = f(gi + l2 * pi);
    const mOld = m[i];
    const mi = f(mOld + w1 * (gi - mOld));
    const vi = f(v[i] * beta2 + w2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    let vv = vi;
    if (vmax !== null) {
      vv = vmax[i];
      if (vi > vv || vi !== vi) vv = vi; // torch.maximum: a NaN on either side propagates
      vmax[i] = vv;
    }
    p[i] = pi + (negStep * mi) / (Math.sqrt(vv) * invBc2 + eps);
  }
}
