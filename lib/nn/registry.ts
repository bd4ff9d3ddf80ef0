import type { Module } from "./module.js";

/**
 * Weak references to every module created, so that a parameter can be named ("base.weight")
 * without being handed its model: display code finds the outermost live module that contains it.
 * Modules are not kept alive by this registry.
 */
const live = new Set<WeakRef<Module>>();
const cleanup = new FinalizationRegistry<WeakRef<Module>>((ref) => live.delete(ref));

/** Records a newly constructed module. Called by `Module`'s constructor. */
export function trackModule(module: Module): void {
  const ref = new WeakRef(module);
  live.add(ref);
  cleanup.register(module, ref);
}

/** Modules still alive, oldest first. */
export function liveModules(): Module[] {
  const out: Module[] = [];
  for (const ref of live) {
    const m = ref.deref();
    if (m) out.push(m);
  }
  return out;
}
