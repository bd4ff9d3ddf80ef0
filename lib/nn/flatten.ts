import { describeValue } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";

/**
 * Merges dimensions `start_dim..end_dim` into one (default: everything after the batch dimension).
 *
 * @example
 * new nn.Flatten().forward(zeros(2, 3, 4)).shape; // [2, 12]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, v] of [["start_dim", startDim], ["end_dim", endDim]] as const) {
      if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`Flatten: ${name} must be an integer, got ${describeValue(v)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(x: Tensor): Tensor {
    return F.flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
