/**
 * The checks a scheduler value passes wherever it enters: constructor options, `loadStateDict`,
 * and per-call values (`step(epoch)`, what an `lr_lambda` returns). One function per kind of
 * value, so that every path gives the same error for the same bad value:
 *
 * - not a number (a string, `NaN`, an object): `TypeError`, `msg.notANumber`;
 * - `±Infinity`: `ValueError`, `msg.notFinite`;
 * - out of range (negative, fractional where an integer is expected): `ValueError` naming the range.
 */
import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";

/**
 * Checks one value and returns it (a copy for arrays and objects). `groups` is the number of
 * param groups, for per-group lists.
 */
export type Check<T = unknown> = (name: string, value: unknown, groups: number) => T;

/** A finite number (any sign). */
export const finite: Check<number> = (name, v) => {
  if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(msg.notANumber(name, v));
  if (!Number.isFinite(v)) throw new ValueError(msg.notFinite(name, v));
  return v;
};

/** A number that may be ±Infinity (ReduceLROnPlateau's `best`, `mode_worse`), not NaN. */
export const extended: Check<number> = (name, v) => {
  if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(msg.notANumber(name, v));
  return v;
};

/** A finite number >= 0. */
export const nonNegative: Check<number> = (name, v, n) => {
  const x = finite(name, v, n);
  if (!(x >= 0)) throw new ValueError(msg.nonNegativeNumber(name, x));
  return x;
};

/** A finite number > 0. */
export const positive: Check<number> = (name, v, n) => {
  const x = finite(name, v, n);
  if (!(x > 0)) throw new ValueError(msg.positiveNumber(name, x));
  return x;
};

/** An integer > 0. */
export const positiveInteger: Check<number> = (name, v, n) => {
  const x = finite(name, v, n);
  if (!Number.isInteger(x) || x <= 0) throw new ValueError(msg.positiveInteger(name, x));
  return x;
};

/** An integer >= 0. */
export const nonNegativeInteger: Check<number> = (name, v, n) => {
  const x = finite(name, v, n);
  if (!Number.isInteger(x) || x < 0) throw new ValueError(msg.nonNegativeInteger(name, x));
  return x;
};

/** An integer (a step counter: any sign). */
export const integer: Check<number> = (name, v, n) => {
  const x = finite(name, v, n);
  if (!Number.isInteger(x)) throw new ValueError(msg.badStateValue(name, x, "an integer"));
  return x;
};

/** `last_epoch`: an integer >= -1 (-1: a new schedule). */
export const epoch: Check<number> = (name, v, n) => {
  const x = finite(name, v, n);
  if (!Number.isInteger(x) || x < -1) throw new ValueError(msg.lastEpoch(x));
  return x;
};

/** A boolean. */
export const boolean: Check<boolean> = (name, v) => {
  if (typeof v !== "boolean") throw new TypeError(msg.notABoolean(name, v));
  return v;
};

/** One of a few strings. */
export function oneOf<T extends string>(...allowed: readonly T[]): Check<T> {
  return (name, v) => {
    if (typeof v !== "string") throw new TypeError(msg.notOneOf(name, v, allowed));
    if (!allowed.includes(v as T)) throw new ValueError(msg.notOneOf(name, v, allowed));
    return v as T;
  };
}

/** `null` or a value passing `check`. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (name, v, n) => (v === null ? null : check(name, v, n));
}

/** An array with one value per param group, each passing `item`. */
export function perGroupList<T>(item: Check<T>): Check<T[]> {
  return (name, v, n) => {
    if (!Array.isArray(v)) throw new TypeError(msg.notAList(name, v));
    if (v.length !== n) throw new ValueError(msg.listLength(name, v.length, n));
    return v.map((x, i) => item(`${name}[${i}]`, x, n));
  };
}

/** An array of any length, each item passing `item`. */
export function list<T>(item: Check<T>): Check<T[]> {
  return (name, v, n) => {
    if (!Array.isArray(v)) throw new TypeError(msg.notAList(name, v));
    return v.map((x, i) => item(`${name}[${i}]`, x, n));
  };
}

/** Checks what a user function (lr_lambda, scale_fn) returned: a finite number. */
export function lambdaValue(name: string, group: number, epochIndex: number, v: unknown): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(msg.lambdaResult(name, group, epochIndex, v));
  if (!Number.isFinite(v)) throw new ValueError(msg.lambdaResult(name, group, epochIndex, v));
  return v;
}
