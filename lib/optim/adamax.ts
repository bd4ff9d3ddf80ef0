import type { Parameter } from "../nn/parameter.js";
import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import { Optimizer, type ParamState, type ParamsInput } from "./optimizer.js";

/** Adamax's hyperparameters, with PyTorch's keys and defaults. */
export interface AdamaxDefaults extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
  capturable: boolean;
}

export type AdamaxOptions = Partial<AdamaxDefaults>;

const ADAMAX_DEFAULTS: AdamaxDefaults = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weight_decay: 0,
  foreach: null,
  maximize: false,
  differentiable: false,
  capturable: false,
};

/**
 * Adamax (Kingma & Ba): Adam with the infinity norm, as PyTorch's `torch.optim.Adamax`.
 * State: `step`, `exp_avg`, `exp_inf`.
 *
 * @example
 * const opt = new optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxDefaults> {
  constructor(params: ParamsInput, options?: AdamaxOptions) {
    const d = resolveOptions("Adamax", ADAMAX_DEFAULTS, options);
    checkLr(d.lr);
    checkEps(d.eps);
    checkBetas(d.betas);
    checkWeightDecay(d.weight_decay);
    checkNoKernelFlags("Adamax", d);
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
      const maximize = group.maximize as boolean;
      const w1 = f(1 - beta1);
      const b2 = f(beta2);
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = initState(this.stateFor(p), p);
        const step = (state.step as number) + 1;
        state.step = step;
        const negClr = f(-(lr / (1 - beta1 ** step)));
        const pd = p.data;
        const gd = p.grad.data;
        const m = (state.exp_avg as Tensor).data;
        const u = (state.exp_inf as Tensor).data;
        for (let i = 0; i < pd.length; i++) {
          let g = maximize ? -gd[i] : gd[i];
          if (wd !== 0) g = f(g + wd * pd[i]);
          const mi = f(m[i] + w1 * f(g - m[i]));
          m[i] = mi;
          // torch.maximum(exp_inf * beta2, |grad| + eps)
          const a = f(u[i] * b2);
          const b = f(Math.abs(g) + eps);
          const ui = a > b || Number.isNaN(a) ? a : b;
          u[i] = ui;
          pd[i] = pd[i] + negClr * f(mi / ui);
        }
      }
    }
    return loss;
  }
}

function initState(s: ParamState, p: Parameter): ParamState {
  if (!("step" in s)) Object.assign(s, { step: 0, exp_avg: zerosLike(p), exp_inf: zerosLike(p) });
  return s;
}
