import { LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
import { numberOption, readOptions, type OptionEntry } from "./options.js";

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
    super(optimizer);
    const o = readOptions("PolynomialLR", options, ["total_iters", "power", "last_epoch"]);
    this.total_iters = numberOption("total_iters", o.total_iters ?? 5);
    this.power = numberOption("power", o.power ?? 1.0);
    this.initialize(o.last_epoch ?? -1);
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
