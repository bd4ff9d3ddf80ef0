// AssemblyScript source of the RAdam update (dist/wasm/radam.wasm): the "wasm-simd"
// implementation of lib/optim/radam.ts's kernel, float32 in the JavaScript reference's (and
// PyTorch's single-tensor RAdam's) order:
//   g = -grad if maximize; param *= decay (decoupled) | g = g + wd*param (L2)
//   exp_avg.lerp_(g, 1-beta1); exp_avg_sq = exp_avg_sq*beta2 + (1-beta2)*(g*g)
//   update = (exp_avg / bias_correction1) * lr
//   rectified (rect != 0): update = (update * (bias_correction2_sqrt / (sqrt(exp_avg_sq) + eps))) * rect
//   param -= update

import { decayed1, decayed4, gradient1, gradient4 } from "./shared/prologue";

export function radam(
  p: usize, g: usize, m: usize, v: usize, _e: usize, n: i32,
  lr: f64, sign: f64, l2: f64, decay: f64, beta1: f64, beta2: f64, eps: f64, bc1: f64, bc2Sqrt: f64, rect: f64,
): void {
  const lrs = <f32>lr, signs = <f32>sign, l2s = <f32>l2, decays = <f32>decay, w1 = <f32>(1 - beta1), b2 = <f32>beta2, w2 = <f32>(1 - beta2);
  const epss = <f32>eps, bc1s = <f32>bc1, bc2s = <f32>bc2Sqrt, rects = <f32>rect;
  const useDecay = decay != 1, useL2 = !useDecay && l2 != 0, rectified = rect != 0;
  const vLr = f32x4.splat(lrs), vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vDecay = f32x4.splat(decays), vW1 = f32x4.splat(w1);
  const vB2 = f32x4.splat(b2), vW2 = f32x4.splat(w2), vEps = f32x4.splat(epss), vBc1 = f32x4.splat(bc1s), vBc2 = f32x4.splat(bc2s), vRect = f32x4.splat(rects);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const p0 = v128.load(p + o);
    const gi = gradient4(g + o, p0, vSign, vL2, useL2);
    const pi = decayed4(p0, vDecay, useDecay);
    const m0 = v128.load(m + o);
    const mi = f32x4.add(m0, f32x4.mul(vW1, f32x4.sub(gi, m0)));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vB2), f32x4.mul(vW2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    let upd = f32x4.mul(f32x4.div(mi, vBc1), vLr);
    if (rectified) upd = f32x4.mul(f32x4.mul(upd, f32x4.div(vBc2, f32x4.add(f32x4.sqrt(vi), vEps))), vRect);
    v128.store(p + o, f32x4.sub(pi, upd));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p0 = load<f32>(p + o);
    const gi = gradient1(g + o, p0, signs, l2s, useL2);
    const pi = decayed1(p0, decays, useDecay);
    const m0 = load<f32>(m + o);
    const mi = m0 + w1 * (gi - m0);
    const vi = load<f32>(v + o) * b2 + w2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    let upd = (mi / bc1s) * lrs;
    if (rectified) upd = upd * (bc2s / (sqrt(vi) + epss)) * rects;
    store<f32>(p + o, pi - upd);
  }
}
