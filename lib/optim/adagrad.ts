import { full } from "../tensor/tensor.js";
import type { Flag } from "./hyperparameters.js";
import { Optimizer, type ParamGroupInput, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { stepCounter, type ParamState, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 1e-2,
  lr_decay: 0,
  weight_decay: 0,
  initial_accumulator_value: 0,
  eps: 1e-10,
  foreach: null as Flag,
  maximize: false,
  differentiable: false,
  fused: null as Flag,
};

/** Adagrad's hyperparameters, with PyTorch's keys and defaults. */
export type AdagradDefaults = typeof DEFAULTS;
export type AdagradOptions = Partial<AdagradDefaults>;

/**
 * Adagrad (Duchi et al.), as PyTorch's `torch.optim.Adagrad`: per-element learning rates from the
 * running sum of squared gradients, with `lr_decay` and `initial_accumulator_value`. As in
 * PyTorch, state (`step`, `sum`) is created for every parameter at construction, not lazily, and
 * `sum` starts at the constructor's `initial_accumulator_value` in every group, even a group that
 * sets its own (PyTorch's `__init__` reads its argument, not the group's).
 *
 * Porting note: PyTorch creates that state only in the constructor, so a group added later with
 * `addParamGroup` fails at its first step there; here it gets the same state on addition.
 *
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1, lr_decay: 1e-3 });
 */
export class Adagrad extends Optimizer<AdagradDefaults> {
  static readonly DEFAULTS: Readonly<AdagradDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<AdagradDefaults> = {
    step: stepCounter,
    sum: { init: (p, defaults) => full(p.shape, defaults.initial_accumulator_value) },
  };
  protected override readonly kernel = adagradKernel;

  constructor(params: ParamsInput, options?: AdagradOptions) {
    super(params, options);
  }

  override addParamGroup(paramGroup: ParamGroupInput): void {
    super.addParamGroup(paramGroup);
    const group = this.paramGroups[this.paramGroups.length - 1];
    for (const p of group.params) this.stateFor(p, group);
  }

  protected override scalars(g: AdagradDefaults, state: ParamState) {
    return { clr: g.lr / (1 + ((state.step as number) - 1) * g.lr_decay), eps: g.eps };
  }
}

/** The Adagrad update over `[start, end)`, self-contained for the worker pool. `Math.fround` marks PyTorch's float32 temporaries. */
export const adagradKernel = defineKernel("adagrad", ["sum"], ["sign", "l2", "clr", "eps"], function adagrad(a, s, start, end) {
  const f = Math.fround;
  const p = a.param;
  const g = a.grad;
  const sum = a.sum!;
  const negClr = f(-s.clr);
  const eps = f(s.eps);
  const wd = s.l2;
  const sign = s.sign;
  for (let i = start; i < end; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = f(gi + wd * p[i]);
    const si = f(sum[i] + f(gi * gi));
    sum[i] = si;
    p[i] = p[i] + negClr * f(gi / f(f(Math.sqrt(si)) + eps));
  }
});
