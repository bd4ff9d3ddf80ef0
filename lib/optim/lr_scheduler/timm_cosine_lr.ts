import { ValueError } from "../../errors.js";
import { Generator, normalFill } from "../../tensor/random.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { BASE_STATE, LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

const noiseRange: Check<number | [number, number] | null> = (name, v, n) => {
  if (v === null) return null;
  if (typeof v === "number") return C.finite(name, v, n);
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")) return [C.finite(`${name}[0]`, v[0], n), C.finite(`${name}[1]`, v[1], n)];
  throw new ValueError(msg.timmNoiseRange(v));
};

// timm's state_dict() is its __dict__ without the optimizer; `last_epoch` and `_last_lr` are
// paramlab's (step() without an argument, getLastLr()).
const STATE = {
  base_values: C.perGroupList(C.finite),
  metric: C.nullable(C.finite),
  noise_range_t: noiseRange,
  noise_pct: C.nonNegative,
  noise_std: C.finite,
  noise_seed: C.integer,
  // Porting note: timm checks t_initial > 0 only; warmup_t < 0, cycle_mul <= 0 and k_decay <= 0
  // give NaN or a division by zero in timm and are rejected here.
  t_initial: C.positive,
  lr_min: C.nonNegative,
  cycle_mul: C.positive,
  cycle_decay: C.nonNegative,
  cycle_limit: C.nonNegative,
  warmup_t: C.nonNegative,
  warmup_lr_init: C.nonNegative,
  warmup_prefix: C.boolean,
  t_in_epochs: C.boolean,
  k_decay: C.positive,
  warmup_steps: C.perGroupList(C.finite),
};

export interface CosineLRSchedulerOptions {
  /** Length of the first cycle (epochs, or updates when `t_in_epochs` is false). */
  t_initial: number;
  /** Lowest lr of each cycle. Default: 0. */
  lr_min?: number;
  /** Cycle length multiplier after each restart. Default: 1. */
  cycle_mul?: number;
  /** Peak lr multiplier after each restart. Default: 1. */
  cycle_decay?: number;
  /** Number of cycles; after them the lr stays at `lr_min`. Default: 1. */
  cycle_limit?: number;
  /** Warmup length. Default: 0. */
  warmup_t?: number;
  /** Warmup start lr. Default: 0. */
  warmup_lr_init?: number;
  /** Whether the cosine starts after the warmup (true) or counts it (false). Default: false. */
  warmup_prefix?: boolean;
  /** Whether `t` counts epochs (`step(epoch)`) or updates (`stepUpdate(n)`). Default: true. */
  t_in_epochs?: boolean;
  /** Add noise from this `t` on, or within `[start, end)`. Default: none. */
  noise_range_t?: number | readonly [number, number] | null;
  /** Noise samples are redrawn until |noise| < noise_pct. Default: 0.67. */
  noise_pct?: number;
  /** Accepted as in timm, whose normal noise is drawn with std 1 regardless. Default: 1. */
  noise_std?: number;
  /** Noise at `t` uses a generator seeded with `noise_seed + t`. Default: 42. */
  noise_seed?: number;
  /** k-decay exponent (arXiv:2004.05909). Default: 1. */
  k_decay?: number;
  /** Set `initial_lr` from `lr` (true) or require it (false, resuming). Default: true. */
  initialize?: boolean;
  /**
   * Multiply each group's lr by its `lr_scale` key when it has one, as timm's `update_groups`
   * does (layer-wise lr decay, `optim.paramGroupsLayerDecay`). Default: true, as in timm.
   */
  use_lr_scale?: boolean;
}

const KEYS = [
  "t_initial", "lr_min", "cycle_mul", "cycle_decay", "cycle_limit", "warmup_t", "warmup_lr_init", "warmup_prefix",
  "t_in_epochs", "noise_range_t", "noise_pct", "noise_std", "noise_seed", "k_decay", "initialize", "use_lr_scale",
] as const;

/**
 * timm's `CosineLRScheduler` (timm/scheduler/cosine_lr.py): SGDR cosine decay with warmup,
 * restarts (`cycle_mul`, `cycle_decay`, `cycle_limit`), k-decay and seeded noise. Like timm, it
 * is stateless: `step(epoch)` after each epoch (when `t_in_epochs`) or `stepUpdate(numUpdates)`
 * after each optimizer update sets the lrs for that `t`.
 *
 * Porting note: timm has no argument-less `step()`; here `step()` with no argument advances `t`
 * by one in the scheduler's own unit, so that the schedule can be stepped like PyTorch's and
 * simulated.
 *
 * @example
 * const sched = new optim.lr_scheduler.CosineLRScheduler(opt, { t_initial: 100, warmup_t: 5, warmup_lr_init: 1e-6 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(epoch + 1); }
 */
export class CosineLRScheduler extends LRScheduler {
  t_initial: number;
  lr_min: number;
  cycle_mul: number;
  cycle_decay: number;
  cycle_limit: number;
  warmup_t: number;
  warmup_lr_init: number;
  warmup_prefix: boolean;
  t_in_epochs: boolean;
  noise_range_t: number | [number, number] | null;
  noise_pct: number;
  noise_std: number;
  noise_seed: number;
  k_decay: number;
  /** Each group's `initial_lr` (timm's `base_values`). */
  base_values: number[];
  warmup_steps: number[];
  metric: number | null = null;
  /** Whether a group's `lr_scale` multiplies its lr (the `use_lr_scale` option; not state, as in timm). */
  readonly use_lr_scale: boolean;

  constructor(optimizer: OptimizerLike, options: CosineLRSchedulerOptions) {
    super(optimizer, options);
    const o = readOptions("CosineLRScheduler", options, KEYS);
    const groups = optimizer.paramGroups;
    const n = groups.length;
    this.use_lr_scale = C.boolean("use_lr_scale", o.use_lr_scale ?? true, n);
    if (C.boolean("initialize", o.initialize ?? true, n)) {
      for (const g of groups) if (!("initial_lr" in g)) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (!("initial_lr" in g)) throw new ValueError(`initial_lr missing from param_groups[${i}]`);
      });
    }
    this.base_values = groups.map((g) => g.initial_lr as number);
    this.base_lrs = [...this.base_values];
    this.t_in_epochs = STATE.t_in_epochs("t_in_epochs", o.t_in_epochs ?? true, n);
    this.noise_range_t = STATE.noise_range_t("noise_range_t", o.noise_range_t ?? null, n);
    this.noise_pct = STATE.noise_pct("noise_pct", o.noise_pct ?? 0.67, n);
    this.noise_std = STATE.noise_std("noise_std", o.noise_std ?? 1.0, n);
    this.noise_seed = STATE.noise_seed("noise_seed", o.noise_seed ?? 42, n);
    // Every option is checked before the groups are touched.
    this.t_initial = STATE.t_initial("t_initial", required("CosineLRScheduler", "t_initial", o.t_initial), n);
    this.lr_min = STATE.lr_min("lr_min", o.lr_min ?? 0, n);
    this.cycle_mul = STATE.cycle_mul("cycle_mul", o.cycle_mul ?? 1, n);
    this.cycle_decay = STATE.cycle_decay("cycle_decay", o.cycle_decay ?? 1, n);
    this.cycle_limit = STATE.cycle_limit("cycle_limit", o.cycle_limit ?? 1, n);
    this.warmup_t = STATE.warmup_t("warmup_t", o.warmup_t ?? 0, n);
    this.warmup_lr_init = STATE.warmup_lr_init("warmup_lr_init", o.warmup_lr_init ?? 0, n);
    this.warmup_prefix = STATE.warmup_prefix("warmup_prefix", o.warmup_prefix ?? false, n);
    this.k_decay = STATE.k_decay("k_decay", o.k_decay ?? 1.0, n);
    this.updateGroups(this.base_values);
    if (this.warmup_t) {
      this.warmup_steps = this.base_values.map((v) => (v - this.warmup_lr_init) / this.warmup_t);
      this.updateGroups(groups.map(() => this.warmup_lr_init));
    } else this.warmup_steps = this.base_values.map(() => 1);
    this.lastEpoch = 0;
  }

  /** The lrs at `t` without noise (timm's `_get_lr`). */
  lrAt(t: number): number[] {
    if (t < this.warmup_t) return this.warmup_steps.map((s) => this.warmup_lr_init + t * s);
    if (this.warmup_prefix) t = t - this.warmup_t;
    const m = this.cycle_mul;
    let i: number;
    let tI: number;
    let tCurr: number;
    if (m !== 1) {
      i = Math.floor(Math.log(1 - (t / this.t_initial) * (1 - m)) / Math.log(m));
      tI = m ** i * this.t_initial;
      tCurr = t - ((1 - m ** i) / (1 - m)) * this.t_initial;
    } else {
      i = Math.floor(t / this.t_initial);
      tI = this.t_initial;
      tCurr = t - this.t_initial * i;
    }
    const gamma = this.cycle_decay ** i;
    const k = this.k_decay;
    if (i < this.cycle_limit) {
      const c = 1 + Math.cos((Math.PI * tCurr ** k) / tI ** k);
      return this.base_values.map((v) => this.lr_min + 0.5 * (v * gamma - this.lr_min) * c);
    }
    return this.base_values.map(() => this.lr_min);
  }

  getLr(): number[] {
    return this.addNoise(this.lrAt(this.lastEpoch), this.lastEpoch);
  }

  /**
   * timm's `step(epoch)`: sets the lrs for `epoch` when `t_in_epochs`. With no argument, advances
   * one step (see the porting note on the class).
   */
  override step(epoch?: number, metric?: number): void {
    if (epoch !== undefined) C.finite("epoch", epoch, 0);
    if (metric !== undefined) this.metric = C.finite("metric", metric, 0);
    if (epoch === undefined) {
      this._stepCount++;
      this.lastEpoch++;
      this.updateGroups(this.getLr());
      return;
    }
    this.metric = metric ?? null;
    if (this.t_in_epochs) this.apply(epoch);
  }

  /** timm's `step_update(num_updates)`: sets the lrs for `numUpdates` when not `t_in_epochs`. */
  stepUpdate(numUpdates: number, metric?: number): void {
    C.finite("num_updates", numUpdates, 0);
    this.metric = metric === undefined ? null : C.finite("metric", metric, 0);
    if (!this.t_in_epochs) this.apply(numUpdates);
  }

  private apply(t: number): void {
    this.lastEpoch = t;
    this.updateGroups(this.addNoise(this.lrAt(t), t));
  }

  /** timm's `update_groups`: sets each group's lr, times its `lr_scale` when it has one (and `use_lr_scale`). */
  private updateGroups(values: number[]): void {
    const groups = this.optimizer.paramGroups;
    const scales = groups.map((g, i) => (this.use_lr_scale && "lr_scale" in g ? lrScale(g.lr_scale, i) : null));
    groups.forEach((g, i) => {
      g.lr = scales[i] === null ? values[i] : values[i] * (scales[i] as number);
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private addNoise(lrs: number[], t: number): number[] {
    const r = this.noise_range_t;
    const apply = r === null ? false : typeof r === "number" ? t >= r : r[0] <= t && t < r[1];
    if (!apply) return lrs;
    const noise = this.noiseAt(t);
    return lrs.map((v) => v + v * noise);
  }

  /** The noise factor at `t`: torch.randn(1) from a generator seeded `noise_seed + t`, redrawn until |noise| < noise_pct. */
  noiseAt(t: number): number {
    const g = new Generator(this.noise_seed + t);
    const sample = new Float32Array(1); // torch.randn(1): a float32 element
    for (;;) {
      const noise = normalFill(sample, 0, 1, { generator: g })[0];
      if (Math.abs(noise) < this.noise_pct) return noise;
    }
  }

  /** Steps covered by `cycles` cycles (timm's `get_cycle_length`); `0` means `cycle_limit`. */
  getCycleLength(cycles = 0): number {
    cycles = Math.max(1, cycles || this.cycle_limit);
    if (this.cycle_mul === 1.0) return this.t_initial * cycles;
    return Math.floor((-this.t_initial * (this.cycle_mul ** cycles - 1)) / (1 - this.cycle_mul));
  }

  protected override stateSpec(): StateSpec {
    return { ...STATE, last_epoch: { check: C.nonNegative, field: "lastEpoch" }, _last_lr: BASE_STATE._last_lr };
  }

  protected override describeOptions(): OptionEntry[] {
    return [
      { key: "t_initial", value: this.t_initial },
      { key: "lr_min", value: this.lr_min, default: 0 },
      { key: "cycle_mul", value: this.cycle_mul, default: 1 },
      { key: "cycle_decay", value: this.cycle_decay, default: 1 },
      { key: "cycle_limit", value: this.cycle_limit, default: 1 },
      { key: "warmup_t", value: this.warmup_t, default: 0 },
      { key: "warmup_lr_init", value: this.warmup_lr_init, default: 0 },
      { key: "warmup_prefix", value: this.warmup_prefix, default: false },
      { key: "t_in_epochs", value: this.t_in_epochs, default: true },
      { key: "noise_range_t", value: this.noise_range_t, default: null },
      { key: "noise_pct", value: this.noise_pct, default: 0.67 },
      { key: "noise_seed", value: this.noise_seed, default: 42 },
      { key: "k_decay", value: this.k_decay, default: 1.0 },
      { key: "use_lr_scale", value: this.use_lr_scale, default: true },
    ];
  }
}


/** A group's `lr_scale`: a finite number (timm multiplies the lr by it). */
function lrScale(v: unknown, group: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(msg.lrScaleNotNumber(group, v));
  return v;
}
