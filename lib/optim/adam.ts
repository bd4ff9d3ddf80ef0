import type { Parameter } from "../nn/parameter.js";
import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import { Optimizer, type ParamsInput, type ParamState } from "./optimizer.js";
import { runAdam } from "./kernels/adam_wasm.js";

/** Adam's hyperparameters, with PyTorch's keys and defaults. */
export interface AdamDefaults extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  foreach: boolean | null;
  capturable: boolean;
  differentiable: boolean;
  fused: boolean | null;
  decoupled_weight_decay: boolean;
}

export type AdamOptions = Partial<AdamDefaults>;

export const ADAM_DEFAULTS: AdamDefaults = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weight_decay: 0,
  amsgrad: false,
  maximize: false,
  foreach: null,
  capturable: false,
  differentiable: false,
  fused: null,
  decoupled_weight_decay: false,
};

/**
 * Adam (Kingma & Ba), as PyTorch's `torch.optim.Adam`: L2 `weight_decay` added to the gradient,
 * or decoupled decay (`decoupled_weight_decay: true`, which is what `AdamW` is), `amsgrad`,
 * `maximize`. State per parameter: `step`, `exp_avg`, `exp_avg_sq` (+ `max_exp_avg_sq`).
 *
 * The update is one fused pass (WebAssembly SIMD, float32 in PyTorch's order; JavaScript when
 * WebAssembly is unavailable), split across worker threads for large parameters; results are
 * identical for any thread count.
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
  static readonly DEFAULTS: Readonly<AdamDefaults> = ADAM_DEFAULTS;

  constructor(params: ParamsInput, options?: AdamOptions) {
    const cls = new.target as typeof Adam;
    const d = resolveOptions(cls.name, cls.DEFAULTS as AdamDefaults, options);
    checkLr(d.lr);
    checkEps(d.eps);
    checkBetas(d.betas);
    checkWeightDecay(d.weight_decay);
    checkNoKernelFlags(cls.name, d);
    super(params, d);
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(9);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const [beta1, beta2] = group.betas as [number, number];
      const eps = group.eps as number;
      const wd = group.weight_decay as number;
      const amsgrad = group.amsgrad as boolean;
      const decoupled = group.decoupled_weight_decay as boolean;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.#initState(p, amsgrad);
        const step = (state.step as number) + 1;
        state.step = step;
        const biasCorrection1 = 1 - beta1 ** step;
        const biasCorrection2 = 1 - beta2 ** step;
        scalars[0] = lr;
        scalars[1] = beta1;
        scalars[2] = beta2;
        scalars[3] = eps;
        scalars[4] = wd;
        scalars[5] = decoupled ? 1 : 0;
        scalars[6] = maximize ? 1 : 0;
        scalars[7] = lr / biasCorrection1;
        scalars[8] = Math.sqrt(biasCorrection2);
        const vmax = amsgrad ? (state.max_exp_avg_sq as Tensor).data : null;
        runAdam([p.data, p.grad.data, (state.exp_avg as Tensor).data, (state.exp_avg_sq as Tensor).data, vmax], scalars);
      }
    }
    return loss;
  }

  /** Lazy state initialization, with PyTorch's key names. */
  #initState(p: Parameter, amsgrad: boolean): ParamState {
    const s = this.stateFor(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) }));
    // Porting note: PyTorch raises a KeyError when amsgrad is switched on after the first step;
    // here the missing max_exp_avg_sq starts at zeros.
    if (amsgrad && !(s.max_exp_avg_sq instanceof Tensor)) s.max_exp_avg_sq = zerosLike(p);
    return s;
  }
}
