import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import {
  keepingGroups,
  LRScheduler,
  type CycledMomentum,
  type OptimizerLike,
  type SchedulerStateDict,
} from "./lr_scheduler.js";

/**
 * A scheduler that drives other schedulers on the same optimizer (SequentialLR,
 * ChainedScheduler, ParamwiseScheduler). The children write the groups' lrs, so this one reports
 * them as they are; its state dict nests the children's under `_schedulers`, as PyTorch's does.
 * It owns what the three share: the checks of the children, PyTorch's one undo rule, nested
 * state and copies.
 * @internal
 */
export abstract class CompositeScheduler extends LRScheduler {
  abstract _schedulers: LRScheduler[];

  /**
   * The schedulers given to a composite, checked with PyTorch's messages: an array of at least
   * one scheduler, each on `optimizer` (when given) and none stepping on a metric.
   */
  static checkSchedulers(cls: string, schedulers: unknown, optimizer?: OptimizerLike): LRScheduler[] {
    if (!Array.isArray(schedulers)) throw new TypeError(msg.schedulersNotArray(cls, schedulers));
    if (schedulers.length < 1) throw new ValueError(msg.noSchedulers(cls));
    const list = schedulers as unknown[];
    list.forEach((s, i) => {
      if (!(s instanceof LRScheduler) || !s.optimizer) throw new TypeError(msg.schedulerWithoutOptimizer(cls, i));
      if (s.stepArgument === "metric") throw new ValueError(msg.plateauInSequence(cls, i));
      if (optimizer !== undefined && s.optimizer !== optimizer) throw new ValueError(msg.differentOptimizer(cls, s.constructor.name, i));
    });
    return [...(list as LRScheduler[])];
  }

  /**
   * PyTorch's `recursive_undo`: undoes the initial step each scheduler took at construction,
   * recursing into any scheduler that has children (SequentialLR included), so that the
   * composite's own initial step is the only one.
   */
  protected undoInitialSteps(sched: LRScheduler = this): void {
    if (sched instanceof CompositeScheduler) {
      for (const s of sched._schedulers) this.undoInitialSteps(s);
    } else sched.lastEpoch -= 1;
  }

  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
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

  override _prepareLoad(stateDict: SchedulerStateDict): () => void {
    if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict)) return super._prepareLoad(stateDict);
    const { _schedulers: children, ...rest } = stateDict;
    const cls = this.constructor.name;
    if (children !== undefined && (!Array.isArray(children) || children.length !== this._schedulers.length)) {
      throw new ValueError(msg.stateSchedulerCount(cls, children, this._schedulers.length));
    }
    // Check everything before changing anything.
    const own = super._prepareLoad(rest);
    const nested = ((children ?? []) as SchedulerStateDict[]).map((s, i) => this._schedulers[i]._prepareLoad(s));
    return () => {
      own();
      for (const apply of nested) apply();
    };
  }

  /** Builds the same composite over `children` (copies of this one's) on `optimizer`. */
  protected abstract rebuild(optimizer: OptimizerLike, children: LRScheduler[]): CompositeScheduler;

  override _cloneFor(optimizer: OptimizerLike): LRScheduler {
    return keepingGroups(optimizer, () => {
      const copy = this.rebuild(optimizer, this._schedulers.map((s) => s._cloneFor(optimizer)));
      copy.loadStateDict(this.stateDict());
      return copy;
    });
  }
}
