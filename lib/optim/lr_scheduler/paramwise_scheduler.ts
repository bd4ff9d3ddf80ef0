import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import type { LRScheduler, OptimizerLike } from "./lr_scheduler.js";
import type { OptionEntry } from "./options.js";
import { ChainedSchedulerBase } from "./composite_scheduler.js";
import { checkSchedulers } from "./sequential_lr.js";

/**
 * One scheduler per param group (PyTorch's `ParamwiseScheduler`, new in PyTorch 2.8): group `i`
 * follows `schedulers[i]`, e.g. a slow decay for a pretrained backbone and a faster one for a new
 * head. All schedulers share the optimizer.
 *
 * @example
 * const base = new StepLR(opt, { step_size: 10, gamma: 0.1 });
 * const head = new ExponentialLR(opt, { gamma: 0.9 });
 * new optim.lr_scheduler.ParamwiseScheduler([base, head]);
 */
export class ParamwiseScheduler extends ChainedSchedulerBase {
  _schedulers: LRScheduler[];

  constructor(schedulers: readonly LRScheduler[]) {
    const first: OptimizerLike | undefined = Array.isArray(schedulers) && schedulers.length > 0 ? schedulers[0]?.optimizer : undefined;
    if (!first) checkSchedulers("ParamwiseScheduler", {} as never, schedulers); // throws PyTorch's message
    const opt = first as OptimizerLike;
    super(opt);
    if (schedulers.length !== opt.paramGroups.length) {
      throw new ValueError(msg.paramwiseCount(schedulers.length, opt.paramGroups.length));
    }
    if (!schedulers.every((s) => s.optimizer === opt)) throw new ValueError(msg.paramwiseSameOptimizer());
    checkSchedulers("ParamwiseScheduler", opt, schedulers);
    this._schedulers = [...schedulers];
    // Reset learning rates back to initial values, undo the schedulers' initial steps, then step once.
    for (const g of opt.paramGroups) g.lr = g.initial_lr as number;
    for (const s of this._schedulers) undo(s);
    this.base_lrs = opt.paramGroups.map((g) => g.initial_lr as number);
    this._initialStep();
    this._lastLr = opt.paramGroups.map((g) => g.lr);
  }

  override step(): void {
    const groups = this.optimizer.paramGroups;
    const lrs = groups.map((g) => g.lr);
    for (const s of this._schedulers) {
      if (this._isInitial) s._initialStep();
      else s.step();
      // Reset the lrs for the next scheduler
      groups.forEach((g, i) => (g.lr = lrs[i]));
    }
    groups.forEach((g, i) => (g.lr = this._schedulers[i].getLastLr()[i]));
    this._lastLr = groups.map((g) => g.lr);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "schedulers", value: this._schedulers }];
  }
}

function undo(s: LRScheduler): void {
  if (s instanceof ChainedSchedulerBase) for (const x of s._schedulers) undo(x);
  else s.lastEpoch -= 1;
}
