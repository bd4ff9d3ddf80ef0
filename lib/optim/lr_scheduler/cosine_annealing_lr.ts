import * as C from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

// Porting note: PyTorch does not check T_max and fails with ZeroDivisionError when stepped.
const STATE = { T_max: C.positive, eta_min: C.finite };

export interface CosineAnnealingLROptions {
  /** Half-period of the cosine, in steps. */
  T_max: number;
  /** Minimum lr. Default: 0. */
  eta_min?: number;
  last_epoch?: number;
}

/**
 * Cosine annealing from each group's initial lr to `eta_min` over `T_max` steps, continuing as a
 * cosine wave after that (PyTorch's `CosineAnnealingLR`, chainable recursive form).
 *
 * @example
 * new optim.lr_scheduler.CosineAnnealingLR(opt, { T_max: 100, eta_min: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  T_max: number;
  eta_min: number;

  constructor(optimizer: OptimizerLike, options: CosineAnnealingLROptions) {
    super(optimizer, options);
    const o = readOptions("CosineAnnealingLR", options, ["T_max", "eta_min", "last_epoch"]);
    const n = optimizer.paramGroups.length;
    this.T_max = STATE.T_max("T_max", required("CosineAnnealingLR", "T_max", o.T_max), n);
    this.eta_min = STATE.eta_min("eta_min", o.eta_min ?? 0.0, n);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    const { T_max, eta_min, lastEpoch: t } = this;
    // Porting note: 1.13 tested `last_epoch == 0` here, so resuming used the closed form at
    // construction; current PyTorch keeps the current lr during the initial step (followed).
    if (this._isInitial) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && t > 0) {
      return this.base_lrs.map((b) => eta_min + ((b - eta_min) * (1 + Math.cos((t * Math.PI) / T_max))) / 2);
    }
    // Python's % is floored; only the zero test matters, which truncation gives the same answer to.
    if ((t - 1 - T_max) % (2 * T_max) === 0) {
      return groups.map((g, i) => g.lr + ((this.base_lrs[i] - eta_min) * (1 - Math.cos(Math.PI / T_max))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * t) / T_max)) / (1 + Math.cos((Math.PI * (t - 1)) / T_max));
    return groups.map((g) => ratio * (g.lr - eta_min) + eta_min);
  }

  override getClosedFormLr(): number[] {
    const { T_max, eta_min, lastEpoch: t } = this;
    return this.base_lrs.map((b) => eta_min + ((b - eta_min) * (1 + Math.cos((Math.PI * t) / T_max))) / 2);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "T_max", value: this.T_max }, { key: "eta_min", value: this.eta_min, default: 0 }];
  }
}
