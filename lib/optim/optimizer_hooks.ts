/**
 * Optimizer hook types and the global step hooks (PyTorch's `register_optimizer_step_pre_hook` /
 * `register_optimizer_step_post_hook`). Per-optimizer hooks live on `Optimizer`, which runs all of
 * them from its one `step()` wrapper.
 */
import { RuntimeError } from "../errors.js";
import { addHook, type HookDict, type RemovableHandle } from "../utils/hooks.js";
import * as msg from "./messages.js";
import type { Optimizer } from "./optimizer.js";
import type { OptimizerStateDict, OptimizerStateDictInput } from "./state_dict.js";

/** The arguments of `step()`, as step hooks see them: `[closure]` or `[]`. */
export type StepArgs = [closure?: () => number];

/**
 * Runs before `optimizer.step()`; may return replacement arguments. Porting note: PyTorch's hooks
 * get `(optimizer, args, kwargs)`; JavaScript has no keyword arguments.
 */
export type StepPreHook<O extends Optimizer = Optimizer> = (optimizer: O, args: StepArgs) => StepArgs | void;

/** Runs after `optimizer.step()` (the parameters are updated and `stepCount` counts the step). */
export type StepPostHook<O extends Optimizer = Optimizer> = (optimizer: O, args: StepArgs) => void;

/** Runs after `stateDict()`; a returned dict replaces the one built. */
export type StateDictPostHook<O extends Optimizer = Optimizer> = (optimizer: O, stateDict: OptimizerStateDict) => OptimizerStateDict | void;

/** Runs before `loadStateDict()`; a returned dict is loaded instead. */
export type LoadStateDictPreHook<O extends Optimizer = Optimizer> = (
  optimizer: O,
  stateDict: OptimizerStateDictInput,
) => OptimizerStateDict | OptimizerStateDictInput | void;

export const globalStepPreHooks: HookDict<StepPreHook> = new Map();
export const globalStepPostHooks: HookDict<StepPostHook> = new Map();

/**
 * Registers a step pre-hook on every optimizer (PyTorch's `register_optimizer_step_pre_hook`).
 * Global pre-hooks run before each optimizer's own.
 *
 * @example
 * const handle = optim.registerOptimizerStepPreHook((opt) => console.log(opt.constructor.name));
 */
export function registerOptimizerStepPreHook(hook: StepPreHook): RemovableHandle {
  return addHook(globalStepPreHooks, hook);
}

/**
 * Registers a step post-hook on every optimizer (PyTorch's `register_optimizer_step_post_hook`).
 * Global post-hooks run after each optimizer's own.
 *
 * @example
 * let steps = 0;
 * const handle = optim.registerOptimizerStepPostHook(() => steps++);
 */
export function registerOptimizerStepPostHook(hook: StepPostHook): RemovableHandle {
  return addHook(globalStepPostHooks, hook);
}

/** Runs pre-hooks in order, each seeing the arguments the previous one returned. */
export function runStepPreHooks<O extends Optimizer>(optimizer: O, hooks: Iterable<StepPreHook<O>>, args: StepArgs): StepArgs {
  for (const hook of [...hooks]) {
    const result = hook(optimizer, args);
    if (result === undefined || result === null) continue;
    if (!Array.isArray(result) || result.length > 1 || (result.length === 1 && result[0] !== undefined && typeof result[0] !== "function")) {
      throw new RuntimeError(msg.badPreHookResult(result));
    }
    args = result as StepArgs;
  }
  return args;
}

/** Runs hooks that may return a replacement value (state-dict post / load pre hooks). */
export function runReplacingHooks<O, T>(optimizer: O, hooks: Iterable<(o: O, value: T) => T | void>, value: T): T {
  for (const hook of [...hooks]) {
    const result = hook(optimizer, value);
    if (result !== undefined && result !== null) value = result;
  }
  return value;
}
