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
 */
import { defineKernel } from "./parallel.js";

export const adamKernel = defineKernel(
  "adam",
  ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
  ["sign", "l2", "decay", "beta1", "beta2", "eps", "step_size", "bias_correction2_sqrt"],
  function adam(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const m = a.exp_avg!;
    const v = a.exp_avg_sq!;
    const vmax = a.max_exp_avg_sq;
    const beta2 = s.beta2;
    const eps = s.eps;
    const sign = s.sign;
    const negStep = -s.step_size;
    const w1 = 1 - s.beta1;
    const w2 = 1 - beta2;
    const invBc2 = 1 / s.bias_correction2_sqrt;
    const decay = s.decay;
    const l2 = s.l2;
    if (decay === 1 && l2 === 0 && vmax === null) {
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
    for (let i = start; i < end; i++) {
      let gi = sign * g[i];
      let pi = p[i];
      // PyTorch: param.mul_(1 - lr * weight_decay) for AdamW; grad.add(param, alpha=weight_decay) for Adam.
      if (decay !== 1) pi = f(pi * decay);
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
  },
);
