import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, type OptionEntry } from "./options.js";

const startFactor: Check<number> = (name, v, n) => {
  const f = C.finite(name, v, n);
  if (f > 1.0 || f <= 0) throw new ValueError(msg.linearStartFactor());
  return f;
};
const endFactor: Check<number> = (name, v, n) => {
  const f = C.finite(name, v, n);
  if (f > 1.0 || f < 0) throw new ValueError(msg.linearEndFactor());
  return f;
};
// Porting note: PyTorch does not check total_iters; 0 divides by zero in the closed form.
const STATE = { start_factor: startFactor, end_factor: endFactor, total_iters: C.positiveInteger };

export interface LinearLROptions {
  /** Factor at step 0, in (0, 1]. Default: 1/3. */
  start_factor?: number;
  /** Factor from `total_iters` on, in [0, 1]. Default: 1. */
  end_factor?: number;
  /** Steps over which the factor moves linearly. Default: 5. */
  total_iters?: number;
  last_epoch?: number;
}

/**
 * Moves each group's lr factor linearly from `start_factor` to `end_factor` over `total_iters`
 * steps (PyTorch's `LinearLR`): the usual warmup.
 *
 * @example
 * new optim.lr_scheduler.LinearLR(opt, { start_factor: 0.05, total_iters: 40 });
 */
export class LinearLR extends LRScheduler {
  start_factor: number;
  end_factor: number;
  total_iters: number;

  constructor(optimizer: OptimizerLike, options: LinearLROptions = {}) {
    super(optimizer, options);
    const o = readOptions("LinearLR", options, ["start_factor", "end_factor", "total_iters", "last_epoch"]);
    const n = optimizer.paramGroups.length;
    this.start_factor = STATE.start_factor("start_factor", o.start_factor ?? 1.0 / 3, n);
    this.end_factor = STATE.end_factor("end_factor", o.end_factor ?? 1.0, n);
    this.total_iters = STATE.total_iters("total_iters", o.total_iters ?? 5, n);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.start_factor);
    // Porting note: 1.13 had no `_is_initial` test, so resuming (last_epoch >= 0) moved the factor one
    // step ahead at construction; current PyTorch keeps the lr, which is followed here.
    if (this._isInitial || this.lastEpoch > this.total_iters) return groups.map((g) => g.lr);
    const d = this.end_factor - this.start_factor;
    const f = 1.0 + d / (this.total_iters * this.start_factor + (this.lastEpoch - 1) * d);
    return groups.map((g) => g.lr * f);
  }

  override getClosedFormLr(): number[] {
    const d = this.end_factor - this.start_factor;
    return this.base_lrs.map((b) => b * (this.start_factor + (d * Math.min(this.total_iters, this.lastEpoch)) / this.total_iters));
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "start_factor", value: this.start_factor },
      { key: "end_factor", value: this.end_factor, default: 1.0 },
      { key: "total_iters", value: this.total_iters },
    ];
  }
}
