import type { Flag } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { onlyWhen, stepCounter, zeros, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weight_decay: 0,
  momentum: 0,
  centered: false,
  capturable: false,
  foreach: null as Flag,
  maximize: false,
  differentiable: false,
};

/** RMSprop's hyperparameters, with PyTorch's keys and defaults. */
export type RMSpropDefaults = typeof DEFAULTS;
export type RMSpropOptions = Partial<RMSpropDefaults>;

/**
 * RMSprop (Hinton), as PyTorch's `torch.optim.RMSprop`: a running average of squared gradients
 * (`alpha`), optionally `centered` (subtracts the squared running mean of gradients) and with
 * `momentum`. State: `step`, `square_avg` (+ `momentum_buffer`, `grad_avg`).
 *
 * Porting note: `foreach` is kept as data only (one loop here); `capturable` / `differentiable`
 * are rejected when true.
 *
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-2, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropDefaults> {
  static readonly DEFAULTS: Readonly<RMSpropDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<RMSpropDefaults> = {
    step: stepCounter,
    square_avg: zeros,
    momentum_buffer: onlyWhen(zeros, (g: RMSpropDefaults) => g.momentum > 0),
    grad_avg: onlyWhen(zeros, (g: RMSpropDefaults) => g.centered),
  };
  protected override readonly kernel = rmspropKernel;

  constructor(params: ParamsInput, options?: RMSpropOptions) {
    super(params, options);
  }

  protected override scalars(g: RMSpropDefaults) {
    return { alpha: g.alpha, eps: g.eps, momentum: g.momentum };
  }
}

/** The RMSprop update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks PyTorch's float32 temporaries. */
export const rmspropKernel = defineKernel(
  "rmsprop",
  ["square_avg", "grad_avg", "momentum_buffer"],
  ["lr", "sign", "l2", "alpha", "eps", "momentum"],
  function rmsprop(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const sq = a.square_avg!;
    const ga = a.grad_avg;
    const buf = a.momentum_buffer;
    const lr = s.lr;
    const alpha = s.alpha;
    const keep = 1 - alpha;
    const eps = f(s.eps);
    const wd = s.l2;
    const momentum = s.momentum;
    const sign = s.sign;
    for (let i = start; i < end; i++) {
      let gi = sign * g[i];
      if (wd !== 0) gi = f(gi + wd * p[i]);
      const si = f(f(sq[i] * alpha) + keep * f(gi * gi));
      sq[i] = si;
      let avg: number;
      if (ga !== null) {
        const m = f(ga[i] + keep * f(gi - ga[i]));
        ga[i] = m;
        avg = f(Math.sqrt(f(si - f(m * m))));
      } else avg = f(Math.sqrt(si));
      avg = f(avg + eps);
      if (buf !== null) {
        const b = f(f(buf[i] * momentum) + f(gi / avg));
        buf[i] = b;
        p[i] = p[i] - lr * b;
      } else p[i] = p[i] - lr * f(gi / avg);
    }
  },
);
