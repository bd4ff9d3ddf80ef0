/**
 * Per-parameter optimizer state, declared once per optimizer: each entry's PyTorch key, how it
 * starts, and (for optional entries) which groups need it. The base `Optimizer` creates entries
 * lazily at a parameter's first step, as PyTorch's `_init_group` does.
 */
import type { Parameter } from "../nn/parameter.js";
import { type Tensor, zerosLike } from "../tensor/tensor.js";

/** Per-parameter optimizer state, e.g. `{ step: 3, exp_avg: Tensor, exp_avg_sq: Tensor }`. */
export type ParamState = Record<string, Tensor | number | null>;

/** How one state entry starts, and when a group needs it (absent: always). */
export interface StateEntry<D> {
  /** The initial value; `defaults` are the constructor's (Adagrad's `sum` reads them, as PyTorch). */
  readonly init: (p: Parameter, defaults: D) => Tensor | number;
  /** Whether a group with these hyperparameters uses the entry (Adam's `max_exp_avg_sq`: amsgrad). */
  readonly when?: (group: D) => boolean;
}

/**
 * An optimizer's state entries by PyTorch key. A `step` entry is the per-parameter step count,
 * incremented by the base class before each update.
 */
export type StateSpec<D> = Readonly<Record<string, StateEntry<D>>>;

/** A state tensor of zeros shaped like the parameter. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fits every optimizer's defaults
export const zeros: StateEntry<any> = { init: (p) => zerosLike(p) };

/** The step counter (PyTorch's `state["step"]`, a number here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fits every optimizer's defaults
export const stepCounter: StateEntry<any> = { init: () => 0 };

/** `entry`, needed only by groups for which `when` holds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the entry's init ignores the defaults' type
export function onlyWhen<D>(entry: StateEntry<any>, when: (group: D) => boolean): StateEntry<D> {
  return { init: entry.init, when };
}
