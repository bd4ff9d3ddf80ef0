import { ValueError } from "../../errors.js";
import type { ParamGroup } from "../optimizer.js";
import * as msg from "./messages.js";
import { LRScheduler, type OptimizerLike } from "./lr_scheduler.js";
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
  if (typeof optimizer !== "object" || optimizer === null || !Array.isArray(optimizer.paramGroups)) {
    throw new TypeError(msg.notAnOptimizer(optimizer));
  }
  const steps = options?.steps;
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1) throw new ValueError(msg.simulateSteps(steps));

  const groups: ParamGroup[] = optimizer.paramGroups.map((g) => {
    const copy = { params: [] } as unknown as ParamGroup;
    for (const [k, v] of Object.entries(g)) if (k !== "params" && k !== "param_names") copy[k] = copyData(v);
    return copy;
  });
  let stepCount = 0;
  const shadow: OptimizerLike = {
    paramGroups: groups,
    ...(optimizer.defaults ? { defaults: copyData({ ...optimizer.defaults }) } : {}),
    // The simulated loop calls optimizer.step() before every scheduler.step().
    get stepCount() {
      return stepCount;
    },
  };
  Object.defineProperty(shadow, "constructor", { value: optimizer.constructor, enumerable: false });

  const sched = build(shadow);
  if (!(sched instanceof LRScheduler) || sched.optimizer !== shadow) throw new TypeError(msg.simulateBuild(sched));

  const n = groups.length;
  const lr = Array.from({ length: n }, () => new Float64Array(steps));
  const cycled = sched.cyclesMomentum();
  const momentum = cycled ? Array.from({ length: n }, () => new Float64Array(steps)) : null;
  const record = (i: number) => {
    for (let g = 0; g < n; g++) {
      const group = groups[g];
      lr[g][i] = group.lr;
      if (momentum) momentum[g][i] = cycled === "beta1" ? (group.betas as number[])[0] : (group.momentum as number);
    }
  };

  const input = sched.stepArgument;
  if (input === "batchSize") {
    const sizes = options.batchSizes;
    if (!sizes) throw new ValueError(msg.simulateBatchSizesNeeded());
    if (sizes.length < steps) throw new ValueError(msg.simulateSeries("batchSizes", steps, sizes.length));
    const step = sched.step as (b: number) => void;
    for (let i = 0; i < steps; i++) {
      stepCount = i + 1;
      step.call(sched, sizes[i]);
      record(i);
    }
  } else if (input === "metric") {
    const metrics = options.metrics;
    if (!metrics) throw new ValueError(msg.simulateMetricsNeeded());
    if (metrics.length < steps - 1) throw new ValueError(msg.simulateSeries("metrics", steps - 1, metrics.length));
    const step = sched.step as (m: number) => void;
    record(0);
    for (let i = 1; i < steps; i++) {
      stepCount = i;
      step.call(sched, metrics[i - 1]);
      record(i);
    }
  } else {
    record(0);
    stepCount = steps;
    const fast = (sched as unknown as Partial<FastPath>)._simulate;
    if (!(typeof fast === "function" && fast.call(sched, lr, momentum, 1, steps))) {
      for (let i = 1; i < steps; i++) {
        stepCount = i;
        sched.step();
        record(i);
      }
    }
  }

  return {
    steps,
    groupNames: optimizer.paramGroups.map((g, i) => (typeof g.name === "string" ? g.name : `group ${i}`)),
    lr,
    ...(momentum && cycled === "momentum" ? { momentum } : {}),
    ...(momentum && cycled === "beta1" ? { beta1: momentum } : {}),
    scheduler: sched.constructor.name,
    description: sched.toString(),
  };
}
