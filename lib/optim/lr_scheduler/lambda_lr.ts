import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import { LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
import { collapse, readOptions, required, type OptionEntry } from "./options.js";

/** A multiplicative factor as a function of the epoch (step) index. */
export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions {
  /** One function for every group, or one per group. */
  lr_lambda: LrLambda | readonly LrLambda[];
  /** Index of the last epoch when resuming. Default: -1. */
  last_epoch?: number;
}

/** One function per group from `lr_lambda` (a function or an array), with PyTorch's checks. */
export function lrLambdas(optimizer: OptimizerLike, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  const list = Array.isArray(lrLambda) ? [...lrLambda] : Array.from({ length: n }, () => lrLambda as LrLambda);
  if (Array.isArray(lrLambda) && lrLambda.length !== n) throw new ValueError(msg.lrLambdaCount(n, lrLambda.length));
  for (const f of list) if (typeof f !== "function") throw new TypeError(msg.lrLambdaNotFunction(f));
  return list;
}

/**
 * Sets each group's lr to its initial lr times `lr_lambda(epoch)` (PyTorch's `LambdaLR`). The
 * Hugging Face warmup schedules (`getLinearScheduleWithWarmup`, ...) are LambdaLRs.
 *
 * @example
 * // two groups: step decay for the first, exponential for the second
 * new optim.lr_scheduler.LambdaLR(opt, { lr_lambda: [(e) => Math.floor(e / 30), (e) => 0.95 ** e] });
 */
export class LambdaLR extends LRScheduler {
  /** The factor functions, one per group (not saved by `stateDict()`, as in PyTorch). */
  lr_lambdas: LrLambda[];

  constructor(optimizer: OptimizerLike, options: LambdaLROptions) {
    super(optimizer);
    const o = readOptions(new.target.name, options, ["lr_lambda", "last_epoch"]);
    this.lr_lambdas = lrLambdas(optimizer, required(new.target.name, "lr_lambda", o.lr_lambda));
    this.initialize(o.last_epoch ?? -1);
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const e = this.lastEpoch;
    return this.base_lrs.map((b, i) => b * this.lr_lambdas[i](e));
  }

  /** Fast path for `simulate`: `base_lr * lr_lambda(t)` straight into typed arrays (what `getLr()` computes). */
  _simulate(lr: Float64Array[], _momentum: Float64Array[] | null, from: number, to: number): boolean {
    if (this.getLr !== LambdaLR.prototype.getLr || this.step !== LambdaLR.prototype.step) return false;
    const n = Math.min(this.base_lrs.length, lr.length);
    for (let g = 0; g < n; g++) {
      const out = lr[g];
      const base = this.base_lrs[g];
      const f = this.lr_lambdas[g];
      for (let t = from; t < to; t++) out[t] = base * f(t);
    }
    this.lastEpoch = to - 1;
    return true;
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "lr_lambda", value: collapse(this.lr_lambdas) }];
  }
}
