import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

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
 * Porting note: follows current PyTorch; torch 1.13 had no `maximize` / `decoupled_weight_decay`.
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
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(10);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const [beta1, beta2] = group.betas as [number, number];
      const eps = group.eps as number;
      const wd = group.weight_decay as number;
      const decoupled = group.decoupled_weight_decay as boolean;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.stateFor(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) }));
        const step = (state.step as number) + 1;
        state.step = step;
        const biasCorrection1 = 1 - beta1 ** step;
        const biasCorrection2 = 1 - beta2 ** step;
        const rhoInf = 2 / (1 - beta2) - 1;
        const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
        const rectified = rhoT > 5;
        const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
        const decay = decoupled && wd !== 0 ? 1 - lr * wd : 1;
        const l2 = decoupled ? 0 : wd;
        scalars.set([lr, beta1, beta2, eps, l2, decay, biasCorrection1, Math.sqrt(biasCorrection2), rect, maximize ? 1 : 0]);
        const m = (state.exp_avg as Tensor).data;
        runKernel(radamKernel, [p.data, p.grad.data, m, (state.exp_avg_sq as Tensor).data, null], scalars);
      }
    }
    return loss;
  }
}

/**
 * The RAdam update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks
 * PyTorch's float32 temporaries. Scalars: [lr, beta1, beta2, eps, l2 weight_decay, decoupled
 * decay factor (1: none), bias_correction1, sqrt(bias_correction2), rect (0: unrectified step),
 * maximize].
 */
export function radamKernel(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  _e: null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const lr = f(s[0]);
  const w1 = f(1 - s[1]);
  const b2 = f(s[2]);
  const w2 = f(1 - s[2]);
  const eps = f(s[3]);
  const l2 = s[4];
  const decay = f(s[5]);
  const bc1 = f(s[6]);
  const bc2Sqrt = f(s[7]);
  const rect = f(s[8]);
  const rectified = s[8] !== 0;
  const sign = s[9] !== 0 ? -1 : 1;
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
}
