import { KeyError, ValueError } from "../../errors.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import type { ParamGroup } from "../optimizer.js";
import * as msg from "./messages.js";
import { copyData, formatDescription, type OptionEntry } from "./options.js";

/**
 * What a scheduler needs from an optimizer: its param groups. `defaults` tells momentum-cycling
 * schedulers whether the optimizer is SGD-like (`momentum`) or Adam-like (`betas`);
 * `registerStepPostHook` (or, without it, `stepCount`) lets a scheduler warn when it is stepped
 * before the optimizer. Every `optim.Optimizer` is one.
 */
export interface OptimizerLike {
  readonly paramGroups: ParamGroup[];
  readonly defaults?: Readonly<Record<string, unknown>>;
  readonly stepCount?: number;
  /** PyTorch's `register_step_post_hook`: runs `hook` after every `step()`; returns a removable handle. */
  registerStepPostHook?(hook: () => void): { remove(): void };
}

/** What `simulate` records besides the lr: SGD momentum or Adam's `betas[0]`. */
export type CycledMomentum = "momentum" | "beta1" | null;

/** A scheduler's state in PyTorch's `state_dict()` layout (JSON-serialisable; functions are `null`). */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * One entry of a scheduler's state: how a loaded value is checked, and optionally the JS field
 * that holds it (when it is not the key), how it is saved, and whether loading assigns it.
 */
export interface StateEntry {
  readonly check: Check;
  /** The field holding the value, when it differs from the state-dict key (`lastEpoch`). */
  readonly field?: string;
  /** The saved form; default: a deep copy of plain data. */
  readonly save?: (value: unknown) => unknown;
  /** `false`: the value is checked, then left out (functions such as `lr_lambdas` are kept). */
  readonly assign?: boolean;
}

/** A scheduler's state: PyTorch's `state_dict()` keys → how each is checked (a `Check` or a `StateEntry`). */
export type StateSpec = Readonly<Record<string, Check | StateEntry>>;

/** Keys that PyTorch versions put in a state dict and paramlab does not model: accepted and ignored. */
const FOREIGN_KEYS = ["verbose", "anneal_func", "_scale_fn_ref"];

/** The base bookkeeping, as `LRScheduler.__init__` leaves it in PyTorch's `__dict__`. */
export const BASE_STATE: StateSpec = {
  base_lrs: C.perGroupList(C.finite),
  // Any integer: a composite's undo can leave a child at -2 (PyTorch's ParamwiseScheduler over a
  // SequentialLR), while a constructor's last_epoch must be >= -1.
  last_epoch: { check: C.integer, field: "lastEpoch" },
  _step_count: { check: C.nonNegativeInteger, field: "_stepCount" },
  _last_lr: { check: C.perGroupList(C.finite), field: "_lastLr" },
  _get_lr_called_within_step: { check: C.boolean, field: "_getLrCalledWithinStep" },
  _is_initial: { check: C.boolean, field: "_isInitial" },
};

function entryOf(e: Check | StateEntry): StateEntry {
  return typeof e === "function" ? { check: e } : e;
}

// One warning per optimizer (Python shows a warning once per call site).
const warnedOptimizers = new WeakSet<object>();
/**
 * Optimizers watched by a step post-hook (PyTorch's `_opt_called` flag): `false` until their first
 * `step()` after a scheduler was attached, then `true` (and the one-shot hook removes itself).
 */
const optimizerStepped = new WeakMap<object, boolean>();

/** Registers, once per optimizer, the hook that notes its first step (PyTorch patches `step`). */
function watchOptimizerSteps(optimizer: OptimizerLike): void {
  if (typeof optimizer.registerStepPostHook !== "function" || optimizerStepped.has(optimizer)) return;
  optimizerStepped.set(optimizer, false);
  const handle = optimizer.registerStepPostHook(() => {
    optimizerStepped.set(optimizer, true);
    handle.remove();
  });
}
let warnedEpoch = false;

/** Emits PyTorch's epoch-deprecation warning, once per process. */
export function warnEpochDeprecated(): void {
  if (warnedEpoch) return;
  warnedEpoch = true;
  process.emitWarning(msg.epochDeprecation(), "UserWarning");
}

/** Checks that `optimizer` has a `paramGroups` array (TypeError in PyTorch's words otherwise). */
export function checkOptimizer(optimizer: unknown): asserts optimizer is OptimizerLike {
  if (typeof optimizer !== "object" || optimizer === null || !Array.isArray((optimizer as OptimizerLike).paramGroups)) {
    throw new TypeError(msg.notAnOptimizer(optimizer));
  }
}

/**
 * Base class of the learning-rate schedulers, with PyTorch's semantics: construction performs the
 * initial step (`lastEpoch` -1 → 0), sets each group's `initial_lr` if absent, and records
 * `base_lrs`; every `step()` advances `lastEpoch` and writes the new lr into each param group.
 *
 * A subclass sets its fields, then calls `this.initialize(last_epoch)` at the end of its
 * constructor (JavaScript cannot set fields before `super()`, which PyTorch relies on), and
 * implements `getLr()` — the chainable form, from the groups' current lrs — and, where PyTorch
 * has one, `getClosedFormLr()`, used by `step(epoch)`.
 *
 * @example
 * // a custom schedule: halve the lr every `every` steps (passing the constructor's second
 * // argument to super() lets displays preview a copy: new Halving(copyOfOpt, every))
 * class Halving extends optim.lr_scheduler.LRScheduler {
 *   constructor(opt: OptimizerLike, readonly every: number) { super(opt, every); this.initialize(); }
 *   getLr() { return this.base_lrs.map((b) => b * 0.5 ** Math.floor(this.lastEpoch / this.every)); }
 * }
 * const sched = new Halving(opt, 10);   // opt.paramGroups[0].lr = 0.1
 * for (let i = 0; i < 10; i++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.05]
 */
export abstract class LRScheduler {
  /** The optimizer whose param groups this scheduler sets. */
  readonly optimizer: OptimizerLike;
  /** Each group's `initial_lr`: the lr the schedule starts from. */
  base_lrs: number[] = [];
  /** Index of the last step taken (`last_epoch` in PyTorch); 0 right after construction. */
  lastEpoch = -1;
  protected _stepCount = 0;
  protected _lastLr: number[] = [];
  protected _getLrCalledWithinStep = false;
  protected _isInitial = false;
  /** The `last_epoch` given at construction, for `toString()` (not state). */
  #givenLastEpoch = -1;
  /** The options given to the constructor, for `_cloneFor` (not state); `NO_OPTIONS` when not passed. */
  #options: unknown;

  /**
   * `options` are the subclass's constructor options: passing them lets `_cloneFor` (previews)
   * build a copy of the scheduler with the same arguments.
   */
  constructor(optimizer: OptimizerLike, ...options: [options?: unknown]) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    watchOptimizerSteps(optimizer);
    this.#options = options.length > 0 ? copyData(options[0]) : NO_OPTIONS;
  }

  /**
   * PyTorch's `LRScheduler.__init__` body: `initial_lr` with setdefault semantics (or a KeyError
   * when resuming without it), `base_lrs`, `lastEpoch`, then the initial step.
   */
  protected initialize(lastEpoch: unknown = -1): void {
    const epoch = C.epoch("last_epoch", lastEpoch, this.optimizer.paramGroups.length);
    const groups = this.optimizer.paramGroups;
    if (epoch === -1) {
      for (const g of groups) if (!("initial_lr" in g)) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (!("initial_lr" in g)) throw new KeyError(msg.initialLrMissing(i));
      });
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.lastEpoch = epoch;
    this.#givenLastEpoch = epoch;
    this._initialStep();
  }

  /** Records the `last_epoch` given at construction, for subclasses that do not call `initialize`. */
  protected setGivenLastEpoch(epoch: number): void {
    this.#givenLastEpoch = epoch;
  }

  /** Resets the step count and performs the step that the constructor performs. */
  _initialStep(): void {
    this._stepCount = 0;
    this._isInitial = true;
    try {
      this.step();
    } finally {
      this._isInitial = false;
    }
  }

  /**
   * The learning rates for `lastEpoch` in chainable form. Called by `step()`; calling it yourself
   * warns, as in PyTorch: use `getLastLr()` to read the current rates.
   */
  abstract getLr(): number[];

  /** The closed form for `lastEpoch`, where PyTorch has one (used by `step(epoch)`). */
  getClosedFormLr?(): number[];

  /** The learning rates this scheduler last set, one per param group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /**
   * Advances the schedule by one step and sets each group's lr. Call it after `optimizer.step()`.
   * Passing `epoch` (deprecated in PyTorch) jumps to that epoch using the closed form.
   */
  step(epoch?: number): void {
    if (this._stepCount === 1) this.warnIfOptimizerNotStepped();
    if (epoch !== undefined) {
      C.nonNegativeInteger("epoch", epoch, 0);
      warnEpochDeprecated();
    }
    this._stepCount++;
    this._updateLr(epoch);
  }

  /** PyTorch's `_update_lr`: compute (chainable or closed form) and write the lrs. */
  _updateLr(epoch?: number): void {
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      if (epoch === undefined) {
        this.lastEpoch++;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.getClosedFormLr ? this.getClosedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    const groups = this.optimizer.paramGroups;
    const n = Math.min(groups.length, values.length);
    for (let i = 0; i < n; i++) groups[i].lr = values[i];
    this._lastLr = groups.map((g) => g.lr);
  }

  // Porting note: PyTorch patches `optimizer.step` to notice the call (1.13 counted
  // `optimizer._step_count`, current PyTorch sets `_opt_called`); paramlab registers a step
  // post-hook instead (an optimizer-like object without hooks is judged by its `stepCount`).
  // PyTorch's `verbose` argument (deprecated) is not ported.
  protected warnIfOptimizerNotStepped(): void {
    const opt = this.optimizer;
    const stepped = optimizerStepped.has(opt)
      ? optimizerStepped.get(opt) === true
      : typeof opt.stepCount !== "number" || opt.stepCount >= 1;
    if (stepped || warnedOptimizers.has(opt)) return;
    warnedOptimizers.add(opt);
    process.emitWarning(msg.stepBeforeOptimizer(), "UserWarning");
  }

  /** PyTorch's `_warn_get_lr_called_within_step`. */
  protected warnGetLrOutsideStep(): void {
    if (!this._getLrCalledWithinStep) process.emitWarning(msg.getLrOutsideStep(), "UserWarning");
  }

  /**
   * The state entries, keyed as PyTorch's `state_dict()`, each with the check a loaded value
   * passes. A subclass adds its own: `{ ...super.stateSpec(), step_size: C.positiveInteger }`.
   * What is not listed here (the optimizer, options kept for `toString()`) is not state.
   */
  protected stateSpec(): StateSpec {
    return BASE_STATE;
  }

  /**
   * The scheduler's state, keyed as PyTorch's `state_dict()` (`last_epoch`, `base_lrs`,
   * `_step_count`, `_last_lr`, and the scheduler's own entries). Functions such as `lr_lambda`
   * are not saved (`null`), as in PyTorch.
   *
   * @example
   * const saved = JSON.stringify(sched.stateDict());   // { step_size: 30, gamma: 0.1, last_epoch: 4, ... }
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    const self = this as unknown as Record<string, unknown>;
    for (const [key, e] of Object.entries(this.stateSpec())) {
      const entry = entryOf(e);
      const value = self[entry.field ?? key];
      out[key] = entry.save ? entry.save(value) : copyData(value);
    }
    return out;
  }

  /**
   * Restores a state from `stateDict()` (or PyTorch's, exported to JSON). A partial state dict
   * sets only its keys, as PyTorch's `__dict__.update` does; every value is checked first, and
   * nothing is changed when one is bad. Functions (`lr_lambdas`) are kept.
   *
   * @example
   * sched.loadStateDict(JSON.parse(saved));
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    this._prepareLoad(stateDict)();
  }

  /**
   * Checks a state dict and returns the function that applies it (nothing is assigned when a
   * value is bad, so a composite can check all its children before changing any).
   * @internal
   */
  _prepareLoad(stateDict: SchedulerStateDict): () => void {
    if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict)) {
      throw new TypeError(msg.badStateDict(stateDict));
    }
    const cls = this.constructor.name;
    const spec = this.stateSpec();
    const n = this.optimizer.paramGroups.length;
    const writes: [string, unknown][] = [];
    for (const [key, value] of Object.entries(stateDict)) {
      if (key === "optimizer") throw new ValueError(msg.stateDictOptimizer(cls));
      const own = Object.prototype.hasOwnProperty.call(spec, key);
      // Bookkeeping another version keeps for this scheduler (1.13's `verbose`; base keys such as
      // `_step_count` that paramlab's composites saved before their state followed PyTorch's).
      if (!own && (FOREIGN_KEYS.includes(key) || Object.prototype.hasOwnProperty.call(BASE_STATE, key))) continue;
      if (!own) throw new ValueError(msg.unexpectedStateKey(cls, key, Object.keys(spec)));
      const entry = entryOf(spec[key]);
      const checked = entry.check(key, value, n);
      if (entry.assign !== false) writes.push([entry.field ?? key, copyData(checked)]);
    }
    return () => {
      const self = this as unknown as Record<string, unknown>;
      for (const [field, value] of writes) self[field] = value;
      this.afterLoad();
    };
  }

  /** Called after `loadStateDict` assigned the values (recompute what derives from the state). */
  protected afterLoad(): void {}

  /**
   * A copy of this scheduler bound to `optimizer`, whose param groups mirror this scheduler's
   * optimizer's (as `simulate` makes them): built with the same options, then given this state.
   * The groups are left as they were. Used for previews; a subclass whose constructor takes
   * other arguments than `(optimizer, options)` overrides it.
   * @internal
   */
  _cloneFor(optimizer: OptimizerLike): LRScheduler {
    if (this.#options === NO_OPTIONS) throw new TypeError(msg.cannotClone(this.constructor.name));
    const Ctor = this.constructor as new (o: OptimizerLike, options: unknown) => LRScheduler;
    return keepingGroups(optimizer, () => {
      const copy = new Ctor(optimizer, copyData(this.#options));
      copy.loadStateDict(this.stateDict());
      return copy;
    });
  }

  /**
   * What `step()` takes besides nothing: a metric (`ReduceLROnPlateau`) or a batch size
   * (`BatchSizeLRScheduler`). `simulate` feeds it from its `metrics` / `batchSizes`.
   */
  get stepArgument(): "metric" | "batchSize" | null {
    return null;
  }

  /** Whether stepping changes momentum (SGD) or `betas[0]` (Adam) besides the lr. */
  cyclesMomentum(): CycledMomentum {
    return null;
  }

  /** The options shown by `toString()`; entries with a default are shown only when they differ. */
  protected describeOptions(): OptionEntry[] {
    return [];
  }

  /** `StepLR(step_size=30, gamma=0.1)`: the class name and its options, PyTorch keyword names. */
  toString(): string {
    const entries = this.describeOptions();
    const given = this.#givenLastEpoch;
    if (given !== -1) entries.push({ key: "last_epoch", value: given });
    return formatDescription(this.constructor.name, entries);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const NO_OPTIONS = Symbol("no options");

/**
 * Runs `fn` (which may write the groups' lr, momentum, initial_lr, ...) and puts every group's
 * entries back as they were.
 */
export function keepingGroups<T>(optimizer: OptimizerLike, fn: () => T): T {
  const saved = optimizer.paramGroups.map((g) => {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) if (k !== "params") copy[k] = copyData(v);
    return copy;
  });
  try {
    return fn();
  } finally {
    optimizer.paramGroups.forEach((g, i) => {
      for (const k of Object.keys(g)) if (k !== "params" && !(k in saved[i])) delete g[k];
      Object.assign(g, saved[i]);
    });
  }
}
