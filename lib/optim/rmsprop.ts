import type { Parameter } from "../nn/parameter.js";
import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkEps, checkLr, checkMomentum, checkNoKernelFlags, checkRange, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamState, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

/** RMSprop's hyperparameters, with PyTorch's keys and defaults. */
export interface RMSpropDefaults extends Record<string, unknown> {
  lr: number;
  alpha: number;
  eps: number;
  weight_decay: number;
  momentum: number;
  centered: boolean;
  capturable: boolean;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
}

export type RMSpropOptions = Partial<RMSpropDefaults>;

const RMSPROP_DEFAULTS: RMSpropDefaults = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weight_decay: 0,
  momentum: 0,
  centered: false,
  capturable: false,
  foreach: null,
  maximize: false,
  differentiable: false,
};

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
  constructor(params: ParamsInput, options?: RMSpropOptions) {
    const d = resolveOptions("RMSprop", RMSPROP_DEFAULTS, options);
    checkLr(d.lr);
    checkEps(d.eps);
    checkMomentum(d.momentum);
    checkWeightDecay(d.weight_decay);
    checkRange(d.alpha, d.alpha >= 0, msg.invalidAlpha);
    checkNoKernelFlags("RMSprop", d);
    super(params, d);
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(6);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const alpha = group.alpha as number;
      const eps = group.eps as number;
      const wd = group.weight_decay as number;
      const momentum = group.momentum as number;
      const centered = group.centered as boolean;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.#initState(p, momentum, centered);
        state.step = (state.step as number) + 1;
        const sq = (state.square_avg as Tensor).data;
        const ga = centered ? (state.grad_avg as Tensor).data : null;
        const buf = momentum > 0 ? (state.momentum_buffer as Tensor).data : null;
        scalars.set([lr, alpha, eps, wd, momentum, maximize ? 1 : 0]);
        runKernel(rmspropKernel, [p.data, p.grad.data, sq, ga, buf], scalars);
      }
    }
    return loss;
  }

  /** Lazy state initialization, with PyTorch's key names. */
  #initState(p: Parameter, momentum: number, centered: boolean): ParamState {
    const s = this.stateFor(p, () => ({ step: 0, square_avg: zerosLike(p) }));
    if (momentum > 0 && !(s.momentum_buffer instanceof Tensor)) s.momentum_buffer = zerosLike(p);
    if (centered && !(s.grad_avg instanceof Tensor)) s.grad_avg = zerosLike(p);
    return s;
  }
}

/**
 * The RMSprop update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks
 * PyTorch's float32 temporaries. Scalars: [lr, alpha, eps, weight_decay, momentum, maximize].
 */
export function rmspropKernel(
  p: Float32Array,
  g: Float32Array,
  sq: Float32Array,
  ga: Float32Array | null,
  buf: Float32Array | null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const lr = s[0];
  const alpha = s[1];
  const keep = 1 - alpha;
  const eps = f(s[2]);
  const wd = s[3];
  const momentum = s[4];
  const sign = s[5] !== 0 ? -1 : 1;
  for (let i = start; i < end; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = f(gi + wd * p[i]);
    const si = f(f(sq[i] * alpha) + keep * f(gi * gi));
    sq[i] = si;
    let avg: number;
    if (ga !== null) {
      const a = f(ga[i] + keep * f(gi - ga[i]));
      ga[i] = a;
      avg = f(Math.sqrt(f(si - f(a * a))));
    } else avg = f(Math.sqrt(si));
    avg = f(avg + eps);
    if (buf !== null) {
      const b = f(f(buf[i] * momentum) + f(gi / avg));
      buf[i] = b;
      p[i] = p[i] - lr * b;
    } else p[i] = p[i] - lr * f(gi / avg);
  }
}
