/**
 * Every optimizer, with options that exercise its state, the state keys PyTorch uses and the bad
 * inputs it must reject (PyTorch's `optim_db` in miniature). Shared by optimizer.test.ts.
 */
import { RuntimeError, ValueError } from "../../lib/index.js";
import { optim } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";

type Options = Record<string, unknown>;
type OptimizerClass = new (params: optim.ParamsInput, options?: Options) => optim.Optimizer;

export interface BadInput {
  options: Options;
  error: typeof ValueError | typeof TypeError | typeof RuntimeError;
  message: string;
}

export interface RegistryEntry {
  name: string;
  cls: OptimizerClass;
  /** Options under which every state entry is created. */
  options: Options;
  /** PyTorch's state keys for a stepped parameter under `options`. */
  stateKeys: string[];
  /** PyTorch's default lr (current PyTorch). */
  defaultLr: number;
  /** Bad inputs of this optimizer beyond those `badInputs` derives from its defaults (checks across keys). */
  bad: BadInput[];
  /** Hyperparameters the constructor does not take as options (AdamW's `decoupled_weight_decay`). */
  fixed?: string[];
}

export const REGISTRY: RegistryEntry[] = [
  {
    name: "SGD",
    cls: optim.SGD as unknown as OptimizerClass,
    options: { lr: 0.1, momentum: 0.9 },
    stateKeys: ["momentum_buffer"],
    defaultLr: 1e-3,
    bad: [
      { options: { nesterov: true, momentum: 0 }, error: ValueError, message: msg.nesterovRequiresMomentum() },
      { options: { nesterov: true, momentum: 0.9, dampening: 0.1 }, error: ValueError, message: msg.nesterovRequiresMomentum() },
    ],
  },
  {
    name: "Adam",
    cls: optim.Adam as unknown as OptimizerClass,
    options: { lr: 0.01, amsgrad: true },
    stateKeys: ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    defaultLr: 1e-3,
    bad: [],
  },
  {
    name: "AdamW",
    cls: optim.AdamW as unknown as OptimizerClass,
    fixed: ["decoupled_weight_decay"],
    options: { lr: 0.01 },
    stateKeys: ["step", "exp_avg", "exp_avg_sq"],
    defaultLr: 1e-3,
    bad: [],
  },
  {
    name: "RMSprop",
    cls: optim.RMSprop as unknown as OptimizerClass,
    options: { lr: 0.01, momentum: 0.9, centered: true },
    stateKeys: ["step", "square_avg", "momentum_buffer", "grad_avg"],
    defaultLr: 1e-2,
    bad: [],
  },
  {
    name: "Adagrad",
    cls: optim.Adagrad as unknown as OptimizerClass,
    options: { lr: 0.1 },
    stateKeys: ["step", "sum"],
    defaultLr: 1e-2,
    bad: [],
  },
  {
    name: "Adamax",
    cls: optim.Adamax as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "exp_avg", "exp_inf"],
    defaultLr: 2e-3,
    bad: [],
  },
  {
    name: "NAdam",
    cls: optim.NAdam as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "mu_product", "exp_avg", "exp_avg_sq"],
    defaultLr: 2e-3,
    bad: [],
  },
  {
    name: "RAdam",
    cls: optim.RAdam as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "exp_avg", "exp_avg_sq"],
    defaultLr: 1e-3,
    bad: [],
  },
  {
    name: "Adadelta",
    cls: optim.Adadelta as unknown as OptimizerClass,
    options: { lr: 1.0 },
    stateKeys: ["step", "square_avg", "acc_delta"],
    defaultLr: 1.0,
    bad: [],
  },
];

/** Out-of-range values for each PyTorch key that has a range, with PyTorch's message. */
const OUT_OF_RANGE: Record<string, Array<[unknown, (v: unknown) => string]>> = {
  lr: [[-0.1, msg.invalidLr], [NaN, msg.invalidLr]],
  eps: [[-1e-8, msg.invalidEps], [NaN, msg.invalidEps]],
  weight_decay: [[-0.5, msg.invalidWeightDecay]],
  momentum: [[-0.9, msg.invalidMomentum]],
  dampening: [[NaN, () => msg.hyperIsNaN("dampening")]],
  rho: [[1.5, msg.invalidRho], [-0.1, msg.invalidRho]],
  alpha: [[-0.5, msg.invalidAlpha]],
  lr_decay: [[-0.1, msg.invalidLrDecay]],
  initial_accumulator_value: [[-1, msg.invalidInitialAccumulator]],
  momentum_decay: [[-0.004, msg.invalidMomentumDecay]],
};

/**
 * Every bad value for every hyperparameter of `entry`'s optimizer, derived from the kind of each
 * default (a number, a boolean, a null-able flag, the betas pair) plus the entry's own cases, so a
 * new registry entry inherits them all. `defaults` is the class's defaults object.
 */
export function badInputs(entry: RegistryEntry, defaults: Readonly<Record<string, unknown>>): BadInput[] {
  const out: BadInput[] = [];
  for (const [key, d] of Object.entries(defaults)) {
    if (key === "capturable" || key === "differentiable") {
      out.push({ options: { [key]: true }, error: ValueError, message: msg.unsupportedFlag(entry.name, key) });
      out.push({ options: { [key]: "no" }, error: TypeError, message: msg.hyperNotBoolean(key, "no") });
    } else if (key === "betas") {
      out.push(
        { options: { betas: "ab" }, error: TypeError, message: msg.invalidBetas("ab") },
        { options: { betas: [0.9] }, error: TypeError, message: msg.invalidBetas([0.9]) },
        { options: { betas: ["0.9", 0.999] }, error: TypeError, message: msg.invalidBetas(["0.9", 0.999]) },
        { options: { betas: [1.0, 0.999] }, error: ValueError, message: msg.invalidBeta(0, 1.0) },
        { options: { betas: [0.9, -0.1] }, error: ValueError, message: msg.invalidBeta(1, -0.1) },
        { options: { betas: [0.9, NaN] }, error: ValueError, message: msg.invalidBeta(1, NaN) },
      );
    } else if (typeof d === "number") {
      for (const bad of ["0.1", null, [0.1]]) out.push({ options: { [key]: bad }, error: TypeError, message: msg.hyperNotNumber(key, bad) });
      for (const [bad, message] of OUT_OF_RANGE[key] ?? []) out.push({ options: { [key]: bad }, error: ValueError, message: message(bad) });
    } else if (typeof d === "boolean") {
      for (const bad of [1, "true", null]) out.push({ options: { [key]: bad }, error: TypeError, message: msg.hyperNotBoolean(key, bad) });
    } else if (d === null) {
      for (const bad of ["yes", 0]) out.push({ options: { [key]: bad }, error: TypeError, message: msg.hyperNotFlag(key, bad) });
    }
  }
  if ("fused" in defaults && "foreach" in defaults) {
    out.push({ options: { fused: true, foreach: true }, error: RuntimeError, message: msg.fusedAndForeach() });
  }
  return [...out, ...entry.bad];
}
