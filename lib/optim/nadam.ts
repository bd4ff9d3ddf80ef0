import type { Betas, Flag } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { stepCounter, zeros, type ParamState, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 2e-3,
  betas: [0.9, 0.999] as Betas,
  eps: 1e-8,
  weight_decay: 0,
  momentum_decay: 4e-3,
  decoupled_weight_decay: false,
  foreach: null as Flag,
  maximize: false,
  capturable: false,
  differentiable: false,
};

/** NAdam's hyperparameters, with PyTorch's keys and defaults. */
export type NAdamDefaults = typeof DEFAULTS;
export type NAdamOptions = Partial<NAdamDefaults>;

/**
 * NAdam (Dozat): Adam with Nesterov momentum and a momentum schedule (`momentum_decay`), as
 * PyTorch's `torch.optim.NAdam`, with L2 or decoupled (`decoupled_weight_decay`) weight decay.
 * State: `step`, `mu_product`, `exp_avg`, `exp_avg_sq`.
 *
 * Porting note: follows current PyTorch. torch 1.13 multiplied `mu` into `mu_product_next`
 * twice (fixed upstream) and had no `maximize` / `decoupled_weight_decay`.
 *
 * @example
 * const opt = new optim.NAdam(model.parameters(), { lr: 2e-3, momentum_decay: 4e-3 });
 */
export class NAdam extends Optimizer<NAdamDefaults> {
  static readonly DEFAULTS: Readonly<NAdamDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<NAdamDefaults> = { step: stepCounter, mu_product: { init: () => 1 }, exp_avg: zeros, exp_avg_sq: zeros };
  protected override readonly kernel = nadamKernel;

  constructor(params: ParamsInput, options?: NAdamOptions) {
    super(params, options);
  }

  protected override scalars(g: NAdamDefaults, state: ParamState) {
    const [beta1, beta2] = g.betas;
    const step = state.step as number;
    const psi = g.momentum_decay;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * psi));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
    // mu_product is a float32 tensor in PyTorch.
    const muProduct = Math.fround((state.mu_product as number) * mu);
    state.mu_product = muProduct;
    return {
      beta1,
      beta2,
      eps: g.eps,
      bias_correction2: 1 - beta2 ** step,
      grad_step: (-g.lr * (1 - mu)) / (1 - muProduct),
      avg_step: (-g.lr * muNext) / (1 - muProduct * muNext),
    };
  }
}

/** The NAdam update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks PyTorch's float32 temporaries. */
export const nadamKernel = defineKernel(
  "nadam",
  ["exp_avg", "exp_avg_sq"],
  ["sign", "l2", "decay", "beta1", "beta2", "eps", "bias_correction2", "grad_step", "avg_step"],
  function nadam(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const m = a.exp_avg!;
    const v = a.exp_avg_sq!;
    const w1 = f(1 - s.beta1);
    const b2 = f(s.beta2);
    const w2 = f(1 - s.beta2);
    const eps = f(s.eps);
    const l2 = s.l2;
    const decay = f(s.decay);
    const bc2 = f(s.bias_correction2);
    const gradStep = f(s.grad_step);
    const avgStep = f(s.avg_step);
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
      const denom = f(f(Math.sqrt(f(vi / bc2))) + eps);
      pi = f(pi + gradStep * f(gi / denom));
      p[i] = pi + avgStep * f(mi / denom);
    }
  },
);
