import { RuntimeError, ValueError } from "../errors.js";
import { Parameter } from "../nn/parameter.js";
import { formatShape, sameShape, Tensor, tensor, type NestedArray } from "../tensor/tensor.js";
import { addHook, type HookDict, type RemovableHandle } from "../utils/hooks.js";
import * as msg from "./messages.js";

/**
 * One parameter group: the parameters and the hyperparameters used for them. Keys are PyTorch's
 * (`lr`, `betas`, `eps`, `weight_decay`, `momentum`, `initial_lr`, ...); extra keys such as a
 * group `name` are kept as given.
 */
export interface ParamGroup {
  params: Parameter[];
  /** Parameter names, present when the optimizer was built from `[name, param]` pairs. */
  param_names?: string[];
  lr: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  initial_lr?: number;
  name?: string;
  [key: string]: unknown;
}

/** A `[name, parameter]` pair, as `model.namedParameters()` yields (PyTorch 2.6's named form). */
export type NamedParameter = readonly [string, Parameter];

/** A group as a user writes it: any iterable of parameters (or named pairs) plus options. */
export interface ParamGroupInput {
  params: Iterable<Parameter | NamedParameter> | Parameter;
  [key: string]: unknown;
}

/** What an optimizer accepts: parameters, `[name, parameter]` pairs, or group objects. */
export type ParamsInput = Iterable<Parameter> | Iterable<NamedParameter> | Iterable<ParamGroupInput>;

/** Per-parameter optimizer state, e.g. `{ step: 3, exp_avg: Tensor, exp_avg_sq: Tensor }`. */
export type ParamState = Record<string, Tensor | number | null>;

/** A param group in a state dict: parameters replaced by their integer indices. */
export type PackedParamGroup = Omit<ParamGroup, "params"> & { params: number[] };

/** PyTorch's optimizer state-dict layout. JSON-serialisable (tensors become nested arrays). */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: PackedParamGroup[];
}

/** A state dict as read from JSON: state keys are strings and tensors nested arrays. */
export interface OptimizerStateDictInput {
  state: Record<string | number, Record<string, Tensor | NestedArray | null>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** The arguments of `step()`, as step hooks see them: `[closure]` or `[]`. */
export type StepArgs = [closure?: () => number];

/**
 * Runs before `optimizer.step()`; may return replacement arguments. Porting note: PyTorch's hooks
 * get `(optimizer, args, kwargs)`; JavaScript has no keyword arguments.
 */
export type StepPreHook<O extends Optimizer = Optimizer> = (optimizer: O, args: StepArgs) => StepArgs | void;

/** Runs after `stateDict()`; a returned dict replaces the one built. */
export type StateDictPostHook<O extends Optimizer = Optimizer> = (optimizer: O, stateDict: OptimizerStateDict) => OptimizerStateDict | void;

/** Runs before `loadStateDict()`; a returned dict is loaded instead. */
export type LoadStateDictPreHook<O extends Optimizer = Optimizer> = (
  optimizer: O,
  stateDict: OptimizerStateDictInput,
) => OptimizerStateDict | OptimizerStateDictInput | void;

/** Runs after `optimizer.step()`. */
export type StepPostHook<O extends Optimizer = Optimizer> = (optimizer: O, args: StepArgs) => void;

const globalStepPreHooks: HookDict<StepPreHook> = new Map();
const globalStepPostHooks: HookDict<StepPostHook> = new Map();

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
 * const handle = optim.registerOptimizerStepPostHook((opt) => steps++);
 */
export function registerOptimizerStepPostHook(hook: StepPostHook): RemovableHandle {
  return addHook(globalStepPostHooks, hook);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
}

function isNamedPair(v: unknown): v is NamedParameter {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === "string";
}

/** Deep copy of a hyperparameter value (arrays such as `betas` are copied). */
function copyValue<T>(v: T): T {
  return (Array.isArray(v) ? v.map(copyValue) : v) as T;
}

/**
 * Base class of all optimizers, with PyTorch's param-group semantics. A subclass validates its
 * arguments, passes its defaults here and implements `step()`, reading each group's
 * hyperparameters at every step (so changing `paramGroups[i].lr` takes effect).
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
  #stepCount = 0;
  readonly #stepPreHooks: HookDict<StepPreHook<Optimizer>> = new Map();
  readonly #stepPostHooks: HookDict<StepPostHook<Optimizer>> = new Map();
  readonly #stateDictPreHooks: HookDict<(optimizer: Optimizer) => void> = new Map();
  readonly #stateDictPostHooks: HookDict<StateDictPostHook<Optimizer>> = new Map();
  readonly #loadStateDictPreHooks: HookDict<LoadStateDictPreHook<Optimizer>> = new Map();
  readonly #loadStateDictPostHooks: HookDict<(optimizer: Optimizer) => void> = new Map();

  constructor(params: ParamsInput, defaults: D) {
    this.defaults = defaults;
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
    let args: StepArgs = closure === undefined ? [] : [closure];
    for (const hook of [...globalStepPreHooks.values(), ...this.#stepPreHooks.values()]) {
      const result = hook(this, args);
      if (result !== undefined && result !== null) {
        if (!Array.isArray(result) || result.length > 1) throw new RuntimeError(msg.badPreHookResult(result));
        args = result as StepArgs;
      }
    }
    const loss = this._step(...args);
    this.#stepCount++;
    for (const hook of [...this.#stepPostHooks.values(), ...globalStepPostHooks.values()]) hook(this, args);
    return loss;
  }

  /**
   * Registers `hook(optimizer)` to run before `stateDict()` builds the dict (PyTorch's
   * `register_state_dict_pre_hook`), e.g. to flush state kept elsewhere.
   *
   * @example
   * opt.registerStateDictPreHook((o) => console.log("saving", o.stepCount));
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
   * Registers `hook(optimizer, stateDict)` to run before `loadStateDict()` reads the dict (PyTorch's
   * `register_load_state_dict_pre_hook`); a returned object is loaded instead (e.g. to migrate an
   * old checkpoint).
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

  /** The update itself, without hooks (what a subclass implements; `step()` wraps it). */
  protected abstract _step(closure?: () => number): number | undefined;

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
   * const losses: number[] = [];
   * opt.registerStepPostHook((o) => console.log("step", o.stepCount));
   */
  registerStepPostHook(hook: StepPostHook<this>): RemovableHandle {
    return addHook(this.#stepPostHooks as HookDict<StepPostHook<this>>, hook);
  }


  /**
   * Adds a group (e.g. a layer unfrozen during fine-tuning). Missing hyperparameters come from
   * `defaults`; extra keys are kept.
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
      if (!(key in group)) group[key] = copyValue(value);
    }
    if (typeof group.lr !== "number") throw new TypeError(msg.lrNotNumber(group.lr));

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

  /**
   * This parameter's state object, created on first use (lazy state initialization): empty, or
   * filled by `init()` while it has no `step` yet (PyTorch's `if len(state) == 0:` block).
   */
  protected stateFor(p: Parameter, init?: () => ParamState): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    if (init && !("step" in s)) Object.assign(s, init());
    return s;
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
   * parameters that have been stepped. `JSON.stringify` gives nested arrays for tensors.
   */
  stateDict(): OptimizerStateDict {
    for (const hook of [...this.#stateDictPreHooks.values()]) hook(this);
    let sd = this.#buildStateDict();
    for (const hook of [...this.#stateDictPostHooks.values()]) {
      const result = hook(this, sd);
      if (result !== undefined && result !== null) sd = result;
    }
    return sd;
  }

  #buildStateDict(): OptimizerStateDict {
    const index = new Map<Parameter, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== "params") packed[k] = copyValue(v);
      packed.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p)!;
      });
      return packed as PackedParamGroup;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` or from PyTorch (`optimizer.state_dict()` exported to
   * JSON, tensors as nested lists). Group hyperparameters are replaced by the saved ones.
   */
  loadStateDict(stateDict: OptimizerStateDict | OptimizerStateDictInput): void {
    // PyTorch hands the hooks a shallow copy, so a hook that edits it leaves the caller's dict alone.
    let sd = isPlainObject(stateDict) ? ({ ...stateDict } as OptimizerStateDictInput) : stateDict;
    for (const hook of [...this.#loadStateDictPreHooks.values()]) {
      const result = hook(this, sd as OptimizerStateDictInput);
      if (result !== undefined && result !== null) sd = result;
    }
    this.#load(sd);
    for (const hook of [...this.#loadStateDictPostHooks.values()]) hook(this);
  }

  #load(stateDict: OptimizerStateDict | OptimizerStateDictInput): void {
    if (!isPlainObject(stateDict) || !Array.isArray(stateDict.param_groups) || !isPlainObject(stateDict.state)) {
      throw new TypeError(msg.badStateDict(stateDict));
    }
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(msg.groupCountMismatch(saved.length, this.paramGroups.length));
    }
    saved.forEach((g, i) => {
      if (!isPlainObject(g) || !Array.isArray(g.params)) throw new TypeError(msg.badSavedGroup(i, g));
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new ValueError(msg.groupSizeMismatch(i, g.params.length, this.paramGroups[i].params.length));
      }
    });
    const idMap = new Map<number, Parameter>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(Number(id), this.paramGroups[i].params[j])));

    const state = new Map<Parameter, ParamState>();
    for (const [key, value] of Object.entries(stateDict.state)) {
      const param = idMap.get(Number(key));
      if (!param) throw new ValueError(msg.unknownStateIndex(key, [...idMap.keys()]));
      if (!isPlainObject(value)) throw new TypeError(msg.badParamState(key, value));
      const entry: ParamState = {};
      for (const [name, v] of Object.entries(value)) entry[name] = castStateValue(param, key, name, v);
      state.set(param, entry);
    }
    const groups = saved.map((g, i) => {
      const current = this.paramGroups[i];
      const next: ParamGroup = { ...(g as Record<string, unknown>), params: current.params } as ParamGroup;
      for (const k of Object.keys(next)) next[k] = k === "params" ? current.params : copyValue(next[k]);
      if (current.param_names && !next.param_names) next.param_names = current.param_names;
      // PyTorch's __setstate__ fills options an older version did not save (setdefault).
      for (const [key, value] of Object.entries(this.defaults)) if (!(key in next)) next[key] = copyValue(value);
      return next;
    });
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state = state;
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

/** A hyperparameter as PyTorch prints it (tuples in parentheses). */
function formatHyper(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(formatHyper).join(", ")})`;
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

/** Turns a loaded state value into a number, null, or a tensor of the parameter's shape. */
function castStateValue(param: Parameter, key: string, name: string, v: unknown): Tensor | number | null {
  if (v === null || typeof v === "number") return v;
  // PyTorch >= 1.12 keeps `step` as a one-element tensor; here it is a number.
  // 0-d tensors (PyTorch's `step`, NAdam's `mu_product`) are numbers here.
  if (v instanceof Tensor) {
    return v.shape.length === 0 || (name === "step" && v.numel === 1) ? v.item() : checkStateShape(param, key, name, v.clone());
  }
  if (Array.isArray(v)) {
    const t = tensor(v as NestedArray);
    return checkStateShape(param, key, name, t);
  }
  throw new TypeError(msg.badStateValue(key, name, v));
}

function checkStateShape(param: Parameter, key: string, name: string, t: Tensor): Tensor {
  if (sameShape(t.shape, param.shape)) return t;
  if (t.numel === param.numel) return t.view(param.shape);
  throw new ValueError(
    `loaded state for parameter ${key}, entry '${name}', has shape ${formatShape(t.shape)} but the parameter has shape ${formatShape(param.shape)}`,
  );
}
