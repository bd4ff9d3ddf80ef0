import * as C from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required } from "./options.js";
import type { OptionEntry } from "./options.js";

export interface StepLROptions {
  /** Period of learning-rate decay, in steps. */
  step_size: number;
  /** Multiplicative factor of the decay. Default: 0.1. */
  gamma?: number;
  /** Index of the last epoch when resuming. Default: -1. */
  last_epoch?: number;
}

/**
 * Decays each group's lr by `gamma` every `step_size` steps (PyTorch's `StepLR`).
 *
 * @example
 * // lr = 0.05 for epochs 0..29, 0.005 for 30..59, 0.0005 for 60..89, ...
 * const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 30, gamma: 0.1 });
 */
const STATE = { step_size: C.positiveInteger, gamma: C.finite };

export class StepLR extends LRScheduler {
  step_size: number;
  gamma: number;

  constructor(optimizer: OptimizerLike, options: StepLROptions) {
    super(optimizer, options);
    const o = readOptions("StepLR", options, ["step_size", "gamma", "last_epoch"]);
    const n = optimizer.paramGroups.length;
    // Porting note: PyTorch accepts any step_size and fails with ZeroDivisionError at step 1.
    this.step_size = STATE.step_size("step_size", required("StepLR", "step_size", o.step_size), n);
    this.gamma = STATE.gamma("gamma", o.gamma ?? 0.1, n);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.step_size !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  override getClosedFormLr(): number[] {
    return this.base_lrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.step_size));
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "step_size", value: this.step_size }, { key: "gamma", value: this.gamma }];
  }
}
