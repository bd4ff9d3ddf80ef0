import { type Betas, type Flag } from "./hyperparameters.js";
import { adamKernel } from "./adam_kernel.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { onlyWhen, stepCounter, zeros, type ParamState, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 1e-3,
  betas: [0.9, 0.999] as Betas,
  eps: 1e-8,
  weight_decay: 0,
  amsgrad: false,
  maximize: false,
  foreach: null as Flag,
  capturable: false,
  differentiable: false,
  fused: null as Flag,
  decoupled_weight_decay: false,
};

/** Adam's hyperparameters, with PyTorch's keys and defaults. */
export type AdamDefaults = typeof DEFAULTS;
export type AdamOptions = Partial<AdamDefaults>;

/**
 * Adam (Kingma & Ba), as PyTorch's `torch.optim.Adam`: L2 `weight_decay` added to the gradient,
 * or decoupled decay (`decoupled_weight_decay: true`, which is what `AdamW` is), `amsgrad`,
 * `maximize`. State per parameter: `step`, `exp_avg`, `exp_avg_sq` (+ `max_exp_avg_sq`).
 *
 * Large parameters are updated by a fused single-pass loop split across worker threads when the
 * storage is shared memory; results are identical to the single-threaded loop.
 *
 * Porting note: `foreach`, `fused` select PyTorch kernels and are kept as data only;
 * `capturable` / `differentiable` (CUDA graphs, autograd through the step) are rejected when true.
 * Porting note: `decoupled_weight_decay` is recent PyTorch's option (AdamW = Adam with it on); torch
 * 1.13 lacks it.
 *
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * opt.step();
 */
export class Adam extends Optimizer<AdamDefaults> {
  /** The defaults of this class (AdamW overrides them). */
  static readonly DEFAULTS: Readonly<AdamDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<AdamDefaults> = {
    step: stepCounter,
    exp_avg: zeros,
    exp_avg_sq: zeros,
    max_exp_avg_sq: onlyWhen(zeros, (g: AdamDefaults) => g.amsgrad),
  };
  protected override readonly kernel = adamKernel;

  constructor(params: ParamsInput, options?: AdamOptions) {
    super(params, options);
  }

  protected override scalars(g: AdamDefaults, state: ParamState) {
    const [beta1, beta2] = g.betas;
    const step = state.step as number;
    return { beta1, beta2, eps: g.eps, step_size: g.lr / (1 - beta1 ** step), bias_correction2_sqrt: Math.sqrt(1 - beta2 ** step) };
  }
}
