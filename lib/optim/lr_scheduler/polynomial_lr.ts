import * as C from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, type OptionEntry } from "./options.js";

// Porting note: PyTorch checks neither; total_iters 0 divides by zero, and a negative power
// raises 0.0 to a negative power at total_iters (ZeroDivisionError in Python, Infinity here).
const STATE = { total_iters: C.positiveInteger, power: C.nonNegative };

export interface PolynomialLROptions {
  /** Steps over which the lr decays to 0. Default: 5. */
  total_iters?: number;
  /** Power of the polynomial. Default: 1. */
  power?: number;
  last_epoch?: number;
}

/**
 * Decays each group's lr to zero over `total_iters` steps as `(1 - t / total_iters) ** power`
 * (PyTorch's `PolynomialLR`).
 *
 * @example
 * new optim.lr_scheduler.PolynomialLR(opt, { total_iters: 50, power: 0.9 });
 */
export class PolynomialLR extends LRScheduler {
  total_iters: number;
  power: number;

  constructor(optimizer: OptimizerLike, options: PolynomialLROptions = {}) {
    super(optimizer, options);
    const o = readOptions("PolynomialLR", options, ["total_iters", "power", "last_epoch"]);
    const n = optimizer.paramGroups.length;
    this.total_iters = STATE.total_iters("total_iters", o.total_iters ?? 5, n);
    this.power = STATE.power("power", o.power ?? 1.0, n);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    // Porting note: 1.13 tested `last_epoch == 0`; current PyTorch tests the initial step.
    if (this._isInitial || this.lastEpoch > this.total_iters) return groups.map((g) => g.lr);
    const f = ((1.0 - this.lastEpoch / this.total_iters) / (1.0 - (this.lastEpoch - 1) / this.total_iters)) ** this.power;
    return groups.map((g) => g.lr * f);
  }

  override getClosedFormLr(): number[] {
    return this.base_lrs.map((b) => b * (1.0 - Math.min(this.total_iters, this.lastEpoch) / this.total_iters) ** this.power);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "total_iters", value: this.total_iters }, { key: "power", value: this.power }];
  }
}
