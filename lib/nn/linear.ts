import { kindOf } from "../errors.js";
import { Tensor, zeros } from "../tensor/tensor.js";
import * as F from "./functional.js";
import * as init from "./init.js";
import { checkPositiveInt, Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { pyBool } from "./_repr.js";

/** `bias` given positionally (`false`) or as an option (`{ bias: false }`). */
export type BiasArg = boolean | { bias?: boolean };

/** Reads a `BiasArg` (default `true`). */
export function biasFlag(arg: BiasArg | undefined, layer: string): boolean {
  const b = typeof arg === "object" && arg !== null ? (arg.bias ?? true) : (arg ?? true);
  if (typeof b !== "boolean") throw new TypeError(`${layer}: bias must be a boolean, got ${kindOf(b)}`);
  return b;
}

/**
 * Returns its input unchanged; a placeholder that keeps a model's structure (PyTorch's
 * `nn.Identity`, which ignores its constructor arguments).
 *
 * @example
 * const head = useHead ? new nn.Linear(8, 2) : new nn.Identity();
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Affine map y = x Wᵀ + b over the last dimension. `weight` is `(out_features, in_features)`,
 * `bias` `(out_features)`, both initialised as PyTorch does (Kaiming uniform with a = √5, bias
 * uniform in ±1/√in_features), so seeded weights equal PyTorch's.
 *
 * @example
 * manualSeed(0);
 * const fc = new nn.Linear(4, 8);
 * fc.toString();                   // "Linear(in_features=4, out_features=8, bias=True)"
 * fc.forward(randn(2, 4)).shape;   // [2, 8]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, bias: BiasArg = true) {
    super();
    this.inFeatures = checkPositiveInt(inFeatures, "in_features", "Linear", true);
    this.outFeatures = checkPositiveInt(outFeatures, "out_features", "Linear", true);
    this.weight = new Parameter(zeros(outFeatures, inFeatures));
    this.bias = biasFlag(bias, "Linear") ? new Parameter(zeros(outFeatures)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default initialisation. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * Bilinear map y_k = x1ᵀ W_k x2 + b_k. `weight` is `(out, in1, in2)`; weight and bias are drawn
 * uniform in ±1/√in1_features, as PyTorch.
 *
 * @example
 * const bl = new nn.Bilinear(3, 5, 2);
 * bl.forward(randn(4, 3), randn(4, 5)).shape; // [4, 2]
 */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, bias: BiasArg = true) {
    super();
    this.in1Features = checkPositiveInt(in1Features, "in1_features", "Bilinear");
    this.in2Features = checkPositiveInt(in2Features, "in2_features", "Bilinear");
    this.outFeatures = checkPositiveInt(outFeatures, "out_features", "Bilinear");
    this.weight = new Parameter(zeros(outFeatures, in1Features, in2Features));
    this.bias = biasFlag(bias, "Bilinear") ? new Parameter(zeros(outFeatures)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default initialisation. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
