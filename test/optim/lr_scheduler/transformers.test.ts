/**
 * Hugging Face transformers.optimization schedules against their published formulas, written out
 * independently in test/fixtures/lr_scheduler_hf_timm.py and run through torch 1.13's LambdaLR.
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
