import { CompositeScheduler } from "./composite_scheduler.js";
import { BASE_STATE, type LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import type { OptionEntry } from "./options.js";

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
export class ChainedScheduler extends CompositeScheduler {
  _schedulers: LRScheduler[];

  // Porting note: the optional `optimizer` argument and the per-scheduler checks are current
  // PyTorch's; 1.13 took only the schedulers.
  constructor(schedulers: readonly LRScheduler[], optimizer?: OptimizerLike) {
    const list = CompositeScheduler.checkSchedulers("ChainedScheduler", schedulers);
    const opt = optimizer ?? list[0].optimizer;
    super(opt);
    CompositeScheduler.checkSchedulers("ChainedScheduler", list, opt);
    this._schedulers = list;
    const last = this._schedulers[this._schedulers.length - 1];
    this._lastLr = last.optimizer.paramGroups.map((g) => g.lr);
    this.base_lrs = this._schedulers[0].base_lrs.slice();
    this.afterLoad();
  }

  // PyTorch's ChainedScheduler does not call LRScheduler.__init__: its state is _last_lr (and _schedulers).
  protected override stateSpec(): StateSpec {
    return { _last_lr: BASE_STATE._last_lr };
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this._schedulers[this._schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
    this.afterLoad();
  }

  // Porting note: PyTorch's ChainedScheduler has no last_epoch; `lastEpoch` here is the first
  // scheduler's, so that displays can say where the schedule is (it is not state).
  protected override afterLoad(): void {
    this.lastEpoch = this._schedulers[0].lastEpoch;
  }

  protected override rebuild(optimizer: OptimizerLike, children: LRScheduler[]): ChainedScheduler {
    return new ChainedScheduler(children, optimizer);
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "schedulers", value: this._schedulers }];
  }
}
