/**
 * An optimizer's state dict in PyTorch's layout, and the checks a loaded one passes before it
 * replaces an optimizer's groups and state: indices, group sizes, required hyperparameters (the
 * same checks as the constructor's), state entries and their shapes.
 */
import { KeyError, ValueError } from "../errors.js";
import type { Parameter } from "../nn/parameter.js";
import { formatShape, sameShape, Tensor, tensor, type NestedArray } from "../tensor/tensor.js";
import { checkHyperparameters, checkNoForeignKeys, copyValue, isFilledOnLoad } from "./hyperparameters.js";
import * as msg from "./messages.js";
import type { ParamState, StateSpec } from "./param_state.js";

/**
 * One parameter group: the parameters and the hyperparameters used for them. Keys are PyTorch's
 * (`lr`, `betas`, `eps`, `weight_decay`, `momentum`, `initial_lr`, ...); extra keys such as a
 * group `name` are kept as given.
 */
export interface ParamGroup {
  params: Parameter[];
  /** Parameter names, present when the optimizer was built from `[name, param]` pairs. */
  param_names?: string[];
  lr: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  initial_lr?: number;
  name?: string;
  [key: string]: unknown;
}

/** A param group in a state dict: parameters replaced by their integer indices. */
export type PackedParamGroup = Omit<ParamGroup, "params"> & { params: number[] };

/** PyTorch's optimizer state-dict layout. JSON-serialisable (tensors become nested arrays). */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: PackedParamGroup[];
}

/** A state dict as read from JSON: state keys are strings and tensors nested arrays. */
export interface OptimizerStateDictInput {
  state: Record<string | number, Record<string, Tensor | NestedArray | null>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
}

/** PyTorch's `state_dict()`: parameters as indices in group order, state of stepped parameters. */
export function packStateDict(groups: readonly ParamGroup[], state: Map<Parameter, ParamState>): OptimizerStateDict {
  const index = new Map<Parameter, number>();
  const paramGroups = groups.map((g) => {
    const packed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) if (k !== "params") packed[k] = copyValue(v);
    packed.params = g.params.map((p) => {
      if (!index.has(p)) index.set(p, index.size);
      return index.get(p)!;
    });
    return packed as PackedParamGroup;
  });
  const packedState: Record<number, ParamState> = {};
  for (const [p, s] of state) {
    const i = index.get(p);
    if (i !== undefined) packedState[i] = { ...s };
  }
  return { state: packedState, param_groups: paramGroups };
}

/** What an optimizer passes to `unpackStateDict`. */
export interface LoadTarget<D> {
  name: string;
  /** The optimizer's defaults: what its groups are checked against. */
  defaults: D;
  /** What PyTorch's `__setstate__` fills a missing flag with: the class's signature defaults. */
  fill: Readonly<Record<string, unknown>>;
  /** Values forced on every loaded group (AdamW's `decoupled_weight_decay`). */
  fixed: Readonly<Record<string, unknown>>;
  groups: readonly ParamGroup[];
  stateSpec: StateSpec<D>;
}

/**
 * Validates a loaded state dict against the optimizer and returns its groups (on the optimizer's
 * own parameters) and state. Throws before anything changes.
 */
export function unpackStateDict<D extends Record<string, unknown>>(
  target: LoadTarget<D>,
  stateDict: unknown,
): { groups: ParamGroup[]; state: Map<Parameter, ParamState> } {
  if (!isPlainObject(stateDict) || !Array.isArray(stateDict.param_groups) || !isPlainObject(stateDict.state)) {
    throw new TypeError(msg.badStateDict(stateDict));
  }
  const saved = stateDict.param_groups as unknown[];
  const current = target.groups;
  if (saved.length !== current.length) throw new ValueError(msg.groupCountMismatch(saved.length, current.length));
  const idMap = new Map<number, Parameter>();
  const groupOf = new Map<Parameter, Record<string, unknown>>();
  saved.forEach((g, i) => {
    if (!isPlainObject(g) || !Array.isArray(g.params)) throw new TypeError(msg.badSavedGroup(i, g));
    if (g.params.length !== current[i].params.length) {
      throw new ValueError(msg.groupSizeMismatch(i, g.params.length, current[i].params.length));
    }
    g.params.forEach((id: unknown, j: number) => {
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new ValueError(msg.badParamIndex(i, id));
      if (idMap.has(id)) throw new ValueError(msg.duplicateParamIndex(id));
      idMap.set(id, current[i].params[j]);
    });
  });

  const groups = saved.map((raw, i) => {
    const g = raw as Record<string, unknown>;
    // Another optimizer's dict first: its missing keys would only be a symptom.
    checkNoForeignKeys(target.name, target.defaults, g, msg.inLoadedGroup(i));
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) next[k] = k === "params" ? current[i].params : copyValue(v);
    if (current[i].param_names && !next.param_names) next.param_names = current[i].param_names;
    for (const [key, value] of Object.entries(target.defaults)) {
      if (key in next) continue;
      // PyTorch's __setstate__ fills the flags an older version did not save (setdefault); a
      // missing value such as lr or betas is a KeyError at its first step there.
      if (!isFilledOnLoad(value)) throw new KeyError(msg.missingGroupKey(i, key));
      next[key] = copyValue(key in target.fill ? target.fill[key] : value);
    }
    Object.assign(next, target.fixed);
    checkHyperparameters(target.name, target.defaults, next, msg.inLoadedGroup(i));
    for (const p of current[i].params) groupOf.set(p, next);
    return next as ParamGroup;
  });

  const state = new Map<Parameter, ParamState>();
  const required = Object.entries(target.stateSpec).filter(([, e]) => !e.when).map(([k]) => k);
  for (const [key, value] of Object.entries(stateDict.state as Record<string, unknown>)) {
    if (!/^(0|[1-9]\d*)$/.test(key)) throw new ValueError(msg.badStateKey(key));
    const param = idMap.get(Number(key));
    if (!param) throw new ValueError(msg.unknownStateIndex(key, [...idMap.keys()]));
    if (!isPlainObject(value)) throw new TypeError(msg.badParamState(key, value));
    const entry: ParamState = {};
    for (const [name, v] of Object.entries(value)) entry[name] = castStateValue(param, key, name, v);
    if (Object.keys(entry).length) {
      for (const name of required) if (!(name in entry)) throw new KeyError(msg.missingStateEntry(key, name, target.name));
    }
    state.set(param, entry);
  }
  return { groups, state };
}

/** Turns a loaded state value into a number, null, or a tensor of the parameter's shape. */
function castStateValue(param: Parameter, key: string, name: string, v: unknown): Tensor | number | null {
  if (v === null || typeof v === "number") return v;
  // PyTorch >= 1.12 keeps `step` as a one-element tensor; here it is a number, as are other 0-d
  // tensors (NAdam's `mu_product`).
  if (v instanceof Tensor) {
    return v.shape.length === 0 || (name === "step" && v.numel === 1) ? v.item() : checkStateShape(param, key, name, v.clone());
  }
  if (Array.isArray(v)) return checkStateShape(param, key, name, tensor(v as NestedArray));
  throw new TypeError(msg.badStateValue(key, name, v));
}

/** A state tensor must have the parameter's shape exactly (equal element counts are not enough). */
function checkStateShape(param: Parameter, key: string, name: string, t: Tensor): Tensor {
  if (sameShape(t.shape, param.shape)) return t;
  throw new ValueError(msg.stateShapeMismatch(key, name, formatShape(t.shape), formatShape(param.shape)));
}
