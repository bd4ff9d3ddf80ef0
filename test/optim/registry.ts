/**
 * Every optimizer, with options that exercise its state, the state keys PyTorch uses and the bad
 * inputs it must reject (PyTorch's `optim_db` in miniature). Shared by optimizer.test.ts.
 */
import { ValueError } from "../../lib/index.js";
import { optim } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";

type Options = Record<string, unknown>;
type OptimizerClass = new (params: optim.ParamsInput, options?: Options) => optim.Optimizer;

export interface BadInput {
  options: Options;
  error: typeof ValueError | typeof TypeError;
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
  bad: BadInput[];
}

const lr = (): BadInput => ({ options: { lr: -0.1 }, error: ValueError, message: msg.invalidLr(-0.1) });
const eps = (): BadInput => ({ options: { eps: -1e-8 }, error: ValueError, message: msg.invalidEps(-1e-8) });
const wd = (): BadInput => ({ options: { weight_decay: -0.5 }, error: ValueError, message: msg.invalidWeightDecay(-0.5) });
const betas = (): BadInput[] => [
  { options: { betas: [1.0, 0.999] }, error: ValueError, message: msg.invalidBeta(0, 1.0) },
  { options: { betas: [0.9, -0.1] }, error: ValueError, message: msg.invalidBeta(1, -0.1) },
  { options: { betas: [0.9, 1.5] }, error: ValueError, message: msg.invalidBeta(1, 1.5) },
  { options: { betas: [0.9] }, error: TypeError, message: msg.invalidBetas([0.9]) },
];

export const REGISTRY: RegistryEntry[] = [
  {
    name: "SGD",
    cls: optim.SGD as unknown as OptimizerClass,
    options: { lr: 0.1, momentum: 0.9 },
    stateKeys: ["momentum_buffer"],
    defaultLr: 1e-3,
    bad: [
      lr(),
      wd(),
      { options: { momentum: -0.9 }, error: ValueError, message: msg.invalidMomentum(-0.9) },
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
    bad: [lr(), eps(), wd(), ...betas()],
  },
  {
    name: "AdamW",
    cls: optim.AdamW as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "exp_avg", "exp_avg_sq"],
    defaultLr: 1e-3,
    bad: [lr(), eps(), wd(), ...betas()],
  },
  {
    name: "RMSprop",
    cls: optim.RMSprop as unknown as OptimizerClass,
    options: { lr: 0.01, momentum: 0.9, centered: true },
    stateKeys: ["step", "square_avg", "momentum_buffer", "grad_avg"],
    defaultLr: 1e-2,
    bad: [
      lr(),
      eps(),
      wd(),
      { options: { momentum: -0.1 }, error: ValueError, message: msg.invalidMomentum(-0.1) },
      { options: { alpha: -0.5 }, error: ValueError, message: msg.invalidAlpha(-0.5) },
    ],
  },
  {
    name: "Adagrad",
    cls: optim.Adagrad as unknown as OptimizerClass,
    options: { lr: 0.1 },
    stateKeys: ["step", "sum"],
    defaultLr: 1e-2,
    bad: [
      lr(),
      eps(),
      wd(),
      { options: { lr_decay: -0.1 }, error: ValueError, message: msg.invalidLrDecay(-0.1) },
      { options: { initial_accumulator_value: -1 }, error: ValueError, message: msg.invalidInitialAccumulator(-1) },
    ],
  },
  {
    name: "Adamax",
    cls: optim.Adamax as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "exp_avg", "exp_inf"],
    defaultLr: 2e-3,
    bad: [lr(), eps(), wd(), ...betas()],
  },
  {
    name: "NAdam",
    cls: optim.NAdam as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "mu_product", "exp_avg", "exp_avg_sq"],
    defaultLr: 2e-3,
    bad: [
      lr(),
      eps(),
      wd(),
      ...betas(),
      { options: { momentum_decay: -0.004 }, error: ValueError, message: msg.invalidMomentumDecay(-0.004) },
    ],
  },
  {
    name: "RAdam",
    cls: optim.RAdam as unknown as OptimizerClass,
    options: { lr: 0.01 },
    stateKeys: ["step", "exp_avg", "exp_avg_sq"],
    defaultLr: 1e-3,
    bad: [lr(), eps(), wd(), ...betas()],
  },
  {
    name: "Adadelta",
    cls: optim.Adadelta as unknown as OptimizerClass,
    options: { lr: 1.0 },
    stateKeys: ["step", "square_avg", "acc_delta"],
    defaultLr: 1.0,
    bad: [
      lr(),
      eps(),
      wd(),
      { options: { rho: 1.5 }, error: ValueError, message: msg.invalidRho(1.5) },
      { options: { rho: -0.1 }, error: ValueError, message: msg.invalidRho(-0.1) },
    ],
  },
];
