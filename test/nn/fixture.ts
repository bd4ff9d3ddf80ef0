import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { nn, Tensor, tensor } from "../../lib/index.js";

/** A tensor as recorded by test/fixtures/nn_fixtures.py. */
export interface TJ {
  shape: number[];
  values: number[];
}

export interface ModuleRecord {
  repr: string;
  params: Array<[string, TJ]>;
  buffers: Array<[string, TJ]>;
  state_dict_keys: string[];
}

export interface LayerRecord extends ModuleRecord {
  seed: number;
  runs: Array<{ mode: "train" | "eval"; inputs: TJ[]; output: TJ; buffers_after: Array<[string, TJ]> }>;
}

/** torch 1.13's recordings (test/fixtures/nn_layers.json). */
export const nnFixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/nn_layers.json"), "utf8")) as {
  layers: Record<string, LayerRecord>;
  containers: Record<string, ModuleRecord>;
  init: Record<string, TJ>;
  gains: Record<string, number>;
  fans: Record<string, [number, number]>;
  errors: Record<string, string>;
};

/** A recorded tensor as a paramlab tensor. */
export function fromTJ(t: TJ): Tensor {
  return tensor(t.values, t.shape);
}

export interface GradStep {
  mode: "train" | "eval";
  dropout_seed: number | null;
  grad_output: TJ;
  output: TJ;
  grad_fn: string | null;
  input_grads: Array<TJ | null>;
  param_grads: Array<[string, TJ | null]>;
  buffers_after: Array<[string, TJ]>;
}

export interface GradCase {
  params: Array<[string, TJ]>;
  buffers: Array<[string, TJ]>;
  inputs: Array<TJ & { integer?: boolean }>;
  steps: GradStep[];
}

/** torch 1.13's gradient recordings (test/fixtures/nn_grad.json, from nn_grad_fixtures.py). */
export const gradFixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/nn_grad.json"), "utf8"), (key, v) =>
  // The generator writes NaN as null.
  key === "values" && Array.isArray(v) ? v.map((x: number | null) => (x === null ? NaN : x)) : v,
) as {
  cases: Record<string, GradCase>;
  train_conv_net: {
    params: Array<[string, TJ]>;
    input: TJ;
    target: number[];
    steps: Array<{ loss: number; grads: Array<[string, TJ]>; params_after: Array<[string, TJ]>; buffers_after: Array<[string, TJ]> }>;
  };
  /** Reprs, and errors as [Python class, message]. */
  misc: Record<string, string> & Record<string, [string, string]>;
};

/** Copies recorded values into a module's parameters and buffers, by name. */
export function loadRecorded(m: nn.Module, params: Array<[string, TJ]>, buffers: Array<[string, TJ]>): void {
  const ps = new Map(m.namedParameters());
  assert.deepEqual([...ps.keys()], params.map(([n]) => n), "parameter names");
  for (const [name, t] of params) ps.get(name)!.data.set(t.values);
  const bs = new Map(m.namedBuffers());
  for (const [name, t] of buffers) bs.get(name)!.data.set(t.values);
}

