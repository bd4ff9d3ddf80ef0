import { RuntimeError, ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { BASE_STATE, LRScheduler, warnEpochDeprecated, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { collapse, perGroup, readOptions, type OptionEntry } from "./options.js";

export interface ReduceLROnPlateauOptions {
  /** `"min"` (default): reduce when the metric stops decreasing; `"max"`: stops increasing. */
  mode?: "min" | "max";
  /** new_lr = lr * factor. Default: 0.1. */
  factor?: number;
  /** Bad epochs tolerated before reducing. Default: 10. */
  patience?: number;
  /** Threshold for a significant improvement. Default: 1e-4. */
  threshold?: number;
  /** `"rel"` (default) or `"abs"`. */
  threshold_mode?: "rel" | "abs";
  /** Epochs to wait after a reduction. Default: 0. */
  cooldown?: number;
  /** Lower bound on the lr: one for every group, or one per group. Default: 0. */
  min_lr?: number | readonly number[];
  /** Reductions smaller than this are ignored. Default: 1e-8. */
  eps?: number;
}

const KEYS = ["mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"] as const;

const factorCheck: Check<number> = (name, v, n) => {
  const f = C.finite(name, v, n);
  if (f >= 1.0) throw new ValueError(msg.plateauFactor());
  return f;
};
const modeCheck: Check<"min" | "max"> = (_name, v) => {
  if (v !== "min" && v !== "max") throw new ValueError(msg.unknownMode(v));
  return v;
};
const thresholdModeCheck: Check<"rel" | "abs"> = (_name, v) => {
  if (v !== "rel" && v !== "abs") throw new ValueError(msg.unknownThresholdMode(v));
  return v;
};
/** `best` and `mode_worse` may be ±inf: JSON has no Infinity, so they are saved as "inf" / "-inf". */
const INF_STATE = {
  check: (name: string, v: unknown, n: number) =>
    v === "inf" || v === "Infinity" ? Infinity : v === "-inf" || v === "-Infinity" ? -Infinity : C.extended(name, v, n),
  save: (v: unknown) => (v === Infinity ? "inf" : v === -Infinity ? "-inf" : v),
};

// PyTorch's ReduceLROnPlateau does not call LRScheduler.__init__: its state is these keys.
const STATE: StateSpec = {
  factor: factorCheck,
  min_lrs: C.list(C.finite),
  default_min_lr: C.nullable(C.finite),
  patience: C.nonNegativeInteger,
  cooldown: C.nonNegativeInteger,
  eps: C.nonNegative,
  last_epoch: { check: C.finite, field: "lastEpoch" },
  _last_lr: BASE_STATE._last_lr,
  mode: modeCheck,
  threshold: C.finite,
  threshold_mode: thresholdModeCheck,
  mode_worse: INF_STATE,
  best: INF_STATE,
  cooldown_counter: C.integer,
  num_bad_epochs: C.nonNegativeInteger,
};

/**
 * Reduces the lr when a metric has stopped improving (PyTorch's `ReduceLROnPlateau`). Call
 * `step(metric)` after each validation.
 *
 * @example
 * const sched = new optim.lr_scheduler.ReduceLROnPlateau(opt, { mode: "min", patience: 5 });
 * sched.step(valLoss);
 */
export class ReduceLROnPlateau extends LRScheduler {
  factor: number;
  min_lrs: number[];
  default_min_lr: number | null;
  patience: number;
  cooldown: number;
  eps: number;
  mode!: "min" | "max";
  threshold!: number;
  threshold_mode!: "rel" | "abs";
  mode_worse!: number;
  best!: number;
  cooldown_counter = 0;
  num_bad_epochs = 0;

  constructor(optimizer: OptimizerLike, options: ReduceLROnPlateauOptions = {}) {
    super(optimizer, options);
    const o = readOptions("ReduceLROnPlateau", options, KEYS);
    const n = optimizer.paramGroups.length;
    this.factor = factorCheck("factor", o.factor ?? 0.1, n);
    const groups = optimizer.paramGroups;
    const minLr = o.min_lr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups.length) throw new ValueError(msg.minLrCount(groups.length, minLr.length));
      this.default_min_lr = null;
      this.min_lrs = perGroup("min_lr", groups, minLr);
    } else {
      this.default_min_lr = C.finite("min_lr", minLr, n);
      this.min_lrs = groups.map(() => this.default_min_lr as number);
    }
    this.patience = C.nonNegativeInteger("patience", o.patience ?? 10, n);
    this.cooldown = C.nonNegativeInteger("cooldown", o.cooldown ?? 0, n);
    this.eps = C.nonNegative("eps", o.eps ?? 1e-8, n);
    this.lastEpoch = 0;
    // Porting note: PyTorch 1.13's ReduceLROnPlateau had no get_last_lr(); current PyTorch (an
    // LRScheduler subclass) records the lrs from construction on. Current behaviour is followed.
    this._lastLr = groups.map((g) => g.lr);
    this.initIsBetter(o.mode ?? "min", C.finite("threshold", o.threshold ?? 1e-4, n), o.threshold_mode ?? "rel");
    this.reset();
  }

  private reset(): void {
    this.best = this.mode_worse;
    this.cooldown_counter = 0;
    this.num_bad_epochs = 0;
  }

  /** Not used: the lr depends on the metrics given to `step(metric)`. */
  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  override get stepArgument(): "metric" {
    return "metric";
  }

  /** Records a metric (e.g. the validation loss) and reduces the lr after `patience` bad epochs. */
  override step(metrics?: number | { item(): number }, epoch?: number): void {
    // A one-element tensor is accepted, as PyTorch's float(metrics) does.
    const current = typeof metrics === "object" && metrics !== null && typeof metrics.item === "function" ? metrics.item() : metrics;
    if (typeof current !== "number") throw new TypeError(msg.metricNotNumber(metrics));
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else {
      C.finite("epoch", epoch, 0);
      warnEpochDeprecated();
    }
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else this.num_bad_epochs += 1;
    if (this.inCooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // ignore any bad epochs in cooldown
    }
    if (this.num_bad_epochs > this.patience) {
      this.reduceLr();
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.min_lrs.length) {
      if (this.default_min_lr === null) throw new RuntimeError(msg.minLrsGroupsChanged(groups.length, this.min_lrs.length));
      this.min_lrs = groups.map(() => this.default_min_lr as number);
    }
    groups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.min_lrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** Whether a cooldown after the last reduction is still running. */
  get inCooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  /** Whether metric `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === "min" && this.threshold_mode === "rel") return a < best * (1.0 - this.threshold);
    if (this.mode === "min" && this.threshold_mode === "abs") return a < best - this.threshold;
    if (this.mode === "max" && this.threshold_mode === "rel") return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  private initIsBetter(mode: string, threshold: number, thresholdMode: string): void {
    this.mode = modeCheck("mode", mode, 0);
    this.threshold_mode = thresholdModeCheck("threshold_mode", thresholdMode, 0);
    this.mode_worse = mode === "min" ? Infinity : -Infinity;
    this.threshold = threshold;
  }

  protected override stateSpec(): StateSpec {
    return STATE;
  }

  protected override afterLoad(): void {
    this.initIsBetter(this.mode, this.threshold, this.threshold_mode);
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "mode", value: this.mode, default: "min" },
      { key: "factor", value: this.factor },
      { key: "patience", value: this.patience },
      { key: "threshold", value: this.threshold, default: 1e-4 },
      { key: "threshold_mode", value: this.threshold_mode, default: "rel" },
      { key: "cooldown", value: this.cooldown, default: 0 },
      { key: "min_lr", value: this.default_min_lr ?? collapse(this.min_lrs), default: 0 },
      { key: "eps", value: this.eps, default: 1e-8 },
    ];
  }
}
