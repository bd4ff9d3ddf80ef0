import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkRange, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

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
 * Porting note: follows current PyTorch. torch 1.13 multiplied `mu` into `mu_product_next`
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
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const f = Math.fround;
    const scalars = new Float64Array(9);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const [beta1, beta2] = group.betas as [number, number];
      const eps = group.eps as number;
      const wd = group.weight_decay as number;
      const psi = group.momentum_decay as number;
      const decoupled = group.decoupled_weight_decay as boolean;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.stateFor(p, () => ({ step: 0, mu_product: 1, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) }));
        const step = (state.step as number) + 1;
        state.step = step;
        const biasCorrection2 = 1 - beta2 ** step;
        const mu = beta1 * (1 - 0.5 * 0.96 ** (step * psi));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
        // mu_product is a float32 tensor in PyTorch.
        const muProduct = f((state.mu_product as number) * mu);
        state.mu_product = muProduct;
        const muProductNext = muProduct * muNext;
        const gradStep = (-lr * (1 - mu)) / (1 - muProduct);
        const avgStep = (-lr * muNext) / (1 - muProductNext);
        const decay = decoupled && wd !== 0 ? 1 - lr * wd : 1;
        const l2 = decoupled ? 0 : wd;
        scalars.set([beta1, beta2, eps, l2, decay, biasCorrection2, gradStep, avgStep, maximize ? 1 : 0]);
        const m = (state.exp_avg as Tensor).data;
        runKernel(nadamKernel, [p.data, p.grad.data, m, (state.exp_avg_sq as Tensor).data, null], scalars);
      }
    }
    return loss;
  }
}

/**
 * The NAdam update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks
 * PyTorch's float32 temporaries. Scalars: [beta1, beta2, eps, l2 weight_decay, decoupled decay
 * factor (1: none), bias_correction2, grad step, exp_avg step, maximize].
 */
export function nadamKernel(
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
  const w1 = f(1 - s[0]);
  const b2 = f(s[1]);
  const w2 = f(1 - s[1]);
  const eps = f(s[2]);
  const l2 = s[3];
  const decay = f(s[4]);
  const bc2 = f(s[5]);
  const gradStep = f(s[6]);
  const avgStep = f(s[7]);
  const sign = s[8] !== 0 ? -1 : 1;
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
}
