import { describeValue, KeyError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

type ModuleMapInit = Map<string, Module> | Record<string, Module> | Iterable<readonly [string, Module]>;

function entriesOf(init: ModuleMapInit, what: string): Array<[string, Module]> {
  if (init instanceof Map) return [...init.entries()];
  if (init !== null && typeof init === "object" && Symbol.iterator in init) {
    return [...(init as Iterable<readonly [string, Module]>)].map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`${what}: element #${i} should be a [key, module] pair, got ${describeValue(pair)}`);
      }
      return [String(pair[0]), pair[1]];
    });
  }
  if (init !== null && typeof init === "object") {
    // Porting note: plain objects list integer-like keys first (JavaScript's rule); pass a Map to
    // keep an exact order.
    return Object.entries(init);
  }
  throw new TypeError(`${what} expects a Map, an array of [key, module] pairs or an object, got ${describeValue(init)}`);
}

/**
 * A module whose children are kept in insertion order under names of its choosing (integer-like
 * names included, which JavaScript objects would reorder).
 */
abstract class OrderedModule extends Module {
  // Insertion order itself is kept by Module (`_memberNames`).

  /** Removes a child by name. */
  protected _removeChild(name: string): void {
    delete (this as unknown as Record<string, unknown>)[name];
  }

  /** Replaces all children with `entries`, in order. */
  protected _setChildren(entries: Array<[string, Module]>): void {
    for (const [n] of this._ownModules()) delete (this as unknown as Record<string, unknown>)[n];
    for (const [n, m] of entries) this.registerModule(n, m);
  }

  protected _entries(): Array<[string, Module]> {
    return this._ownModules();
  }
}

/** Integer index into a list of `size`, negatives from the end (PyTorch's `_get_abs_string_index`). */
function absIndex(idx: number, size: number, allowEnd = false): number {
  if (typeof idx !== "number" || !Number.isInteger(idx)) throw new TypeError(`index must be an integer, got ${describeValue(idx)}`);
  const hi = allowEnd ? size : size - 1;
  if (idx < -size || idx > hi) throw new RangeError(`index ${idx} is out of range`);
  return idx < 0 ? idx + size : idx;
}

/** Shared list behaviour of `Sequential` and `ModuleList`: children named "0", "1", .... */
abstract class IndexedModules extends OrderedModule {
  /** Number of children. */
  get length(): number {
    return this._entries().length;
  }

  /** The child at `idx` (negative counts from the end). */
  get(idx: number): Module {
    const entries = this._entries();
    return entries[absIndex(idx, entries.length)][1];
  }

  /** Replaces the child at `idx`. */
  set(idx: number, module: Module): this {
    const entries = this._entries();
    const name = entries[absIndex(idx, entries.length)][0];
    this.registerModule(name, module);
    return this;
  }

  /** Adds a module at the end. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Adds modules at the end. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before `index`, renumbering the children after it. */
  insert(index: number, module: Module): this {
    const mods = this._entries().map(([, m]) => m);
    mods.splice(absIndex(index, mods.length, true), 0, module);
    this._setChildren(mods.map((m, i) => [String(i), m]));
    return this;
  }

  /** Removes and returns the child at `idx` (default: the last), renumbering the rest. */
  pop(idx = -1): Module {
    const entries = this._entries();
    const i = absIndex(idx, entries.length);
    const [removed] = entries.splice(i, 1);
    this._setChildren(entries.map(([, m], k) => [String(k), m]));
    return removed[1];
  }

  [Symbol.iterator](): Iterator<Module> {
    return this._entries().map(([, m]) => m)[Symbol.iterator]();
  }
}

/**
 * Modules applied one after another: `forward(x)` passes `x` through each child in order.
 * Children are named "0", "1", ... (or by the keys of a `Map`).
 *
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 1));
 * model.get(-1);            // Linear(in_features=3, out_features=1, bias=True)
 * model.forward(randn(2, 4)).shape; // [2, 1]
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Map<string, Module>]) {
    super();
    if (modules.length === 1 && modules[0] instanceof Map) {
      for (const [name, m] of entriesOf(modules[0], "Sequential")) this.registerModule(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => {
        if (!(m instanceof Module)) throw new TypeError(`Sequential: argument #${i} is ${describeValue(m)}, not a Module`);
        this.registerModule(String(i), m);
      });
    }
  }

  /** A new `Sequential` of the children in `[start, end)`, keeping their names. */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(new Map(this._entries().slice(start, end)));
  }

  /**
   * Passes `input` through each child in order. Typed tensor-to-tensor, the common case; a child
   * returning something else passes it on unchanged to the next.
   */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const [, m] of this._entries()) x = m.forward(x);
    return x as Tensor;
  }
}

/**
 * A list of submodules, registered so their parameters are found; it has no `forward`.
 *
 * @example
 * const blocks = new nn.ModuleList(Array.from({ length: 3 }, () => new nn.Linear(8, 8)));
 * for (const b of blocks) x = b.forward(x);
 */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    let i = 0;
    for (const m of modules) {
      if (!(m instanceof Module)) throw new TypeError(`ModuleList: element #${i} is ${describeValue(m)}, not a Module`);
      this.registerModule(String(i++), m);
    }
  }

  /** A new `ModuleList` of the children in `[start, end)`. */
  slice(start?: number, end?: number): ModuleList {
    return new ModuleList(this._entries().slice(start, end).map(([, m]) => m));
  }
}

/**
 * Submodules by name, in insertion order (also for integer-like names); it has no `forward`.
 *
 * @example
 * const heads = new nn.ModuleDict(new Map([["actor", new nn.Linear(8, 2)], ["critic", new nn.Linear(8, 1)]]));
 * heads.get("critic").forward(x);
 */
export class ModuleDict extends OrderedModule {
  constructor(modules?: ReadonlyArray<readonly [string, Module]> | ModuleMapInit) {
    super();
    if (modules !== undefined) this.update(modules as ModuleMapInit);
  }

  /** Number of entries. */
  get length(): number {
    return this._entries().length;
  }

  /** The module under `key`; a `KeyError` if there is none. */
  get(key: string): Module {
    const hit = this._entries().find(([k]) => k === key);
    if (!hit) throw new KeyError(`${describeValue(key)} (keys: ${this.keys().map((k) => describeValue(k)).join(", ") || "none"})`);
    return hit[1];
  }

  /** Adds or replaces the module under `key`. */
  set(key: string, module: Module): this {
    this.registerModule(key, module);
    return this;
  }

  /** Whether `key` is present (PyTorch's `key in module_dict`). */
  has(key: string): boolean {
    return this._entries().some(([k]) => k === key);
  }

  /** Removes and returns the module under `key`. */
  pop(key: string): Module {
    const m = this.get(key);
    this._removeChild(key);
    return m;
  }

  /** Removes every entry. */
  clear(): void {
    this._setChildren([]);
  }

  /** Keys in insertion order. */
  keys(): string[] {
    return this._entries().map(([k]) => k);
  }

  /** Modules in insertion order. */
  values(): Module[] {
    return this._entries().map(([, m]) => m);
  }

  /** `[key, module]` pairs in insertion order. */
  items(): Array<[string, Module]> {
    return this._entries();
  }

  /** Adds or replaces entries from a Map, pairs or an object. */
  update(modules: ReadonlyArray<readonly [string, Module]>): this;
  update(modules: ModuleMapInit): this;
  update(modules: ModuleMapInit): this {
    for (const [k, m] of entriesOf(modules, "ModuleDict.update")) {
      if (!(m instanceof Module)) throw new TypeError(`ModuleDict: value for ${describeValue(k)} is ${describeValue(m)}, not a Module`);
      this.registerModule(k, m);
    }
    return this;
  }

  /** Iterates over keys, as PyTorch's `ModuleDict` does. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}
