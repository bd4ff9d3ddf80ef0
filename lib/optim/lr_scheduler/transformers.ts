/**
 * The learning-rate schedules of Hugging Face `transformers.optimization`, under their own names
 * (camelCase), each a `LambdaLR` whose factor function is the library's formula. Options use the
 * library's keyword names.
 */
import { ValueError } from "../../errors.js";
import * as C from "./checks.js";
import * as msg from "./messages.js";
import { LambdaLR, type LrLambda } from "./lambda_lr.js";
import type { OptimizerLike } from "./lr_scheduler.js";
import { formatDescription, numberOption, readOptions, required } from "./options.js";

function steps(name: string, v: unknown): number {
  return C.nonNegativeInteger(name, v, 0);
}

/** Names the factor function so that the scheduler prints as `LambdaLR(lr_lambda=get_...(...))`. */
function named(fn: LrLambda, hfName: string, options: Record<string, unknown>): LrLambda {
  const shown = Object.entries(options)
    .filter(([k, v]) => k !== "last_epoch" && v !== undefined)
    .map(([key, value]) => ({ key, value }));
  Object.defineProperty(fn, "description", { value: formatDescription(hfName, shown) });
  return fn;
}

/** The optimizer's default lr (HF reads `optimizer.defaults["lr"]`). */
function defaultLr(optimizer: OptimizerLike): number {
  const lr = optimizer.defaults?.lr ?? optimizer.paramGroups[0]?.initial_lr ?? optimizer.paramGroups[0]?.lr;
  return numberOption("optimizer lr", lr);
}

export interface LastEpochOption {
  last_epoch?: number;
}
export interface WarmupOptions extends LastEpochOption {
  num_warmup_steps: number;
}
export interface WarmupTrainingOptions extends WarmupOptions {
  num_training_steps: number;
}

/**
 * A constant lr: the optimizer's own (`get_constant_schedule`).
 *
 * @example
 * getConstantSchedule(opt);
 */
export function getConstantSchedule(optimizer: OptimizerLike, options: LastEpochOption = {}): LambdaLR {
  const o = readOptions("getConstantSchedule", options, ["last_epoch"]);
  return new LambdaLR(optimizer, { lr_lambda: named(() => 1, "get_constant_schedule", {}), last_epoch: o.last_epoch ?? -1 });
}

/**
 * Linear warmup from 0 to the initial lr over `num_warmup_steps`, then constant
 * (`get_constant_schedule_with_warmup`).
 *
 * @example
 * getConstantScheduleWithWarmup(opt, { num_warmup_steps: 100 });
 */
export function getConstantScheduleWithWarmup(optimizer: OptimizerLike, options: WarmupOptions): LambdaLR {
  const o = readOptions("getConstantScheduleWithWarmup", options, ["num_warmup_steps", "last_epoch"]);
  const w = steps("num_warmup_steps", required("getConstantScheduleWithWarmup", "num_warmup_steps", o.num_warmup_steps));
  const f = (t: number) => (t < w ? t / Math.max(1.0, w) : 1.0);
  return new LambdaLR(optimizer, { lr_lambda: named(f, "get_constant_schedule_with_warmup", { num_warmup_steps: w }), last_epoch: o.last_epoch ?? -1 });
}

/**
 * Linear warmup, then linear decay to 0 at `num_training_steps` (`get_linear_schedule_with_warmup`).
 *
 * @example
 * getLinearScheduleWithWarmup(opt, { num_warmup_steps: 100, num_training_steps: 1000 });
 */
export function getLinearScheduleWithWarmup(optimizer: OptimizerLike, options: WarmupTrainingOptions): LambdaLR {
  const cls = "getLinearScheduleWithWarmup";
  const o = readOptions(cls, options, ["num_warmup_steps", "num_training_steps", "last_epoch"]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  const T = steps("num_training_steps", required(cls, "num_training_steps", o.num_training_steps));
  const f = (t: number) => (t < w ? t / Math.max(1, w) : Math.max(0.0, (T - t) / Math.max(1, T - w)));
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_linear_schedule_with_warmup", { num_warmup_steps: w, num_training_steps: T }),
    last_epoch: o.last_epoch ?? -1,
  });
}

export interface CosineOptions extends WarmupTrainingOptions {
  /** Number of cosine waves; 0.5 (default) is a single half-cosine down to 0. */
  num_cycles?: number;
}

/**
 * Linear warmup, then cosine decay to 0 (`get_cosine_schedule_with_warmup`).
 *
 * @example
 * getCosineScheduleWithWarmup(opt, { num_warmup_steps: 100, num_training_steps: 1000 });
 */
export function getCosineScheduleWithWarmup(optimizer: OptimizerLike, options: CosineOptions): LambdaLR {
  const cls = "getCosineScheduleWithWarmup";
  const o = readOptions(cls, options, ["num_warmup_steps", "num_training_steps", "num_cycles", "last_epoch"]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  const T = steps("num_training_steps", required(cls, "num_training_steps", o.num_training_steps));
  const c = numberOption("num_cycles", o.num_cycles ?? 0.5);
  const f = (t: number) => {
    if (t < w) return t / Math.max(1, w);
    const progress = (t - w) / Math.max(1, T - w);
    return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress)));
  };
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_cosine_schedule_with_warmup", { num_warmup_steps: w, num_training_steps: T, num_cycles: c }),
    last_epoch: o.last_epoch ?? -1,
  });
}

export interface HardRestartsOptions extends WarmupTrainingOptions {
  /** Number of hard restarts. Default: 1. */
  num_cycles?: number;
}

/**
 * Linear warmup, then `num_cycles` cosine decays to 0, each restarting at the initial lr
 * (`get_cosine_with_hard_restarts_schedule_with_warmup`).
 *
 * @example
 * getCosineWithHardRestartsScheduleWithWarmup(opt, { num_warmup_steps: 100, num_training_steps: 1000, num_cycles: 3 });
 */
export function getCosineWithHardRestartsScheduleWithWarmup(optimizer: OptimizerLike, options: HardRestartsOptions): LambdaLR {
  const cls = "getCosineWithHardRestartsScheduleWithWarmup";
  const o = readOptions(cls, options, ["num_warmup_steps", "num_training_steps", "num_cycles", "last_epoch"]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  const T = steps("num_training_steps", required(cls, "num_training_steps", o.num_training_steps));
  const c = numberOption("num_cycles", o.num_cycles ?? 1);
  const f = (t: number) => {
    if (t < w) return t / Math.max(1, w);
    const progress = (t - w) / Math.max(1, T - w);
    if (progress >= 1.0) return 0.0;
    return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((c * progress) % 1.0))));
  };
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_cosine_with_hard_restarts_schedule_with_warmup", { num_warmup_steps: w, num_training_steps: T, num_cycles: c }),
    last_epoch: o.last_epoch ?? -1,
  });
}

export interface PolynomialDecayOptions extends WarmupTrainingOptions {
  /** The lr reached at `num_training_steps`. Default: 1e-7. */
  lr_end?: number;
  /** Power of the decay. Default: 1. */
  power?: number;
}

/**
 * Linear warmup, then polynomial decay from the optimizer's default lr to `lr_end`
 * (`get_polynomial_decay_schedule_with_warmup`). As in HF, the decay is computed from
 * `optimizer.defaults.lr` and applied as a factor to every group.
 *
 * @example
 * getPolynomialDecayScheduleWithWarmup(opt, { num_warmup_steps: 100, num_training_steps: 1000, power: 2 });
 */
export function getPolynomialDecayScheduleWithWarmup(optimizer: OptimizerLike, options: PolynomialDecayOptions): LambdaLR {
  const cls = "getPolynomialDecayScheduleWithWarmup";
  const o = readOptions(cls, options, ["num_warmup_steps", "num_training_steps", "lr_end", "power", "last_epoch"]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  const T = steps("num_training_steps", required(cls, "num_training_steps", o.num_training_steps));
  const lrEnd = numberOption("lr_end", o.lr_end ?? 1e-7);
  const power = numberOption("power", o.power ?? 1.0);
  const lrInit = defaultLr(optimizer);
  if (!(lrInit > lrEnd)) throw new ValueError(msg.lrEndTooLarge(lrEnd, lrInit));
  const f = (t: number) => {
    if (t < w) return t / Math.max(1, w);
    if (t > T) return lrEnd / lrInit; // as LambdaLR multiplies by lr_init
    const lrRange = lrInit - lrEnd;
    const decaySteps = T - w;
    const pctRemaining = 1 - (t - w) / decaySteps;
    const decay = lrRange * pctRemaining ** power + lrEnd;
    return decay / lrInit;
  };
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_polynomial_decay_schedule_with_warmup", { num_warmup_steps: w, num_training_steps: T, lr_end: lrEnd, power }),
    last_epoch: o.last_epoch ?? -1,
  });
}

export interface InverseSqrtOptions extends WarmupOptions {
  /** Time scale of the decay. Default: `num_warmup_steps`, or 10000 when that is 0. */
  timescale?: number | null;
}

/**
 * Linear warmup, then decay as 1 / sqrt(step) (`get_inverse_sqrt_schedule`).
 *
 * @example
 * getInverseSqrtSchedule(opt, { num_warmup_steps: 1000 });
 */
export function getInverseSqrtSchedule(optimizer: OptimizerLike, options: InverseSqrtOptions): LambdaLR {
  const cls = "getInverseSqrtSchedule";
  const o = readOptions(cls, options, ["num_warmup_steps", "timescale", "last_epoch"]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  // Porting note: HF divides by timescale unchecked (ZeroDivisionError for 0); it must be > 0 here.
  const timescale = o.timescale == null ? w || 10_000 : C.positive("timescale", o.timescale, 0);
  const f = (t: number) => {
    if (t < w) return t / Math.max(1, w);
    const shift = timescale - w;
    return 1.0 / Math.sqrt((t + shift) / timescale);
  };
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_inverse_sqrt_schedule", { num_warmup_steps: w, timescale }),
    last_epoch: o.last_epoch ?? -1,
  });
}

export interface CosineWithMinLrOptions extends CosineOptions {
  /** The lr at the end of the cosine (as an absolute value, relative to `optimizer.defaults.lr`). */
  min_lr?: number | null;
  /** The lr at the end of the cosine as a fraction of the initial lr. Give this or `min_lr`. */
  min_lr_rate?: number | null;
}

/**
 * Linear warmup, then cosine decay to `min_lr` (`get_cosine_with_min_lr_schedule_with_warmup`).
 *
 * @example
 * getCosineWithMinLrScheduleWithWarmup(opt, { num_warmup_steps: 100, num_training_steps: 1000, min_lr_rate: 0.1 });
 */
export function getCosineWithMinLrScheduleWithWarmup(optimizer: OptimizerLike, options: CosineWithMinLrOptions): LambdaLR {
  const cls = "getCosineWithMinLrScheduleWithWarmup";
  const o = readOptions(cls, options, ["num_warmup_steps", "num_training_steps", "num_cycles", "min_lr", "min_lr_rate", "last_epoch"]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  const T = steps("num_training_steps", required(cls, "num_training_steps", o.num_training_steps));
  const c = numberOption("num_cycles", o.num_cycles ?? 0.5);
  let rate: number;
  if (o.min_lr != null && o.min_lr_rate != null) throw new ValueError(msg.minLrBoth());
  else if (o.min_lr != null) rate = numberOption("min_lr", o.min_lr) / defaultLr(optimizer);
  else if (o.min_lr_rate == null) throw new ValueError(msg.minLrNeither());
  else rate = numberOption("min_lr_rate", o.min_lr_rate);
  const f = (t: number) => {
    if (t < w) return t / Math.max(1, w);
    const progress = (t - w) / Math.max(1, T - w);
    let factor = 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress));
    factor = factor * (1 - rate) + rate;
    return Math.max(0, factor);
  };
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_cosine_with_min_lr_schedule_with_warmup", {
      num_warmup_steps: w, num_training_steps: T, num_cycles: c, min_lr: o.min_lr ?? undefined, min_lr_rate: o.min_lr_rate ?? undefined,
    }),
    last_epoch: o.last_epoch ?? -1,
  });
}

export type WsdShape = "linear" | "cosine" | "1-sqrt";

export interface WsdOptions extends WarmupOptions {
  /** Steps of the decay phase. */
  num_decay_steps: number;
  /** Total steps; the stable phase is what warmup and decay leave. Give this or `num_stable_steps`. */
  num_training_steps?: number | null;
  /** Steps of the stable phase (wins over `num_training_steps`). */
  num_stable_steps?: number | null;
  /** Warmup shape. Default: `"linear"`. */
  warmup_type?: WsdShape;
  /** Decay shape. Default: `"cosine"`. */
  decay_type?: WsdShape;
  /** Start and end lr as a fraction of the initial lr. Default: 0. */
  min_lr_ratio?: number;
  /** Cosine waves in the decay phase. Default: 0.5. */
  num_cycles?: number;
}

/**
 * Warmup-stable-decay (`get_wsd_schedule`): warmup from `min_lr_ratio` to 1 (linear, cosine or
 * 1-sqrt), a constant stage, then a decay back to `min_lr_ratio` (linear, cosine or 1-sqrt).
 *
 * @example
 * getWsdSchedule(opt, { num_warmup_steps: 100, num_decay_steps: 200, num_training_steps: 1000, decay_type: "1-sqrt" });
 */
export function getWsdSchedule(optimizer: OptimizerLike, options: WsdOptions): LambdaLR {
  const cls = "getWsdSchedule";
  const o = readOptions(cls, options, [
    "num_warmup_steps", "num_decay_steps", "num_training_steps", "num_stable_steps", "warmup_type", "decay_type",
    "min_lr_ratio", "num_cycles", "last_epoch",
  ]);
  const w = steps("num_warmup_steps", required(cls, "num_warmup_steps", o.num_warmup_steps));
  const d = steps("num_decay_steps", required(cls, "num_decay_steps", o.num_decay_steps));
  if (o.num_training_steps == null && o.num_stable_steps == null) throw new ValueError(msg.wsdSteps());
  if (o.num_training_steps != null && o.num_stable_steps != null) process.emitWarning(msg.wsdBothSteps(), "UserWarning");
  const warmupType = o.warmup_type ?? "linear";
  const decayType = o.decay_type ?? "cosine";
  if (!["linear", "cosine", "1-sqrt"].includes(warmupType)) throw new ValueError(msg.wsdWarmupType(warmupType));
  if (!["linear", "cosine", "1-sqrt"].includes(decayType)) throw new ValueError(msg.wsdDecayType(decayType));
  const s = o.num_stable_steps != null ? steps("num_stable_steps", o.num_stable_steps) : (o.num_training_steps as number) - w - d;
  const minRatio = numberOption("min_lr_ratio", o.min_lr_ratio ?? 0);
  const c = numberOption("num_cycles", o.num_cycles ?? 0.5);
  const f = (t: number) => {
    if (t < w) {
      const progress = t / Math.max(1, w);
      let factor = warmupType === "linear" ? progress : warmupType === "cosine" ? 0.5 * (1.0 - Math.cos(Math.PI * progress)) : 1.0 - Math.sqrt(1.0 - progress);
      factor = factor * (1.0 - minRatio) + minRatio;
      return Math.max(0.0, factor);
    }
    if (t < w + s) return 1.0;
    if (t < w + s + d) {
      const progress = (t - w - s) / Math.max(1, d);
      let factor = decayType === "linear" ? 1.0 - progress : decayType === "cosine" ? 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress)) : 1.0 - Math.sqrt(progress);
      factor = factor * (1.0 - minRatio) + minRatio;
      return Math.max(0.0, factor);
    }
    return minRatio;
  };
  return new LambdaLR(optimizer, {
    lr_lambda: named(f, "get_wsd_schedule", {
      num_warmup_steps: w, num_stable_steps: s, num_decay_steps: d, warmup_type: warmupType, decay_type: decayType,
      min_lr_ratio: minRatio, num_cycles: c,
    }),
    last_epoch: o.last_epoch ?? -1,
  });
}
