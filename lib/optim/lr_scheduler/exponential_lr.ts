import * as C from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

const STATE = { gamma: C.finite };

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
    super(optimizer, options);
    const o = readOptions("ExponentialLR", options, ["gamma", "last_epoch"]);
    this.gamma = STATE.gamma("gamma", required("ExponentialLR", "gamma", o.gamma), optimizer.paramGroups.length);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
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
