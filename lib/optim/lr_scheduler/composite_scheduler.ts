import { LRScheduler, type CycledMomentum, type SchedulerStateDict } from "./lr_scheduler.js";

/**
 * A scheduler that drives other schedulers on the same optimizer (SequentialLR,
 * ChainedScheduler, ParamwiseScheduler). The children write the groups' lrs, so this one reports
 * them as they are; its state dict nests the children's under `_schedulers`, as PyTorch's does.
 * @internal
 */
export abstract class CompositeScheduler extends LRScheduler {
  abstract _schedulers: LRScheduler[];

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

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { _schedulers, ...rest } = stateDict;
    super.loadStateDict(rest);
    (_schedulers as SchedulerStateDict[]).forEach((s, i) => this._schedulers[i].loadStateDict(s));
  }
}

/**
 * Marker base of ChainedScheduler and ParamwiseScheduler, so that SequentialLR and
 * ParamwiseScheduler can recurse into them without an import cycle.
 * @internal
 */
export abstract class ChainedSchedulerBase extends CompositeScheduler {}
