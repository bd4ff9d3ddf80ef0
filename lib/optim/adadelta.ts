import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkEps, checkLr, checkNoKernelFlags, checkRange, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

/** Adadelta's hyperparameters, with PyTorch's keys and defaults. */
export interface AdadeltaDefaults extends Record<string, unknown> {
  lr: number;
  rho: number;
  eps: number;
  weight_decay: number;
  foreach: boolean | null;
  capturable: boolean;
  maximize: boolean;
  differentiable: boolean;
}

export type AdadeltaOptions = Partial<AdadeltaDefaults>;

const ADADELTA_DEFAULTS: AdadeltaDefaults = {
  lr: 1.0,
  rho: 0.9,
  eps: 1e-6,
  weight_decay: 0,
  foreach: null,
  capturable: false,
  maximize: false,
  differentiable: false,
};

/**
 * Adadelta (Zeiler), as PyTorch's `torch.optim.Adadelta`: step sizes from running averages of
 * squared gradients (`square_avg`) and squared updates (`acc_delta`), decayed by `rho`.
 * State: `step`, `square_avg`, `acc_delta`.
 *
 * @example
 * const opt = new optim.Adadelta(model.parameters(), { lr: 1.0, rho: 0.9 });
 */
export class Adadelta extends Optimizer<AdadeltaDefaults> {
  constructor(params: ParamsInput, options?: AdadeltaOptions) {
    const d = resolveOptions("Adadelta", ADADELTA_DEFAULTS, options);
    checkLr(d.lr);
    checkRange(d.rho, d.rho >= 0 && d.rho <= 1, msg.invalidRho);
    checkEps(d.eps);
    checkWeightDecay(d.weight_decay);
    checkNoKernelFlags("Adadelta", d);
    super(params, d);
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(5);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const rho = group.rho as number;
      const eps = group.eps as number;
      const wd = group.weight_decay as number;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.stateFor(p, () => ({ step: 0, square_avg: zerosLike(p), acc_delta: zerosLike(p) }));
        state.step = (state.step as number) + 1;
        scalars.set([lr, rho, eps, wd, maximize ? 1 : 0]);
        const sq = (state.square_avg as Tensor).data;
        runKernel(adadeltaKernel, [p.data, p.grad.data, sq, (state.acc_delta as Tensor).data, null], scalars);
      }
    }
    return loss;
  }
}

/**
 * The Adadelta update over `[start, end)`, self-contained for the worker pool. `Math.fround`
 * marks PyTorch's float32 temporaries. Scalars: [lr, rho, eps, weight_decay, maximize].
 */
export function adadeltaKernel(
  p: Float32Array,
  g: Float32Array,
  sq: Float32Array,
  acc: Float32Array,
  _e: null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const lr = s[0];
  const rho = f(s[1]);
  const keep = f(1 - s[1]);
  const eps = f(s[2]);
  const wd = s[3];
  const sign = s[4] !== 0 ? -1 : 1;
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
}
