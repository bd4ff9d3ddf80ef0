import { ValueError } from "../errors.js";
import { Tensor, zerosLike } from "../tensor/tensor.js";
import { checkLr, checkMomentum, checkNoKernelFlags, checkWeightDecay, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import { Optimizer, type ParamsInput } from "./optimizer.js";
import { runKernel } from "./parallel.js";

/** SGD's hyperparameters, with PyTorch's keys and defaults. */
export interface SGDDefaults extends Record<string, unknown> {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
  foreach: boolean | null;
  differentiable: boolean;
  fused: boolean | null;
}

export type SGDOptions = Partial<SGDDefaults>;

const SGD_DEFAULTS: SGDDefaults = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weight_decay: 0,
  nesterov: false,
  maximize: false,
  foreach: null,
  differentiable: false,
  fused: null,
};

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
  constructor(params: ParamsInput, options?: SGDOptions) {
    const d = resolveOptions("SGD", SGD_DEFAULTS, options);
    checkLr(d.lr);
    checkMomentum(d.momentum);
    checkWeightDecay(d.weight_decay);
    checkNoKernelFlags("SGD", d);
    if (d.nesterov && (d.momentum <= 0 || d.dampening !== 0)) throw new ValueError(msg.nesterovRequiresMomentum());
    super(params, d);
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const scalars = new Float64Array(7);
    for (const group of this.paramGroups) {
      const lr = group.lr;
      const momentum = group.momentum as number;
      const dampening = group.dampening as number;
      const wd = group.weight_decay as number;
      const nesterov = group.nesterov as boolean;
      const maximize = group.maximize as boolean;
      for (const p of group.params) {
        if (p.grad === null) continue;
        let buf: Float32Array | null = null;
        let first = false;
        if (momentum !== 0) {
          const state = this.stateFor(p);
          let t = state.momentum_buffer as Tensor | null | undefined;
          if (!(t instanceof Tensor)) {
            t = zerosLike(p);
            state.momentum_buffer = t;
            first = true;
          }
          buf = t.data;
        }
        scalars.set([lr, momentum, dampening, wd, nesterov ? 1 : 0, maximize ? 1 : 0, first ? 1 : 0]);
        runKernel(sgdKernel, [p.data, p.grad.data, buf, null, null], scalars);
      }
    }
    return loss;
  }
}

/**
 * The SGD update in one pass over `[start, end)`; self-contained so worker threads can run it
 * (`parallel.ts`). `Math.fround` marks where PyTorch materialises a float32 tensor
 * (`grad.add(param, alpha=wd)`, the momentum buffer), so intermediate rounding matches.
 * Scalars: [lr, momentum, dampening, weight_decay, nesterov, maximize, first step of the buffer].
 */
export function sgdKernel(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array | null,
  _d: null,
  _e: null,
  start: number,
  end: number,
  s: Float64Array,
): void {
  const f = Math.fround;
  const lr = s[0];
  const momentum = s[1];
  const keep = 1 - s[2];
  const wd = s[3];
  const nesterov = s[4] !== 0;
  const sign = s[5] !== 0 ? -1 : 1;
  const first = s[6] !== 0;
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
}
