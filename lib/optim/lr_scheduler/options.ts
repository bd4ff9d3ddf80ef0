/**
 * Option handling shared by the schedulers: PyTorch keyword names checked on entry, per-group
 * values (a number or one per group, PyTorch's `_format_param`), and Python-style `repr` of option
 * values for `toString()`.
 */
import { ValueError } from "../../errors.js";
import type { ParamGroup } from "../optimizer.js";
import * as C from "./checks.js";
import * as msg from "./messages.js";

/** Checks that `options` is a plain object whose keys are all in `known`. Returns it (or `{}`). */
export function readOptions<T extends object>(cls: string, options: T | undefined, known: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(msg.badOptions(cls, options));
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(msg.unknownOption(cls, key, known));
  }
  return options;
}

/** Throws PyTorch's "missing required argument" TypeError when `value` is undefined. */
export function required<T>(cls: string, key: string, value: T | undefined): T {
  if (value === undefined) throw new TypeError(msg.missingOption(cls, key));
  return value;
}

/** A finite number, else TypeError (not a number, NaN) or ValueError (±Infinity) naming the option. */
export function numberOption(name: string, value: unknown): number {
  return C.finite(name, value, 0);
}

/** A per-group value: one number for every group, or an array with one per group (`_format_param`). */
export function perGroup(name: string, groups: readonly ParamGroup[], value: number | readonly number[]): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups.length) throw new ValueError(msg.perGroupLength(name, value.length, groups.length));
    return value.map((v, i) => C.finite(`${name}[${i}]`, v, groups.length));
  }
  const v = numberOption(name, value);
  return groups.map(() => v);
}

/** A value as Python's `repr` would show it: `0.01`, `1e-08`, `'cos'`, `True`, `[0.1, 0.2]`. */
export function pyRepr(v: unknown): string {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (v === Infinity) return "inf";
    if (v === -Infinity) return "-inf";
    // Python's repr switches to exponent notation below 1e-4 and from 1e16, with two-digit exponents.
    const a = Math.abs(v);
    const text = a !== 0 && (a < 1e-4 || a >= 1e16) ? v.toExponential() : String(v);
    return text.replace(/e([+-])(\d)$/, "e$10$2");
  }
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null || v === undefined) return "None";
  if (typeof v === "function") {
    const described = (v as { description?: unknown }).description;
    if (typeof described === "string") return described;
    return v.name ? `<function ${v.name}>` : "<function <lambda>>";
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") {
    const name = (v as object).constructor?.name;
    if (typeof (v as { toString?: unknown }).toString === "function" && name && name !== "Object") return String(v);
    return `{${Object.entries(v as object).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(", ")}}`;
  }
  return String(v);
}

/** A per-group option for display: one value when every group has the same, else the list. */
export function collapse(values: readonly unknown[]): unknown {
  return values.length > 0 && values.every((x) => x === values[0]) ? values[0] : [...values];
}

/**
 * One `key=value` entry of a scheduler's description. Entries with a `default` are shown only when
 * the value differs from it, so the text stays one short line.
 */
export interface OptionEntry {
  key: string;
  value: unknown;
  default?: unknown;
}

export function formatDescription(cls: string, entries: readonly OptionEntry[]): string {
  const shown = entries.filter((e) => !("default" in e) || !sameValue(e.value, e.default));
  return `${cls}(${shown.map((e) => `${e.key}=${pyRepr(e.value)}`).join(", ")})`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return a === b;
}

/** Deep copy of plain data (arrays and plain objects); functions and class instances are shared. */
export function copyData<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyData) as T;
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as object)) out[k] = copyData(x);
    return out as T;
  }
  return v;
}
