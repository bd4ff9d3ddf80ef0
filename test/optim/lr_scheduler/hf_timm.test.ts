/**
 * Hugging Face and timm schedules against their published formulas, written out independently in
 * test/fixtures/lr_scheduler_hf_timm.py and run through torch 1.13 (LambdaLR, Generator, randn).
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
  timm: { name: string; options: Record<string, unknown>; t: number[]; lr: number[][] }[];
};

for (const c of fixture.hf) {
  test(`transformers ${c.fn} (${c.name}) matches the published formula`, () => {
    const opt = makeOptimizer("sgd");
    const fn = (S as unknown as Record<string, (o: unknown, options: unknown) => S.LRScheduler>)[c.fn];
    const sched = fn(opt, c.options);
    assert.ok(sched instanceof S.LambdaLR);
    for (let i = 0; i < c.lr.length; i++) {
      if (i > 0) {
        opt.step();
        sched.step();
      }
      opt.paramGroups.forEach((g, j) => assertRel(g.lr, c.lr[i][j], `step ${i} group ${j}`));
    }
  });
}

for (const c of fixture.timm) {
  test(`timm CosineLRScheduler (${c.name}) matches the published formula`, () => {
    const opt = makeOptimizer("sgd");
    const sched = new S.CosineLRScheduler(opt, c.options as unknown as S.CosineLRSchedulerOptions);
    c.t.forEach((t, i) => {
      sched.step(t);
      opt.paramGroups.forEach((g, j) => assertRel(g.lr, c.lr[i][j], `t ${t} group ${j}`));
    });
    // step() without an epoch walks the same schedule; simulate records it from t = 0.
    const trace = S.simulate(makeOptimizer("sgd"), (o) => new S.CosineLRScheduler(o, c.options as unknown as S.CosineLRSchedulerOptions), {
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
  assertThrowsMessage(() => new S.CosineLRScheduler(makeOptimizer("sgd"), { t_initial: 0 }), ValueError, msg.timmPositive("t_initial", 0));
});

test("HF schedules print their factory and options", () => {
  const s = S.getLinearScheduleWithWarmup(makeOptimizer("sgd"), { num_warmup_steps: 10, num_training_steps: 100 });
  assert.equal(String(s), "LambdaLR(lr_lambda=get_linear_schedule_with_warmup(num_warmup_steps=10, num_training_steps=100))");
});

test("HF schedules reject bad options with HF's messages", () => {
  const opt = makeOptimizer("sgd");
  assertThrowsMessage(
    () => S.getPolynomialDecayScheduleWithWarmup(opt, { num_warmup_steps: 1, num_training_steps: 10, lr_end: 0.5 }),
    ValueError,
    "lr_end (0.5) must be smaller than initial lr (0.1)",
  );
  assertThrowsMessage(() => S.getWsdSchedule(opt, { num_warmup_steps: 1, num_decay_steps: 2 }), ValueError, msg.wsdSteps());
  assertThrowsMessage(
    () => S.getWsdSchedule(opt, { num_warmup_steps: 1, num_decay_steps: 2, num_training_steps: 9, decay_type: "exp" as never }),
    ValueError,
    "Unknown decay type: exp, expected 'linear', 'cosine' or '1-sqrt'",
  );
  assertThrowsMessage(
    () => S.getCosineWithMinLrScheduleWithWarmup(opt, { num_warmup_steps: 1, num_training_steps: 9 }),
    ValueError,
    msg.minLrNeither(),
  );
  assertThrowsMessage(
    () => S.getLinearScheduleWithWarmup(opt, { num_warmup_steps: -1, num_training_steps: 9 }),
    ValueError,
    msg.nonNegativeInteger("num_warmup_steps", -1),
  );
});
