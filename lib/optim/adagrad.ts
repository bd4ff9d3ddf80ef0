import type { Parameter } from "../nn/parameter.js";
import { full, Tensor } from "../tensor/tensor.js";
import { checkEps, checkLr, checkNoKernelFlags, checkRange, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamGroupInput, type ParamState, type ParamsInput } from "./optimizer.js";

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
    for (const p of group.params) initState(this.stateFor(p), p, group.initial_accumulator_value as number);
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const f = Math.fround;
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const lrDecay = group.lr_decay as number;
      const wd = group.weight_decay as number;
      const eps = f(group.eps as number);
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = initState(this.stateFor(p), p, group.initial_accumulator_value as number);
        const step = (state.step as number) + 1;
        state.step = step;
        const clr = f(-(lr / (1 + (step - 1) * lrDecay)));
        const pd = p.data;
        const gd = p.grad.data;
        const sum = (state.sum as Tensor).data;
        for (let i = 0; i < pd.length; i++) {
          let g = maximize ? -gd[i] : gd[i];
          if (wd !== 0) g = f(g + wd * pd[i]);
          const s = f(sum[i] + f(g * g));
          sum[i] = s;
          pd[i] = pd[i] + clr * f(g / f(f(Math.sqrt(s)) + eps));
        }
      }
    }
    return loss;
  }

}

/** State made at construction (a module function: it runs while the base constructor adds groups). */
function initState(s: ParamState, p: Parameter, initial: number): ParamState {
  if (!("step" in s)) Object.assign(s, { step: 0, sum: full(p.shape, initial) });
  return s;
}
