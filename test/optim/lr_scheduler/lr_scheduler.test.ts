/** The LRScheduler base and behaviour shared by every scheduler: construction, warnings, state, errors, text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyError, RuntimeError, ValueError } from "../../../lib/errors.js";
import { Parameter } from "../../../lib/nn/parameter.js";
import { Adam } from "../../../lib/optim/adam.js";
import * as S from "../../../lib/optim/lr_scheduler/index.js";
import * as msg from "../../../lib/optim/lr_scheduler/messages.js";
import { tensor, zeros } from "../../../lib/tensor/tensor.js";
import { assertThrowsMessage } from "../../util.js";
import { assertRel, build, LAMBDAS, makeOptimizer, type Spec, readFixture } from "./helpers.js";

/** Collects the warnings emitted while `fn` runs (process.emitWarning reports on the next tick). */
async function warningsDuring(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on("warning", listener);
  try {
    fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

test("construction takes the initial step: lastEpoch 0, initial_lr set with setdefault, base_lrs", () => {
  const opt = makeOptimizer("sgd");
  opt.paramGroups[2].initial_lr = 0.5; // kept, as dict.setdefault keeps it
  const s = new S.StepLR(opt, { step_size: 2 });
  assert.equal(s.lastEpoch, 0);
  assert.deepEqual(opt.paramGroups.map((g) => g.initial_lr), [0.1, 0.05, 0.5]);
  assert.deepEqual(s.base_lrs, [0.1, 0.05, 0.5]);
  assert.deepEqual(s.getLastLr(), [0.1, 0.05, 0.01]);
  s.getLastLr()[0] = 99; // a copy
  assert.equal(s.getLastLr()[0], 0.1);
});

test("resuming (last_epoch >= 0) needs initial_lr in every group", () => {
  const opt = makeOptimizer("sgd");
  assertThrowsMessage(() => new S.StepLR(opt, { step_size: 2, last_epoch: 3 }), KeyError, msg.initialLrMissing(0));
  for (const g of opt.paramGroups) g.initial_lr = g.lr;
  const s = new S.StepLR(opt, { step_size: 2, last_epoch: 3 });
  assert.equal(s.lastEpoch, 4);
  // chainable form at epoch 4: 4 % 2 == 0, so one decay from the current lr
  assertRel(opt.paramGroups[0].lr, 0.1 * 0.1, "resumed lr");
  assert.equal(String(s), "StepLR(step_size=2, gamma=0.1, last_epoch=3)");
});

test("scheduler.step() before optimizer.step() warns once, with PyTorch's text", async () => {
  const opt = makeOptimizer("sgd");
  const s = new S.ExponentialLR(opt, { gamma: 0.9 });
  const first = await warningsDuring(() => {
    s.step();
    s.step();
  });
  assert.deepEqual(first, [msg.stepBeforeOptimizer()]);
  const again = await warningsDuring(() => new S.ExponentialLR(opt, { gamma: 0.9 }).step());
  assert.deepEqual(again, []);
});

test("the step-order warning follows the optimizer's step post-hook: only steps after the scheduler attaches count, as in PyTorch", async () => {
  // PyTorch wraps optimizer.step when a scheduler is built and sets _opt_called when it runs:
  // an optimizer stepped before the scheduler existed, then not again, still gets the warning.
  const opt = makeOptimizer("sgd");
  opt.step();
  const s = new S.ExponentialLR(opt, { gamma: 0.9 });
  const seen = await warningsDuring(() => {
    s.step();
    s.step();
  });
  assert.deepEqual(seen, [msg.stepBeforeOptimizer()]);
  // A second optimizer stepped after the scheduler attaches: no warning, and the one-shot hook
  // removed itself (later steps still work, nothing is left on the optimizer).
  const opt2 = makeOptimizer("sgd");
  const s2 = new S.ExponentialLR(opt2, { gamma: 0.9 });
  let calls = 0;
  opt2.registerStepPostHook(() => calls++);
  assert.deepEqual(
    await warningsDuring(() => {
      for (let i = 0; i < 3; i++) {
        opt2.step();
        s2.step();
      }
    }),
    [],
  );
  assert.equal(calls, 3);
});

test("no warning when the optimizer steps first; getLr() outside step() warns", async () => {
  const opt = makeOptimizer("sgd");
  const s = new S.ExponentialLR(opt, { gamma: 0.9 });
  assert.deepEqual(
    await warningsDuring(() => {
      opt.step();
      s.step();
    }),
    [],
  );
  assert.deepEqual(await warningsDuring(() => s.getLr()), [msg.getLrOutsideStep()]);
});

test("stateDict round-trips through JSON and resumes the same schedule", () => {
  const specs: Spec[] = [
    { type: "OneCycleLR", options: { max_lr: 0.1, total_steps: 30 } },
    { type: "CosineAnnealingWarmRestarts", options: { T_0: 3, T_mult: 2 } },
    { type: "CyclicLR", options: { base_lr: 0.001, max_lr: 0.1, step_size_up: 4, mode: "triangular2" } },
    { type: "ReduceLROnPlateau", options: { patience: 1 } },
    {
      type: "SequentialLR",
      schedulers: [{ type: "LinearLR", options: { total_iters: 3 } }, { type: "CosineAnnealingLR", options: { T_max: 10 } }],
      milestones: [3],
    },
    { type: "ChainedScheduler", schedulers: [{ type: "StepLR", options: { step_size: 2 } }, { type: "ExponentialLR", options: { gamma: 0.9 } }] },
  ];
  for (const spec of specs) {
    const plateau = spec.type === "ReduceLROnPlateau";
    const advance = (o: ReturnType<typeof makeOptimizer>, s: S.LRScheduler, k: number) => {
      o.step();
      if (plateau) (s as S.ReduceLROnPlateau).step(1 - (k % 3) * 0.0);
      else s.step();
    };
    const optA = makeOptimizer("sgd");
    const a = build(optA, spec);
    for (let k = 0; k < 7; k++) advance(optA, a, k);
    const saved = JSON.parse(JSON.stringify({ opt: optA.stateDict(), sched: a.stateDict() }));
    const optB = makeOptimizer("sgd");
    const b = build(optB, spec);
    optB.loadStateDict(saved.opt);
    b.loadStateDict(saved.sched);
    for (let k = 7; k < 14; k++) {
      advance(optA, a, k);
      advance(optB, b, k);
      assert.deepEqual(optB.paramGroups.map((g) => g.lr), optA.paramGroups.map((g) => g.lr), `${spec.type} step ${k}`);
      assert.deepEqual(b.getLastLr(), a.getLastLr());
    }
  }
});

test("lr_lambda functions are not saved (null), and survive loadStateDict", () => {
  const opt = makeOptimizer("sgd");
  const s = new S.LambdaLR(opt, { lr_lambda: [LAMBDAS.pow095, LAMBDAS.floor30, LAMBDAS.warmup10] });
  const state = s.stateDict();
  assert.deepEqual(state.lr_lambdas, [null, null, null]);
  s.loadStateDict(JSON.parse(JSON.stringify(state)));
  assert.equal(s.lr_lambdas[0], LAMBDAS.pow095);
});

test("bad options throw PyTorch's messages", () => {
  const o = () => makeOptimizer("sgd");
  const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
    [() => new S.StepLR({} as never, { step_size: 1 }), TypeError, msg.notAnOptimizer({})],
    [() => new S.StepLR(o(), { step_size: 1, gama: 0.1 } as never), TypeError, msg.unknownOption("StepLR", "gama", ["step_size", "gamma", "last_epoch"])],
    [() => new S.StepLR(o(), {} as never), TypeError, msg.missingOption("StepLR", "step_size")],
    [() => new S.StepLR(o(), { step_size: 0 }), ValueError, msg.positiveInteger("step_size", 0)],
    [() => new S.LambdaLR(o(), { lr_lambda: [LAMBDAS.pow095] }), ValueError, msg.lrLambdaCount(3, 1)],
    [() => new S.MultiplicativeLR(o(), { lr_lambda: 0.9 as never }), TypeError, msg.lrLambdaNotFunction(0.9)],
    [() => new S.ConstantLR(o(), { factor: 1.5 }), ValueError, msg.constantFactor()],
    [() => new S.LinearLR(o(), { start_factor: 0 }), ValueError, msg.linearStartFactor()],
    [() => new S.LinearLR(o(), { end_factor: 2 }), ValueError, msg.linearEndFactor()],
    [() => new S.CosineAnnealingWarmRestarts(o(), { T_0: 0 }), ValueError, msg.positiveInteger("T_0", 0)],
    [() => new S.CosineAnnealingWarmRestarts(o(), { T_0: 2, T_mult: 1.5 }), ValueError, msg.tMult(1.5)],
    [() => new S.CyclicLR(o(), { base_lr: 0.1, max_lr: 1, mode: "sawtooth" as never }), ValueError, msg.cyclicModeInvalid()],
    [() => new S.CyclicLR({ paramGroups: [{ params: [], lr: 0.1 }], defaults: { lr: 0.1, lr_decay: 0 } }, { base_lr: 0.1, max_lr: 1 }), ValueError, msg.noMomentum()],
    [() => new S.CyclicLR(o(), { base_lr: [0.1, 0.2], max_lr: 1 }), ValueError, msg.perGroupLength("base_lr", 2, 3)],
    [() => new S.CyclicLR(o(), { base_lr: 0.1, max_lr: 1, step_size_up: 0 }), ValueError, msg.positiveNumber("step_size_up", 0)],
    [() => new S.CosineAnnealingLR(o(), { T_max: 0 }), ValueError, msg.positiveNumber("T_max", 0)],
    [() => new S.OneCycleLR(o(), { max_lr: 0.1 }), ValueError, msg.totalStepsOrEpochs()],
    [() => new S.OneCycleLR(o(), { max_lr: 0.1, total_steps: -3 }), ValueError, msg.positiveInteger("total_steps", -3)],
    [() => new S.OneCycleLR(o(), { max_lr: 0.1, epochs: 2, steps_per_epoch: 0 }), ValueError, msg.positiveInteger("steps_per_epoch", 0)],
    [() => new S.OneCycleLR(o(), { max_lr: 0.1, total_steps: 10, pct_start: 1.2 }), ValueError, msg.pctStart(1.2)],
    [() => new S.OneCycleLR(o(), { max_lr: 0.1, total_steps: 10, anneal_strategy: "exp" as never }), ValueError, msg.annealStrategy("exp")],
    [() => new S.OneCycleLR(o(), { max_lr: [0.1], total_steps: 10 }), ValueError, msg.perGroupLength("max_lr", 1, 3)],
    [() => new S.ReduceLROnPlateau(o(), { factor: 1 }), ValueError, msg.plateauFactor()],
    [() => new S.ReduceLROnPlateau(o(), { mode: "up" as never }), ValueError, msg.unknownMode("up")],
    [() => new S.ReduceLROnPlateau(o(), { threshold_mode: "pct" as never }), ValueError, msg.unknownThresholdMode("pct")],
    [() => new S.ReduceLROnPlateau(o(), { min_lr: [0, 0] }), ValueError, msg.minLrCount(3, 2)],
    [() => new S.SequentialLR(o(), { schedulers: [], milestones: [] }), ValueError, msg.noSchedulers("SequentialLR")],
    [() => new S.ChainedScheduler([]), ValueError, msg.noSchedulers("ChainedScheduler")],
    [() => new S.BatchSizeLRScheduler(o(), { base_batch_size: 0 }), ValueError, msg.batchSize("base_batch_size", 0)],
    [() => new S.BatchSizeLRScheduler(o(), { base_batch_size: 8, rule: "cube" as never }), ValueError, msg.batchRule("cube")],
  ];
  cases.forEach(([fn, cls, text], i) => {
    try {
      assertThrowsMessage(fn, cls, text);
    } catch (e) {
      throw new Error(`case ${i} (${text}): ${(e as Error).message}`);
    }
  });
  assert.equal(msg.constantFactor(), "Constant multiplicative factor expected to be between 0 and 1.");
  assert.equal(msg.noSchedulers("SequentialLR"), "SequentialLR expects at least one scheduler, but got no scheduler.");
});

test("SequentialLR and ChainedScheduler check their schedulers", () => {
  const a = makeOptimizer("sgd");
  const b = makeOptimizer("sgd");
  const sa = new S.ExponentialLR(a, { gamma: 0.9 });
  const sb = new S.ExponentialLR(b, { gamma: 0.9 });
  assertThrowsMessage(() => new S.SequentialLR(a, { schedulers: [sa, sb], milestones: [2] }), ValueError, msg.differentOptimizer("SequentialLR", "ExponentialLR", 1));
  assertThrowsMessage(() => new S.SequentialLR(a, { schedulers: [sa], milestones: [2] }), ValueError, msg.milestoneCount(1, 1));
  const plateau = new S.ReduceLROnPlateau(a);
  assertThrowsMessage(() => new S.ChainedScheduler([sa, plateau]), ValueError, msg.plateauInSequence("ChainedScheduler", 1));
});

test("OneCycleLR stepped past total_steps throws PyTorch's error", () => {
  const opt = makeOptimizer("sgd");
  const s = new S.OneCycleLR(opt, { max_lr: 0.1, total_steps: 3 });
  for (let i = 0; i < 3; i++) s.step(); // last_epoch 3 == total_steps is still allowed, as in PyTorch
  assertThrowsMessage(() => s.step(), ValueError, msg.steppedPastTotal(4, 3));
});

test("toString names the class and its options (PyTorch keyword names)", () => {
  const o = () => makeOptimizer("sgd");
  assert.equal(String(new S.OneCycleLR(o(), { max_lr: 0.01, total_steps: 1000 })), "OneCycleLR(max_lr=0.01, total_steps=1000, pct_start=0.3, anneal_strategy='cos')");
  assert.equal(String(new S.StepLR(o(), { step_size: 30, gamma: 0.1 })), "StepLR(step_size=30, gamma=0.1)");
  assert.equal(String(new S.CosineAnnealingLR(o(), { T_max: 100, eta_min: 1e-6 })), "CosineAnnealingLR(T_max=100, eta_min=1e-06)");
  assert.equal(String(new S.CyclicLR(o(), { base_lr: [0.001, 0.002, 0.003], max_lr: 0.1, step_size_up: 10 })), "CyclicLR(base_lr=[0.001, 0.002, 0.003], max_lr=0.1, step_size_up=10)");
  assert.equal(String(new S.ReduceLROnPlateau(o(), { patience: 3 })), "ReduceLROnPlateau(factor=0.1, patience=3)");
  assert.equal(String(new S.LambdaLR(o(), { lr_lambda: (e: number) => 0.9 ** e })), "LambdaLR(lr_lambda=<function lr_lambda>)");
  const opt = o();
  const seq = new S.SequentialLR(opt, {
    schedulers: [new S.LinearLR(opt, { start_factor: 0.1, total_iters: 5 }), new S.CosineAnnealingLR(opt, { T_max: 95 })],
    milestones: [5],
  });
  assert.equal(String(seq), "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=5), CosineAnnealingLR(T_max=95)], milestones=[5])");
  assert.equal(String(new S.BatchSizeLRScheduler(o(), { base_batch_size: 64 })), "BatchSizeLRScheduler(base_lrs=[0.1, 0.05, 0.01], base_batch_size=64, rule='sqrt')");
});

test("BatchSizeLRScheduler: the seed's example gives exactly the seed's numbers", () => {
  const params = [0, 1, 2].map(() => new Parameter(zeros([2])));
  const opt = new Adam(
    params.map((p, i) => ({ params: [p], lr: [0.001, 0.002, 0.003][i] })),
    { lr: 0.001, eps: 1e-8 },
  );
  const s = new S.BatchSizeLRScheduler(opt, { base_lrs: [0.001, 0.002, 0.003], base_batch_size: 64 });
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.001, 0.002, 0.003]); // construction leaves the lrs
  s.step(128);
  assert.strictEqual(opt.paramGroups[0].lr, 0.0014142135623730952);
  assert.strictEqual(opt.paramGroups[1].lr, 0.0028284271247461905);
  assert.strictEqual(opt.paramGroups[2].lr, 0.004242640687119286);
  assert.deepEqual(s.getLastLr(), [0.0014142135623730952, 0.0028284271247461905, 0.004242640687119286]);
  assert.strictEqual(opt.paramGroups[0].eps, 1e-8);
  // linear rule (Goyal et al.): base_lr * batch / base_batch_size
  const lin = new S.BatchSizeLRScheduler(opt, { base_lrs: 0.001, base_batch_size: 64, rule: "linear" });
  lin.step(256);
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.004, 0.004, 0.004]);
  for (const bad of [0, -8, 1.5, NaN, undefined]) {
    assertThrowsMessage(() => lin.step(bad as number), ValueError, msg.batchSize("current_batch_size", bad));
  }
});

test("ReduceLROnPlateau: getLastLr from construction, tensor metrics, min_lrs after a new group", () => {
  const opt = makeOptimizer("sgd");
  const s = new S.ReduceLROnPlateau(opt, { patience: 0, min_lr: [0.05, 0.01, 0.001] });
  assert.deepEqual(s.getLastLr(), [0.1, 0.05, 0.01]);
  s.step(tensor([1.0]) as never);
  s.step(2.0);
  // reduced by 10x and clamped at min_lr: max(0.01, 0.05), max(0.005, 0.01), max(0.001, 0.001)
  assert.deepEqual(s.getLastLr(), [0.05, 0.01, 0.001]);
  s.step(3.0);
  // every group is at its min_lr now: the change (0) is below eps, nothing moves
  assert.deepEqual(s.getLastLr(), [0.05, 0.01, 0.001]);
  assertThrowsMessage(() => s.step("loss" as never), TypeError, msg.metricNotNumber("loss"));
  opt.addParamGroup({ params: [new Parameter(zeros([1]))], lr: 0.3 });
  assertThrowsMessage(() => s.step(4.0), RuntimeError, msg.minLrsGroupsChanged(4, 3));
});

test("CyclicLR and OneCycleLR cycle Adam's beta1 like SGD's momentum (current PyTorch)", () => {
  const fx = readFixture("lr_scheduler_fixtures.json") as {
    cases: { name: string; spec: Spec; lr: number[][]; momentum: number[][] }[];
  };
  for (const name of ["CyclicLR triangular", "CyclicLR exp_range", "OneCycleLR cos"]) {
    const c = fx.cases.find((x) => x.name === name)!;
    const opt = makeOptimizer("adam");
    const s = build(opt, c.spec);
    for (let i = 0; i < c.lr.length; i++) {
      if (i > 0) {
        opt.step();
        s.step();
      }
      opt.paramGroups.forEach((g, j) => {
        assertRel(g.lr, c.lr[i][j], `${name} lr ${i}`);
        assertRel((g.betas as number[])[0], c.momentum[i][j], `${name} beta1 ${i}`);
        assert.equal((g.betas as number[])[1], 0.999);
      });
    }
    assert.equal(s.cyclesMomentum(), "beta1");
  }
});

test("resuming keeps the current lr during the initial step (current PyTorch, not 1.13)", () => {
  // ExponentialLR, resumed at last_epoch 3 with lr already at 0.1 * 0.9^3: construction must not
  // decay again (1.13 did), and the next step gives 0.1 * 0.9^4.
  const opt = makeOptimizer("sgd");
  for (const g of opt.paramGroups) {
    g.initial_lr = g.lr;
    g.lr = g.lr * 0.9 ** 3;
  }
  const s = new S.ExponentialLR(opt, { gamma: 0.9, last_epoch: 3 });
  assertRel(opt.paramGroups[0].lr, 0.1 * 0.9 ** 3, "after construction");
  opt.step();
  s.step();
  assertRel(opt.paramGroups[0].lr, 0.1 * 0.9 ** 4, "next step");
  assert.equal(s.lastEpoch, 5);
});

test("ParamwiseScheduler: each group follows its own scheduler (closed forms by hand)", () => {
  const opt = makeOptimizer("sgd");
  const s = new S.ParamwiseScheduler([
    new S.StepLR(opt, { step_size: 3, gamma: 0.5 }),
    new S.ExponentialLR(opt, { gamma: 0.9 }),
    new S.ConstantLR(opt, { factor: 0.5, total_iters: 4 }),
  ]);
  for (let t = 0; t < 12; t++) {
    if (t > 0) {
      opt.step();
      s.step();
    }
    assertRel(opt.paramGroups[0].lr, 0.1 * 0.5 ** Math.floor(t / 3), `group 0 step ${t}`);
    assertRel(opt.paramGroups[1].lr, 0.05 * 0.9 ** t, `group 1 step ${t}`);
    assertRel(opt.paramGroups[2].lr, 0.01 * (t < 4 ? 0.5 : 1), `group 2 step ${t}`);
  }
  assert.deepEqual(s.getLastLr(), opt.paramGroups.map((g) => g.lr));
  assertThrowsMessage(() => new S.ParamwiseScheduler([new S.StepLR(opt, { step_size: 3 })]), ValueError, msg.paramwiseCount(1, 3));
  const other = makeOptimizer("sgd");
  assertThrowsMessage(
    () => new S.ParamwiseScheduler([new S.StepLR(opt, { step_size: 3 }), new S.StepLR(other, { step_size: 3 }), new S.StepLR(opt, { step_size: 3 })]),
    ValueError,
    msg.paramwiseSameOptimizer(),
  );
  const trace = S.simulate(makeOptimizer("sgd"), (o) => new S.ParamwiseScheduler([
    new S.StepLR(o, { step_size: 3, gamma: 0.5 }), new S.ExponentialLR(o, { gamma: 0.9 }), new S.ConstantLR(o, { factor: 0.5, total_iters: 4 }),
  ]), { steps: 12 });
  assertRel(trace.lr[1][11], 0.05 * 0.9 ** 11, "simulated");
  assert.equal(trace.description, "ParamwiseScheduler(schedulers=[StepLR(step_size=3, gamma=0.5), ExponentialLR(gamma=0.9), ConstantLR(factor=0.5, total_iters=4)])");
});

test("CosineAnnealingWarmRestarts resumed follows current PyTorch's T_cur % T_i (1.13 subtracted)", () => {
  const opt = makeOptimizer("sgd");
  for (const g of opt.paramGroups) g.initial_lr = g.lr;
  const s = new S.CosineAnnealingWarmRestarts(opt, { T_0: 4, T_mult: 2, last_epoch: 9 });
  // initial step: T_cur = 9 + 1 = 10 >= T_i = 4, so T_cur = 10 % 4 = 2 and T_i = 8 (1.13: 10 - 4 = 6)
  assert.equal(s.T_cur, 2);
  assert.equal(s.T_i, 8);
  assertRel(opt.paramGroups[0].lr, (0.1 * (1 + Math.cos((Math.PI * 2) / 8))) / 2, "lr");
});

test("ParamwiseScheduler recurses into a SequentialLR to undo its children's initial steps (current PyTorch's one rule)", () => {
  // Hand-derived from current PyTorch (torch/optim/lr_scheduler.py; ParamwiseScheduler is newer
  // than torch 1.13), one group at lr 0.1, LinearLR(start_factor 0.5, total_iters 4) then
  // ExponentialLR(0.9) at milestone 4:
  // - LinearLR's initial step: last_epoch 0, lr 0.05; ExponentialLR's: last_epoch 0, lr kept.
  // - SequentialLR: last_epoch 0, lr reset to 0.1, recursive_undo: Linear -1, Exp -1; Linear's
  //   initial step again: last_epoch 0, lr 0.05.
  // - ParamwiseScheduler: lr reset to 0.1; recursive_undo recurses into the SequentialLR (it has
  //   _schedulers): Linear -1, Exp -2; its initial step calls SequentialLR._initial_step(), i.e.
  //   SequentialLR.step(): last_epoch 1, bisect_right([4], 1) = 0, Linear.step(): last_epoch 0,
  //   lr = 0.1 * 0.5 = 0.05. (paramlab used to decrement SequentialLR's own last_epoch instead,
  //   and Linear stepped to epoch 1 from lr 0.1: 0.125, above the base lr.)
  // - step 1: Sequential 2 → Linear epoch 1: 0.05 * (1 + 0.5 / (4 * 0.5)) = 0.0625
  // - step 2: Sequential 3 → Linear epoch 2: 0.0625 * (1 + 0.5 / (2 + 0.5)) = 0.075
  // - step 3: Sequential 4 == milestone → Exp._update_lr(0), closed form 0.1 * 0.9^0 = 0.1
  // - steps 4, 5: Exp chainable: 0.09, 0.081
  const opt = makeOptimizer("sgd", [0.1]);
  const seq = new S.SequentialLR(opt, {
    schedulers: [new S.LinearLR(opt, { start_factor: 0.5, total_iters: 4 }), new S.ExponentialLR(opt, { gamma: 0.9 })],
    milestones: [4],
  });
  const s = new S.ParamwiseScheduler([seq]);
  const expected = [0.05, 0.0625, 0.075, 0.1, 0.09, 0.081];
  expected.forEach((lr, t) => {
    if (t > 0) {
      opt.step();
      s.step();
    }
    assertRel(opt.paramGroups[0].lr, lr, `step ${t}`);
  });
  assert.equal(seq.lastEpoch, 6);
});

test("composite state dicts have current PyTorch's keys (their __init__ does not call LRScheduler's)", () => {
  // From torch/optim/lr_scheduler.py (current): SequentialLR sets _schedulers, _milestones,
  // last_epoch, optimizer, _last_lr; ChainedScheduler _schedulers, optimizer, _last_lr;
  // ParamwiseScheduler also takes an initial step (_step_count, _is_initial). state_dict() drops
  // the optimizer; ReduceLROnPlateau likewise has no base_lrs or _step_count.
  const opt = makeOptimizer("sgd");
  const kids = () => [new S.ConstantLR(opt, { factor: 0.5, total_iters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })];
  const keys = (s: S.LRScheduler) => Object.keys(s.stateDict()).sort();
  assert.deepEqual(keys(new S.SequentialLR(opt, { schedulers: kids(), milestones: [2] })), ["_last_lr", "_milestones", "_schedulers", "last_epoch"]);
  assert.deepEqual(keys(new S.ChainedScheduler(kids())), ["_last_lr", "_schedulers"]);
  assert.deepEqual(keys(new S.ParamwiseScheduler([new S.StepLR(opt, { step_size: 2 }), ...kids()])), ["_is_initial", "_last_lr", "_schedulers", "_step_count"]);
  assert.deepEqual(keys(new S.ReduceLROnPlateau(opt)), [
    "_last_lr", "best", "cooldown", "cooldown_counter", "default_min_lr", "eps", "factor", "last_epoch", "min_lrs", "mode",
    "mode_worse", "num_bad_epochs", "patience", "threshold", "threshold_mode",
  ]);
});

test("ChainedScheduler and ParamwiseScheduler report their first scheduler's lastEpoch (displays start there)", () => {
  const opt = makeOptimizer("sgd");
  const chained = new S.ChainedScheduler([new S.ConstantLR(opt, { factor: 0.5, total_iters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })]);
  const o2 = makeOptimizer("sgd");
  const pw = new S.ParamwiseScheduler([new S.StepLR(o2, { step_size: 2 }), new S.ExponentialLR(o2, { gamma: 0.9 }), new S.ConstantLR(o2)]);
  assert.equal(chained.lastEpoch, 0);
  assert.equal(pw.lastEpoch, 0);
  for (let i = 0; i < 3; i++) {
    opt.step();
    chained.step();
    o2.step();
    pw.step();
  }
  assert.equal(chained.lastEpoch, 3);
  assert.equal(pw.lastEpoch, 3);
});

test("loadStateDict ignores bookkeeping keys other versions saved (1.13's verbose, base keys of composites)", () => {
  const opt = makeOptimizer("sgd");
  const s = new S.ChainedScheduler([new S.ConstantLR(opt, { factor: 0.5, total_iters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })]);
  const state = s.stateDict();
  const before = JSON.stringify(state);
  s.loadStateDict({ ...state, verbose: false, base_lrs: [1, 2, 3], _step_count: 4, last_epoch: 9, _get_lr_called_within_step: false });
  assert.equal(JSON.stringify(s.stateDict()), before);
});
