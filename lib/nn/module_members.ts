/**
 * A module's member bookkeeping, shared by `Module` and the files split from it: the hidden
 * slots (buffers, non-persistent buffers, member order) and the insertion-order record.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";
import type { Parameter } from "./parameter.js";

export const BUFFERS = Symbol("paramlab.buffers");
export const NON_PERSISTENT = Symbol("paramlab.nonPersistentBuffers");
export const ORDER = Symbol("paramlab.memberOrder");

/** The protected member accessors of `Module`, for the files that implement parts of it. */
export interface ModuleInternals {
  _ownParameters(): Array<[string, Parameter]>;
  _ownBuffers(): Array<[string, Tensor]>;
  _ownModules(): Array<[string, Module]>;
}

/** `module` seen through its protected member accessors. */
export function internals(module: Module): ModuleInternals {
  return module as unknown as ModuleInternals;
}

/** Names of `module`'s buffers left out of its state dict. */
export function nonPersistent(module: ModuleInternals | Module): Set<string> {
  return (module as unknown as { [NON_PERSISTENT]: Set<string> })[NON_PERSISTENT];
}

/**
 * A module's own member names in insertion order. JavaScript lists integer-like keys ("0", "1")
 * before all others, whatever the order they were added in; PyTorch's `_modules` /
 * `_parameters` keep insertion order. So the order is recorded: every registration first brings
 * the record up to date (members assigned since are appended in `Object.keys` order, which is
 * insertion order for non-integer names), and deleted members drop out.
 *
 * Porting note: a member added by plain assignment with an integer-like name (`this[0] = m`)
 * cannot be told apart from earlier ones; register such names (`registerModule("0", m)`) to keep
 * PyTorch's order.
 */
export function syncMemberOrder(owner: object, order: string[]): string[] {
  const keys = Object.keys(owner);
  if (keys.length === order.length) {
    const recorded = new Set(order);
    if (keys.every((k) => recorded.has(k))) return order;
  }
  const present = new Set(keys);
  const kept = order.filter((n) => present.has(n));
  const known = new Set(kept);
  for (const k of keys) if (!known.has(k)) kept.push(k);
  order.splice(0, order.length, ...kept);
  return order;
}
