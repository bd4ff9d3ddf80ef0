import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import { LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
import { numberOption, readOptions, type OptionEntry } from "./options.js";

export interface ConstantLROptions {
  /** Factor applied until `total_iters`, in [0, 1]. Default: 1/3. */
  factor?: number;
  /** Steps during which the factor applies. Default: 5. */
  total_iters?: number;
  last_epoch?: number;
}

/**
 * Multiplies each group's lr by `factor` for the first `total_iters` steps (PyTorch's `ConstantLR`).
 *
 * @example
 * // lr = 0.025 for epochs 0..39, then 0.05
 * new optim.lr_scheduler.ConstantLR(opt, { factor: 0.5, total_iters: 40 });
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  total_iters: number;

  constructor(optimizer: OptimizerLike, options: ConstantLROptions = {}) {
    super(optimizer);
    const o = readOptions("ConstantLR", options, ["factor", "total_iters", "last_epoch"]);
    this.factor = numberOption("factor", o.factor ?? 1.0 / 3);
    if (this.factor > 1.0 || this.factor < 0) throw new ValueError(msg.constantFactor());
    this.total_iters = numberOption("total_iters", o.total_iters ?? 5);
    this.initialize(o.last_epoch ?? -1);
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.total_iters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1.0 / this.factor));
  }

  override getClosedFormLr(): number[] {
    const after = this.lastEpoch >= this.total_iters ? 1 : 0;
    return this.base_lrs.map((b) => b * (this.factor + after * (1 - this.factor)));
  }

  protected override describeOptions(): OptionEntry[] {
    return [{ key: "factor", value: this.factor }, { key: "total_iters", value: this.total_iters }];
  }
}
