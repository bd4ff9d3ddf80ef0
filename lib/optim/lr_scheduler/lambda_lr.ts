import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateEntry, type StateSpec } from "./lr_scheduler.js";
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
 * `lr_lambdas` in a state dict: one entry per group, `null` for a function (PyTorch saves only
 * callable objects' attributes). Loading checks the entries and keeps the functions.
 */
export const LR_LAMBDAS_STATE: StateEntry = {
  check: (name, v, n) => {
    if (!Array.isArray(v)) throw new TypeError(msg.notAList(name, v));
    if (v.length !== n) throw new ValueError(msg.listLength(name, v.length, n));
    v.forEach((x, i) => {
      if (x !== null && (typeof x !== "object" || Array.isArray(x))) {
        throw new TypeError(msg.badStateValue(`${name}[${i}]`, x, "null or an object of a callable's attributes"));
      }
    });
    return v;
  },
  save: (fns) => (fns as unknown[]).map(() => null),
  assign: false,
};

/** `f(epoch)` for group `group`, checked: a finite number, else an error naming the epoch and the value. */
export function callLambda(f: LrLambda, group: number, epoch: number): number {
  return C.lambdaValue("lr_lambda", group, epoch, f(epoch));
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
    super(optimizer, options);
    const o = readOptions(new.target.name, options, ["lr_lambda", "last_epoch"]);
    this.lr_lambdas = lrLambdas(optimizer, required(new.target.name, "lr_lambda", o.lr_lambda));
    this.initialize(o.last_epoch ?? -1);
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const e = this.lastEpoch;
    return this.base_lrs.map((b, i) => b * callLambda(this.lr_lambdas[i], i, e));
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), lr_lambdas: LR_LAMBDAS_STATE };
  }

  /** Fast path for `simulate`: `base_lr * lr_lambda(t)` straight into typed arrays (what `getLr()` computes). */
  _simulate(lr: Float64Array[], _momentum: Float64Array[] | null, from: number, to: number): boolean {
    if (this.getLr !== LambdaLR.prototype.getLr || this.step !== LambdaLR.prototype.step) return false;
    const n = Math.min(this.base_lrs.length, lr.length);
    for (let g = 0; g < n; g++) {
      const out = lr[g];
      const base = this.base_lrs[g];
      const f = this.lr_lambdas[g];
      // Sample t is epoch e0 + t: simulate starts at epoch 0, a preview at the current epoch.
      const e0 = this.lastEpoch - from + 1;
      for (let t = from; t < to; t++) out[t] = base * callLambda(f, g, e0 + t);
    }
    this.lastEpoch += to - from;
    return true;
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "lr_lambda", value: collapse(this.lr_lambdas) }];
  }
}
