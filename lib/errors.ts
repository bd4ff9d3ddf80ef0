/**
 * Error classes shared by the whole library.
 *
 * PyTorch raises `ValueError` for a value of the right kind that is out of range; JavaScript has
 * no such class, so paramlab defines one. `TypeError` (built in) is used for the wrong kind of
 * value, as PyTorch does.
 */

/** A value of the right type that is not acceptable (PyTorch's `ValueError`). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

/** A key that does not exist (PyTorch's `KeyError`), e.g. a state-dict entry or submodule path. */
export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyError";
  }
}

/** Formats a value for an error message: strings quoted, arrays and objects as short JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  const name = (value as object).constructor?.name;
  if (Array.isArray(value)) {
    const text = JSON.stringify(value);
    return text !== undefined && text.length <= 60 ? text : `array of length ${value.length}`;
  }
  if (name && name !== "Object") return `a ${name}`;
  try {
    const text = JSON.stringify(value);
    return text.length <= 60 ? text : "an object";
  } catch {
    return "an object";
  }
}

/** The kind of a value in PyTorch's words, for `TypeError` messages ("got a number"). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "a plain object";
  }
  return `${typeof value === "undefined" ? "undefined" : "a " + typeof value}`;
}

/** An attribute that does not exist or has the wrong kind (PyTorch's `AttributeError`). */
export class AttributeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttributeError";
  }
}

/** A failure of an operation on valid arguments (PyTorch's `RuntimeError`), e.g. loading a state dict. */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuntimeError";
  }
}
