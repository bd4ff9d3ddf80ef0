import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { callLambda, LR_LAMBDAS_STATE, lrLambdas, type LrLambda } from "./lambda_lr.js";
import { collapse, readOptions, required, type OptionEntry } from "./options.js";

export interface MultiplicativeLROptions {
  /** Factor applied at each step: one function for every group, or one per group. */
  lr_lambda: LrLambda | readonly LrLambda[];
  /** Index of the last epoch when resuming. Default: -1. */
  last_epoch?: number;
}

/**
 * Multiplies each group's lr by `lr_lambda(epoch)` at every step (PyTorch's `MultiplicativeLR`).
 *
 * @example
 * new optim.lr_scheduler.MultiplicativeLR(opt, { lr_lambda: () => 0.95 });
 */
export class MultiplicativeLR extends LRScheduler {
  lr_lambdas: LrLambda[];

  constructor(optimizer: OptimizerLike, options: MultiplicativeLROptions) {
    super(optimizer, options);
    const o = readOptions("MultiplicativeLR", options, ["lr_lambda", "last_epoch"]);
    this.lr_lambdas = lrLambdas(optimizer, required("MultiplicativeLR", "lr_lambda", o.lr_lambda));
    this.initialize(o.last_epoch ?? -1);
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    // Porting note: 1.13 tested `last_epoch > 0`; current PyTorch tests the initial step (followed),
    // which differs only when resuming.
    if (this._isInitial) return groups.map((g) => g.lr);
    return groups.map((g, i) => g.lr * callLambda(this.lr_lambdas[i], i, this.lastEpoch));
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), lr_lambdas: LR_LAMBDAS_STATE };
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "lr_lambda", value: collapse(this.lr_lambdas) }];
  }
}
