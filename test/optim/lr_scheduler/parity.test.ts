/**
 * Every scheduler against values recorded from PyTorch 1.13 by test/fixtures/lr_scheduler_fixtures.py:
 * three param groups of different lrs, every step, relative error 1e-12.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { simulate } from "../../../lib/optim/lr_scheduler/index.js";
import { assertRel, build, makeOptimizer, type Spec, readFixture } from "./helpers.js";

interface Case {
  name: string;
  optimizer: string;
  lrs: number[];
  spec: Spec;
  lr: number[][];
  momentum?: number[][];
  beta1?: number[][];
  epochs?: number[];
  metrics?: number[];
}
const fixture = readFixture("lr_scheduler_fixtures.json") as {
  cases: Case[];
  states: { spec: Spec; steps: number; state: Record<string, unknown> }[];
  resumes: { name: string; optimizer: string; spec: Spec; k: number; lr: number[][] }[];
};

function withLastEpoch(spec: Spec, lastEpoch: number): Spec {
  return { ...spec, options: { ...spec.options, last_epoch: lastEpoch } };
}

for (const r of fixture.resumes) {
  test(`${r.name} from a saved optimizer matches PyTorch`, () => {
    const a = makeOptimizer(r.optimizer);
    const sa = build(a, r.spec);
    for (let i = 0; i < r.k; i++) {
      a.step();
      sa.step();
    }
    const b = makeOptimizer(r.optimizer);
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    const sb = build(b, withLastEpoch(r.spec, r.k));
    for (let i = 0; i < r.lr.length; i++) {
      if (i > 0) {
        b.step();
        sb.step();
      }
      b.paramGroups.forEach((g, j) => assertRel(g.lr, r.lr[i][j], `lr step ${i} group ${j}`));
    }
  });
}

// The fixture script steps the optimizer before the scheduler, as PyTorch recommends, so no warning.
for (const c of fixture.cases) {
  test(`${c.name} matches PyTorch`, () => {
    const opt = makeOptimizer(c.optimizer, c.lrs);
    const sched = build(opt, c.spec);
    const check = (i: number) => {
      opt.paramGroups.forEach((g, j) => {
        assertRel(g.lr, c.lr[i][j], `lr step ${i} group ${j}`);
        if (c.momentum) assertRel(g.momentum as number, c.momentum[i][j], `momentum step ${i} group ${j}`);
        if (c.beta1) assertRel((g.betas as number[])[0], c.beta1[i][j], `beta1 step ${i} group ${j}`);
      });
      assert.deepEqual(sched.getLastLr().length, c.lrs.length);
    };
    check(0);
    const inputs = c.epochs ?? c.metrics;
    const n = inputs ? inputs.length : c.lr.length - 1;
    for (let i = 0; i < n; i++) {
      opt.step();
      if (inputs) (sched.step as (x: number) => void).call(sched, inputs[i]);
      else sched.step();
      check(i + 1);
    }
  });

  if (!c.epochs) {
    test(`${c.name}: simulate gives the same schedule and leaves the optimizer untouched`, () => {
      const opt = makeOptimizer(c.optimizer, c.lrs);
      const before = JSON.stringify(opt.paramGroups.map((g) => ({ ...g, params: undefined })));
      const steps = c.lr.length;
      const trace = simulate(opt, (o) => build(o, c.spec), { steps, metrics: c.metrics });
      assert.equal(JSON.stringify(opt.paramGroups.map((g) => ({ ...g, params: undefined }))), before);
      assert.equal(trace.steps, steps);
      for (let i = 0; i < steps; i++) {
        for (let j = 0; j < c.lrs.length; j++) {
          assertRel(trace.lr[j][i], c.lr[i][j], `trace lr step ${i} group ${j}`);
          if (trace.momentum) assertRel(trace.momentum[j][i], c.momentum![i][j], `trace momentum ${i} ${j}`);
          if (trace.beta1) assertRel(trace.beta1[j][i], c.beta1![i][j], `trace beta1 ${i} ${j}`);
        }
      }
    });
  }
}

test("stateDict has PyTorch's keys and values", () => {
  for (const s of fixture.states) {
    const opt = makeOptimizer("sgd");
    const sched = build(opt, s.spec);
    for (let i = 0; i < s.steps; i++) {
      opt.step();
      sched.step();
    }
    const mine = sched.stateDict();
    for (const [k, v] of Object.entries(s.state)) {
      if (k === "verbose" || k === "anneal_func") continue; // 1.13-only entries
      assert.ok(k in mine, `${s.spec.type}: missing state key ${k}`);
      if (typeof v === "number") assertRel(mine[k] as number, v, `${s.spec.type}.${k}`);
      else assert.deepEqual(mine[k], v, `${s.spec.type}.${k}`);
    }
    // Nothing beyond PyTorch's keys. Current PyTorch adds _is_initial to 1.13's, and OneCycleLR
    // keeps _anneal_func_type (a string) where 1.13 kept anneal_func (a bound method).
    const current = ["_is_initial", "_anneal_func_type"];
    for (const k of Object.keys(mine)) assert.ok(k in s.state || current.includes(k), `${s.spec.type}: extra state key ${k}`);
  }
});
