/** optim.lr_scheduler.simulate: the ScheduleTrace contract, the fast paths, inputs, errors and speed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ValueError } from "../../../lib/errors.js";
import * as S from "../../../lib/optim/lr_scheduler/index.js";
import * as msg from "../../../lib/optim/lr_scheduler/messages.js";
import { MAX_TRACE_VALUES } from "../../../lib/optim/lr_scheduler/simulate.js";
import { assertThrowsMessage } from "../../util.js";
import { makeOptimizer } from "./helpers.js";

/** The schedule by hand: build on the real optimizer and step it, reading the groups each step. */
function stepped(kind: string, build: (o: S.OptimizerLike) => S.LRScheduler, steps: number) {
  const opt = makeOptimizer(kind);
  const s = build(opt);
  const lr: number[][] = opt.paramGroups.map(() => []);
  const mom: number[][] = opt.paramGroups.map(() => []);
  for (let i = 0; i < steps; i++) {
    if (i > 0) {
      opt.step();
      s.step();
    }
    opt.paramGroups.forEach((g, j) => {
      lr[j].push(g.lr);
      mom[j].push(kind === "adam" ? (g.betas as number[])[0] : (g.momentum as number));
    });
  }
  return { lr, mom };
}

const FAST: [string, string, (o: S.OptimizerLike) => S.LRScheduler, number][] = [
  ["OneCycleLR cos", "sgd", (o) => new S.OneCycleLR(o, { max_lr: [0.3, 0.2, 0.1], total_steps: 500 }), 501],
  ["OneCycleLR linear three_phase", "sgd", (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 333, anneal_strategy: "linear", three_phase: true }), 334],
  ["OneCycleLR Adam", "adam", (o) => new S.OneCycleLR(o, { max_lr: 0.01, epochs: 7, steps_per_epoch: 13, pct_start: 0.25 }), 92],
  ["CosineAnnealingWarmRestarts", "sgd", (o) => new S.CosineAnnealingWarmRestarts(o, { T_0: 7, T_mult: 3, eta_min: 1e-4 }), 400],
  ["LambdaLR (HF cosine)", "sgd", (o) => S.getCosineScheduleWithWarmup(o, { num_warmup_steps: 20, num_training_steps: 300 }), 310],
];

for (const [name, kind, build, steps] of FAST) {
  test(`simulate's fast path for ${name} gives exactly the stepped values`, () => {
    const expected = stepped(kind, build, steps);
    const trace = S.simulate(makeOptimizer(kind), build, { steps });
    trace.lr.forEach((series, j) => assert.deepEqual(Array.from(series), expected.lr[j]));
    const mom = trace.momentum ?? trace.beta1;
    if (mom) mom.forEach((series, j) => assert.deepEqual(Array.from(series), expected.mom[j]));
  });
}

test("the trace: Float64Array series, group names, momentum or beta1, scheduler and description", () => {
  const opt = makeOptimizer("sgd");
  opt.paramGroups[0].name = "backbone";
  const trace = S.simulate(opt, (o) => new S.OneCycleLR(o, { max_lr: 0.01, total_steps: 1000 }), { steps: 1000 });
  assert.equal(trace.steps, 1000);
  assert.deepEqual(trace.groupNames, ["backbone", "group 1", "group 2"]);
  assert.ok(trace.lr.every((s) => s instanceof Float64Array && s.length === 1000));
  assert.ok(trace.momentum && !trace.beta1);
  assert.equal(trace.scheduler, "OneCycleLR");
  assert.equal(trace.description, "OneCycleLR(max_lr=0.01, total_steps=1000, pct_start=0.3, anneal_strategy='cos')");
  // peak at step pct_start * total_steps - 1 = 299: max_lr exactly (cos(0) = 1)
  assert.equal(trace.lr[0][299], 0.01);
  const adam = S.simulate(makeOptimizer("adam"), (o) => new S.CyclicLR(o, { base_lr: 0.001, max_lr: 0.01, step_size_up: 5 }), { steps: 20 });
  assert.ok(adam.beta1 && !adam.momentum);
  const plain = S.simulate(makeOptimizer("sgd"), (o) => new S.StepLR(o, { step_size: 3 }), { steps: 10 });
  assert.ok(!plain.beta1 && !plain.momentum);
  assert.deepEqual(Array.from(plain.lr[0]).slice(2, 4), [0.1, 0.1 * 0.1]);
});

test("the real optimizer and its parameters are left untouched, and nothing warns", async () => {
  const opt = makeOptimizer("adam");
  const before = JSON.stringify(opt.stateDict());
  const data = opt.paramGroups.map((g) => g.params[0].data.slice());
  const warnings: string[] = [];
  const listener = (w: Error) => warnings.push(w.message);
  process.on("warning", listener);
  const built: S.LRScheduler[] = [];
  S.simulate(opt, (o) => {
    const s = new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 50 });
    built.push(s);
    return s;
  }, { steps: 51 });
  S.simulate(opt, (o) => new S.CyclicLR(o, { base_lr: 0.01, max_lr: 0.1, step_size_up: 3 }), { steps: 30 });
  await new Promise((r) => setImmediate(r));
  process.off("warning", listener);
  assert.equal(JSON.stringify(opt.stateDict()), before);
  assert.ok(!("initial_lr" in opt.paramGroups[0]));
  opt.paramGroups.forEach((g, i) => assert.deepEqual(g.params[0].data, data[i]));
  assert.notEqual(built[0].optimizer, opt);
  assert.deepEqual(warnings, []);
});

test("batchSizes feed BatchSizeLRScheduler: sample i is the lr for batch i", () => {
  const trace = S.simulate(makeOptimizer("sgd"), (o) => new S.BatchSizeLRScheduler(o, { base_batch_size: 32 }), {
    steps: 3,
    batchSizes: [32, 128, 8],
  });
  // 0.1 * sqrt(1), 0.1 * sqrt(4), 0.1 * sqrt(1/4)
  assert.deepEqual(Array.from(trace.lr[0]), [0.1, 0.2, 0.05]);
  assertThrowsMessage(
    () => S.simulate(makeOptimizer("sgd"), (o) => new S.BatchSizeLRScheduler(o, { base_batch_size: 32 }), { steps: 3 }),
    ValueError,
    msg.simulateBatchSizesNeeded(),
  );
  assertThrowsMessage(
    () => S.simulate(makeOptimizer("sgd"), (o) => new S.BatchSizeLRScheduler(o, { base_batch_size: 32 }), { steps: 3, batchSizes: [1] }),
    ValueError,
    msg.simulateSeries("batchSizes", 3, 1),
  );
});

test("metrics feed ReduceLROnPlateau: sample i is the lr after step(metrics[i - 1])", () => {
  const trace = S.simulate(makeOptimizer("sgd"), (o) => new S.ReduceLROnPlateau(o, { patience: 0, factor: 0.5 }), {
    steps: 4,
    metrics: [1, 2, 3],
  });
  // metric 1 sets the best; 2 and 3 are bad epochs with patience 0: halve twice
  assert.deepEqual(Array.from(trace.lr[0]), [0.1, 0.1, 0.05, 0.025]);
  assertThrowsMessage(
    () => S.simulate(makeOptimizer("sgd"), (o) => new S.ReduceLROnPlateau(o), { steps: 3 }),
    ValueError,
    msg.simulateMetricsNeeded(),
  );
});

test("simulate rejects bad arguments", () => {
  const opt = makeOptimizer("sgd");
  assertThrowsMessage(() => S.simulate(opt, (o) => new S.StepLR(o, { step_size: 1 }), { steps: 0 }), ValueError, msg.simulateSteps(0));
  assertThrowsMessage(() => S.simulate(opt, () => new S.StepLR(opt, { step_size: 1 }), { steps: 3 }), TypeError, msg.simulateBuild(new S.StepLR(makeOptimizer("sgd"), { step_size: 1 })));
  assertThrowsMessage(() => S.simulate(opt, () => 3 as never, { steps: 3 }), TypeError, msg.simulateBuild(3));
  assertThrowsMessage(
    () => S.simulate(opt, (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 10 }), { steps: 13 }),
    ValueError,
    msg.steppedPastTotal(11, 10),
  );
});

test("one million steps over 3 groups simulate well under a second (OneCycleLR, CosineAnnealingWarmRestarts)", () => {
  for (const build of [
    (o: S.OptimizerLike) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 1_000_000 }),
    (o: S.OptimizerLike) => new S.CosineAnnealingWarmRestarts(o, { T_0: 1000, T_mult: 2 }),
  ]) {
    const t0 = performance.now();
    const trace = S.simulate(makeOptimizer("sgd"), build, { steps: 1_000_000 });
    const ms = performance.now() - t0;
    assert.equal(trace.lr[2].length, 1_000_000);
    assert.ok(ms < 1000, `${trace.scheduler}: ${ms.toFixed(0)} ms`);
  }
});

test("simulate refuses a trace too large for memory, naming the option and the limit", () => {
  const build = (o: S.OptimizerLike) => new S.StepLR(o, { step_size: 10 });
  // 1e12 steps × 3 groups: 24 TB of doubles; "Invalid typed array length" before.
  assertThrowsMessage(() => S.simulate(makeOptimizer("sgd"), build, { steps: 1e12 }), ValueError, msg.simulateTooLarge(1e12, 3, MAX_TRACE_VALUES));
  assert.match(msg.simulateTooLarge(1e12, 3, MAX_TRACE_VALUES), /^simulate steps=1000000000000 would record 3000000000000 values \(3 series\), more than the limit of 33554432 \(256 MB\)/);
  // momentum doubles the series: OneCycleLR on SGD with momentum records lr and momentum.
  const steps = Math.floor(MAX_TRACE_VALUES / 3) + 1;
  assertThrowsMessage(
    () => S.simulate(makeOptimizer("sgd"), (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: steps }), { steps }),
    ValueError,
    msg.simulateTooLarge(steps, 6, MAX_TRACE_VALUES),
  );
});
