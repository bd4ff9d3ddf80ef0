/**
 * A module's state dict: `stateDict()` and `loadStateDict()` (PyTorch's `state_dict` /
 * `load_state_dict` with `_load_from_state_dict`'s key rules), kept apart from the class.
 */
import { kindOf, RuntimeError } from "../errors.js";
import { formatShape, sameShape, Tensor, tensor, type NestedArray } from "../tensor/tensor.js";
import type { Module } from "./module.js";
import { internals, nonPersistent } from "./module_members.js";

/** A state dict: dotted names to tensors, in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` returns (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Parameters and persistent buffers by dotted name, in PyTorch's order (each module's
 * parameters, then its buffers, then its children). Tensors share storage with the module.
 *
 * Porting note: the result is a plain object (it serialises with `JSON.stringify`), so a key
 * that is a bare integer (a root `ParameterDict` with key "10") is listed before the others,
 * JavaScript's rule; dotted keys ("0.weight") keep PyTorch's order.
 *
 * @example
 * const json = JSON.stringify(model.stateDict()); // nested arrays, like tolist()
 */
export function stateDictOf(module: Module, options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
  const { prefix = "", keepVars = false } = options;
  const out: StateDict = {};
  const visit = (m: Module, pre: string) => {
    const mod = internals(m);
    for (const [name, p] of mod._ownParameters()) out[pre + name] = keepVars ? p : new Tensor(p.data, p.shape);
    for (const [name, b] of mod._ownBuffers()) if (!nonPersistent(mod).has(name)) out[pre + name] = b;
    for (const [name, child] of mod._ownModules()) visit(child, `${pre}${name}.`);
  };
  visit(module, prefix);
  return out;
}

/**
 * Copies values from a state dict (tensors or nested number arrays). With `strict` (the default)
 * missing or unexpected keys are an error; shape mismatches always are. Reports keys like PyTorch.
 *
 * @example
 * const { missingKeys, unexpectedKeys } = model.loadStateDict(JSON.parse(json), { strict: false });
 */
export function loadStateDictInto(module: Module, stateDict: Record<string, Tensor | NestedArray>, options: { strict?: boolean } = {}): IncompatibleKeys {
  const { strict = true } = options;
  if (stateDict === null || typeof stateDict !== "object" || Array.isArray(stateDict)) {
    throw new TypeError(`Expected state_dict to be a plain object of name -> tensor, got ${kindOf(stateDict)}`);
  }
  const own = stateDictOf(module, { keepVars: true });
  const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const missingKeys = Object.keys(own).filter((k) => !has(stateDict, k));
  const unexpectedKeys = unexpectedKeysOf(module, Object.keys(stateDict));
  const errors: string[] = [];
  const updates: Array<[Tensor, Tensor]> = [];
  for (const [key, target] of Object.entries(own)) {
    if (!has(stateDict, key)) continue;
    const raw = stateDict[key];
    let value: Tensor;
    try {
      value = raw instanceof Tensor ? raw : tensor(raw as NestedArray);
    } catch (e) {
      errors.push(`While copying the parameter named "${key}": ${(e as Error).message}`);
      continue;
    }
    // PyTorch's one exception (checkpoints from 0.3): a 1-d value loads into a 0-d parameter.
    if (target.shape.length === 0 && value.shape.length === 1 && value.numel >= 1) value = new Tensor(value.data.subarray(0, 1), []);
    if (!sameShape(value.shape, target.shape)) {
      errors.push(
        `size mismatch for ${key}: copying a param with shape torch.Size(${formatShape(value.shape)}) from checkpoint, ` +
          `the shape in current model is torch.Size(${formatShape(target.shape)}).`,
      );
      continue;
    }
    updates.push([target, value]);
  }
  if (strict) {
    if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}. `);
    if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(", ")}. `);
  }
  if (errors.length) {
    throw new RuntimeError(`Error(s) in loading state_dict for ${module.constructor.name}:\n\t${errors.join("\n\t")}`);
  }
  for (const [target, value] of updates) target.data.set(value.data);
  return { missingKeys, unexpectedKeys };
}

/**
 * Keys no module claims, in PyTorch's order: module by module (this one, then its children
 * depth first), each taking the keys under its prefix whose next segment is neither one of its
 * parameters or buffers nor a child (PyTorch's `_load_from_state_dict`).
 */
function unexpectedKeysOf(module: Module, keys: string[]): string[] {
  const out: string[] = [];
  const visit = (m: Module, prefix: string) => {
    const mod = internals(m);
    const local = new Set(mod._ownParameters().map(([n]) => n));
    for (const [n] of mod._ownBuffers()) if (!nonPersistent(mod).has(n)) local.add(n);
    const children = mod._ownModules();
    const childNames = new Set(children.map(([n]) => n));
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const dot = rest.indexOf(".");
      // A dotted rest must go to a child; a bare name must be a parameter or persistent buffer.
      if (dot !== -1 ? !childNames.has(rest.slice(0, dot)) : !local.has(rest)) out.push(key);
    }
    for (const [name, child] of children) visit(child, `${prefix}${name}.`);
  };
  visit(module, "");
  return out;
}

