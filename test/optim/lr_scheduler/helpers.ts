/** Shared builders for the scheduler tests: optimizers like the fixture script's, and spec → scheduler. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Parameter } from "../../../lib/nn/parameter.js";
import { Adam } from "../../../lib/optim/adam.js";
import { SGD } from "../../../lib/optim/sgd.js";
import type { Optimizer } from "../../../lib/optim/optimizer.js";
import * as S from "../../../lib/optim/lr_scheduler/index.js";
import { zeros } from "../../../lib/tensor/tensor.js";

/** The named functions of test/fixtures/lr_scheduler_fixtures.py, written again here. */
export const LAMBDAS: Record<string, (e: number) => number> = {
  pow095: (e) => 0.95 ** e,
  floor30: (e) => Math.floor(e / 30),
  warmup10: (e) => Math.min(1.0, (e + 1) / 10),
  const097: () => 0.97,
  alt: (e) => (e % 2 === 0 ? 0.9 : 1.05),
  half_sin: (x) => 0.5 * (1 + Math.sin((x * Math.PI) / 2)),
  inv: (x) => 1 / (1 + 0.1 * x),
};

export const GROUP_LRS = [0.1, 0.05, 0.01];

export function makeOptimizer(kind: string, lrs: number[] = GROUP_LRS): Optimizer {
  const groups = lrs.map((lr) => ({ params: [new Parameter(zeros([2]))], lr }));
  if (kind === "sgd") return new SGD(groups, { lr: 0.1, momentum: 0.9 });
  if (kind === "sgd_nomomentum") return new SGD(groups, { lr: 0.1 });
  if (kind === "adam") return new Adam(groups, { lr: 0.1, betas: [0.9, 0.999] });
  throw new Error(kind);
}

export interface Spec {
  type: string;
  options?: Record<string, unknown>;
  schedulers?: Spec[];
  milestones?: number[];
}

function resolve(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (k === "lr_lambda" || k === "scale_fn") out[k] = Array.isArray(v) ? v.map((n) => LAMBDAS[n as string]) : LAMBDAS[v as string];
    else out[k] = v;
  }
  return out;
}

export function build(opt: S.OptimizerLike, spec: Spec): S.LRScheduler {
  if (spec.type === "SequentialLR") {
    const scheds = spec.schedulers!.map((s) => build(opt, s));
    return new S.SequentialLR(opt, { schedulers: scheds, milestones: spec.milestones! });
  }
  if (spec.type === "ChainedScheduler") return new S.ChainedScheduler(spec.schedulers!.map((s) => build(opt, s)));
  const Cls = (S as unknown as Record<string, new (o: S.OptimizerLike, options: unknown) => S.LRScheduler>)[spec.type];
  return new Cls(opt, resolve(spec.options ?? {}));
}

/** Relative-error comparison (absolute near zero), naming the first miss. */
export function assertRel(actual: number, expected: number, what: string, rtol = 1e-12): void {
  const tol = rtol * Math.max(Math.abs(expected), 1e-300) + 1e-300;
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (rel. error ${Math.abs(actual - expected) / Math.abs(expected)})`);
  }
}

/** Reads a JSON fixture from test/fixtures/. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, "../../fixtures", name), "utf8")) as T;
}
