// AssemblyScript source of the SGD update (compiled to dist/wasm/sgd.wasm): the "wasm-simd"
// implementation of lib/optim/sgd.ts's kernel (registered by lib/optim/kernels/sgd_wasm.ts).
// One fused pass over n elements at byte addresses p, g, buf (momentum_buffer; 0 = no momentum).
// Float32 throughout, in the order of PyTorch's single-tensor SGD (torch/optim/sgd.py):
//   d = -grad if maximize;  d = d + wd*param (L2)
//   buf = d (first step) | buf*momentum + (1 - dampening)*d
//   d = d + momentum*buf (nesterov) | buf;   param = param + (-lr)*d
// No fused multiply-add, so every lane gives the scalar tail's bits.

import { gradient1, gradient4 } from "./shared/prologue";

export function sgd(
  p: usize, g: usize, buf: usize, _d: usize, _e: usize, n: i32,
  lr: f64, sign: f64, l2: f64, momentum: f64, dampening: f64, nesterov: f64, first: f64,
): void {
  const negLr = <f32>-lr, signs = <f32>sign, l2s = <f32>l2, mom = <f32>momentum, keep = <f32>(1 - dampening);
  const useL2 = l2 != 0, useBuf = buf != 0, nest = nesterov != 0, isFirst = first != 0;
  const vLr = f32x4.splat(negLr), vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vMom = f32x4.splat(mom), vKeep = f32x4.splat(keep);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o);
    let d = gradient4(g + o, pi, vSign, vL2, useL2);
    if (useBuf) {
      const b = isFirst ? d : f32x4.add(f32x4.mul(v128.load(buf + o), vMom), f32x4.mul(vKeep, d));
      v128.store(buf + o, b);
      d = nest ? f32x4.add(d, f32x4.mul(vMom, b)) : b;
    }
    v128.store(p + o, f32x4.add(pi, f32x4.mul(vLr, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    let d = gradient1(g + o, pi, signs, l2s, useL2);
    if (useBuf) {
      const b = isFirst ? d : load<f32>(buf + o) * mom + keep * d;
      store<f32>(buf + o, b);
      d = nest ? d + mom * b : b;
    }
    store<f32>(p + o, pi + negLr * d);
  }
}
