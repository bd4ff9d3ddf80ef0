import { ValueError } from "../errors.js";
import { Parameter } from "../nn/parameter.js";
import { Tensor } from "../tensor/tensor.js";
import { addHook, type HookDict, type RemovableHandle } from "../utils/hooks.js";
import { checkHyperparameters, copyValue, resolveOptions } from "./hyperparameters.js";
import * as msg from "./messages.js";
import {
  globalStepPostHooks,
  globalStepPreHooks,
  runReplacingHooks,
  runStepPreHooks,
  type LoadStateDictPreHook,
  type StateDictPostHook,
  type StepArgs,
  type StepPostHook,
  type StepPreHook,
} from "./optimizer_hooks.js";
import { runKernel, type Kernel, type KernelScalars } from "./parallel.js";
import type { ParamState, StateSpec } from "./param_state.js";
import {
  isPlainObject,
  packStateDict,
  unpackStateDict,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type ParamGroup,
} from "./state_dict.js";

export type { OptimizerStateDict, OptimizerStateDictInput, PackedParamGroup, ParamGroup } from "./state_dict.js";
export type { ParamState } from "./param_state.js";

/** A `[name, parameter]` pair, as `model.namedParameters()` yields (PyTorch 2.6's named form). */
export type NamedParameter = readonly [string, Parameter];

/** A group as a user writes it: any iterable of parameters (or named pairs) plus options. */
export interface ParamGroupInput {
  params: Iterable<Parameter | NamedParameter> | Parameter;
  [key: string]: unknown;
}

/** What an optimizer accepts: parameters, `[name, parameter]` pairs, or group objects. */
export type ParamsInput = Iterable<Parameter> | Iterable<NamedParameter> | Iterable<ParamGroupInput>;

/** Scalars every kernel may read, computed by the base class from the group. */
export interface CommonScalars {
  lr: number;
  /** -1 with `maximize`, else 1: the kernel multiplies the gradient by it. */
  sign: number;
  /** L2 penalty added to the gradient (`weight_decay` unless decoupled), 0: none. */
  l2: number;
  /** Decoupled decay factor `1 - lr * weight_decay` applied to the parameter first, 1: none. */
  decay: number;
}

/** The static side of an optimizer class: its declared defaults and state. */
interface OptimizerClass {
  readonly name: string;
  readonly DEFAULTS?: Readonly<Record<string, unknown>>;
  readonly FIXED?: Readonly<Record<string, unknown>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each class's own defaults type
  readonly STATE?: StateSpec<any>;
}

function isNamedPair(v: unknown): v is NamedParameter {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === "string";
}

const NOTHING_CREATED: readonly string[] = Object.freeze([]);

/**
 * Base class of all optimizers, with PyTorch's param-group semantics. It owns the step loop (as
 * PyTorch's `_init_group` + functional kernels, tinygrad's `_step`): for each group, for each
 * parameter with a gradient, it creates the declared state lazily, counts `step`, reads the
 * group's hyperparameters (so changing `paramGroups[i].lr` takes effect) and runs the kernel
 * through the worker pool. A subclass declares, once:
 * - `static DEFAULTS`: its hyperparameters with PyTorch's keys and defaults (checked by the one
 *   table in `hyperparameters.ts` wherever a value enters); `static FIXED` for values the class
 *   sets itself (not constructor options, forced on loaded groups);
 * - `static STATE`: its per-parameter state entries (`param_state.ts`);
 * - `kernel` (`parallel.ts`) and `scalars(group, state)`: the named scalars of one update.
 * An optimizer that is not element-wise overrides `_step()` instead.
 *
 * @example
 * const opt = new optim.SGD([
 *   { params: model.base.parameters(), lr: 1e-2 },
 *   { params: model.head.parameters() },          // gets the default lr
 * ], { lr: 1e-3, momentum: 0.9 });
 * opt.paramGroups[1].lr; // 0.001
 */
export abstract class Optimizer<D extends Record<string, unknown> = Record<string, unknown>> {
  /** Hyperparameters used for any group that does not set its own. */
  readonly defaults: D;
  /** The parameter groups, in order. Change `lr` here to change the learning rate. */
  readonly paramGroups: ParamGroup[] = [];
  /** Per-parameter state, filled lazily at the first `step()` that sees a gradient. */
  state: Map<Parameter, ParamState> = new Map();
  /** The element-wise update (absent for an optimizer that overrides `_step()`). */
  protected readonly kernel?: Kernel;
  #stepCount = 0;
  readonly #stepPreHooks: HookDict<StepPreHook<Optimizer>> = new Map();
  readonly #stepPostHooks: HookDict<StepPostHook<Optimizer>> = new Map();
  readonly #stateDictPreHooks: HookDict<(optimizer: Optimizer) => void> = new Map();
  readonly #stateDictPostHooks: HookDict<StateDictPostHook<Optimizer>> = new Map();
  readonly #loadStateDictPreHooks: HookDict<LoadStateDictPreHook<Optimizer>> = new Map();
  readonly #loadStateDictPostHooks: HookDict<(optimizer: Optimizer) => void> = new Map();

  /**
   * `options` are merged over the class's `static DEFAULTS` and checked. A subclass without
   * `DEFAULTS` passes its complete defaults instead, as PyTorch's `Optimizer(params, defaults)`.
   */
  constructor(params: ParamsInput, options?: Partial<D>) {
    const cls = this.#class;
    if (cls.DEFAULTS && cls.FIXED && isPlainObject(options)) {
      const fixed = Object.keys(options).find((k) => k in cls.FIXED!);
      // Not an argument of the PyTorch constructor (AdamW has no decoupled_weight_decay).
      if (fixed) throw new TypeError(msg.unknownOption(cls.name, fixed, Object.keys(cls.DEFAULTS).filter((k) => !(k in cls.FIXED!))));
    }
    this.defaults = cls.DEFAULTS
      ? resolveOptions(cls.name, cls.DEFAULTS as D, options)
      : resolveOptions(cls.name, (options ?? {}) as D, undefined);
    if (params instanceof Tensor) throw new TypeError(msg.paramsNotIterable(params));
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(msg.paramsNotIterable(params));
    }
    if (params instanceof Set) throw new TypeError(msg.paramsAsSet());
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(msg.emptyParams());
    const groups = isPlainObject(list[0]) ? (list as ParamGroupInput[]) : [{ params: list as Parameter[] }];
    for (const g of groups) this.addParamGroup(g);
  }

  get #class(): OptimizerClass {
    return this.constructor as unknown as OptimizerClass;
  }

  /** How many times `step()` has been called. */
  get stepCount(): number {
    return this.#stepCount;
  }

  /**
   * Updates the parameters from their gradients (parameters whose `grad` is `null` are skipped)
   * and returns the closure's loss, if given. Runs the step pre-hooks (global ones first), the
   * update, then the post-hooks (global ones last), as PyTorch's `Optimizer.step` wrapper does.
   *
   * @example
   * opt.zeroGrad(); loss.backward(); opt.step();
   */
  step(closure?: () => number): number | undefined {
    const given = (closure === undefined ? [] : [closure]) as StepArgs;
    // Hook lists are built only when there are hooks (this runs every training step).
    const args =
      globalStepPreHooks.size === 0 && this.#stepPreHooks.size === 0
        ? given
        : runStepPreHooks(this, [...globalStepPreHooks.values(), ...this.#stepPreHooks.values()], given);
    // Groups can be edited directly (schedulers set lr): a bad value stops here, before any weight
    // turns NaN. A group whose values are those last checked is not checked again.
    const name = this.#class.name;
    this.paramGroups.forEach((g, i) => {
      if (checkedGroups.get(g)?.matches(g)) return;
      checkHyperparameters(name, this.defaults, g, msg.inParamGroup(i));
      checkedGroups.set(g, new GroupSnapshot(g));
    });
    const loss = this._step(...args);
    this.#stepCount++;
    if (this.#stepPostHooks.size !== 0 || globalStepPostHooks.size !== 0) {
      for (const hook of [...this.#stepPostHooks.values(), ...globalStepPostHooks.values()]) hook(this, args);
    }
    return loss;
  }

  /**
   * The update without hooks: evaluates the closure, then runs the kernel on every parameter
   * that has a gradient. Override it only for an optimizer that is not element-wise.
   */
  protected _step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const kernel = this.kernel;
    if (!kernel) throw new TypeError(msg.noKernel(this.#class.name));
    const spec = this.#class.STATE ?? {};
    const counts = "step" in spec;
    const stateKeys = kernel.state;
    for (const group of this.paramGroups) {
      const hyper = group as unknown as D;
      const common = commonScalars(group);
      // Which state arrays this group's options use, decided once per group rather than per parameter.
      const used = stateKeys.map((key) => !(spec[key]?.when && !spec[key].when!(hyper)));
      for (const p of group.params) {
        if (p.grad === null) continue;
        const [state, created] = this.#initState(p, group);
        if (counts) state.step = (state.step as number) + 1;
        const arrays: Record<string, Float32Array | null> = { param: p.data, grad: p.grad.data };
        for (let i = 0; i < stateKeys.length; i++) {
          const value = state[stateKeys[i]];
          arrays[stateKeys[i]] = used[i] && value instanceof Tensor ? value.data : null;
        }
        // The optimizer's own scalars, completed by the common ones it does not set (one object per call).
        const scalars = this.scalars(hyper, state, created) as Record<string, number>;
        if (scalars.lr === undefined) scalars.lr = common.lr;
        if (scalars.sign === undefined) scalars.sign = common.sign;
        if (scalars.l2 === undefined) scalars.l2 = common.l2;
        if (scalars.decay === undefined) scalars.decay = common.decay;
        runKernel(kernel, arrays as never, scalars as unknown as KernelScalars);
      }
    }
    return loss;
  }

  /**
   * The named scalars of one parameter's update (besides {@link CommonScalars}), from its group's
   * hyperparameters and its state after `step` was counted; may advance numeric state such as
   * NAdam's `mu_product`. `created` lists the state entries made at this step.
   */
  protected scalars(group: D, state: ParamState, created: readonly string[]): Record<string, number> {
    void group;
    void state;
    void created;
    return {};
  }

  /**
   * This parameter's state, with every entry the group needs created (lazy state initialization,
   * PyTorch's `if len(state) == 0:` block). Porting note: an optional entry switched on later
   * (`amsgrad`, `centered`, `momentum`) starts fresh here; PyTorch raises a KeyError.
   */
  protected stateFor(p: Parameter, group: ParamGroup): ParamState {
    return this.#initState(p, group)[0];
  }

  /**
   * The parameter's state with the missing entries `group` needs created, and their keys. A
   * parameter that needs no state gets no entry in `state` (SGD without momentum, as PyTorch).
   */
  #initState(p: Parameter, group: ParamGroup): [ParamState, readonly string[]] {
    const s = this.state.get(p) ?? {};
    let created: string[] | null = null;
    for (const [key, entry] of stateEntries(this.#class)) {
      const value = s[key];
      if (value !== undefined && value !== null) continue;
      if (entry.when && !entry.when(group as unknown as D)) continue;
      s[key] = entry.init(p, this.defaults);
      (created ??= []).push(key);
    }
    if (created) this.state.set(p, s);
    return [s, created ?? NOTHING_CREATED];
  }

  /**
   * Adds a group (e.g. a layer unfrozen during fine-tuning). Missing hyperparameters come from
   * `defaults`; extra keys are kept; every hyperparameter is checked as the constructor's are.
   *
   * @example
   * opt.addParamGroup({ params: model.head.parameters(), lr: 1e-4 });
   */
  addParamGroup(paramGroup: ParamGroupInput): void {
    if (!isPlainObject(paramGroup)) throw new TypeError(msg.groupNotObject(paramGroup));
    if (!("params" in paramGroup)) throw new TypeError(msg.groupWithoutParams(paramGroup));
    const rawParams = paramGroup.params;
    let entries: unknown[];
    if (rawParams instanceof Tensor) entries = [rawParams];
    else if (rawParams instanceof Set) throw new TypeError(msg.paramsAsSet());
    else if (rawParams !== null && rawParams !== undefined && typeof (rawParams as Iterable<unknown>)[Symbol.iterator] === "function") {
      entries = [...(rawParams as Iterable<unknown>)];
    } else throw new TypeError(msg.paramsNotIterable(rawParams));

    const params: Parameter[] = [];
    const names: string[] = [];
    for (const entry of entries) {
      if (isNamedPair(entry)) {
        names.push(entry[0]);
        params.push(entry[1] as Parameter);
      } else params.push(entry as Parameter);
    }
    if (names.length !== 0 && names.length !== params.length) throw new ValueError(msg.someNamesMissing());
    for (const p of params) if (!(p instanceof Parameter)) throw new TypeError(msg.notAParameter(p));

    // Porting note: the group object is copied rather than mutated, so a user's literal stays as written.
    const group: ParamGroup = { ...(paramGroup as Record<string, unknown>), params } as ParamGroup;
    if (names.length) group.param_names = names;
    for (const [key, value] of Object.entries(this.defaults)) {
      if (!(key in group) || group[key] === undefined) group[key] = copyValue(value);
    }
    checkHyperparameters(this.#class.name, this.defaults, group, msg.inParamGroup(this.paramGroups.length));

    if (new Set(params).size !== params.length) {
      process.emitWarning(msg.duplicateParams(), "UserWarning");
    }
    const existing = new Set<Parameter>();
    for (const g of this.paramGroups) {
      for (const p of g.params) existing.add(p);
      if (("param_names" in group) !== ("param_names" in g)) throw new ValueError(msg.mixedNamedGroups(group));
    }
    if (params.some((p) => existing.has(p))) throw new ValueError(msg.paramInTwoGroups());
    this.paramGroups.push(group);
  }

  /** Clears every parameter's gradient: to `null` (default) or to zeros. */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.zero_();
      }
    }
  }

  /**
   * The state in PyTorch's layout: parameters as integer indices across groups, state only for
   * parameters that have been stepped. `JSON.stringify` gives nested arrays for tensors. Runs the
   * state-dict pre- and post-hooks.
   *
   * @example
   * const json = JSON.stringify(opt.stateDict());
   */
  stateDict(): OptimizerStateDict {
    for (const hook of [...this.#stateDictPreHooks.values()]) hook(this);
    return runReplacingHooks(this, this.#stateDictPostHooks.values(), packStateDict(this.paramGroups, this.state));
  }

  /**
   * Loads a state dict from `stateDict()` or from PyTorch (`optimizer.state_dict()` exported to
   * JSON, tensors as nested lists). Group hyperparameters are replaced by the saved ones, after
   * the same checks as the constructor's; a dict that does not fit is rejected before anything
   * changes. Runs the load-state-dict pre- and post-hooks.
   *
   * @example
   * opt.loadStateDict(JSON.parse(json));
   */
  loadStateDict(stateDict: OptimizerStateDict | OptimizerStateDictInput): void {
    // PyTorch hands the hooks a shallow copy, so a hook that edits it leaves the caller's dict alone.
    const copy = isPlainObject(stateDict) ? ({ ...stateDict } as OptimizerStateDictInput) : stateDict;
    const sd = runReplacingHooks(this, this.#loadStateDictPreHooks.values(), copy as OptimizerStateDictInput);
    const cls = this.#class;
    const { groups, state } = unpackStateDict(
      { name: cls.name, defaults: this.defaults, fill: cls.DEFAULTS ?? this.defaults, fixed: cls.FIXED ?? {}, groups: this.paramGroups, stateSpec: cls.STATE ?? {} },
      sd,
    );
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state = state;
    for (const hook of [...this.#loadStateDictPostHooks.values()]) hook(this);
  }

  /**
   * Registers `hook(optimizer, args)` to run before every `step()` (PyTorch's
   * `register_step_pre_hook`). It may return a new argument array (`[closure]` or `[]`) that
   * replaces the step's arguments.
   *
   * @example
   * const handle = opt.registerStepPreHook((o) => console.log("lr", o.paramGroups[0].lr));
   * handle.remove();
   */
  registerStepPreHook(hook: StepPreHook<this>): RemovableHandle {
    return addHook(this.#stepPreHooks as HookDict<StepPreHook<this>>, hook);
  }

  /**
   * Registers `hook(optimizer, args)` to run after every `step()` (PyTorch's
   * `register_step_post_hook`); `optimizer.stepCount` already counts that step.
   *
   * @example
   * opt.registerStepPostHook((o) => console.log("step", o.stepCount));
   */
  registerStepPostHook(hook: StepPostHook<this>): RemovableHandle {
    return addHook(this.#stepPostHooks as HookDict<StepPostHook<this>>, hook);
  }

  /**
   * Registers `hook(optimizer)` to run before `stateDict()` builds the dict (PyTorch's
   * `register_state_dict_pre_hook`).
   *
   * @example
   * opt.registerStateDictPreHook((o) => console.log("saving at step", o.stepCount));
   */
  registerStateDictPreHook(hook: (optimizer: this) => void, prepend = false): RemovableHandle {
    return addHook(this.#stateDictPreHooks as HookDict<(optimizer: this) => void>, hook, prepend);
  }

  /**
   * Registers `hook(optimizer, stateDict)` to run after `stateDict()` built the dict (PyTorch's
   * `register_state_dict_post_hook`); a returned object replaces the dict.
   *
   * @example
   * opt.registerStateDictPostHook((o, sd) => ({ ...sd, saved_at: Date.now() }));
   */
  registerStateDictPostHook(hook: StateDictPostHook<this>, prepend = false): RemovableHandle {
    return addHook(this.#stateDictPostHooks as HookDict<StateDictPostHook<this>>, hook, prepend);
  }

  /**
   * Registers `hook(optimizer, stateDict)` to run before `loadStateDict()` reads the dict
   * (PyTorch's `register_load_state_dict_pre_hook`); a returned object is loaded instead (e.g. to
   * migrate an old checkpoint).
   *
   * @example
   * opt.registerLoadStateDictPreHook((o, sd) => ({ ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, lr: 1e-4 })) }));
   */
  registerLoadStateDictPreHook(hook: LoadStateDictPreHook<this>, prepend = false): RemovableHandle {
    return addHook(this.#loadStateDictPreHooks as HookDict<LoadStateDictPreHook<this>>, hook, prepend);
  }

  /**
   * Registers `hook(optimizer)` to run after `loadStateDict()` loaded the dict (PyTorch's
   * `register_load_state_dict_post_hook`).
   *
   * @example
   * opt.registerLoadStateDictPostHook((o) => console.log("resumed at lr", o.paramGroups[0].lr));
   */
  registerLoadStateDictPostHook(hook: (optimizer: this) => void, prepend = false): RemovableHandle {
    return addHook(this.#loadStateDictPostHooks as HookDict<(optimizer: this) => void>, hook, prepend);
  }

  /** One line per group: `Adam (Group 0: lr=0.001, ...)` as PyTorch prints an optimizer. */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const key of Object.keys(g).sort()) {
        if (key === "params" || key === "param_names") continue;
        lines.push(`    ${key}: ${formatHyper(g[key])}`);
      }
    });
    lines.push(")");
    return lines.join("\n");
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * The scalars every kernel may use, from one group. Weight decay is decided here, once: L2
 * (`grad += weight_decay * param`) or, with `decoupled_weight_decay`, PyTorch's
 * `param.mul_(1 - lr * weight_decay)` before the update.
 */
export function commonScalars(group: ParamGroup): CommonScalars {
  const lr = group.lr;
  const wd = (group.weight_decay as number | undefined) ?? 0;
  const decoupled = group.decoupled_weight_decay === true;
  return { lr, sign: group.maximize === true ? -1 : 1, l2: decoupled ? 0 : wd, decay: decoupled ? 1 - lr * wd : 1 };
}

/** Each class's declared state entries, listed once. */
const stateEntryCache = new WeakMap<OptimizerClass, [string, StateSpec<any>[string]][]>();
function stateEntries(cls: OptimizerClass): [string, StateSpec<any>[string]][] {
  let entries = stateEntryCache.get(cls);
  if (!entries) stateEntryCache.set(cls, (entries = Object.entries(cls.STATE ?? {})));
  return entries;
}

/**
 * The keys and values of a param group as last checked (arrays such as `betas` element by element;
 * `params` and `param_names` are not hyperparameters), so `step()` re-checks a group only when a
 * value was set, added or removed since.
 */
class GroupSnapshot {
  readonly #entries: unknown[] = [];
  constructor(group: ParamGroup) {
    for (const key in group) {
      if (key === "params" || key === "param_names") continue;
      const v = group[key];
      this.#entries.push(key, v);
      if (Array.isArray(v)) this.#entries.push(v.length, ...v);
    }
  }
  matches(group: ParamGroup): boolean {
    const e = this.#entries;
    let i = 0;
    for (const key in group) {
      if (key === "params" || key === "param_names") continue;
      const v = group[key];
      if (e[i++] !== key || !Object.is(e[i++], v)) return false;
      if (Array.isArray(v)) {
        if (e[i++] !== v.length) return false;
        for (let j = 0; j < v.length; j++) if (!Object.is(e[i++], v[j])) return false;
      }
    }
    return i === e.length;
  }
}
const checkedGroups = new WeakMap<ParamGroup, GroupSnapshot>();

/** A hyperparameter as PyTorch prints it (tuples in parentheses). */
function formatHyper(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(formatHyper).join(", ")})`;
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

export { registerOptimizerStepPostHook, registerOptimizerStepPreHook } from "./optimizer_hooks.js";
export type { LoadStateDictPreHook, StateDictPostHook, StepArgs, StepPostHook, StepPreHook } from "./optimizer_hooks.js";
