// AssemblyScript source of the Adadelta update (dist/wasm/adadelta.wasm): the "wasm-simd"
// implementation of lib/optim/adadelta.ts's kernel, float32 in the JavaScript reference's (and
// PyTorch's single-tensor Adadelta's) order:
//   g = -grad if maximize; g = g + wd*param (L2)
//   square_avg = square_avg*rho + (1-rho)*(g*g);  std = sqrt(square_avg + eps)
//   delta = (sqrt(acc_delta + eps) / std) * g;  acc_delta = acc_delta*rho + (1-rho)*(delta*delta)
//   param += -lr * delta

import { gradient1, gradient4 } from "./shared/prologue";

export function adadelta(p: usize, g: usize, sq: usize, acc: usize, _e: usize, n: i32, lr: f64, sign: f64, l2: f64, rho: f64, eps: f64): void {
  const negLr = <f32>-lr, signs = <f32>sign, l2s = <f32>l2, rhos = <f32>rho, keep = <f32>(1 - rho), epss = <f32>eps;
  const useL2 = l2 != 0;
  const vLr = f32x4.splat(negLr), vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vRho = f32x4.splat(rhos), vKeep = f32x4.splat(keep), vEps = f32x4.splat(epss);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o);
    const gi = gradient4(g + o, pi, vSign, vL2, useL2);
    const si = f32x4.add(f32x4.mul(v128.load(sq + o), vRho), f32x4.mul(vKeep, f32x4.mul(gi, gi)));
    v128.store(sq + o, si);
    const std = f32x4.sqrt(f32x4.add(si, vEps));
    const a0 = v128.load(acc + o);
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(a0, vEps)), std), gi);
    v128.store(acc + o, f32x4.add(f32x4.mul(a0, vRho), f32x4.mul(vKeep, f32x4.mul(delta, delta))));
    v128.store(p + o, f32x4.add(pi, f32x4.mul(vLr, delta)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    const gi = gradient1(g + o, pi, signs, l2s, useL2);
    const si = load<f32>(sq + o) * rhos + keep * (gi * gi);
    store<f32>(sq + o, si);
    const std = sqrt(si + epss);
    const a0 = load<f32>(acc + o);
    const delta = (sqrt(a0 + epss) / std) * gi;
    store<f32>(acc + o, a0 * rhos + keep * (delta * delta));
    store<f32>(p + o, pi + negLr * delta);
  }
}
