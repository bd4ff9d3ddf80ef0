// The prologue every optimizer kernel in wasm/ shares (AssemblyScript, inlined into each module):
// the gradient as the update sees it, and AdamW-style decoupled weight decay. Float32, in
// PyTorch's order (torch/optim/*.py):
//   grad = -grad if maximize                       g * sign (sign = -1 or 1)
//   grad = grad.add(param, alpha=weight_decay)     + l2 * param (L2 decay)
//   param.mul_(1 - lr * weight_decay)              param * decay (decoupled decay)
// A kernel with decoupled decay passes useL2 = false (the two never apply together). The f32x4
// and the scalar versions do the same operations, so every lane gives the scalar tail's bits.

/** grad * sign, plus l2 * param when useL2 (four lanes). */
// @ts-ignore: decorator
@inline export function gradient4(g: usize, p: v128, sign: v128, l2: v128, useL2: bool): v128 {
  let d = f32x4.mul(v128.load(g), sign);
  if (useL2) d = f32x4.add(d, f32x4.mul(l2, p));
  return d;
}

/** grad * sign, plus l2 * param when useL2 (one element). */
// @ts-ignore: decorator
@inline export function gradient1(g: usize, p: f32, sign: f32, l2: f32, useL2: bool): f32 {
  let d = load<f32>(g) * sign;
  if (useL2) d = d + l2 * p;
  return d;
}

/** param * decay when useDecay (four lanes). */
// @ts-ignore: decorator
@inline export function decayed4(p: v128, decay: v128, useDecay: bool): v128 {
  return useDecay ? f32x4.mul(p, decay) : p;
}

/** param * decay when useDecay (one element). */
// @ts-ignore: decorator
@inline export function decayed1(p: f32, decay: f32, useDecay: bool): f32 {
  return useDecay ? p * decay : p;
}
