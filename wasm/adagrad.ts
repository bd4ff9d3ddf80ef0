// AssemblyScript source of the Adagrad update (compiled to dist/wasm/adagrad.wasm): the
// "wasm-simd" implementation of lib/optim/adagrad.ts's kernel (lib/optim/kernels/adagrad_wasm.ts).
// Float32 throughout, in the order of PyTorch's single-tensor Adagrad (torch/optim/adagrad.py):
//   g = -grad if maximize;  g = g + wd*param (L2)
//   sum.addcmul_(g, g, value=1)    sum + g*g
//   std = sum.sqrt().add_(eps);  param.addcdiv_(g, std, value=-clr)    param + (-clr*g)/std
// No fused multiply-add, so every lane gives the scalar tail's bits.

import { gradient1, gradient4 } from "./shared/prologue";

export function adagrad(p: usize, g: usize, sum: usize, _d: usize, _e: usize, n: i32, sign: f64, l2: f64, clr: f64, eps: f64): void {
  const signs = <f32>sign, l2s = <f32>l2, negClr = <f32>-clr, epss = <f32>eps;
  const useL2 = l2 != 0;
  const vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vClr = f32x4.splat(negClr), vEps = f32x4.splat(epss);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o);
    const gi = gradient4(g + o, pi, vSign, vL2, useL2);
    const si = f32x4.add(v128.load(sum + o), f32x4.mul(gi, gi));
    v128.store(sum + o, si);
    const std = f32x4.add(f32x4.sqrt(si), vEps);
    v128.store(p + o, f32x4.add(pi, f32x4.div(f32x4.mul(vClr, gi), std)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    const gi = gradient1(g + o, pi, signs, l2s, useL2);
    const si = load<f32>(sum + o) + gi * gi;
    store<f32>(sum + o, si);
    store<f32>(p + o, pi + (negClr * gi) / (sqrt(si) + epss));
  }
}
