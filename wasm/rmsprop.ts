// AssemblyScript source of the RMSprop update (compiled to dist/wasm/rmsprop.wasm): the
// "wasm-simd" implementation of lib/optim/rmsprop.ts's kernel (lib/optim/kernels/rmsprop_wasm.ts).
// Byte addresses p, g, sq (square_avg), ga (grad_avg; 0 unless centered), buf (momentum_buffer;
// 0 without momentum). Float32 throughout, in the order of PyTorch's single-tensor RMSprop:
//   g = -grad if maximize;  g = g + wd*param (L2)
//   square_avg.mul_(alpha).addcmul_(g, g, value=1-alpha)     sq*alpha + ((1-alpha)*g)*g
//   centered: grad_avg.lerp_(g, 1-alpha); avg = sqrt(sq - ga*ga)  else avg = sqrt(sq)
//   avg += eps
//   momentum: buf = buf*momentum + g/avg; param += -lr*buf   else param += (-lr*g)/avg
// No fused multiply-add, so every lane gives the scalar tail's bits.

import { gradient1, gradient4 } from "./shared/prologue";

export function rmsprop(
  p: usize, g: usize, sq: usize, ga: usize, buf: usize, n: i32,
  lr: f64, sign: f64, l2: f64, alpha: f64, eps: f64, momentum: f64,
): void {
  const negLr = <f32>-lr, signs = <f32>sign, l2s = <f32>l2, al = <f32>alpha, keep = <f32>(1 - alpha), epss = <f32>eps, mom = <f32>momentum;
  const useL2 = l2 != 0, centered = ga != 0, useBuf = buf != 0;
  const vLr = f32x4.splat(negLr), vSign = f32x4.splat(signs), vL2 = f32x4.splat(l2s), vAl = f32x4.splat(al), vKeep = f32x4.splat(keep);
  const vEps = f32x4.splat(epss), vMom = f32x4.splat(mom);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o);
    const gi = gradient4(g + o, pi, vSign, vL2, useL2);
    const si = f32x4.add(f32x4.mul(v128.load(sq + o), vAl), f32x4.mul(f32x4.mul(vKeep, gi), gi));
    v128.store(sq + o, si);
    let avg: v128;
    if (centered) {
      const m0 = v128.load(ga + o);
      const m = f32x4.add(m0, f32x4.mul(vKeep, f32x4.sub(gi, m0)));
      v128.store(ga + o, m);
      avg = f32x4.sqrt(f32x4.sub(si, f32x4.mul(m, m)));
    } else avg = f32x4.sqrt(si);
    avg = f32x4.add(avg, vEps);
    if (useBuf) {
      const b = f32x4.add(f32x4.mul(v128.load(buf + o), vMom), f32x4.div(gi, avg));
      v128.store(buf + o, b);
      v128.store(p + o, f32x4.add(pi, f32x4.mul(vLr, b)));
    } else v128.store(p + o, f32x4.add(pi, f32x4.div(f32x4.mul(vLr, gi), avg)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    const gi = gradient1(g + o, pi, signs, l2s, useL2);
    const si = load<f32>(sq + o) * al + keep * gi * gi;
    store<f32>(sq + o, si);
    let avg: f32;
    if (centered) {
      const m0 = load<f32>(ga + o);
      const m = m0 + keep * (gi - m0);
      store<f32>(ga + o, m);
      avg = sqrt(si - m * m);
    } else avg = sqrt(si);
    avg = avg + epss;
    if (useBuf) {
      const b = load<f32>(buf + o) * mom + gi / avg;
      store<f32>(buf + o, b);
      store<f32>(p + o, pi + negLr * b);
    } else store<f32>(p + o, pi + (negLr * gi) / avg);
  }
}
