/**
 * The one set of hyperparameter checks, keyed by PyTorch's names, run on every path a value
 * enters an optimizer: the constructor's options, each group given to the constructor or to
 * `addParamGroup`, and each group of a loaded state dict. A key means the same thing in every
 * optimizer (`eps >= 0`, `betas` in `[0, 1)`), so the next optimizer inherits every check by
 * declaring its defaults with these keys. Texts live in `messages.ts`, with PyTorch's wording.
 */
import { RuntimeError, ValueError } from "../errors.js";
import * as msg from "./messages.js";

/** `beta1, beta2` as PyTorch's tuple. */
export type Betas = [number, number];

/** PyTorch's tri-state kernel flags (`foreach`, `fused`): `null` lets PyTorch choose. */
export type Flag = boolean | null;

type ErrorClass = new (message: string) => Error;
/** A check returns the error to raise, or null when the value is fine. */
type Check = (value: unknown, key: string, optimizer: string) => [ErrorClass, string] | null;

const nonNegative = (message: (v: unknown) => string) => numberIn((v) => v >= 0, message);

function numberIn(ok: (v: number) => boolean, message: (v: unknown) => string): Check {
  return (v, key) => {
    if (typeof v !== "number") return [TypeError, msg.hyperNotNumber(key, v)];
    return ok(v) ? null : [ValueError, message(v)];
  };
}

/** Any number except NaN (keys PyTorch does not check, such as `dampening`). */
const anyNumber: Check = (v, key) => {
  if (typeof v !== "number") return [TypeError, msg.hyperNotNumber(key, v)];
  return v === v ? null : [ValueError, msg.hyperIsNaN(key)];
};

const boolean: Check = (v, key) => (typeof v === "boolean" ? null : [TypeError, msg.hyperNotBoolean(key, v)]);

const flag: Check = (v, key) => (v === null || typeof v === "boolean" ? null : [TypeError, msg.hyperNotFlag(key, v)]);

/** Flags selecting PyTorch kernels paramlab does not have (CUDA graphs, autograd through the step). */
const unsupportedWhenTrue: Check = (v, key, optimizer) => boolean(v, key, optimizer) ?? (v === true ? [ValueError, msg.unsupportedFlag(optimizer, key)] : null);

const betas: Check = (v) => {
  if (!Array.isArray(v) || v.length !== 2 || v.some((b) => typeof b !== "number")) return [TypeError, msg.invalidBetas(v)];
  for (let i = 0; i < 2; i++) if (!(v[i] >= 0 && v[i] < 1)) return [ValueError, msg.invalidBeta(i, v[i])];
  return null;
};

/** Every hyperparameter key an optimizer here uses, with its check. */
export const HYPERPARAMETER_CHECKS: Readonly<Record<string, Check>> = {
  lr: nonNegative(msg.invalidLr),
  eps: nonNegative(msg.invalidEps),
  weight_decay: nonNegative(msg.invalidWeightDecay),
  momentum: nonNegative(msg.invalidMomentum),
  dampening: anyNumber,
  betas,
  rho: numberIn((v) => v >= 0 && v <= 1, msg.invalidRho),
  alpha: nonNegative(msg.invalidAlpha),
  lr_decay: nonNegative(msg.invalidLrDecay),
  initial_accumulator_value: nonNegative(msg.invalidInitialAccumulator),
  momentum_decay: nonNegative(msg.invalidMomentumDecay),
  amsgrad: boolean,
  nesterov: boolean,
  centered: boolean,
  maximize: boolean,
  decoupled_weight_decay: boolean,
  foreach: flag,
  fused: flag,
  capturable: unsupportedWhenTrue,
  differentiable: unsupportedWhenTrue,
};

/** Checks across keys, run on the merged group (each applies when its keys are present). */
const GROUP_CHECKS: Array<(g: Record<string, unknown>) => [ErrorClass, string] | null> = [
  (g) => (g.fused === true && g.foreach === true ? [RuntimeError, msg.fusedAndForeach()] : null),
  (g) =>
    g.nesterov === true && "momentum" in g && ((g.momentum as number) <= 0 || (g.dampening ?? 0) !== 0)
      ? [ValueError, msg.nesterovRequiresMomentum()]
      : null,
];

/** The check for `key`: the table's, or for a key it lacks one from the kind of its default. */
function checkFor(key: string, defaultValue: unknown): Check {
  if (Object.prototype.hasOwnProperty.call(HYPERPARAMETER_CHECKS, key)) return HYPERPARAMETER_CHECKS[key];
  if (typeof defaultValue === "number") return anyNumber;
  if (typeof defaultValue === "boolean") return boolean;
  if (defaultValue === null) return flag;
  return () => null;
}

/**
 * Validates the hyperparameters of one group (or the constructor's merged options) of `optimizer`
 * whose defaults are `defaults`. Keys outside `defaults` that are another optimizer's
 * hyperparameters (Adam's `betas` in an SGD group) are rejected, named; other extra keys (`name`,
 * a scheduler's `initial_lr`) are kept. `where` prefixes messages (e.g. `param group 1: `).
 */
export function checkHyperparameters(
  optimizer: string,
  defaults: Readonly<Record<string, unknown>>,
  group: Record<string, unknown>,
  where = "",
): void {
  const fail = ([Err, text]: [ErrorClass, string]): never => {
    throw new Err(where + text);
  };
  checkNoForeignKeys(optimizer, defaults, group, where);
  for (const key of Object.keys(defaults)) {
    if (!(key in group)) continue;
    const problem = checkFor(key, defaults[key])(group[key], key, optimizer);
    if (problem) fail(problem);
  }
  for (const check of GROUP_CHECKS) {
    const problem = check(group);
    if (problem) fail(problem);
  }
}

/**
 * Rejects keys that are another optimizer's hyperparameters (in the table, not in `defaults`),
 * naming them: an Adam group or state dict given to SGD.
 */
export function checkNoForeignKeys(optimizer: string, defaults: Readonly<Record<string, unknown>>, group: Record<string, unknown>, where = ""): void {
  const foreign = Object.keys(group).filter((k) => !(k in defaults) && Object.prototype.hasOwnProperty.call(HYPERPARAMETER_CHECKS, k));
  if (foreign.length) throw new ValueError(where + msg.foreignHyperparameters(optimizer, foreign, Object.keys(defaults)));
}

/** A hyperparameter PyTorch's `__setstate__` fills when an older checkpoint lacks it: a flag. */
export function isFilledOnLoad(defaultValue: unknown): boolean {
  return typeof defaultValue === "boolean" || defaultValue === null;
}

/** Deep copy of a hyperparameter value (arrays such as `betas` are copied). */
export function copyValue<T>(v: T): T {
  return (Array.isArray(v) ? v.map(copyValue) : v) as T;
}

/**
 * The constructor's options merged over `defaults` and validated: unknown keys are PyTorch's
 * `unexpected keyword argument`; `undefined` leaves the default.
 */
export function resolveOptions<D extends Record<string, unknown>>(optimizer: string, defaults: D, options: unknown): D {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) out[k] = copyValue(v);
  if (options !== undefined && options !== null) {
    if (typeof options !== "object" || Array.isArray(options)) throw new TypeError(msg.optionsNotObject(optimizer, options));
    for (const [key, value] of Object.entries(options)) {
      if (!(key in defaults)) throw new TypeError(msg.unknownOption(optimizer, key, Object.keys(defaults)));
      if (value !== undefined) out[key] = copyValue(value);
    }
  }
  checkHyperparameters(optimizer, defaults, out);
  return out as D;
}
