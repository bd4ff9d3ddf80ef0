// AssemblyScript source of the Adamax update (dist/wasm/adamax.wasm): the "wasm-simd"
// implementation of lib/optim/adamax.ts's kernel, float32 in the JavaScript reference's (and
// PyTorch's single-tensor Adamax's) order:
//   g = -grad if maximize; g = g + wd*param (L2);  exp_avg.lerp_(g, 1-beta1)
//   exp_inf = max(exp_inf*beta2, |g| + eps) (NaN propagates);  param += -clr * (exp_avg / exp_inf)

import { gradient1, gradient4 } from "./shared/prologue";

export function adamax(p: usize, g: usize, m: usize, u: usize, _e: usize, n: i32, sign: f64, l2: f64, clr: f64, beta1: f64, beta2: f64, eps: f64): void {
  const signs = <f32>sign, l2s = <f32>l2, negClr = <f32>-clr, w1 = <f32>(1 - beta1), b2 = <f32>beta2, epss = <f32>eps;
  const useL2 = l2 != 0;
  const vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vClr = f32x4.splat(negClr), vW1 = f32x4.splat(w1), vB2 = f32x4.splat(b2), vEps = f32x4.splat(epss);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o);
    const gi = gradient4(g + o, pi, vSign, vL2, useL2);
    const m0 = v128.load(m + o);
    const mi = f32x4.add(m0, f32x4.mul(vW1, f32x4.sub(gi, m0)));
    v128.store(m + o, mi);
    const ui = f32x4.max(f32x4.mul(v128.load(u + o), vB2), f32x4.add(f32x4.abs(gi), vEps));
    v128.store(u + o, ui);
    v128.store(p + o, f32x4.add(pi, f32x4.mul(vClr, f32x4.div(mi, ui))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    const gi = gradient1(g + o, pi, signs, l2s, useL2);
    const m0 = load<f32>(m + o);
    const mi = m0 + w1 * (gi - m0);
    store<f32>(m + o, mi);
    const x = load<f32>(u + o) * b2;
    const y = abs(gi) + epss;
    const ui: f32 = x != x || y != y ? NaN : max(x, y);
    store<f32>(u + o, ui);
    store<f32>(p + o, pi + negClr * (mi / ui));
  }
}
