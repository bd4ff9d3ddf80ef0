import { describeValue, KeyError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** A plain tensor becomes a trainable parameter, as in PyTorch's containers. */
function asParameter(value: unknown, where: string): Parameter {
  if (value instanceof Parameter) return value;
  if (value instanceof Tensor) return new Parameter(value);
  throw new TypeError(`${where}: expected a Parameter or Tensor, got ${describeValue(value)}`);
}

/** PyTorch's one-line description of a parameter inside these containers. */
function describeParam(p: Parameter, dtypeName: string): string {
  return `Parameter containing: [${dtypeName} of size ${p.shape.join("x")}]`;
}

/**
 * A list of parameters registered under "0", "1", ...: PyTorch's `nn.ParameterList`. Tensors
 * appended are wrapped in `Parameter`.
 *
 * @example
 * const scales = new nn.ParameterList([ones(4), ones(4)]);
 * scales.get(-1).shape; // [4]
 */
export class ParameterList extends Module {
  constructor(values: Iterable<Parameter | Tensor> = []) {
    super();
    for (const v of values) this.append(v);
  }

  /** Number of parameters. */
  get length(): number {
    return this._ownParameters().length;
  }

  #index(idx: number): number {
    if (typeof idx !== "number" || !Number.isInteger(idx)) throw new TypeError(`index must be an integer, got ${describeValue(idx)}`);
    const n = this.length;
    if (idx < -n || idx >= n) throw new RangeError(`index ${idx} is out of range`);
    return idx < 0 ? idx + n : idx;
  }

  /** The parameter at `idx` (negative counts from the end). */
  get(idx: number): Parameter {
    return (this as unknown as Record<string, Parameter>)[String(this.#index(idx))];
  }

  /** Replaces the parameter at `idx`. */
  set(idx: number, value: Parameter | Tensor): this {
    this.registerParameter(String(this.#index(idx)), asParameter(value, "ParameterList.set"));
    return this;
  }

  /** Adds a parameter at the end. */
  append(value: Parameter | Tensor): this {
    this.registerParameter(String(this.length), asParameter(value, `ParameterList: element #${this.length}`));
    return this;
  }

  /** Adds parameters at the end. */
  extend(values: Iterable<Parameter | Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this._ownParameters().map(([, p]) => p)[Symbol.iterator]();
  }

  override extraRepr(): string {
    return this._ownParameters().map(([k, p]) => `  (${k}): ${describeParam(p, "torch.float32")}`).join("\n");
  }
}

type ParamMapInit = Map<string, Parameter | Tensor> | Record<string, Parameter | Tensor> | Iterable<readonly [string, Parameter | Tensor]>;

/**
 * Parameters by name, in insertion order (also for integer-like names): PyTorch's
 * `nn.ParameterDict`.
 *
 * @example
 * const temps = new nn.ParameterDict(new Map([["actor", ones(1)], ["critic", ones(1)]]));
 * temps.get("critic").item(); // 1
 */
export class ParameterDict extends Module {
  constructor(values?: ReadonlyArray<readonly [string, Parameter | Tensor]> | ParamMapInit) {
    super();
    if (values !== undefined) this.update(values as ParamMapInit);
  }

  /** Number of entries. */
  get length(): number {
    return this._ownParameters().length;
  }

  /** The parameter under `key`; a `KeyError` if there is none. */
  get(key: string): Parameter {
    const hit = this._ownParameters().find(([k]) => k === key);
    if (!hit) throw new KeyError(`${describeValue(key)} (keys: ${this.keys().map((k) => describeValue(k)).join(", ") || "none"})`);
    return hit[1];
  }

  /** Adds or replaces the parameter under `key` (a tensor is wrapped in `Parameter`). */
  set(key: string, value: Parameter | Tensor): this {
    this.registerParameter(key, asParameter(value, `ParameterDict: value for ${describeValue(key)}`));
    return this;
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.keys().includes(key);
  }

  /** Removes and returns the parameter under `key`. */
  pop(key: string): Parameter {
    const p = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return p;
  }

  /** Removes every entry. */
  clear(): void {
    for (const k of this.keys()) this.pop(k);
  }

  /** Keys in insertion order. */
  keys(): string[] {
    return this._ownParameters().map(([k]) => k);
  }

  /** Parameters in insertion order. */
  values(): Parameter[] {
    return this._ownParameters().map(([, p]) => p);
  }

  /** `[key, parameter]` pairs in insertion order. */
  items(): Array<[string, Parameter]> {
    return this._ownParameters();
  }

  /** Adds or replaces entries from a Map, pairs or an object. */
  update(values: ReadonlyArray<readonly [string, Parameter | Tensor]>): this;
  update(values: ParamMapInit): this;
  update(values: ParamMapInit): this {
    const entries: Array<[string, unknown]> =
      values instanceof Map ? [...values.entries()] : Symbol.iterator in Object(values) ? [...(values as Iterable<[string, unknown]>)] : Object.entries(values);
    for (const [k, v] of entries) this.set(String(k), v as Tensor);
    return this;
  }

  /** Iterates over keys, as PyTorch's `ParameterDict` does. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  override extraRepr(): string {
    // PyTorch 1.13 prints `p.type()` here, hence FloatTensor rather than float32.
    return this._ownParameters().map(([k, p]) => `  (${k}): ${describeParam(p, "torch.FloatTensor")}`).join("\n");
  }
}
