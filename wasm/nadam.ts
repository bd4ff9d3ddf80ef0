// AssemblyScript source of the NAdam update (dist/wasm/nadam.wasm): the "wasm-simd"
// implementation of lib/optim/nadam.ts's kernel, float32 in the JavaScript reference's (and
// PyTorch's single-tensor NAdam's) order:
//   g = -grad if maximize; param *= decay (decoupled) | g = g + wd*param (L2)
//   exp_avg.lerp_(g, 1-beta1); exp_avg_sq = exp_avg_sq*beta2 + (1-beta2)*(g*g)
//   denom = sqrt(exp_avg_sq / bias_correction2) + eps
//   param += grad_step * (g / denom); param += avg_step * (exp_avg / denom)

import { decayed1, decayed4, gradient1, gradient4 } from "./shared/prologue";

export function nadam(
  p: usize, g: usize, m: usize, v: usize, _e: usize, n: i32,
  sign: f64, l2: f64, decay: f64, beta1: f64, beta2: f64, eps: f64, bc2: f64, gradStep: f64, avgStep: f64,
): void {
  const signs = <f32>sign, l2s = <f32>l2, decays = <f32>decay, w1 = <f32>(1 - beta1), b2 = <f32>beta2, w2 = <f32>(1 - beta2);
  const epss = <f32>eps, bc2s = <f32>bc2, gs = <f32>gradStep, as = <f32>avgStep;
  const useDecay = decay != 1, useL2 = !useDecay && l2 != 0;
  const vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vDecay = f32x4.splat(decays), vW1 = f32x4.splat(w1), vB2 = f32x4.splat(b2);
  const vW2 = f32x4.splat(w2), vEps = f32x4.splat(epss), vBc2 = f32x4.splat(bc2s), vGs = f32x4.splat(gs), vAs = f32x4.splat(as);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const p0 = v128.load(p + o);
    const gi = gradient4(g + o, p0, vSign, vL2, useL2);
    let pi = decayed4(p0, vDecay, useDecay);
    const m0 = v128.load(m + o);
    const mi = f32x4.add(m0, f32x4.mul(vW1, f32x4.sub(gi, m0)));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vB2), f32x4.mul(vW2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(vi, vBc2)), vEps);
    pi = f32x4.add(pi, f32x4.mul(vGs, f32x4.div(gi, denom)));
    v128.store(p + o, f32x4.add(pi, f32x4.mul(vAs, f32x4.div(mi, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p0 = load<f32>(p + o);
    const gi = gradient1(g + o, p0, signs, l2s, useL2);
    let pi = decayed1(p0, decays, useDecay);
    const m0 = load<f32>(m + o);
    const mi = m0 + w1 * (gi - m0);
    const vi = load<f32>(v + o) * b2 + w2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const denom = sqrt(vi / bc2s) + epss;
    pi = pi + gs * (gi / denom);
    store<f32>(p + o, pi + as * (mi / denom));
  }
}
