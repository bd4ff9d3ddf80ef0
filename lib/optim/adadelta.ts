import type { Flag } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { stepCounter, zeros, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 1.0,
  rho: 0.9,
  eps: 1e-6,
  weight_decay: 0,
  foreach: null as Flag,
  capturable: false,
  maximize: false,
  differentiable: false,
};

/** Adadelta's hyperparameters, with PyTorch's keys and defaults. */
export type AdadeltaDefaults = typeof DEFAULTS;
export type AdadeltaOptions = Partial<AdadeltaDefaults>;

/**
 * Adadelta (Zeiler), as PyTorch's `torch.optim.Adadelta`: step sizes from running averages of
 * squared gradients (`square_avg`) and squared updates (`acc_delta`), decayed by `rho`.
 * State: `step`, `square_avg`, `acc_delta`.
 *
 * @example
 * const opt = new optim.Adadelta(model.parameters(), { lr: 1.0, rho: 0.9 });
 */
export class Adadelta extends Optimizer<AdadeltaDefaults> {
  static readonly DEFAULTS: Readonly<AdadeltaDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<AdadeltaDefaults> = { step: stepCounter, square_avg: zeros, acc_delta: zeros };
  protected override readonly kernel = adadeltaKernel;

  constructor(params: ParamsInput, options?: AdadeltaOptions) {
    super(params, options);
  }

  protected override scalars(g: AdadeltaDefaults) {
    return { rho: g.rho, eps: g.eps };
  }
}

/** The Adadelta update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks PyTorch's float32 temporaries. */
export const adadeltaKernel = defineKernel(
  "adadelta",
  ["square_avg", "acc_delta"],
  ["lr", "sign", "l2", "rho", "eps"],
  function adadelta(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const sq = a.square_avg!;
    const acc = a.acc_delta!;
    const lr = s.lr;
    const rho = f(s.rho);
    const keep = f(1 - s.rho);
    const eps = f(s.eps);
    const wd = s.l2;
    const sign = s.sign;
    for (let i = start; i < end; i++) {
      let gi = sign * g[i];
      if (wd !== 0) gi = f(gi + wd * p[i]);
      const si = f(f(sq[i] * rho) + keep * f(gi * gi));
      sq[i] = si;
      const std = f(Math.sqrt(f(si + eps)));
      const delta = f(f(f(Math.sqrt(f(acc[i] + eps))) / std) * gi);
      acc[i] = f(f(acc[i] * rho) + keep * f(delta * delta));
      p[i] = p[i] - lr * delta;
    }
  },
);
