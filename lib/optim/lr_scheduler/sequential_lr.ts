import { ValueError } from "../../errors.js";
import * as C from "./checks.js";
import * as msg from "./messages.js";
import { CompositeScheduler } from "./composite_scheduler.js";
import { BASE_STATE, type LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

export interface SequentialLROptions {
  /** The schedulers, in the order they run; all built on the same optimizer. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over (one fewer than `schedulers`). */
  milestones: readonly number[];
  last_epoch?: number;
}

/**
 * Runs schedulers one after another, switching at the milestones (PyTorch's `SequentialLR`);
 * the usual "warmup then decay".
 *
 * @example
 * const warmup = new LinearLR(opt, { start_factor: 0.1, total_iters: 5 });
 * const cosine = new CosineAnnealingLR(opt, { T_max: 95 });
 * new optim.lr_scheduler.SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [5] });
 */
export class SequentialLR extends CompositeScheduler {
  _schedulers: LRScheduler[];
  _milestones: number[];

  constructor(optimizer: OptimizerLike, options: SequentialLROptions) {
    super(optimizer, options);
    const o = readOptions("SequentialLR", options, ["schedulers", "milestones", "last_epoch"]);
    const schedulers = CompositeScheduler.checkSchedulers("SequentialLR", required("SequentialLR", "schedulers", o.schedulers), optimizer);
    const milestones = required("SequentialLR", "milestones", o.milestones);
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) throw new ValueError(msg.milestonesNotArray(milestones));
    if (milestones.length !== schedulers.length - 1) throw new ValueError(msg.milestoneCount(schedulers.length, milestones.length));
    const lastEpoch = C.epoch("last_epoch", o.last_epoch ?? -1, optimizer.paramGroups.length);
    this.setGivenLastEpoch(lastEpoch);
    this._schedulers = schedulers;
    this._milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Reset learning rates back to initial values
    for (const g of optimizer.paramGroups) g.lr = g.initial_lr as number;
    // "Undo" the step performed by other schedulers
    this.undoInitialSteps();
    // Perform the initial step for only the first scheduler
    this._schedulers[0]._initialStep();
    this._lastLr = this._schedulers[0].getLastLr();
    this.base_lrs = optimizer.paramGroups.map((g) => g.initial_lr as number);
  }

  // PyTorch's SequentialLR does not call LRScheduler.__init__: its state is these keys (and _schedulers).
  protected override stateSpec(): StateSpec {
    return { _milestones: C.list(C.integer), last_epoch: BASE_STATE.last_epoch, _last_lr: BASE_STATE._last_lr };
  }

  override step(): void {
    this.lastEpoch += 1;
    // PyTorch's bisect_right, a binary search: with unsorted milestones it gives PyTorch's answer,
    // not the first milestone above last_epoch.
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const scheduler = this._schedulers[idx];
    // Porting note: 1.13 called scheduler.step(0) (closed form, with a deprecation warning);
    // current PyTorch calls _update_lr(0): the same values, no warning.
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) scheduler._updateLr(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  protected override rebuild(optimizer: OptimizerLike, children: LRScheduler[]): SequentialLR {
    return new SequentialLR(optimizer, { schedulers: children, milestones: this._milestones });
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "schedulers", value: this._schedulers },
      { key: "milestones", value: this._milestones },
    ];
  }
}

/** Python's `bisect.bisect_right`: the insertion point after any entries equal to `x`. */
function bisectRight(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
