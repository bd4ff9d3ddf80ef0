import { KeyError } from "../../errors.js";
import type { ParamGroup } from "../optimizer.js";
import * as msg from "./messages.js";
import { copyData, formatDescription, type OptionEntry } from "./options.js";

/**
 * What a scheduler needs from an optimizer: its param groups. `defaults` tells momentum-cycling
 * schedulers whether the optimizer is SGD-like (`momentum`) or Adam-like (`betas`); `stepCount`
 * lets a scheduler warn when it is stepped before the optimizer. Every `optim.Optimizer` is one.
 */
export interface OptimizerLike {
  readonly paramGroups: ParamGroup[];
  readonly defaults?: Readonly<Record<string, unknown>>;
  readonly stepCount?: number;
}

/** What `simulate` records besides the lr: SGD momentum or Adam's `betas[0]`. */
export type CycledMomentum = "momentum" | "beta1" | null;

/** A scheduler's state in PyTorch's `state_dict()` layout (JSON-serialisable; functions are `null`). */
export type SchedulerStateDict = Record<string, unknown>;

/** JS property name → PyTorch `state_dict` key, for the base bookkeeping fields. */
const STATE_KEYS: Record<string, string> = {
  lastEpoch: "last_epoch",
  _stepCount: "_step_count",
  _lastLr: "_last_lr",
  _getLrCalledWithinStep: "_get_lr_called_within_step",
  _isInitial: "_is_initial",
};
const JS_KEYS: Record<string, string> = Object.fromEntries(Object.entries(STATE_KEYS).map(([a, b]) => [b, a]));

// One warning per optimizer (Python shows a warning once per call site).
const warnedOptimizers = new WeakSet<object>();
let warnedEpoch = false;

/** Emits PyTorch's epoch-deprecation warning, once per process. */
export function warnEpochDeprecated(): void {
  if (warnedEpoch) return;
  warnedEpoch = true;
  process.emitWarning(msg.epochDeprecation(), "UserWarning");
}

/**
 * Sets a non-enumerable own property: bookkeeping that is not part of the state dict, yet is
 * copied by code that clones a scheduler through its own property descriptors.
 */
export function setHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
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
 * // a custom schedule: halve the lr every `every` steps
 * class Halving extends optim.lr_scheduler.LRScheduler {
 *   constructor(opt: OptimizerLike, readonly every: number) { super(opt); this.initialize(); }
 *   getLr() { return this.base_lrs.map((b) => b * 0.5 ** Math.floor(this.lastEpoch / this.every)); }
 * }
 * const sched = new Halving(opt, 10);   // opt.paramGroups[0].lr = 0.1
 * for (let i = 0; i < 10; i++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.05]
 */
export abstract class LRScheduler {
  /** The optimizer whose param groups this scheduler sets. */
  declare readonly optimizer: OptimizerLike;
  /** Each group's `initial_lr`: the lr the schedule starts from. */
  base_lrs: number[] = [];
  /** Index of the last step taken (`last_epoch` in PyTorch); 0 right after construction. */
  lastEpoch = -1;
  protected _stepCount = 0;
  protected _lastLr: number[] = [];
  protected _getLrCalledWithinStep = false;
  protected _isInitial = false;
  /** The `last_epoch` given at construction, for `toString()` (non-enumerable: not state). */
  declare protected _givenLastEpoch: number;

  constructor(optimizer: OptimizerLike) {
    checkOptimizer(optimizer);
    Object.defineProperty(this, "optimizer", { value: optimizer, enumerable: false, writable: false });
  }

  /**
   * PyTorch's `LRScheduler.__init__` body: `initial_lr` with setdefault semantics (or a KeyError
   * when resuming without it), `base_lrs`, `lastEpoch`, then the initial step.
   */
  protected initialize(lastEpoch = -1): void {
    const groups = this.optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const g of groups) if (!("initial_lr" in g)) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (!("initial_lr" in g)) throw new KeyError(msg.initialLrMissing(i));
      });
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.lastEpoch = lastEpoch;
    setHidden(this, "_givenLastEpoch", lastEpoch);
    this._initialStep();
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
    this._stepCount++;
    if (epoch !== undefined) warnEpochDeprecated();
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
  // `optimizer._step_count`, current PyTorch sets `_opt_called`); paramlab's Optimizer counts its
  // steps itself (`stepCount`). PyTorch's `verbose` argument (deprecated) is not ported.
  protected warnIfOptimizerNotStepped(): void {
    const opt = this.optimizer;
    if (typeof opt.stepCount !== "number" || opt.stepCount >= 1 || warnedOptimizers.has(opt)) return;
    warnedOptimizers.add(opt);
    process.emitWarning(msg.stepBeforeOptimizer(), "UserWarning");
  }

  /** PyTorch's `_warn_get_lr_called_within_step`. */
  protected warnGetLrOutsideStep(): void {
    if (!this._getLrCalledWithinStep) process.emitWarning(msg.getLrOutsideStep(), "UserWarning");
  }

  /**
   * The scheduler's state, keyed as PyTorch's `state_dict()` (`last_epoch`, `base_lrs`,
   * `_step_count`, `_last_lr`, and the scheduler's own options). Functions such as `lr_lambda`
   * are not saved (`null`), as in PyTorch.
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      out[STATE_KEYS[key] ?? key] = stateValue(value);
    }
    return out;
  }

  /** Restores a state from `stateDict()` (or PyTorch's, exported to JSON). Functions are kept. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict)) {
      throw new TypeError(msg.badStateDict(stateDict));
    }
    const self = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(stateDict)) {
      const prop = JS_KEYS[key] ?? key;
      if (typeof self[prop] === "function") continue;
      if (Array.isArray(self[prop]) && Array.isArray(value) && (self[prop] as unknown[]).some((f) => typeof f === "function")) {
        continue; // lr_lambdas: PyTorch only restores callable objects' attributes
      }
      if (value === null && typeof self[prop] === "function") continue;
      self[prop] = copyData(value);
    }
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
    const given = this._givenLastEpoch ?? -1;
    if (given !== -1) entries.push({ key: "last_epoch", value: given });
    return formatDescription(this.constructor.name, entries);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function stateValue(v: unknown): unknown {
  if (typeof v === "function") return null;
  if (Array.isArray(v)) return v.map(stateValue);
  if (v instanceof LRScheduler) return v.stateDict();
  return copyData(v);
}
