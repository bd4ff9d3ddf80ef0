/**
 * Names for the parameters an optimizer holds. Explicit names come first: a group's
 * `param_names` (an optimizer built from `namedParameters()` pairs or a param-group builder),
 * then the model when one is given (`describeParamGroups(model, optimizer)`). Only parameters
 * still unnamed fall back to the weak module registry (lib/nn/registry.ts): their dotted path
 * from the outermost live module that contains them, so `display(optimizer)` can name parameters
 * without being handed the model.
 *
 * The fallback is deterministic for a given set of live modules (the newest outermost module
 * that holds the parameter wins, modules visited in creation order), but which modules are
 * still alive depends on garbage collection: a module that is unreachable yet not collected still
 * counts. The two can only disagree for a layer shared by two separate models; pass names (or the
 * model) to be independent of it.
 */
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { liveModules } from "../nn/registry.js";
import type { ParamGroup } from "../optim/optimizer.js";

/** Label used for a parameter that belongs to no module and has no `param_names` entry. */
export const UNNAMED = "unnamed";

/** `[dottedName, parameter]` of `model`, keeping every name a shared parameter has (first wins). */
export function modelNames(model: Module): Map<Parameter, string> {
  const names = new Map<Parameter, string>();
  for (const [name, p] of model.namedParameters()) if (!names.has(p)) names.set(p, name);
  return names;
}

/**
 * Names of every parameter reachable from a live module that no other live module contains (the
 * "outermost" modules). When several such roots hold the same parameter (a model rebuilt in a
 * notebook whose old copy is not yet garbage-collected), the newest root wins.
 */
export function liveParameterNames(wanted?: ReadonlySet<Parameter>): Map<Parameter, string> {
  const modules = liveModules();
  const inner = new Set<Module>();
  for (const m of modules) {
    if (inner.has(m)) continue; // its subtree is already marked from an enclosing module
    const sub = m.modules();
    for (let i = 1; i < sub.length; i++) inner.add(sub[i]);
  }
  const names = new Map<Parameter, string>();
  for (let i = modules.length - 1; i >= 0; i--) {
    const root = modules[i];
    if (inner.has(root)) continue;
    for (const [name, p] of root.namedParameters()) {
      if (wanted && !wanted.has(p)) continue;
      if (!names.has(p)) names.set(p, name);
    }
    if (wanted && names.size === wanted.size) break;
  }
  return names;
}

/**
 * The name of every parameter of the groups: the group's `param_names` first, then the model's
 * names (a module, or names already collected from it), then live modules; missing ones are left
 * out.
 */
export function groupParameterNames(groups: readonly ParamGroup[], model?: Module | ReadonlyMap<Parameter, string>): Map<Parameter, string> {
  const names = new Map<Parameter, string>();
  const wanted = new Set<Parameter>();
  for (const g of groups) {
    g.params.forEach((p, j) => {
      const given = g.param_names?.[j];
      if (typeof given === "string" && !names.has(p)) names.set(p, given);
      else wanted.add(p);
    });
  }
  if (model) {
    const fromModel = model instanceof Map ? model : modelNames(model as Module);
    for (const p of wanted) {
      const n = fromModel.get(p);
      if (n !== undefined && !names.has(p)) names.set(p, n);
    }
  }
  const rest = new Set([...wanted].filter((p) => !names.has(p)));
  if (rest.size) for (const [p, n] of liveParameterNames(rest)) names.set(p, n);
  return names;
}
