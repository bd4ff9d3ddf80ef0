import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor, tensor } from "../../lib/index.js";

/** A tensor as recorded by test/fixtures/autograd_fixtures.py. */
export interface TJ {
  shape: number[];
  values: number[];
}

export interface OpCase {
  op: string;
  args: Record<string, unknown>;
  inputs: Array<TJ & { kind: string; requires_grad: boolean }>;
  output: TJ;
  grad_fn: string;
  grad_output: TJ;
  grads: Array<TJ | null>;
}

export interface LossCase {
  fn: string;
  options: Record<string, TJ | number | string>;
  reduction: "mean" | "sum" | "none";
  input: TJ;
  target: TJ;
  output: TJ;
  grad_fn: string;
  grad_output: TJ;
  input_grad: TJ;
  target_grad: TJ | null;
}

export type Named = Array<[string, TJ]>;

/** torch 1.13's recordings (test/fixtures/autograd.json). */
export const autogradFixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/autograd.json"), "utf8")) as {
  torch: string;
  ops: OpCase[];
  losses: LossCase[];
  modules: Record<string, any>;
  trajectory: { seed: number; init: Named; x: TJ; y: number[]; lr: number; steps: Array<{ loss: number; params: Named }> };
};

/** A recorded tensor as a paramlab tensor. */
export function fromTJ(t: TJ): Tensor {
  return tensor(t.values, t.shape);
}

/** A short label for a recorded case: op and input shapes. */
export function label(c: OpCase): string {
  return `${c.op}(${c.inputs.map((i) => `[${i.shape.join(",")}]`).join(", ")}${Object.keys(c.args).length ? ", " + JSON.stringify(c.args) : ""})`;
}
