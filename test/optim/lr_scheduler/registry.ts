/**
 * Every scheduler, once: how to build it with valid options, and the kind of value each option
 * and each state entry takes. test/optim/lr_scheduler/bad_input.test.ts runs every kind of bad
 * value through every entry path of every scheduler from this table; a new scheduler gets the
 * whole suite by adding one entry (a test fails while an exported scheduler is missing here).
 *
 * The kinds are written here by hand from PyTorch's documentation of each argument (and from
 * paramlab's porting notes where it checks more than PyTorch), not read from the code under test.
 */
import { ValueError } from "../../../lib/errors.js";
import * as S from "../../../lib/optim/lr_scheduler/index.js";
import * as msg from "../../../lib/optim/lr_scheduler/messages.js";

/** One bad value: a label, the value, and the error it must give for option/state `name`. */
export type Bad = [label: string, value: unknown, cls: new (...a: never[]) => Error, message: (name: string) => string];

const notNumber = (v: unknown) => (name: string) => msg.notANumber(name, v);
const T = TypeError;
const V = ValueError;

/** The common bad values (string, NaN, ±Infinity, wrong type) of any number. */
const NUMBER_BAD: Bad[] = [
  ["string", "x", T, notNumber("x")],
  ["NaN", NaN, T, notNumber(NaN)],
  ["Infinity", Infinity, V, (n) => msg.notFinite(n, Infinity)],
  ["wrong type", true, T, notNumber(true)],
];

/** Kinds of value, each with every bad value it must reject. */
export const KINDS = {
  number: NUMBER_BAD,
  nonNegative: [...NUMBER_BAD, ["negative", -1, V, (n) => msg.nonNegativeNumber(n, -1)]],
  positive: [
    ...NUMBER_BAD,
    ["negative", -1, V, (n) => msg.positiveNumber(n, -1)],
    ["zero", 0, V, (n) => msg.positiveNumber(n, 0)],
  ],
  positiveInteger: [
    ...NUMBER_BAD,
    ["negative", -1, V, (n) => msg.positiveInteger(n, -1)],
    ["zero", 0, V, (n) => msg.positiveInteger(n, 0)],
    ["fractional", 2.5, V, (n) => msg.positiveInteger(n, 2.5)],
  ],
  nonNegativeInteger: [
    ...NUMBER_BAD,
    ["negative", -1, V, (n) => msg.nonNegativeInteger(n, -1)],
    ["fractional", 2.5, V, (n) => msg.nonNegativeInteger(n, 2.5)],
  ],
  integer: [...NUMBER_BAD, ["fractional", 2.5, V, (n) => msg.badStateValue(n, 2.5, "an integer")]],
  epoch: [
    ...NUMBER_BAD,
    ["negative", -2, V, () => msg.lastEpoch(-2)],
    ["fractional", 2.5, V, () => msg.lastEpoch(2.5)],
  ],
  boolean: [
    ["string", "x", T, (n) => msg.notABoolean(n, "x")],
    ["number", 1, T, (n) => msg.notABoolean(n, 1)],
  ],
  perGroupNumbers: [
    ["string", "x", T, (n) => msg.notAList(n, "x")],
    ["wrong length", [0.1], V, (n) => msg.listLength(n, 1, 3)],
    ["NaN item", [0.1, NaN, 0.1], T, (n) => msg.notANumber(`${n}[1]`, NaN)],
    ["Infinity item", [0.1, 0.1, Infinity], V, (n) => msg.notFinite(`${n}[2]`, Infinity)],
  ],
} satisfies Record<string, Bad[]>;

export type Kind = keyof typeof KINDS;
/** A kind by name, or an explicit list of bad values (checks with PyTorch's own messages). */
export type Expect = Kind | Bad[];

/** A factor with PyTorch's range message for every out-of-range value. */
function ranged(message: () => string, extra: Bad[] = []): Bad[] {
  return [
    ...NUMBER_BAD,
    ["negative", -1, V, message],
    ["too large", 2.5, V, message],
    ...extra,
  ];
}

export interface Entry {
  /** The scheduler's name (its class, or the Hugging Face function). */
  name: string;
  /** Builds it on `opt` with valid options, `over` replacing some. */
  make: (opt: S.OptimizerLike, over?: Record<string, unknown>) => S.LRScheduler;
  /** Option → kind of value (what the constructor must reject). */
  options: Record<string, Expect>;
  /** State-dict key → kind of value (what `loadStateDict` must reject). */
  state: Record<string, Expect>;
  /** Whether `step(epoch)` takes PyTorch's deprecated epoch argument. */
  stepEpoch?: boolean;
}

const sched = (Cls: unknown, valid: Record<string, unknown>) => (opt: S.OptimizerLike, over: Record<string, unknown> = {}) =>
  new (Cls as new (o: S.OptimizerLike, x: unknown) => S.LRScheduler)(opt, { ...valid, ...over });

const BASE_STATE: Record<string, Expect> = {
  last_epoch: "integer",
  _step_count: "nonNegativeInteger",
  base_lrs: "perGroupNumbers",
  _last_lr: "perGroupNumbers",
  _is_initial: "boolean",
};

const lambdaBad: Bad[] = [["number", 0.9, T, () => msg.lrLambdaNotFunction(0.9)]];

const hf = (name: string, fn: (o: S.OptimizerLike, x: never) => S.LRScheduler, valid: Record<string, unknown>, options: Record<string, Expect>): Entry => ({
  name,
  make: (opt, over = {}) => fn(opt, { ...valid, ...over } as never),
  options: { ...options, last_epoch: "epoch" },
  state: BASE_STATE,
  stepEpoch: true,
});

export const REGISTRY: Entry[] = [
  {
    name: "LambdaLR",
    make: sched(S.LambdaLR, { lr_lambda: (e: number) => 0.9 ** e }),
    options: { lr_lambda: lambdaBad, last_epoch: "epoch" },
    state: { ...BASE_STATE, lr_lambdas: [["string", "x", T, (n) => msg.notAList(n, "x")], ["wrong length", [null], V, (n) => msg.listLength(n, 1, 3)]] },
    stepEpoch: true,
  },
  {
    name: "MultiplicativeLR",
    make: sched(S.MultiplicativeLR, { lr_lambda: () => 0.9 }),
    options: { lr_lambda: lambdaBad, last_epoch: "epoch" },
    state: { ...BASE_STATE, lr_lambdas: [["string", "x", T, (n) => msg.notAList(n, "x")]] },
  },
  {
    name: "StepLR",
    make: sched(S.StepLR, { step_size: 3 }),
    options: { step_size: "positiveInteger", gamma: "number", last_epoch: "epoch" },
    state: { ...BASE_STATE, step_size: "positiveInteger", gamma: "number" },
    stepEpoch: true,
  },
  {
    name: "MultiStepLR",
    make: sched(S.MultiStepLR, { milestones: [2, 5] }),
    options: { milestones: [["string", "x", V, () => msg.milestonesNotArray("x")], ["fractional", [2.5], V, () => msg.milestonesNotArray([2.5])]], gamma: "number", last_epoch: "epoch" },
    state: { ...BASE_STATE, gamma: "number", milestones: [["array", [2], T, (n) => msg.badStateValue(n, [2], "an object of milestone → count")]] },
    stepEpoch: true,
  },
  {
    name: "ConstantLR",
    make: sched(S.ConstantLR, {}),
    options: { factor: ranged(msg.constantFactor, [["zero", 0, V, msg.constantFactorZero]]), total_iters: "nonNegativeInteger", last_epoch: "epoch" },
    state: { ...BASE_STATE, factor: ranged(msg.constantFactor, [["zero", 0, V, msg.constantFactorZero]]), total_iters: "nonNegativeInteger" },
    stepEpoch: true,
  },
  {
    name: "LinearLR",
    make: sched(S.LinearLR, {}),
    options: {
      start_factor: ranged(msg.linearStartFactor, [["zero", 0, V, msg.linearStartFactor]]),
      end_factor: ranged(msg.linearEndFactor),
      total_iters: "positiveInteger",
      last_epoch: "epoch",
    },
    state: { ...BASE_STATE, start_factor: ranged(msg.linearStartFactor), end_factor: ranged(msg.linearEndFactor), total_iters: "positiveInteger" },
    stepEpoch: true,
  },
  {
    name: "ExponentialLR",
    make: sched(S.ExponentialLR, { gamma: 0.9 }),
    options: { gamma: "number", last_epoch: "epoch" },
    state: { ...BASE_STATE, gamma: "number" },
    stepEpoch: true,
  },
  {
    name: "PolynomialLR",
    make: sched(S.PolynomialLR, {}),
    options: { total_iters: "positiveInteger", power: "nonNegative", last_epoch: "epoch" },
    state: { ...BASE_STATE, total_iters: "positiveInteger", power: "nonNegative" },
    stepEpoch: true,
  },
  {
    name: "CosineAnnealingLR",
    make: sched(S.CosineAnnealingLR, { T_max: 10 }),
    options: { T_max: "positive", eta_min: "number", last_epoch: "epoch" },
    state: { ...BASE_STATE, T_max: "positive", eta_min: "number" },
    stepEpoch: true,
  },
  {
    name: "CosineAnnealingWarmRestarts",
    make: sched(S.CosineAnnealingWarmRestarts, { T_0: 4 }),
    options: {
      T_0: "positiveInteger",
      T_mult: [...NUMBER_BAD, ["zero", 0, V, () => msg.tMult(0)], ["fractional", 1.5, V, () => msg.tMult(1.5)]],
      eta_min: "number",
      last_epoch: "epoch",
    },
    state: { ...BASE_STATE, T_0: "positiveInteger", T_i: "positive", T_cur: "number", eta_min: "number" },
  },
  {
    name: "CyclicLR",
    make: sched(S.CyclicLR, { base_lr: 0.01, max_lr: 0.1, step_size_up: 4 }),
    options: {
      base_lr: NUMBER_BAD,
      max_lr: NUMBER_BAD,
      step_size_up: "positive",
      step_size_down: "nonNegative",
      gamma: "number",
      cycle_momentum: "boolean",
      base_momentum: NUMBER_BAD,
      max_momentum: NUMBER_BAD,
      mode: [["unknown", "sawtooth", V, msg.cyclicModeInvalid]],
      last_epoch: "epoch",
    },
    state: {
      ...BASE_STATE,
      max_lrs: "perGroupNumbers",
      total_size: "positive",
      step_ratio: "nonNegative",
      gamma: "number",
      cycle_momentum: "boolean",
      mode: [["unknown", "sawtooth", V, (n) => msg.notOneOf(n, "sawtooth", ["triangular", "triangular2", "exp_range"])]],
    },
  },
  {
    name: "OneCycleLR",
    make: sched(S.OneCycleLR, { max_lr: 0.1, total_steps: 20 }),
    options: {
      max_lr: NUMBER_BAD,
      total_steps: "positiveInteger",
      pct_start: [
        ["string", "x", T, notNumber("x")],
        ["NaN", NaN, T, notNumber(NaN)],
        ["Infinity", Infinity, V, () => msg.pctStart(Infinity)],
        ["negative", -1, V, () => msg.pctStart(-1)],
        ["too large", 2.5, V, () => msg.pctStart(2.5)],
      ],
      div_factor: "positive",
      final_div_factor: "positive",
      three_phase: "boolean",
      cycle_momentum: "boolean",
      last_epoch: "epoch",
    },
    state: {
      ...BASE_STATE,
      total_steps: "positiveInteger",
      cycle_momentum: "boolean",
      _anneal_func_type: [["unknown", "exp", V, (n) => msg.notOneOf(n, "exp", ["cos", "linear"])]],
      _schedule_phases: [["string", "x", T, (n) => msg.badStateValue(n, "x", "a non-empty array of phases")]],
    },
  },
  {
    name: "ReduceLROnPlateau",
    make: sched(S.ReduceLROnPlateau, {}),
    options: {
      factor: [...NUMBER_BAD, ["too large", 2.5, V, msg.plateauFactor]],
      patience: "nonNegativeInteger",
      cooldown: "nonNegativeInteger",
      eps: "nonNegative",
      threshold: "number",
      min_lr: NUMBER_BAD,
      mode: [["unknown", "up", V, () => msg.unknownMode("up")]],
      threshold_mode: [["unknown", "pct", V, () => msg.unknownThresholdMode("pct")]],
    },
    state: {
      factor: [...NUMBER_BAD, ["too large", 2.5, V, msg.plateauFactor]],
      patience: "nonNegativeInteger",
      num_bad_epochs: "nonNegativeInteger",
      cooldown_counter: "integer",
      best: [["string", "x", T, notNumber("x")], ["NaN", NaN, T, notNumber(NaN)]],
      mode: [["unknown", "up", V, () => msg.unknownMode("up")]],
      last_epoch: NUMBER_BAD,
    },
  },
  {
    name: "SequentialLR",
    make: (opt, over = {}) =>
      new S.SequentialLR(opt, { schedulers: [new S.ConstantLR(opt, { factor: 0.5, total_iters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })], milestones: [2], ...over }),
    options: {
      milestones: [["string", "x", V, () => msg.milestonesNotArray("x")], ["fractional", [2.5], V, () => msg.milestonesNotArray([2.5])]],
      schedulers: [["not an array", 0.5, T, () => msg.schedulersNotArray("SequentialLR", 0.5)], ["empty", [], V, () => msg.noSchedulers("SequentialLR")]],
      last_epoch: "epoch",
    },
    state: { last_epoch: "integer", _last_lr: "perGroupNumbers", _milestones: [["string", "x", T, (n) => msg.notAList(n, "x")]] },
  },
  {
    name: "ChainedScheduler",
    make: (opt) => new S.ChainedScheduler([new S.ConstantLR(opt, { factor: 0.5, total_iters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })]),
    options: {},
    state: { _last_lr: "perGroupNumbers" },
  },
  {
    name: "ParamwiseScheduler",
    make: (opt) => new S.ParamwiseScheduler([new S.StepLR(opt, { step_size: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 }), new S.ConstantLR(opt)]),
    options: {},
    state: { _step_count: "nonNegativeInteger", _last_lr: "perGroupNumbers" },
  },
  {
    name: "BatchSizeLRScheduler",
    make: sched(S.BatchSizeLRScheduler, { base_batch_size: 32 }),
    options: {
      base_batch_size: ["x", NaN, Infinity, -1, 0, 2.5].map((v): Bad => [String(v), v, V, () => msg.batchSize("base_batch_size", v)]),
      rule: [["unknown", "cube", V, () => msg.batchRule("cube")]],
      base_lrs: [["NaN", NaN, T, notNumber(NaN)], ["wrong length", [0.1], V, () => msg.baseLrsCount(3, 1)]],
    },
    state: {
      ...BASE_STATE,
      current_batch_size: ["x", NaN, -1, 2.5].map((v): Bad => [String(v), v, V, (n) => msg.batchSize(n, v)]),
      rule: [["unknown", "cube", V, () => msg.batchRule("cube")]],
    },
  },
  {
    name: "CosineLRScheduler",
    make: sched(S.CosineLRScheduler, { t_initial: 10 }),
    options: {
      t_initial: "positive",
      lr_min: "nonNegative",
      cycle_mul: "positive",
      cycle_decay: "nonNegative",
      cycle_limit: "nonNegative",
      warmup_t: "nonNegative",
      warmup_lr_init: "nonNegative",
      warmup_prefix: "boolean",
      t_in_epochs: "boolean",
      noise_pct: "nonNegative",
      noise_std: "number",
      noise_seed: "integer",
      k_decay: "positive",
      use_lr_scale: "boolean",
      initialize: "boolean",
      noise_range_t: [["string", "x", V, () => msg.timmNoiseRange("x")]],
    },
    state: {
      t_initial: "positive",
      cycle_mul: "positive",
      warmup_t: "nonNegative",
      k_decay: "positive",
      base_values: "perGroupNumbers",
      warmup_steps: "perGroupNumbers",
      t_in_epochs: "boolean",
      metric: NUMBER_BAD,
      last_epoch: "nonNegative",
    },
  },
  hf("getConstantScheduleWithWarmup", S.getConstantScheduleWithWarmup, { num_warmup_steps: 3 }, { num_warmup_steps: "nonNegativeInteger" }),
  hf("getLinearScheduleWithWarmup", S.getLinearScheduleWithWarmup, { num_warmup_steps: 3, num_training_steps: 20 }, {
    num_warmup_steps: "nonNegativeInteger",
    num_training_steps: "nonNegativeInteger",
  }),
  hf("getCosineScheduleWithWarmup", S.getCosineScheduleWithWarmup, { num_warmup_steps: 3, num_training_steps: 20 }, {
    num_warmup_steps: "nonNegativeInteger",
    num_training_steps: "nonNegativeInteger",
    num_cycles: "number",
  }),
  hf("getCosineWithHardRestartsScheduleWithWarmup", S.getCosineWithHardRestartsScheduleWithWarmup, { num_warmup_steps: 3, num_training_steps: 20 }, {
    num_training_steps: "nonNegativeInteger",
    num_cycles: "number",
  }),
  hf("getPolynomialDecayScheduleWithWarmup", S.getPolynomialDecayScheduleWithWarmup, { num_warmup_steps: 3, num_training_steps: 20 }, {
    num_training_steps: "nonNegativeInteger",
    lr_end: "number",
    power: "number",
  }),
  hf("getInverseSqrtSchedule", S.getInverseSqrtSchedule, { num_warmup_steps: 3 }, { num_warmup_steps: "nonNegativeInteger", timescale: "positive" }),
  hf("getCosineWithMinLrScheduleWithWarmup", S.getCosineWithMinLrScheduleWithWarmup, { num_warmup_steps: 3, num_training_steps: 20, min_lr_rate: 0.1 }, {
    num_training_steps: "nonNegativeInteger",
    min_lr_rate: "number",
    num_cycles: "number",
  }),
  hf("getWsdSchedule", S.getWsdSchedule, { num_warmup_steps: 3, num_decay_steps: 5, num_training_steps: 20 }, {
    num_decay_steps: "nonNegativeInteger",
    min_lr_ratio: "number",
    num_cycles: "number",
  }),
  hf("getConstantSchedule", S.getConstantSchedule, {}, {}),
];

/** The bad values of a kind or an explicit list. */
export function badValues(e: Expect): Bad[] {
  return typeof e === "string" ? KINDS[e] : e;
}
