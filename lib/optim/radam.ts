import type { Parameter } from "../nn/parameter.js";
import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import { Optimizer, type ParamState, type ParamsInput } from "./optimizer.js";

/** RAdam's hyperparameters, with PyTorch's keys and defaults. */
export interface RAdamDefaults extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  decoupled_weight_decay: boolean;
  foreach: boolean | null;
  maximize: boolean;
  capturable: boolean;
  differentiable: boolean;
}

export type RAdamOptions = Partial<RAdamDefaults>;

const RADAM_DEFAULTS: RAdamDefaults = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weight_decay: 0,
  decoupled_weight_decay: false,
  foreach: null,
  maximize: false,
  capturable: false,
  differentiable: false,
};

/**
 * RAdam (Liu et al.): Adam with a rectified adaptive learning rate, which falls back to plain
 * momentum SGD while the variance estimate is unreliable (rho_t <= 5), as PyTorch's
 * `torch.optim.RAdam`. State: `step`, `exp_avg`, `exp_avg_sq`.
 *
 * Porting note: follows PyTorch >= 2.1; torch 1.13 had no `maximize` / `decoupled_weight_decay`.
 *
 * @example
 * const opt = new optim.RAdam(model.parameters(), { lr: 1e-3, decoupled_weight_decay: true, weight_decay: 0.01 });
 */
export class RAdam extends Optimizer<RAdamDefaults> {
  constructor(params: ParamsInput, options?: RAdamOptions) {
    const d = resolveOptions("RAdam", RADAM_DEFAULTS, options);
    checkLr(d.lr);
    checkEps(d.eps);
    checkBetas(d.betas);
    checkWeightDecay(d.weight_decay);
    checkNoKernelFlags("RAdam", d);
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
      const decoupled = group.decoupled_weight_decay as boolean;
      const maximize = group.maximize as boolean;
      const w1 = f(1 - beta1);
      const b2 = f(beta2);
      const w2 = f(1 - beta2);
      const flr = f(lr);
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = initState(this.stateFor(p), p);
        const step = (state.step as number) + 1;
        state.step = step;
        const biasCorrection1 = f(1 - beta1 ** step);
        const biasCorrection2 = 1 - beta2 ** step;
        const rhoInf = 2 / (1 - beta2) - 1;
        const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
        const rectified = rhoT > 5;
        const rect = rectified ? f(Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT))) : 1;
        const bc2Sqrt = f(Math.sqrt(biasCorrection2));
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
          let upd = f(f(mi / biasCorrection1) * flr);
          if (rectified) upd = f(f(upd * f(bc2Sqrt / f(f(Math.sqrt(vi)) + eps))) * rect);
          pd[i] = pi - upd;
        }
      }
    }
    return loss;
  }
}

function initState(s: ParamState, p: Parameter): ParamState {
  if (!("step" in s)) Object.assign(s, { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) });
  return s;
}
