import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import { CompositeScheduler } from "./composite_scheduler.js";
import { LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

export interface SequentialLROptions {
  /** The schedulers, in the order they run; all built on the same optimizer. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over (one fewer than `schedulers`). */
  milestones: readonly number[];
  last_epoch?: number;
}

/** Checks the schedulers of a SequentialLR / ChainedScheduler with PyTorch's messages. */
export function checkSchedulers(cls: string, optimizer: OptimizerLike, schedulers: readonly LRScheduler[]): void {
  if (!Array.isArray(schedulers) || schedulers.length < 1) throw new ValueError(msg.noSchedulers(cls));
  schedulers.forEach((s, i) => {
    if (!(s instanceof LRScheduler) || !s.optimizer) throw new TypeError(msg.schedulerWithoutOptimizer(cls, i));
    if (s.stepArgument === "metric") throw new ValueError(msg.plateauInSequence(cls, i));
    if (s.optimizer !== optimizer) throw new ValueError(msg.differentOptimizer(cls, s.constructor.name, i));
  });
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
    super(optimizer);
    const o = readOptions("SequentialLR", options, ["schedulers", "milestones", "last_epoch"]);
    const schedulers = required("SequentialLR", "schedulers", o.schedulers);
    const milestones = required("SequentialLR", "milestones", o.milestones);
    checkSchedulers("SequentialLR", optimizer, schedulers);
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) throw new ValueError(msg.milestonesNotArray(milestones));
    if (milestones.length !== schedulers.length - 1) throw new ValueError(msg.milestoneCount(schedulers.length, milestones.length));
    this._schedulers = [...schedulers];
    this._milestones = [...milestones];
    this.lastEpoch = (o.last_epoch ?? -1) + 1;
    // Reset learning rates back to initial values
    for (const g of optimizer.paramGroups) g.lr = g.initial_lr as number;
    // "Undo" the step performed by other schedulers
    this.recursiveUndo();
    // Perform the initial step for only the first scheduler
    this._schedulers[0]._initialStep();
    this._lastLr = this._schedulers[0].getLastLr();
    this.base_lrs = optimizer.paramGroups.map((g) => g.initial_lr as number);
  }

  // Porting note: 1.13 decremented each direct scheduler's last_epoch; current PyTorch recurses
  // into nested SequentialLR / ChainedScheduler (followed).
  private recursiveUndo(sched: LRScheduler = this): void {
    if (sched instanceof CompositeScheduler) {
      for (const s of sched._schedulers) this.recursiveUndo(s);
    } else sched.lastEpoch -= 1;
  }

  override step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this._milestones.length && this._milestones[idx] <= this.lastEpoch) idx++; // bisect_right
    const scheduler = this._schedulers[idx];
    // Porting note: 1.13 called scheduler.step(0) (closed form, with a deprecation warning);
    // current PyTorch calls _update_lr(0): the same values, no warning.
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) scheduler._updateLr(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "schedulers", value: this._schedulers },
      { key: "milestones", value: this._milestones },
    ];
  }
}
