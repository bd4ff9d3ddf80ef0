import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

const tMult: Check<number> = (name, v, n) => {
  const x = C.finite(name, v, n);
  if (!Number.isInteger(x) || x < 1) throw new ValueError(msg.tMult(x));
  return x;
};
// Porting note: PyTorch's isinstance(eta_min, (float, int)) lets NaN through; it is rejected here,
// as every other scheduler's eta_min is.
const STATE = { T_0: C.positiveInteger, T_i: C.positive, T_mult: tMult, eta_min: C.finite, T_cur: C.finite };

export interface CosineAnnealingWarmRestartsOptions {
  /** Steps until the first restart (a positive integer). */
  T_0: number;
  /** Factor by which the period grows after each restart (integer >= 1). Default: 1. */
  T_mult?: number;
  /** Minimum lr. Default: 0. */
  eta_min?: number;
  last_epoch?: number;
}

/**
 * SGDR: cosine annealing from each group's initial lr to `eta_min` over `T_i` steps, then a warm
 * restart, with `T_i` growing by `T_mult` (PyTorch's `CosineAnnealingWarmRestarts`). `step(epoch)`
 * accepts fractional epochs, e.g. `step(epoch + i / itersPerEpoch)` after every batch.
 *
 * @example
 * const sched = new optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, { T_0: 10, T_mult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T_0: number;
  T_i: number;
  T_mult: number;
  eta_min: number;
  T_cur: number;

  constructor(optimizer: OptimizerLike, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer, options);
    const o = readOptions("CosineAnnealingWarmRestarts", options, ["T_0", "T_mult", "eta_min", "last_epoch"]);
    const n = optimizer.paramGroups.length;
    const T0 = STATE.T_0("T_0", required("CosineAnnealingWarmRestarts", "T_0", o.T_0), n);
    this.T_0 = T0;
    this.T_i = T0;
    this.T_mult = STATE.T_mult("T_mult", o.T_mult ?? 1, n);
    this.eta_min = STATE.eta_min("eta_min", o.eta_min ?? 0.0, n);
    const lastEpoch = C.epoch("last_epoch", o.last_epoch ?? -1, n);
    this.T_cur = lastEpoch;
    this.initialize(lastEpoch);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const { eta_min, T_cur, T_i } = this;
    return this.base_lrs.map((b) => eta_min + ((b - eta_min) * (1 + Math.cos((Math.PI * T_cur) / T_i))) / 2);
  }

  /** Advances one step, or jumps to `epoch` (which may be fractional). */
  override step(epoch?: number): void {
    // As in PyTorch, this override neither counts steps nor warns about the optimizer.
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.T_cur = this.T_cur + 1;
      if (this.T_cur >= this.T_i) {
        // Porting note: 1.13 subtracted T_i; current PyTorch takes the remainder (followed). They
        // agree for unit steps and differ only right after resuming, when T_cur starts at last_epoch.
        this.T_cur = this.T_cur % this.T_i;
        this.T_i = this.T_i * this.T_mult;
      }
    } else {
      if (typeof epoch !== "number" || Number.isNaN(epoch)) throw new TypeError(msg.notANumber("epoch", epoch));
      if (!(epoch >= 0) || !Number.isFinite(epoch)) throw new ValueError(msg.negativeEpoch(epoch));
      if (epoch >= this.T_0) {
        if (this.T_mult === 1) {
          this.T_cur = pyMod(epoch, this.T_0);
        } else {
          const n = Math.trunc(Math.log(epoch / this.T_0 * (this.T_mult - 1) + 1) / Math.log(this.T_mult));
          this.T_cur = epoch - (this.T_0 * (this.T_mult ** n - 1)) / (this.T_mult - 1);
          this.T_i = this.T_0 * this.T_mult ** n;
        }
      } else {
        this.T_i = this.T_0;
        this.T_cur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      values = this.getLr();
    } finally {
      this._getLrCalledWithinStep = false;
    }
    const groups = this.optimizer.paramGroups;
    for (let i = 0; i < groups.length && i < values.length; i++) groups[i].lr = values[i];
    this._lastLr = groups.map((g) => g.lr);
  }

  /** Fast path for `simulate`: integer steps, same arithmetic as `step()` + `getLr()`. */
  _simulate(lr: Float64Array[], _momentum: Float64Array[] | null, from: number, to: number): boolean {
    if (this.getLr !== CosineAnnealingWarmRestarts.prototype.getLr || this.step !== CosineAnnealingWarmRestarts.prototype.step) return false;
    let { T_cur, T_i } = this;
    const { T_mult, eta_min } = this;
    const bases = this.base_lrs;
    const n = Math.min(bases.length, lr.length);
    for (let t = from; t < to; t++) {
      T_cur = T_cur + 1;
      if (T_cur >= T_i) {
        T_cur = T_cur % T_i;
        T_i = T_i * T_mult;
      }
      const c = 1 + Math.cos((Math.PI * T_cur) / T_i);
      for (let g = 0; g < n; g++) lr[g][t] = eta_min + ((bases[g] - eta_min) * c) / 2;
    }
    return true;
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "T_0", value: this.T_0 },
      { key: "T_mult", value: this.T_mult, default: 1 },
      { key: "eta_min", value: this.eta_min, default: 0 },
    ];
  }
}

/** Python's float `%` (result has the divisor's sign). */
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}
