/**
 * Dotted-path lookups on a module (PyTorch's `get_submodule` / `get_parameter` / `get_buffer`),
 * kept apart from the class; `Module`'s methods call these.
 */
import { AttributeError, kindOf } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";
import { BUFFERS } from "./module_members.js";
import { Parameter } from "./parameter.js";

/** The submodule at `target` (`""`: the module itself). */
export function getSubmoduleOf(module: Module, target: string): Module {
  if (typeof target !== "string") throw new TypeError(`getSubmodule() expects a dotted path string, got ${kindOf(target)}`);
  if (target === "") return module;
  let mod: Module = module;
  for (const item of target.split(".")) {
    const next = (mod as unknown as Record<string, unknown>)[item];
    if (!Object.prototype.hasOwnProperty.call(mod, item)) {
      throw new AttributeError(`${mod.constructor.name} has no attribute \`${item}\` (looking up "${target}")`);
    }
    if (!(next instanceof Module)) throw new AttributeError(`\`${item}\` is not an nn.Module (looking up "${target}")`);
    mod = next;
  }
  return mod;
}

/** The parameter at `target`. */
export function getParameterOf(module: Module, target: string): Parameter {
  if (typeof target !== "string") throw new TypeError(`getParameter() expects a dotted path string, got ${kindOf(target)}`);
  const cut = target.lastIndexOf(".");
  const mod = getSubmoduleOf(module, cut === -1 ? "" : target.slice(0, cut));
  const name = target.slice(cut + 1);
  if (!Object.prototype.hasOwnProperty.call(mod, name)) {
    throw new AttributeError(`${mod.constructor.name} has no attribute \`${name}\` (looking up "${target}")`);
  }
  const p = (mod as unknown as Record<string, unknown>)[name];
  if (!(p instanceof Parameter)) throw new AttributeError(`\`${name}\` is not an nn.Parameter (looking up "${target}")`);
  return p;
}

/** The buffer at `target`. */
export function getBufferOf(module: Module, target: string): Tensor {
  if (typeof target !== "string") throw new TypeError(`getBuffer() expects a dotted path string, got ${kindOf(target)}`);
  const cut = target.lastIndexOf(".");
  const mod = getSubmoduleOf(module, cut === -1 ? "" : target.slice(0, cut));
  const name = target.slice(cut + 1);
  if (!Object.prototype.hasOwnProperty.call(mod, name)) {
    throw new AttributeError(`${mod.constructor.name} has no attribute \`${name}\` (looking up "${target}")`);
  }
  const b = (mod as unknown as Record<string, unknown>)[name];
  if (!(mod as unknown as { [BUFFERS]: Set<string> })[BUFFERS].has(name) || !(b instanceof Tensor)) throw new AttributeError(`\`${name}\` is not a buffer (looking up "${target}")`);
  return b;
}
