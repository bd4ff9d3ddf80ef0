import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";

const batch: Check<number> = (name, v) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new ValueError(msg.batchSize(name, v));
  return v;
};
const ruleCheck: Check<"sqrt" | "linear"> = (_name, v) => {
  if (v !== "sqrt" && v !== "linear") throw new ValueError(msg.batchRule(v));
  return v;
};
const STATE = { base_batch_size: batch, rule: ruleCheck, current_batch_size: C.nullable(batch) };
import { collapse, perGroup, readOptions, required, type OptionEntry } from "./options.js";

export interface BatchSizeLRSchedulerOptions {
  /** The lr at `base_batch_size`: one for every group, or one per group. Default: each group's `initial_lr` (its lr). */
  base_lrs?: number | readonly number[];
  /** The batch size at which `base_lrs` apply. */
  base_batch_size: number;
  /** `"sqrt"` (default): lr = base_lr * sqrt(batch / base_batch_size); `"linear"`: base_lr * batch / base_batch_size. */
  rule?: "sqrt" | "linear";
}

/**
 * Scales each group's lr with the batch size in use (the seed tutorial's scheduler): the
 * square-root rule for adaptive optimizers, or the linear rule (Goyal et al., 2017) for SGD.
 * Constructing it leaves the lrs as they are; `step(currentBatchSize)` sets them.
 *
 * @example
 * const sched = new optim.lr_scheduler.BatchSizeLRScheduler(opt, { base_lrs: [0.001, 0.002, 0.003], base_batch_size: 64 });
 * sched.step(128);
 * sched.getLastLr(); // [0.0014142135623730952, 0.0028284271247461905, 0.004242640687119286]
 */
export class BatchSizeLRScheduler extends LRScheduler {
  base_batch_size: number;
  rule: "sqrt" | "linear";
  /** The batch size given to the last `step()`, or null before the first. */
  current_batch_size: number | null = null;

  constructor(optimizer: OptimizerLike, options: BatchSizeLRSchedulerOptions) {
    super(optimizer, options);
    const o = readOptions("BatchSizeLRScheduler", options, ["base_lrs", "base_batch_size", "rule"]);
    const groups = optimizer.paramGroups;
    this.base_batch_size = batch("base_batch_size", required("BatchSizeLRScheduler", "base_batch_size", o.base_batch_size), 0);
    this.rule = ruleCheck("rule", o.rule ?? "sqrt", 0);
    for (const g of groups) if (!("initial_lr" in g)) g.initial_lr = g.lr;
    if (Array.isArray(o.base_lrs) && o.base_lrs.length !== groups.length) {
      throw new ValueError(msg.baseLrsCount(groups.length, o.base_lrs.length));
    }
    this.base_lrs = o.base_lrs === undefined ? groups.map((g) => g.initial_lr as number) : perGroup("base_lrs", groups, o.base_lrs);
    this.lastEpoch = 0;
    this._lastLr = groups.map((g) => g.lr);
  }

  /** The lrs for `current_batch_size` under the rule. */
  getLr(): number[] {
    const b = this.current_batch_size;
    if (b === null) return this.optimizer.paramGroups.map((g) => g.lr);
    if (this.rule === "sqrt") return this.base_lrs.map((lr) => lr * Math.sqrt(b / this.base_batch_size));
    return this.base_lrs.map((lr) => (lr * b) / this.base_batch_size);
  }

  override get stepArgument(): "batchSize" {
    return "batchSize";
  }

  /** Sets each group's lr for a batch of `currentBatchSize` examples. */
  override step(currentBatchSize?: number): void {
    this.current_batch_size = batch("current_batch_size", currentBatchSize, 0);
    this._stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    const groups = this.optimizer.paramGroups;
    for (let i = 0; i < groups.length && i < values.length; i++) groups[i].lr = values[i];
    this._lastLr = groups.map((g) => g.lr);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "base_lrs", value: collapse(this.base_lrs) },
      { key: "base_batch_size", value: this.base_batch_size },
      { key: "rule", value: this.rule },
    ];
  }
}
