// AssemblyScript source of the Adam / AdamW update (compiled to dist/wasm/adam.wasm): the
// "wasm-simd" implementation of lib/optim/adam_kernel.ts, registered by lib/optim/kernels/adam_wasm.ts
// and run by the worker pool's runWasmMap. Scalars as the JS kernel names them (sign = -1 with
// maximize; l2 = L2 weight decay; decay = 1 - lr * weight_decay when decoupled, else 1). One fused pass over n elements at the
// byte addresses p, g, m (exp_avg), v (exp_avg_sq) and vmax (max_exp_avg_sq, 0 = no amsgrad).
//
// Every operation is float32, in the order of PyTorch's single-tensor Adam (torch/optim/adam.py),
// each rounded as PyTorch's float32 tensors round it:
//   grad = -grad if maximize;  param *= 1 - lr*wd (decoupled) | grad = grad + wd*param (L2)
//   exp_avg.lerp_(grad, 1 - beta1)             m + w1*(g - m)
//   exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)   v*beta2 + (w2*g)*g
//   denom = (sqrt(v or max(vmax, v)) / sqrt(bias_correction2)).add_(eps)
//   param.addcdiv_(exp_avg, denom, value=-step_size)    p + (-step*m)/denom
// No fused multiply-add (WebAssembly SIMD has none without relaxed-simd), so each lane gives the
// same bits as the scalar tail, and the result does not depend on how the work is split.

import { decayed1, decayed4, gradient1, gradient4 } from "./shared/prologue";

// @ts-ignore: decorator
@inline function lerpSq(g: v128, m: v128, v: v128, w1: v128, b2: v128, w2: v128, mOut: usize, vOut: usize): void {
  v128.store(mOut, f32x4.add(m, f32x4.mul(w1, f32x4.sub(g, m))));
  v128.store(vOut, f32x4.add(f32x4.mul(v, b2), f32x4.mul(f32x4.mul(w2, g), g)));
}

export function adam(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  sign: f64, l2: f64, decay: f64, beta1: f64, beta2: f64, eps: f64, stepSize: f64, bc2Sqrt: f64,
): void {
  const w1s = <f32>(1 - beta1);
  const b2s = <f32>beta2;
  const w2s = <f32>(1 - beta2);
  const epss = <f32>eps;
  const negStep = <f32>-stepSize;
  const bc2 = <f32>bc2Sqrt;
  const decays = <f32>decay;
  const l2s = <f32>l2;
  const useDecay = decay != 1;
  const useL2 = !useDecay && l2 != 0;
  const signs = <f32>sign;
  const w1 = f32x4.splat(w1s), b2 = f32x4.splat(b2s), w2 = f32x4.splat(w2s), ve = f32x4.splat(epss);
  const vs = f32x4.splat(negStep), vb = f32x4.splat(bc2), vd = f32x4.splat(decays), vl = f32x4.splat(l2s), vsign = f32x4.splat(signs);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const p0 = v128.load(p + o);
    const gi = gradient4(g + o, p0, vsign, vl, useL2);
    const pi = decayed4(p0, vd, useDecay);
    lerpSq(gi, v128.load(m + o), v128.load(v + o), w1, b2, w2, m + o, v + o);
    let vv = v128.load(v + o);
    if (vmax != 0) {
      vv = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, vv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vb), ve);
    v128.store(p + o, f32x4.add(pi, f32x4.div(f32x4.mul(vs, v128.load(m + o)), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p0 = load<f32>(p + o);
    const gi = gradient1(g + o, p0, signs, l2s, useL2);
    const pi = decayed1(p0, decays, useDecay);
    const mo = load<f32>(m + o);
    const mi = mo + w1s * (gi - mo);
    const vi = load<f32>(v + o) * b2s + w2s * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    let vv = vi;
    if (vmax != 0) {
      const old = load<f32>(vmax + o);
      vv = old != old || vi != vi ? NaN : max(old, vi); // torch.maximum: NaN propagates
      store<f32>(vmax + o, vv);
    }
    const denom = sqrt(vv) / bc2 + epss;
    store<f32>(p + o, pi + (negStep * mi) / denom);
  }
}
