/**
 * timm's CosineLRScheduler against its published formula, written out independently in
 * test/fixtures/lr_scheduler_hf_timm.py, with noise drawn by torch 1.13's Generator and randn.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as S from "../../../lib/optim/lr_scheduler/index.js";
import * as msg from "../../../lib/optim/lr_scheduler/messages.js";
import { ValueError } from "../../../lib/errors.js";
import { assertThrowsMessage } from "../../util.js";
import { assertRel, makeOptimizer, readFixture } from "./helpers.js";

const fixture = readFixture("lr_scheduler_hf_timm.json") as {
  hf: { name: string; fn: string; options: Record<string, unknown>; lr: number[][] }[];
  timm: { name: string; options: Record<string, unknown>; t: number[]; lr: number[][]; lr_scale?: (number | null)[] }[];
};

for (const c of fixture.timm) {
  test(`timm CosineLRScheduler (${c.name}) matches the published formula`, () => {
    const opt = makeOptimizer("sgd");
    const withScale = (o: S.OptimizerLike) => {
      c.lr_scale?.forEach((s, j) => {
        if (s !== null) o.paramGroups[j].lr_scale = s;
      });
      return o;
    };
    withScale(opt);
    const sched = new S.CosineLRScheduler(opt, c.options as unknown as S.CosineLRSchedulerOptions);
    c.t.forEach((t, i) => {
      sched.step(t);
      opt.paramGroups.forEach((g, j) => assertRel(g.lr, c.lr[i][j], `t ${t} group ${j}`));
    });
    // step() without an epoch walks the same schedule; simulate records it from t = 0.
    const trace = S.simulate(withScale(makeOptimizer("sgd")), (o) => new S.CosineLRScheduler(o, c.options as unknown as S.CosineLRSchedulerOptions), {
      steps: c.t.length + 1,
    });
    c.t.forEach((t, i) => trace.lr.forEach((series, j) => assertRel(series[t], c.lr[i][j], `simulate t ${t} group ${j}`)));
  });
}

test("timm CosineLRScheduler: stepUpdate acts only when t_in_epochs is false, step only when true", () => {
  const opt = makeOptimizer("sgd");
  const s = new S.CosineLRScheduler(opt, { t_initial: 10, t_in_epochs: false });
  s.step(5);
  assert.equal(opt.paramGroups[0].lr, 0.1);
  s.stepUpdate(5);
  // lr_min + 0.5 * (0.1 - 0) * (1 + cos(pi * 5 / 10)) = 0.05
  assertRel(opt.paramGroups[0].lr, 0.05, "half way");
  assert.equal(s.getCycleLength(), 10);
  assert.equal(new S.CosineLRScheduler(makeOptimizer("sgd"), { t_initial: 5, cycle_mul: 2, cycle_limit: 3 }).getCycleLength(), 35);
});

test("timm CosineLRScheduler: warmup sets warmup_lr_init at construction; lr_scale multiplies", () => {
  const opt = makeOptimizer("sgd");
  opt.paramGroups[1].lr_scale = 0.5;
  const s = new S.CosineLRScheduler(opt, { t_initial: 10, warmup_t: 2, warmup_lr_init: 0.001 });
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.001, 0.0005, 0.001]);
  s.step(1);
  // warmup_lr_init + 1 * (base - warmup_lr_init) / 2
  assertRel(opt.paramGroups[0].lr, 0.001 + (0.1 - 0.001) / 2, "warmup");
  assertRel(opt.paramGroups[1].lr, (0.001 + (0.05 - 0.001) / 2) * 0.5, "lr_scale");
  assert.match(String(s), /^CosineLRScheduler\(t_initial=10, warmup_t=2, warmup_lr_init=0.001\)$/);
  assertThrowsMessage(() => new S.CosineLRScheduler(makeOptimizer("sgd"), { t_initial: 0 }), ValueError, msg.positiveNumber("t_initial", 0));
});


test("timm CosineLRScheduler: use_lr_scale false ignores lr_scale; a bad lr_scale is a clear error", () => {
  const opt = makeOptimizer("sgd");
  opt.paramGroups[1].lr_scale = 0.5;
  const s = new S.CosineLRScheduler(opt, { t_initial: 10, use_lr_scale: false });
  s.step(5);
  // lr_min + 0.5 * (0.05 - 0) * (1 + cos(pi * 5 / 10)) = 0.025, lr_scale not applied
  assertRel(opt.paramGroups[1].lr, 0.025, "unscaled");
  assert.equal(String(s), "CosineLRScheduler(t_initial=10, use_lr_scale=False)");
  const bad = makeOptimizer("sgd");
  bad.paramGroups[2].lr_scale = "x";
  assertThrowsMessage(() => new S.CosineLRScheduler(bad, { t_initial: 10 }), TypeError, msg.lrScaleNotNumber(2, "x"));
  assert.deepEqual(bad.paramGroups.map((g) => g.lr), [0.1, 0.05, 0.01], "no group was changed");
});
