import type { Parameter } from "../nn/parameter.js";
import { full, Tensor } from "../tensor/tensor.js";
import { checkEps, checkLr, checkNoKernelFlags, checkRange, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamGroupInput, type ParamState, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

/** Adagrad's hyperparameters, with PyTorch's keys and defaults. */
export interface AdagradDefaults extends Record<string, unknown> {
  lr: number;
  lr_decay: number;
  weight_decay: number;
  initial_accumulator_value: number;
  eps: number;
  foreach: boolean | null;
  maximize: boolean;
  differentiable: boolean;
  fused: boolean | null;
}

export type AdagradOptions = Partial<AdagradDefaults>;

const ADAGRAD_DEFAULTS: AdagradDefaults = {
  lr: 1e-2,
  lr_decay: 0,
  weight_decay: 0,
  initial_accumulator_value: 0,
  eps: 1e-10,
  foreach: null,
  maximize: false,
  differentiable: false,
  fused: null,
};

/**
 * Adagrad (Duchi et al.), as PyTorch's `torch.optim.Adagrad`: per-element learning rates from the
 * running sum of squared gradients, with `lr_decay` and `initial_accumulator_value`. As in
 * PyTorch, state (`step`, `sum`) is created for every parameter at construction, not lazily.
 *
 * Porting note: PyTorch creates that state only in the constructor, so a group added later with
 * `addParamGroup` fails at its first step there; here it gets the same state on addition.
 *
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1, lr_decay: 1e-3 });
 */
export class Adagrad extends Optimizer<AdagradDefaults> {
  constructor(params: ParamsInput, options?: AdagradOptions) {
    const d = resolveOptions("Adagrad", ADAGRAD_DEFAULTS, options);
    checkLr(d.lr);
    checkRange(d.lr_decay, d.lr_decay >= 0, msg.invalidLrDecay);
    checkWeightDecay(d.weight_decay);
    checkRange(d.initial_accumulator_value, d.initial_accumulator_value >= 0, msg.invalidInitialAccumulator);
    checkEps(d.eps);
    checkNoKernelFlags("Adagrad", d);
    super(params, d);
  }

  override addParamGroup(paramGroup: ParamGroupInput): void {
    super.addParamGroup(paramGroup);
    const group = this.paramGroups[this.paramGroups.length - 1];
    for (const p of group.params) this.stateFor(p, initialState(p, group.initial_accumulator_value as number));
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(4);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const lrDecay = group.lr_decay as number;
      const wd = group.weight_decay as number;
      const eps = group.eps as number;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.stateFor(p, initialState(p, group.initial_accumulator_value as number));
        const step = (state.step as number) + 1;
        state.step = step;
        scalars.set([-(lr / (1 + (step - 1) * lrDecay)), eps, wd, maximize ? 1 : 0]);
        runKernel(adagradKernel, [p.data, p.grad.data, (state.sum as Tensor).data, null, null], scalars);
      }
    }
    return loss;
  }

}

/** State made at construction (a module function: it runs while the base constructor adds groups). */
/** Adagrad's state, `sum` starting at `initial_accumulator_value`. */
function initialState(p: Parameter, initial: number): () => ParamState {
  return () => ({ step: 0, sum: full(p.shape, initial) });
}

/**
 * The Adagrad update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks
 * PyTorch's float32 temporaries. Scalars: [-clr, eps, weight_decay, maximize].
 */
export function adagradKernel(
  p: Float32Array,
  g: Float32Array,
  sum: Float32Array,
  _d: null,
  _e: null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const negClr = f(s[0]);
  const eps = f(s[1]);
  const wd = s[2];
  const sign = s[3] !== 0 ? -1 : 1;
  for (let i = start; i < end; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = f(gi + wd * p[i]);
    const si = f(sum[i] + f(gi * gi));
    sum[i] = si;
    p[i] = p[i] + negClr * f(gi / f(f(Math.sqrt(si)) + eps));
  }
}
