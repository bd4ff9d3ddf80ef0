import { describeValue, RuntimeError, ValueError } from "../errors.js";
import { isGradEnabled } from "../autograd/grad_mode.js";
import { Tensor } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { pyFloat, pyStr } from "./_repr.js";

/** PyTorch prints the slope as given: an int stays an int (JavaScript cannot tell 1 from 1.0). */
function pyNum(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

/** An element-wise activation with PyTorch's `inplace` flag. */
abstract class Elementwise extends Module {
  readonly inplace: boolean;

  constructor(inplace: boolean) {
    super();
    if (typeof inplace !== "boolean") throw new TypeError(`${this.constructor.name}: inplace must be a boolean, got ${describeValue(inplace)}`);
    this.inplace = inplace;
  }

  protected abstract apply1(x: Tensor): Tensor;

  override forward(x: Tensor): Tensor {
    if (this.inplace && x instanceof Tensor && x.isLeaf && x.requiresGrad && isGradEnabled()) {
      throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
    }
    const y = this.apply1(x);
    if (!this.inplace) return y;
    // In place: the values land in x's storage; the result carries y's node (whose backward
    // reads y's own copy of the output, so overwriting x does not corrupt it).
    x.data.set(y.data);
    if (y.gradFn === null) return x;
    const z = new Tensor(x.data, x.shape);
    z.gradFn = y.gradFn;
    return z;
  }

  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/**
 * max(0, x) element-wise.
 *
 * @example
 * new nn.ReLU().forward(tensor([-1, 2])).tolist(); // [0, 2]
 */
export class ReLU extends Elementwise {
  constructor(inplace = false) {
    super(inplace);
  }

  protected apply1(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/**
 * x · sigmoid(x) element-wise (swish).
 *
 * @example
 * new nn.SiLU().toString(); // "SiLU()"
 */
export class SiLU extends Elementwise {
  constructor(inplace = false) {
    super(inplace);
  }

  protected apply1(x: Tensor): Tensor {
    return F.silu(x);
  }
}

/**
 * Gaussian error linear unit, exact or with the tanh approximation.
 *
 * @example
 * new nn.GELU("tanh").toString(); // "GELU(approximate='tanh')"
 */
export class GELU extends Module {
  readonly approximate: F.GeluApproximate;

  constructor(approximate: F.GeluApproximate = "none") {
    super();
    if (approximate !== "none" && approximate !== "tanh") {
      throw new ValueError(`approximate argument must be either none or tanh. (got ${describeValue(approximate)})`);
    }
    this.approximate = approximate;
  }

  override forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }

  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}

/**
 * Hyperbolic tangent element-wise.
 *
 * @example
 * new nn.Tanh().forward(tensor([0])).tolist(); // [0]
 */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/**
 * Logistic sigmoid element-wise.
 *
 * @example
 * new nn.Sigmoid().forward(tensor([0])).tolist(); // [0.5]
 */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/**
 * x for x >= 0, `negative_slope`·x otherwise.
 *
 * @example
 * new nn.LeakyReLU(0.2).toString(); // "LeakyReLU(negative_slope=0.2)"
 */
export class LeakyReLU extends Elementwise {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01, inplace = false) {
    super(inplace);
    if (typeof negativeSlope !== "number" || !Number.isFinite(negativeSlope)) {
      throw new TypeError(`LeakyReLU: negative_slope must be a number, got ${describeValue(negativeSlope)}`);
    }
    this.negativeSlope = negativeSlope;
  }

  protected apply1(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyNum(this.negativeSlope)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

/**
 * x for x > 0, alpha·(eˣ − 1) otherwise.
 *
 * @example
 * new nn.ELU().toString(); // "ELU(alpha=1.0)"
 */
export class ELU extends Elementwise {
  readonly alpha: number;

  constructor(alpha = 1, inplace = false) {
    super(inplace);
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new TypeError(`ELU: alpha must be a number, got ${describeValue(alpha)}`);
    this.alpha = alpha;
  }

  protected apply1(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

function checkDim(dim: unknown, layer: string): number | null {
  if (dim === null || dim === undefined) return null;
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw new TypeError(`${layer}: dim must be an integer or null, got ${describeValue(dim)}`);
  return dim;
}

/**
 * exp(x) / Σ exp(x) along `dim`.
 *
 * @example
 * new nn.Softmax(-1).forward(logits); // rows sum to 1
 */
export class Softmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = checkDim(dim, "Softmax");
  }

  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim === null ? "None" : this.dim}`;
  }
}

/**
 * log(softmax(x)) along `dim`.
 *
 * @example
 * new nn.LogSoftmax(1).toString(); // "LogSoftmax(dim=1)"
 */
export class LogSoftmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = checkDim(dim, "LogSoftmax");
  }

  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim === null ? "None" : this.dim}`;
  }
}
