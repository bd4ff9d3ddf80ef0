import { describeValue, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { pyStr } from "./_repr.js";

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
    const y = this.apply1(x);
    if (!this.inplace) return y;
    x.data.set(y.data);
    return x;
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
