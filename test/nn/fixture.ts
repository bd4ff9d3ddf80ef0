import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor, tensor } from "../../lib/index.js";

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
