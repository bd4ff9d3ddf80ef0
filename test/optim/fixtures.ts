/**
 * Replays the PyTorch trajectories recorded by test/fixtures/optim_fixtures.py (see there for how
 * each case was recorded). Shared by the per-optimizer test files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nn, optim, tensor, Tensor } from "../../lib/index.js";
import { assertClose } from "../util.js";

export interface FixtureCase {
  optimizer: string;
  name: string;
  options: Record<string, unknown>;
  groups: Array<{ params: number[]; [k: string]: unknown }>;
  lr_change: { before_step: number; group: number; factor: number };
  source: string;
  grads: Array<Array<number[] | null>>;
  trajectory: number[][][];
  state_dict: { state: Record<string, Record<string, unknown>>; param_groups: Array<Record<string, unknown>> };
  resume: { grads: number[][]; params: number[][] };
}

export interface Fixtures {
  torch_version: string;
  shapes: number[][];
  initial: number[][];
  cases: FixtureCase[];
}

export const fixtures: Fixtures = JSON.parse(readFileSync(join(__dirname, "../fixtures/optim_fixtures.json"), "utf8"));

/** Float32 precision, a few ulps of accumulated rounding over nine steps. */
export const TOL = { rtol: 1e-5, atol: 1e-6 };

// Keys that select PyTorch kernels, not math; torch 1.13 and current PyTorch differ in which exist.
const KERNEL_KEYS = new Set(["params", "foreach", "fused", "capturable", "differentiable"]);

type OptimizerClass = new (params: optim.ParamsInput, options?: Record<string, unknown>) => optim.Optimizer;

export function optimizerClass(name: string): OptimizerClass {
  return (optim as unknown as Record<string, OptimizerClass>)[name];
}

export function makeParams(values: number[][] = fixtures.initial): nn.Parameter[] {
  return values.map((v, i) => new nn.Parameter(tensor(v, fixtures.shapes[i])));
}

/** The case's optimizer over fresh parameters: two groups, the second with its own lr and a name. */
export function build(c: FixtureCase, values?: number[][]) {
  const params = makeParams(values);
  const groups = c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) }));
  const { lr: _lr, ...rest } = c.options;
  const opt = new (optimizerClass(c.optimizer))(groups, { ...rest, lr: c.options.lr });
  return { params, opt };
}

function setGrads(params: nn.Parameter[], grads: Array<number[] | null>) {
  params.forEach((p, i) => {
    const g = grads[i];
    p.grad = g === null ? null : tensor(g, p.shape);
  });
}

function flat(v: unknown): number[] {
  return Array.isArray(v) ? (v.flat(Infinity) as number[]) : [v as number];
}

/**
 * Porting note: torch 1.13's SGD stores `momentum_buffer: None` when momentum is 0; current
 * PyTorch (and paramlab) stores no state at all then. Null entries are dropped before comparing.
 */
export function withoutNullState(sd: FixtureCase["state_dict"]): FixtureCase["state_dict"] {
  const state: FixtureCase["state_dict"]["state"] = {};
  for (const [i, entries] of Object.entries(sd.state)) {
    const kept = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null));
    if (Object.keys(kept).length) state[i] = kept;
  }
  return { state, param_groups: sd.param_groups };
}

/** Compares an optimizer's state dict with PyTorch's exported one. */
export function assertStateDictMatches(actual: optim.OptimizerStateDict, given: FixtureCase["state_dict"], what: string) {
  const ours = JSON.parse(JSON.stringify(actual)) as FixtureCase["state_dict"];
  const expected = withoutNullState(given);
  assert.deepEqual(Object.keys(ours.state).sort(), Object.keys(expected.state).sort(), `${what}: stepped parameters`);
  for (const [index, entries] of Object.entries(expected.state)) {
    for (const [key, value] of Object.entries(entries)) {
      assert.ok(key in ours.state[index], `${what}: state[${index}] lacks '${key}' (has ${Object.keys(ours.state[index])})`);
      assertClose(flat(ours.state[index][key]), flat(value), { ...TOL, what: `${what}: state[${index}].${key}` });
    }
    for (const key of Object.keys(ours.state[index])) {
      assert.ok(key in entries, `${what}: state[${index}] has '${key}', which PyTorch does not`);
    }
  }
  assert.equal(ours.param_groups.length, expected.param_groups.length);
  expected.param_groups.forEach((g, i) => {
    assert.deepEqual(ours.param_groups[i].params, g.params, `${what}: group ${i} params`);
    for (const [key, value] of Object.entries(g)) {
      if (KERNEL_KEYS.has(key)) continue;
      assert.deepEqual(ours.param_groups[i][key], value, `${what}: group ${i} '${key}'`);
    }
  });
}

/** Registers the parity tests for every recorded case of one optimizer. */
export function parityTests(optimizer: string): void {
  const cases = fixtures.cases.filter((c) => c.optimizer === optimizer);
  assert.ok(cases.length > 0, `no fixture cases for ${optimizer}`);
  for (const c of cases) {
    test(`${c.name} matches PyTorch step by step, with two groups, a skipped grad and an lr change`, () => {
      const { params, opt } = build(c);
      c.grads.forEach((grads, step) => {
        if (step === c.lr_change.before_step) opt.paramGroups[c.lr_change.group].lr *= c.lr_change.factor;
        setGrads(params, grads);
        opt.step();
        params.forEach((p, i) => assertClose(p.data, c.trajectory[step][i], { ...TOL, what: `${c.name} step ${step + 1} param ${i}` }));
      });
      assertStateDictMatches(opt.stateDict(), c.state_dict, c.name);
    });

    test(`${c.name} resumes from PyTorch's state_dict (JSON) and takes the same next step`, () => {
      const last = c.trajectory[c.trajectory.length - 1];
      const { params, opt } = build(c, last);
      opt.loadStateDict(JSON.parse(JSON.stringify(c.state_dict)));
      for (const [i, s] of Object.entries(c.state_dict.state)) {
        const mine = opt.state.get(params[Number(i)]);
        assert.ok(mine, `state for param ${i} loaded`);
        for (const v of Object.values(mine)) assert.ok(typeof v === "number" || v === null || v instanceof Tensor);
        assert.ok(Object.keys(s).every((k) => k in mine || s[k] === null));
      }
      setGrads(params, c.resume.grads);
      opt.step();
      params.forEach((p, i) => assertClose(p.data, c.resume.params[i], { ...TOL, what: `${c.name} resumed param ${i}` }));
    });
  }
}
