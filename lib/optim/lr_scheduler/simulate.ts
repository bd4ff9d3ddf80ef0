import { ValueError } from "../../errors.js";
import type { ParamGroup } from "../optimizer.js";
import * as msg from "./messages.js";
import { checkOptimizer, LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
import { copyData } from "./options.js";
import type { ScheduleTrace } from "./trace.js";

export interface SimulateOptions {
  /** Number of training steps to record (samples per series). */
  steps: number;
  /**
   * For `BatchSizeLRScheduler`: the batch size of each training step; sample `i` is the lr after
   * `step(batchSizes[i])`. At least `steps` values.
   */
  batchSizes?: ArrayLike<number>;
  /**
   * For `ReduceLROnPlateau`: the metric measured after each training step; sample `i` is the lr
   * after `step(metrics[i - 1])`. At least `steps - 1` values.
   */
  metrics?: ArrayLike<number>;
}

/** A scheduler that `simulate` can run faster than step by step, with identical values. */
interface FastPath {
  _simulate(lr: Float64Array[], momentum: Float64Array[] | null, from: number, to: number): boolean;
}

/**
 * Most values a trace may hold (steps × param groups × series): 32 Mi doubles, 256 MB. A bigger
 * request is refused with a clear error instead of failing inside the typed-array allocation.
 */
export const MAX_TRACE_VALUES = 2 ** 25;

/** Steps previewed when the scheduler has no `total_steps` to finish. */
export const DEFAULT_PREVIEW_STEPS = 200;
/** Upper bound of the default preview length (a display must stay quick). */
const MAX_DEFAULT_PREVIEW = 100_000;

/**
 * Computes a learning-rate schedule without training: `build` receives a throwaway copy of the
 * optimizer's param groups (same hyperparameters, no parameters, no tensors touched), and the
 * scheduler it returns is stepped `steps - 1` times. Sample `i` of every series is the value in
 * effect for training step `i`. The real optimizer is left untouched.
 *
 * @example
 * const trace = optim.lr_scheduler.simulate(opt, (o) => new OneCycleLR(o, { max_lr: 0.01, total_steps: 1000 }), { steps: 1000 });
 * trace.lr[0][299]; // 0.01: the peak, at step pct_start * total_steps - 1
 */
export function simulate(
  optimizer: OptimizerLike,
  build: (optimizer: OptimizerLike) => LRScheduler,
  options: SimulateOptions,
): ScheduleTrace {
  checkOptimizer(optimizer);
  const steps = options?.steps;
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1) throw new ValueError(msg.simulateSteps(steps));
  return run(optimizer, build, steps, { batchSizes: options.batchSizes, metrics: options.metrics, preview: false });
}

/**
 * The next `steps` values of a scheduler's schedule (sample 0 = now), computed on a copy (see
 * `LRScheduler._cloneFor`): the scheduler and its optimizer are not touched. `null` when it
 * cannot be previewed (it steps on a metric or a batch size). The preview ends early where the
 * schedule does (OneCycleLR past `total_steps`). Default length: what is left of
 * `total_steps`, else 200 steps.
 *
 * @example
 * optim.lr_scheduler.previewTrace(sched, 100)!.lr[0]; // the lrs of group 0 for the next 100 steps
 */
export function previewTrace(scheduler: LRScheduler, steps?: number): ScheduleTrace | null {
  if (!(scheduler instanceof LRScheduler)) throw new TypeError(msg.previewNotScheduler(scheduler));
  const n = steps ?? previewLength(scheduler);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new ValueError(msg.simulateSteps(n));
  if (scheduler.stepArgument !== null) return null;
  const trace = run(scheduler.optimizer, (shadow) => scheduler._cloneFor(shadow), n, { preview: true });
  return { ...trace, scheduler: scheduler.constructor.name, description: scheduler.toString() };
}

/** How many steps a default preview covers: what is left of `total_steps`, else `DEFAULT_PREVIEW_STEPS`. */
function previewLength(s: LRScheduler): number {
  const total = (s as unknown as { total_steps?: unknown }).total_steps;
  if (typeof total === "number" && Number.isFinite(total)) return Math.min(MAX_DEFAULT_PREVIEW, Math.max(2, total - s.lastEpoch + 1));
  return DEFAULT_PREVIEW_STEPS;
}

/** A throwaway optimizer: copies of the groups' entries (no parameters) and of the defaults. */
function shadowOf(optimizer: OptimizerLike, stepCount: () => number): OptimizerLike {
  const groups: ParamGroup[] = optimizer.paramGroups.map((g) => {
    const copy = { params: [] } as unknown as ParamGroup;
    for (const [k, v] of Object.entries(g)) if (k !== "params" && k !== "param_names") copy[k] = copyData(v);
    return copy;
  });
  const shadow: OptimizerLike = {
    paramGroups: groups,
    ...(optimizer.defaults ? { defaults: copyData({ ...optimizer.defaults }) } : {}),
    get stepCount() {
      return stepCount();
    },
  };
  Object.defineProperty(shadow, "constructor", { value: optimizer.constructor, enumerable: false });
  return shadow;
}

interface RunOptions {
  batchSizes?: ArrayLike<number>;
  metrics?: ArrayLike<number>;
  /** A preview: the optimizer counts as stepped, and an error while stepping ends the trace. */
  preview: boolean;
}

/** The one loop behind `simulate` and `previewTrace`. */
function run(optimizer: OptimizerLike, build: (o: OptimizerLike) => LRScheduler, steps: number, o: RunOptions): ScheduleTrace {
  let stepCount = o.preview ? Number.MAX_SAFE_INTEGER : 0;
  const shadow = shadowOf(optimizer, () => stepCount);
  const groups = shadow.paramGroups;
  const sched = build(shadow);
  if (!(sched instanceof LRScheduler) || sched.optimizer !== shadow) throw new TypeError(msg.simulateBuild(sched));

  const n = groups.length;
  const cycled = sched.cyclesMomentum();
  const series = n * (cycled ? 2 : 1);
  if (steps * series > MAX_TRACE_VALUES) throw new ValueError(msg.simulateTooLarge(steps, series, MAX_TRACE_VALUES));
  const lr = Array.from({ length: n }, () => new Float64Array(steps));
  const momentum = cycled ? Array.from({ length: n }, () => new Float64Array(steps)) : null;
  const record = (i: number) => {
    for (let g = 0; g < n; g++) {
      const group = groups[g];
      lr[g][i] = group.lr;
      if (momentum) momentum[g][i] = cycled === "beta1" ? (group.betas as number[])[0] : (group.momentum as number);
    }
  };
  const count = (i: number) => {
    if (!o.preview) stepCount = i;
  };

  let taken = steps;
  const input = sched.stepArgument;
  if (input === "batchSize") {
    const sizes = o.batchSizes;
    if (!sizes) throw new ValueError(msg.simulateBatchSizesNeeded());
    if (sizes.length < steps) throw new ValueError(msg.simulateSeries("batchSizes", steps, sizes.length));
    const step = sched.step as (b: number) => void;
    for (let i = 0; i < steps; i++) {
      count(i + 1);
      step.call(sched, sizes[i]);
      record(i);
    }
  } else if (input === "metric") {
    const metrics = o.metrics;
    if (!metrics) throw new ValueError(msg.simulateMetricsNeeded());
    if (metrics.length < steps - 1) throw new ValueError(msg.simulateSeries("metrics", steps - 1, metrics.length));
    const step = sched.step as (m: number) => void;
    record(0);
    for (let i = 1; i < steps; i++) {
      count(i);
      step.call(sched, metrics[i - 1]);
      record(i);
    }
  } else {
    record(0);
    count(steps);
    const fast = (sched as unknown as Partial<FastPath>)._simulate;
    let done = false;
    try {
      done = typeof fast === "function" && fast.call(sched, lr, momentum, 1, steps);
    } catch (err) {
      if (!o.preview) throw err; // a preview takes the plain loop, which stops where the schedule ends
    }
    for (let i = 1; !done && i < steps; i++) {
      count(i);
      try {
        sched.step();
      } catch (err) {
        if (!o.preview) throw err;
        taken = i; // e.g. OneCycleLR past total_steps: the schedule ends here
        break;
      }
      record(i);
    }
  }

  const cut = (a: Float64Array[]) => (taken === steps ? a : a.map((x) => x.subarray(0, taken)));
  return {
    steps: taken,
    groupNames: optimizer.paramGroups.map((g, i) => (typeof g.name === "string" ? g.name : `group ${i}`)),
    lr: cut(lr),
    ...(momentum && cycled === "momentum" ? { momentum: cut(momentum) } : {}),
    ...(momentum && cycled === "beta1" ? { beta1: cut(momentum) } : {}),
    scheduler: sched.constructor.name,
    description: sched.toString(),
  };
}
