import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkBetas, checkEps, checkLr, checkNoKernelFlags, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

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
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(6);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const [beta1, beta2] = group.betas as [number, number];
      const eps = group.eps as number;
      const wd = group.weight_decay as number;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.stateFor(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_inf: zerosLike(p) }));
        const step = (state.step as number) + 1;
        state.step = step;
        scalars.set([-(lr / (1 - beta1 ** step)), beta1, beta2, eps, wd, maximize ? 1 : 0]);
        const m = (state.exp_avg as Tensor).data;
        runKernel(adamaxKernel, [p.data, p.grad.data, m, (state.exp_inf as Tensor).data, null], scalars);
      }
    }
    return loss;
  }
}

/**
 * The Adamax update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks
 * PyTorch's float32 temporaries. Scalars: [-lr / bias_correction1, beta1, beta2, eps,
 * weight_decay, maximize].
 */
export function adamaxKernel(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  u: Float32Array,
  _e: null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const negClr = f(s[0]);
  const w1 = f(1 - s[1]);
  const b2 = f(s[2]);
  const eps = f(s[3]);
  const wd = s[4];
  const sign = s[5] !== 0 ? -1 : 1;
  for (let i = start; i < end; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = f(gi + wd * p[i]);
    const mi = f(m[i] + w1 * f(gi - m[i]));
    m[i] = mi;
    // torch.maximum(exp_inf * beta2, |grad| + eps); NaN propagates
    const a = f(u[i] * b2);
    const b = f(Math.abs(gi) + eps);
    const ui = a > b || a !== a ? a : b;
    u[i] = ui;
    p[i] = p[i] + negClr * f(mi / ui);
  }
}
