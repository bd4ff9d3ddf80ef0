import { describeValue } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { pyBool, pyFloat } from "./_repr.js";

/**
 * Randomly zeroes elements with probability `p` in training (the rest scaled by 1/(1-p));
 * identity in evaluation. Seeded with `manualSeed`, the mask equals PyTorch's on the CPU.
 *
 * @example
 * const drop = new nn.Dropout(0.2);
 * drop.toString();               // "Dropout(p=0.2, inplace=False)"
 * drop.eval().forward(x) === x;  // true
 */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;

  constructor(p = 0.5, inplace = false) {
    super();
    this.p = F.checkDropoutP(p);
    if (typeof inplace !== "boolean") throw new TypeError(`Dropout: inplace must be a boolean, got ${describeValue(inplace)}`);
    this.inplace = inplace;
  }

  override forward(x: Tensor): Tensor {
    const y = F.dropout(x, this.p, this.training);
    // Porting note: with autograd recording, `inplace` works out of place (the graph cannot be
    // rewritten under a tensor already recorded); PyTorch rebases the input's history instead.
    if (this.inplace && y !== x && y.gradFn === null) {
      x.data.set(y.data);
      return x;
    }
    return y;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
