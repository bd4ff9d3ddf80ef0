/**
 * Adds autograd's methods to `Tensor` (declaration merging keeps the layering one way:
 * lib/tensor knows nothing of lib/autograd). Each method calls the function of the same name.
 */
import { RuntimeError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { runBackward, type BackwardOptions } from "./engine.js";
import { Node } from "./function.js";
import * as E from "./ops/elementwise.js";
import * as S from "./ops/shape.js";
import { wrap } from "./ops/_util.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /**
     * Computes the gradient of this tensor with respect to the graph's leaves and accumulates it
     * into their `.grad`. A non-scalar needs `gradient` (d loss / d this, same shape).
     *
     * @example
     * const loss = mul(w, w).sum();
     * loss.backward(); // w.grad = 2w
     */
    backward(gradient?: Tensor | null, options?: BackwardOptions): void;
    /**
     * A tensor sharing this one's storage, cut from the graph (PyTorch's `detach()`).
     *
     * @example
     * const y = model.forward(x).detach(); // y.requiresGrad === false
     */
    detach(): Tensor;
    /**
     * Keeps `.grad` for this non-leaf tensor during backward (leaves always keep theirs).
     *
     * @example
     * const h = fc.forward(x); h.retainGrad(); loss.backward(); h.grad;
     */
    retainGrad(): void;
    /** Whether this non-leaf keeps its `.grad` (PyTorch's `retains_grad`). */
    readonly retainsGrad: boolean;

    /** this + alpha · other. @example x.add(1) */
    add(other: Tensor | number, options?: E.AlphaOptions): Tensor;
    /** this − alpha · other. @example x.sub(y) */
    sub(other: Tensor | number, options?: E.AlphaOptions): Tensor;
    /** this · other. @example x.mul(2) */
    mul(other: Tensor | number): Tensor;
    /** this / other. @example x.div(y) */
    div(other: Tensor | number): Tensor;
    /** −this. @example x.neg() */
    neg(): Tensor;
    /** this ** exponent. @example x.pow(2) */
    pow(exponent: Tensor | number): Tensor;
    /** eˣ. @example x.exp() */
    exp(): Tensor;
    /** ln x. @example x.log() */
    log(): Tensor;
    /** √x. @example x.sqrt() */
    sqrt(): Tensor;
    /** |x|. @example x.abs() */
    abs(): Tensor;
    /** Values limited to [min, max]. @example x.clamp(0, 1) */
    clamp(min?: number | null, max?: number | null): Tensor;

    /** Same storage, new shape (one dim may be -1). @example x.view(2, -1) */
    view(...shape: number[] | [readonly number[]]): Tensor;
    /** Same as `view`. @example x.reshape([4, -1]) */
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    /** Merges dims startDim..endDim. @example x.flatten(1) */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** Drops size-1 dims. @example x.squeeze(1) */
    squeeze(dim?: number): Tensor;
    /** Inserts a size-1 dim. @example x.unsqueeze(0) */
    unsqueeze(dim: number): Tensor;
    /** Reorders dims (a copy). @example x.permute(1, 0) */
    permute(...dims: number[] | [readonly number[]]): Tensor;
    /** Swaps two dims (a copy). @example x.transpose(0, 1) */
    transpose(dim0: number, dim1: number): Tensor;
    /** Transpose of a ≤2-d tensor. @example w.t() */
    t(): Tensor;
    /** Broadcasts to a larger shape (a copy). @example b.expand(4, 3) */
    expand(...sizes: number[] | [readonly number[]]): Tensor;
  }
}

const proto = Tensor.prototype;

proto.backward = function (this: Tensor, gradient?: Tensor | null, options?: BackwardOptions): void {
  runBackward(this, gradient, options);
};
proto.detach = function (this: Tensor): Tensor {
  return wrap(this.data, this.shape);
};
proto.retainGrad = function (this: Tensor): void {
  if (!this.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
  if (this.gradFn !== null) this.gradFn.retained = this;
};
Object.defineProperty(proto, "retainsGrad", {
  configurable: true,
  get(this: Tensor): boolean {
    return this.gradFn instanceof Node && this.gradFn.retained === this;
  },
});

proto.add = function (this: Tensor, other: Tensor | number, options?: E.AlphaOptions) { return E.add(this, other, options); };
proto.sub = function (this: Tensor, other: Tensor | number, options?: E.AlphaOptions) { return E.sub(this, other, options); };
proto.mul = function (this: Tensor, other: Tensor | number) { return E.mul(this, other); };
proto.div = function (this: Tensor, other: Tensor | number) { return E.div(this, other); };
proto.neg = function (this: Tensor) { return E.neg(this); };
proto.pow = function (this: Tensor, exponent: Tensor | number) { return E.pow(this, exponent); };
proto.exp = function (this: Tensor) { return E.exp(this); };
proto.log = function (this: Tensor) { return E.log(this); };
proto.sqrt = function (this: Tensor) { return E.sqrt(this); };
proto.abs = function (this: Tensor) { return E.abs(this); };
proto.clamp = function (this: Tensor, min?: number | null, max?: number | null) { return E.clamp(this, min, max); };

proto.view = function (this: Tensor, ...shape: number[] | [readonly number[]]) { return S.view(this, ...shape); };
proto.reshape = function (this: Tensor, ...shape: number[] | [readonly number[]]) { return S.reshape(this, ...shape); };
proto.flatten = function (this: Tensor, startDim?: number, endDim?: number) { return S.flatten(this, startDim, endDim); };
proto.squeeze = function (this: Tensor, dim?: number) { return S.squeeze(this, dim); };
proto.unsqueeze = function (this: Tensor, dim: number) { return S.unsqueeze(this, dim); };
proto.permute = function (this: Tensor, ...dims: number[] | [readonly number[]]) { return S.permute(this, ...dims); };
proto.transpose = function (this: Tensor, dim0: number, dim1: number) { return S.transpose(this, dim0, dim1); };
proto.t = function (this: Tensor) { return S.t(this); };
proto.expand = function (this: Tensor, ...sizes: number[] | [readonly number[]]) { return S.expand(this, ...sizes); };
