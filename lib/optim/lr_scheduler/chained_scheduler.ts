import type { CycledMomentum, LRScheduler, OptimizerLike, SchedulerStateDict } from "./lr_scheduler.js";
import type { OptionEntry } from "./options.js";
import { ChainedSchedulerBase, checkSchedulers } from "./sequential_lr.js";

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

  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this._schedulers[this._schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  override cyclesMomentum(): CycledMomentum {
    for (const s of this._schedulers) if (s.cyclesMomentum()) return s.cyclesMomentum();
    return null;
  }

  override stateDict(): SchedulerStateDict {
    const s = super.stateDict();
    s._schedulers = this._schedulers.map((x) => x.stateDict());
    return s;
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { _schedulers, ...rest } = stateDict;
    super.loadStateDict(rest);
    (_schedulers as SchedulerStateDict[]).forEach((s, i) => this._schedulers[i].loadStateDict(s));
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "schedulers", value: this._schedulers }];
  }
}
