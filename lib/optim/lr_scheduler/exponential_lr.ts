import { LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
import { numberOption, readOptions, required, type OptionEntry } from "./options.js";

export interface ExponentialLROptions {
  /** Factor applied at every step. */
  gamma: number;
  last_epoch?: number;
}

/**
 * Multiplies each group's lr by `gamma` at every step (PyTorch's `ExponentialLR`).
 *
 * @example
 * new optim.lr_scheduler.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: OptimizerLike, options: ExponentialLROptions) {
    super(optimizer);
    const o = readOptions("ExponentialLR", options, ["gamma", "last_epoch"]);
    this.gamma = numberOption("gamma", required("ExponentialLR", "gamma", o.gamma));
    this.initialize(o.last_epoch ?? -1);
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    // Porting note: PyTorch 1.13 tested `last_epoch == 0`; current PyTorch tests the initial step,
    // so resuming (last_epoch >= 0) does not decay one step ahead. Current behaviour is followed.
    if (this._isInitial) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  override getClosedFormLr(): number[] {
    return this.base_lrs.map((b) => b * this.gamma ** this.lastEpoch);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "gamma", value: this.gamma }];
  }
}
