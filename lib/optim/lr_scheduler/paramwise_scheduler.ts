import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import { CompositeScheduler } from "./composite_scheduler.js";
import { BASE_STATE, type LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import type { OptionEntry } from "./options.js";

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
export class ParamwiseScheduler extends CompositeScheduler {
  _schedulers: LRScheduler[];

  constructor(schedulers: readonly LRScheduler[]) {
    const list = CompositeScheduler.checkSchedulers("ParamwiseScheduler", schedulers);
    const opt = list[0].optimizer;
    super(opt);
    if (list.length !== opt.paramGroups.length) throw new ValueError(msg.paramwiseCount(list.length, opt.paramGroups.length));
    if (!list.every((s) => s.optimizer === opt)) throw new ValueError(msg.paramwiseSameOptimizer());
    CompositeScheduler.checkSchedulers("ParamwiseScheduler", list, opt);
    this._schedulers = list;
    // Reset learning rates back to initial values, undo the schedulers' initial steps, then step once.
    for (const g of opt.paramGroups) g.lr = g.initial_lr as number;
    this.undoInitialSteps();
    this.base_lrs = opt.paramGroups.map((g) => g.initial_lr as number);
    this._initialStep();
    this._lastLr = opt.paramGroups.map((g) => g.lr);
  }

  // Porting note: PyTorch's ParamwiseScheduler has no last_epoch; `lastEpoch` here is the first
  // scheduler's, so that displays can say where the schedule is (it is not state).
  protected override afterLoad(): void {
    this.lastEpoch = this._schedulers[0].lastEpoch;
  }

  // PyTorch's ParamwiseScheduler does not call LRScheduler.__init__ but takes the initial step.
  protected override stateSpec(): StateSpec {
    return { _step_count: BASE_STATE._step_count, _is_initial: BASE_STATE._is_initial, _last_lr: BASE_STATE._last_lr };
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
    this.afterLoad();
  }

  protected override rebuild(_optimizer: OptimizerLike, children: LRScheduler[]): ParamwiseScheduler {
    return new ParamwiseScheduler(children);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "schedulers", value: this._schedulers }];
  }
}
