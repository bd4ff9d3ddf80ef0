import type { LRScheduler, OptimizerLike } from "./lr_scheduler.js";
import type { OptionEntry } from "./options.js";
import { ChainedSchedulerBase } from "./composite_scheduler.js";
import { checkSchedulers } from "./sequential_lr.js";

/**
 * Steps several chainable schedulers together: each `step()` steps every one in order, so their
 * factors multiply (PyTorch's `ChainedScheduler`). Takes the schedulers (and, optionally, the
 * optimizer they share).
 *
 * @example
 * const a = new ConstantLR(opt, { factor: 0.1, total_iters: 20 });
 * const b = new ExponentialLR(opt, { gamma: 0.9 });
 * new optim.lr_scheduler.ChainedScheduler([a, b]);
 */
export class ChainedScheduler extends ChainedSchedulerBase {
  _schedulers: LRScheduler[];

  // Porting note: the optional `optimizer` argument and the per-scheduler checks are current
  // PyTorch's; 1.13 took only the schedulers.
  constructor(schedulers: readonly LRScheduler[], optimizer?: OptimizerLike) {
    const opt = optimizer ?? (Array.isArray(schedulers) && schedulers.length > 0 ? schedulers[0]?.optimizer : undefined);
    if (!opt) checkSchedulers("ChainedScheduler", {} as OptimizerLike, schedulers); // throws PyTorch's message
    super(opt as OptimizerLike);
    checkSchedulers("ChainedScheduler", opt as OptimizerLike, schedulers);
    this._schedulers = [...schedulers];
    const last = this._schedulers[this._schedulers.length - 1];
    this._lastLr = last.optimizer.paramGroups.map((g) => g.lr);
    this.base_lrs = this._schedulers[0].base_lrs.slice();
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this._schedulers[this._schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "schedulers", value: this._schedulers }];
  }
}
