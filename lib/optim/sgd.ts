import type { Flag } from "./hyperparameters.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { defineKernel } from "./parallel.js";
import { onlyWhen, zeros, type ParamState, type StateSpec } from "./param_state.js";

const DEFAULTS = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weight_decay: 0,
  nesterov: false,
  maximize: false,
  foreach: null as Flag,
  differentiable: false,
  fused: null as Flag,
};

/** SGD's hyperparameters, with PyTorch's keys and defaults. */
export type SGDDefaults = typeof DEFAULTS;
export type SGDOptions = Partial<SGDDefaults>;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight
 * decay and `maximize`, exactly as PyTorch's `torch.optim.SGD`. State: `momentum_buffer` (only
 * when `momentum != 0`).
 *
 * Porting note: `foreach` / `fused` select PyTorch kernels; they are kept as data (so state dicts
 * round-trip) and paramlab always runs its one fused loop. `lr` defaults to 1e-3 as in current
 * PyTorch (torch 1.13 required it).
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.step();
 */
export class SGD extends Optimizer<SGDDefaults> {
  static readonly DEFAULTS: Readonly<SGDDefaults> = DEFAULTS;
  static readonly STATE: StateSpec<SGDDefaults> = {
    momentum_buffer: onlyWhen(zeros, (g: SGDDefaults) => g.momentum !== 0),
  };
  protected override readonly kernel = sgdKernel;

  constructor(params: ParamsInput, options?: SGDOptions) {
    super(params, options);
  }

  protected override scalars(g: SGDDefaults, _state: ParamState, created: readonly string[]) {
    // PyTorch starts the buffer as a copy of the (decayed) gradient: `first` marks that step.
    return { momentum: g.momentum, dampening: g.dampening, nesterov: g.nesterov ? 1 : 0, first: created.length ? 1 : 0 };
  }
}

/**
 * The SGD update in one pass over `[start, end)`; self-contained so worker threads can run it
 * (`parallel.ts`). `Math.fround` marks where PyTorch materialises a float32 tensor
 * (`grad.add(param, alpha=wd)`, the momentum buffer), so intermediate rounding matches.
 */
export const sgdKernel = defineKernel(
  "sgd",
  ["momentum_buffer"],
  ["lr", "sign", "l2", "momentum", "dampening", "nesterov", "first"],
  function sgd(a, s, start, end) {
    const f = Math.fround;
    const p = a.param;
    const g = a.grad;
    const buf = a.momentum_buffer;
    const lr = s.lr;
    const momentum = s.momentum;
    const keep = 1 - s.dampening;
    const wd = s.l2;
    const nesterov = s.nesterov !== 0;
    const sign = s.sign;
    const first = s.first !== 0;
    for (let i = start; i < end; i++) {
      let d = sign * g[i];
      if (wd !== 0) d = f(d + wd * p[i]);
      if (buf !== null) {
        const b = first ? d : f(f(buf[i] * momentum) + keep * d);
        buf[i] = b;
        d = nesterov ? f(d + momentum * b) : b;
      }
      p[i] = p[i] - lr * d;
    }
  },
);
