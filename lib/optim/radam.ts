import type { Betas, Flag } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { stepCounter, zeros, type ParamState, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 1e-3,
  betas: [0.9, 0.999] as Betas,
  eps: 1e-8,
  weight_decay: 0,
  decoupled_weight_decay: false,
  foreach: null as Flag,
  maximize: false,
  capturable: false,
  differentiable: false,
};

/** RAdam's hyperparameters, with PyTorch's keys and defaults. */
export type RAdamDefaults = typeof DEFAULTS;
export type RAdamOptions = Partial<RAdamDefaults>;

/**
 * RAdam (Liu et al.): Adam with a rectified adaptive learning rate, which falls back to plain
 * momentum SGD while the variance estimate is unreliable (rho_t <= 5), as PyTorch's
 * `torch.optim.RAdam`. State: `step`, `exp_avg`, `exp_avg_sq`.
 *
 * Porting note: follows current PyTorch; torch 1.13 had no `maximize` / `decoupled_weight_decay`.
 *
 * @example
 * const opt = new optim.RAdam(model.parameters(), { lr: 1e-3, decoupled_weight_decay: true, weight_decay: 0.01 });
 */
export class RAdam extends Optimizer<RAdamDefaults> {
  static readonly DEFAULTS: Readonly<RAdamDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<RAdamDefaults> = { step: stepCounter, exp_avg: zeros, exp_avg_sq: zeros };
  protected override readonly kernel = radamKernel;

  constructor(params: ParamsInput, options?: RAdamOptions) {
    super(params, options);
  }

  protected override scalars(g: RAdamDefaults, state: ParamState) {
    const [beta1, beta2] = g.betas;
    const step = state.step as number;
    const biasCorrection2 = 1 - beta2 ** step;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
    // 0: the unrectified (momentum SGD) step.
    const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    return { beta1, beta2, eps: g.eps, bias_correction1: 1 - beta1 ** step, bias_correction2_sqrt: Math.sqrt(biasCorrection2), rect };
  }
}

/** The RAdam update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks PyTorch's float32 temporaries. */
export const radamKernel = defineKernel(
  "radam",
  ["exp_avg", "exp_avg_sq"],
  ["lr", "sign", "l2", "decay", "beta1", "beta2", "eps", "bias_correction1", "bias_correction2_sqrt", "rect"],
  function radam(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const m = a.exp_avg!;
    const v = a.exp_avg_sq!;
    const lr = f(s.lr);
    const w1 = f(1 - s.beta1);
    const b2 = f(s.beta2);
    const w2 = f(1 - s.beta2);
    const eps = f(s.eps);
    const l2 = s.l2;
    const decay = f(s.decay);
    const bc1 = f(s.bias_correction1);
    const bc2Sqrt = f(s.bias_correction2_sqrt);
    const rect = f(s.rect);
    const rectified = s.rect !== 0;
    const sign = s.sign;
    for (let i = start; i < end; i++) {
      let gi = sign * g[i];
      let pi = p[i];
      if (decay !== 1) pi = f(pi * decay);
      else if (l2 !== 0) gi = f(gi + l2 * pi);
      const mi = f(m[i] + w1 * f(gi - m[i]));
      const vi = f(f(v[i] * b2) + w2 * f(gi * gi));
      m[i] = mi;
      v[i] = vi;
      // bias_corrected_exp_avg * lr [* adaptive_lr * rect]
      let upd = f(f(mi / bc1) * lr);
      if (rectified) upd = f(f(upd * f(bc2Sqrt / f(f(Math.sqrt(vi)) + eps))) * rect);
      p[i] = pi - upd;
    }
  },
);
