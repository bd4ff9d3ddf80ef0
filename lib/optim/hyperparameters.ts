/**
 * Argument checks shared by the optimizer constructors, with PyTorch's wording (texts live in
 * `messages.ts`). Each check runs where an argument enters: the constructor's options object.
 */
import { RuntimeError, ValueError } from "../errors.js";
import * as msg from "./messages.js";

/**
 * Merges user options over an optimizer's defaults, rejecting keys the optimizer does not have
 * (PyTorch: `__init__() got an unexpected keyword argument`) and values of the wrong kind.
 */
export function resolveOptions<D extends Record<string, unknown>>(
  optimizer: string,
  defaults: D,
  options: Partial<D> | undefined,
): D {
  if (options === undefined || options === null) return copyDefaults(defaults);
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${optimizer}(): options must be an object such as { lr: 0.001 }, got ${describeKind(options)}`);
  }
  const out = copyDefaults(defaults) as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) {
    if (!(key in defaults)) throw new TypeError(msg.unknownOption(optimizer, key, Object.keys(defaults)));
    if (value === undefined) continue;
    const d = defaults[key];
    if (typeof d === "number" && typeof value !== "number") throw new TypeError(msg.hyperNotNumber(key, value));
    if (typeof d === "boolean" && typeof value !== "boolean") throw new TypeError(msg.hyperNotBoolean(key, value));
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as D;
}

function copyDefaults<D extends Record<string, unknown>>(defaults: D): D {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) out[k] = Array.isArray(v) ? [...v] : v;
  return out as D;
}

function describeKind(v: unknown): string {
  return Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

/** `0 <= lr` (PyTorch: `Invalid learning rate`). */
export function checkLr(lr: number): void {
  if (!(lr >= 0)) throw new ValueError(msg.invalidLr(lr));
}

/** `0 <= eps`. */
export function checkEps(eps: number): void {
  if (!(eps >= 0)) throw new ValueError(msg.invalidEps(eps));
}

/** `0 <= weight_decay`. */
export function checkWeightDecay(wd: number): void {
  if (!(wd >= 0)) throw new ValueError(msg.invalidWeightDecay(wd));
}

/** `0 <= momentum`. */
export function checkMomentum(m: number): void {
  if (!(m >= 0)) throw new ValueError(msg.invalidMomentum(m));
}

/** `betas` is `[beta1, beta2]` with each in `[0, 1)`. */
export function checkBetas(betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2 || betas.some((b) => typeof b !== "number")) {
    throw new TypeError(msg.invalidBetas(betas));
  }
  betas.forEach((b: number, i) => {
    if (!(b >= 0 && b < 1)) throw new ValueError(msg.invalidBeta(i, b));
  });
}

/** A `[0, 1]`-ranged or non-negative value with its own PyTorch message. */
export function checkRange(value: number, ok: boolean, message: (v: unknown) => string): void {
  if (!ok) throw new ValueError(message(value));
}

/** Rejects PyTorch flags that select kernels paramlab does not have (`capturable`, `differentiable`). */
export function checkNoKernelFlags(optimizer: string, options: Record<string, unknown>): void {
  for (const key of ["capturable", "differentiable"]) {
    if (options[key] === true) throw new ValueError(msg.unsupportedFlag(optimizer, key));
  }
  if (options.fused === true && options.foreach === true) throw new RuntimeError(msg.fusedAndForeach());
}
