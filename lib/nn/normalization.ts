import { describeValue, ValueError } from "../errors.js";
import { ones, Tensor, zeros } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { pyOption } from "./_options.js";
import { Parameter } from "./parameter.js";
import { pyBool, pyFloat, pyTuple } from "./_repr.js";

/** Keyword arguments of `LayerNorm`, PyTorch's names. */
export interface LayerNormArgs {
  eps?: number;
  /** Learn a per-element `weight` and `bias` (default true). */
  elementwise_affine?: boolean;
  /** With `elementwise_affine`, also learn `bias` (default true; current PyTorch's keyword). */
  bias?: boolean;
  /** @deprecated Use `elementwise_affine` (PyTorch's name). */
  elementwiseAffine?: boolean;
}

/**
 * Normalises each sample over its trailing `normalized_shape` dimensions, then applies a learned
 * element-wise scale (`weight`, ones) and shift (`bias`, zeros).
 *
 * @example
 * const ln = new nn.LayerNorm(8);
 * ln.toString(); // "LayerNorm((8,), eps=1e-05, elementwise_affine=True)"
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], args: LayerNormArgs = {}) {
    super();
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : null;
    if (!shape || shape.length === 0 || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d <= 0)) {
      throw new ValueError(`LayerNorm: normalized_shape must be a positive integer or a non-empty list of positive integers, got ${describeValue(normalizedShape)}`);
    }
    const { eps = 1e-5, bias = true } = args;
    if (typeof bias !== "boolean") throw new TypeError(`LayerNorm: bias must be a boolean, got ${describeValue(bias)}`);
    const elementwiseAffine = pyOption(args, "elementwise_affine", "elementwiseAffine", "LayerNorm") ?? true;
    if (typeof elementwiseAffine !== "boolean") throw new TypeError(`LayerNorm: elementwise_affine must be a boolean, got ${describeValue(elementwiseAffine)}`);
    if (typeof eps !== "number" || !(eps >= 0)) throw new ValueError(`LayerNorm: eps must be a non-negative number, got ${describeValue(eps)}`);
    this.normalizedShape = shape;
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.weight = elementwiseAffine ? new Parameter(ones(shape)) : null;
    this.bias = elementwiseAffine && bias ? new Parameter(zeros(shape)) : null;
  }

  /** Resets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    this.weight?.fill_(1);
    this.bias?.fill_(0);
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
