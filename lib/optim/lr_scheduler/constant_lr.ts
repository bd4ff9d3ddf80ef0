import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, type OptionEntry } from "./options.js";

/** PyTorch's range check, and factor > 0: the lr is divided by it at total_iters. */
const factorCheck: Check<number> = (name, v, n) => {
  const f = C.finite(name, v, n);
  if (f > 1.0 || f < 0) throw new ValueError(msg.constantFactor());
  // Porting note: PyTorch accepts 0 and raises ZeroDivisionError when stepped to total_iters.
  if (f === 0) throw new ValueError(msg.constantFactorZero());
  return f;
};
const STATE = { factor: factorCheck, total_iters: C.nonNegativeInteger };

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
    super(optimizer, options);
    const o = readOptions("ConstantLR", options, ["factor", "total_iters", "last_epoch"]);
    const n = optimizer.paramGroups.length;
    this.factor = STATE.factor("factor", o.factor ?? 1.0 / 3, n);
    this.total_iters = STATE.total_iters("total_iters", o.total_iters ?? 5, n);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
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
