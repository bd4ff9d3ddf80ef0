import type { Parameter } from "../nn/parameter.js";
import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkRange, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamState, type ParamsInput } from "./optimizer.js";

/** NAdam's hyperparameters, with PyTorch's keys and defaults. */
export interface NAdamDefaults extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  momentum_decay: number;
  decoupled_weight_decay: boolean;
  foreach: boolean | null;
  maximize: boolean;
  capturable: boolean;
  differentiable: boolean;
}

export type NAdamOptions = Partial<NAdamDefaults>;

const NADAM_DEFAULTS: NAdamDefaults = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weight_decay: 0,
  momentum_decay: 4e-3,
  decoupled_weight_decay: false,
  foreach: null,
  maximize: false,
  capturable: false,
  differentiable: false,
};

/**
 * NAdam (Dozat): Adam with Nesterov momentum and a momentum schedule (`momentum_decay`), as
 * PyTorch's `torch.optim.NAdam`, with L2 or decoupled (`decoupled_weight_decay`) weight decay.
 * State: `step`, `mu_product`, `exp_avg`, `exp_avg_sq`.
 *
 * Porting note: follows PyTorch >= 2.0. torch 1.13 multiplied `mu` into `mu_product_next`
 * twice (fixed upstream) and had no `maximize` / `decoupled_weight_decay`.
 *
 * @example
 * const opt = new optim.NAdam(model.parameters(), { lr: 2e-3, momentum_decay: 4e-3 });
 */
export class NAdam extends Optimizer<NAdamDefaults> {
  constructor(params: ParamsInput, options?: NAdamOptions) {
    const d = resolveOptions("NAdam", NADAM_DEFAULTS, options);
    checkLr(d.lr);
    checkEps(d.eps);
    checkBetas(d.betas);
    checkWeightDecay(d.weight_decay);
    checkRange(d.momentum_decay, d.momentum_decay >= 0, msg.invalidMomentumDecay);
    checkNoKernelFlags("NAdam", d);
    super(params, d);
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const f = Math.fround;
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const [beta1, beta2] = group.betas as [number, number];
      const eps = f(group.eps as number);
      const wd = group.weight_decay as number;
      const psi = group.momentum_decay as number;
      const decoupled = group.decoupled_weight_decay as boolean;
      const maximize = group.maximize as boolean;
      const w1 = f(1 - beta1);
      const b2 = f(beta2);
      const w2 = f(1 - beta2);
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = initState(this.stateFor(p), p);
        const step = (state.step as number) + 1;
        state.step = step;
        const biasCorrection2 = f(1 - beta2 ** step);
        const mu = beta1 * (1 - 0.5 * 0.96 ** (step * psi));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
        // mu_product is a float32 tensor in PyTorch.
        const muProduct = f((state.mu_product as number) * mu);
        state.mu_product = muProduct;
        const muProductNext = muProduct * muNext;
        const gradStep = f((-lr * (1 - mu)) / (1 - muProduct));
        const avgStep = f((-lr * muNext) / (1 - muProductNext));
        const decay = decoupled && wd !== 0 ? f(1 - lr * wd) : 1;
        const l2 = decoupled ? 0 : wd;
        const pd = p.data;
        const gd = p.grad.data;
        const m = (state.exp_avg as Tensor).data;
        const v = (state.exp_avg_sq as Tensor).data;
        for (let i = 0; i < pd.length; i++) {
          let g = maximize ? -gd[i] : gd[i];
          let pi = pd[i];
          if (decay !== 1) pi = f(pi * decay);
          else if (l2 !== 0) g = f(g + l2 * pi);
          const mi = f(m[i] + w1 * f(g - m[i]));
          const vi = f(f(v[i] * b2) + w2 * f(g * g));
          m[i] = mi;
          v[i] = vi;
          const denom = f(f(Math.sqrt(f(vi / biasCorrection2))) + eps);
          pi = f(pi + gradStep * f(g / denom));
          pd[i] = pi + avgStep * f(mi / denom);
        }
      }
    }
    return loss;
  }
}

function initState(s: ParamState, p: Parameter): ParamState {
  if (!("step" in s)) Object.assign(s, { step: 0, mu_product: 1, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) });
  return s;
}
