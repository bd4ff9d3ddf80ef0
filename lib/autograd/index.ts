/**
 * Autograd: the graph (`recordOp`), the backward engine, grad mode and the differentiable ops,
 * as functions with PyTorch's names (`add`, `matmul`, `cat`, ...) and as `Tensor` methods.
 *
 * @example
 * const w = randn(3).requiresGrad_();
 * const loss = w.mul(w).sum();
 * loss.backward();
 * w.grad; // 2w
 */
import "./tensor_methods.js";
export { noGrad, enableGrad, isGradEnabled } from "./grad_mode.js";
export type { BackwardOptions } from "./engine.js";
export { add, sub, mul, div, neg, pow, exp, log, sqrt, abs, clamp } from "./ops/elementwise.js";
export type { AlphaOptions } from "./ops/elementwise.js";
export { view, reshape, flatten, squeeze, unsqueeze, permute, transpose, t, expand, cat, stack } from "./ops/shape.js";
