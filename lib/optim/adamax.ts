import type { Betas, Flag } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { stepCounter, zeros, type ParamState, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 2e-3,
  betas: [0.9, 0.999] as Betas,
  eps: 1e-8,
  weight_decay: 0,
  foreach: null as Flag,
  maximize: false,
  differentiable: false,
  capturable: false,
};

/** Adamax's hyperparameters, with PyTorch's keys and defaults. */
export type AdamaxDefaults = typeof DEFAULTS;
export type AdamaxOptions = Partial<AdamaxDefaults>;

/**
 * Adamax (Kingma & Ba): Adam with the infinity norm, as PyTorch's `torch.optim.Adamax`.
 * State: `step`, `exp_avg`, `exp_inf`.
 *
 * @example
 * const opt = new optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxDefaults> {
  static readonly DEFAULTS: Readonly<AdamaxDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<AdamaxDefaults> = { step: stepCounter, exp_avg: zeros, exp_inf: zeros };
  protected override readonly kernel = adamaxKernel;

  constructor(params: ParamsInput, options?: AdamaxOptions) {
    super(params, options);
  }

  protected override scalars(g: AdamaxDefaults, state: ParamState) {
    const [beta1, beta2] = g.betas;
    return { clr: g.lr / (1 - beta1 ** (state.step as number)), beta1, beta2, eps: g.eps };
  }
}

/** The Adamax update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks PyTorch's float32 temporaries. */
export const adamaxKernel = defineKernel(
  "adamax",
  ["exp_avg", "exp_inf"],
  ["sign", "l2", "clr", "beta1", "beta2", "eps"],
  function adamax(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const m = a.exp_avg!;
    const u = a.exp_inf!;
    const negClr = f(-s.clr);
    const w1 = f(1 - s.beta1);
    const b2 = f(s.beta2);
    const eps = f(s.eps);
    const wd = s.l2;
    const sign = s.sign;
    for (let i = start; i < end; i++) {
      let gi = sign * g[i];
      if (wd !== 0) gi = f(gi + wd * p[i]);
      const mi = f(m[i] + w1 * f(gi - m[i]));
      m[i] = mi;
      // torch.maximum(exp_inf * beta2, |grad| + eps); NaN propagates
      const x = f(u[i] * b2);
      const y = f(Math.abs(gi) + eps);
      const ui = x > y || x !== x ? x : y;
      u[i] = ui;
      p[i] = p[i] + negClr * f(mi / ui);
    }
  },
);
