/**
 * TrainingMonitor: figures against hand computation, loss placement and smoothing, alarms (each
 * triggered and not), sampling, CSV / JSON, text, removal, bad input.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, Tensor, TrainingMonitor } from "../../lib/index.js";

/** A scalar parameter with a given value. */
const param = (values: number[]) => new nn.Parameter(tensor(values));

/** Sets grads by hand and steps (no autograd needed for the monitor's arithmetic). */
function stepWith(opt: optim.Optimizer, grads: Map<nn.Parameter, number[]>): void {
  for (const [p, g] of grads) p.grad = tensor(g);
  opt.step();
}

const close = (a: number | null | undefined, b: number, tol = 1e-6) => {
  assert.ok(typeof a === "number" && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
};

test("grad norm and ‖Δθ‖/‖θ‖ per group match a hand computation on a small model", () => {
  // Group "w": a = 3, b = 4 with grads 1, 2 and SGD lr 0.1.
  //   ‖g‖ = √(1² + 2²) = √5 = 2.2360680; ‖θ‖ = √(3² + 4²) = 5;
  //   Δθ = −0.1·g = (−0.1, −0.2), ‖Δθ‖ = 0.1·√5 = 0.2236068, ratio = 0.2236068 / 5 = 0.04472136.
  // Group "c": c = (0, 2) with grad (0.5, 0) and lr 1:
  //   ‖g‖ = 0.5; ‖θ‖ = 2; Δθ = (−0.5, 0), ratio = 0.25.
  const a = param([3]);
  const b = param([4]);
  const c = param([0, 2]);
  const opt = new optim.SGD([{ params: [a, b], name: "w" }, { params: [c], lr: 1, name: "c" }], { lr: 0.1 });
  const mon = new TrainingMonitor(opt, { statsEvery: 1 });
  stepWith(opt, new Map([[a, [1]], [b, [2]], [c, [0.5, 0]]]));
  const [w, cg] = mon.history.groups;
  assert.equal(w.name, "w");
  assert.equal(cg.name, "c");
  close(w.gradNorm[0], Math.sqrt(5));
  close(w.updateRatio[0], 0.04472136, 1e-5);
  close(cg.gradNorm[0], 0.5);
  close(cg.updateRatio[0], 0.25, 1e-6);
  assert.deepEqual(w.lr, [0.1]);
  assert.deepEqual(cg.lr, [1]);
  assert.deepEqual(mon.history.step, [1]);
  assert.equal(mon.history.momentumKey, "momentum");
  assert.deepEqual(w.momentum, [0]);
});

test("the loss goes to the right step whether logged before or after step(); smoothing is fastai's bias-corrected EMA", () => {
  // β = 0.5, losses 4 then 2: avg₁ = 0.5·0 + 0.5·4 = 2 → 2 / (1 − 0.5) = 4;
  // avg₂ = 0.5·2 + 0.5·2 = 2 → 2 / (1 − 0.25) = 2.6666667.
  for (const order of ["after", "before"] as const) {
    const p = param([1]);
    const opt = new optim.SGD([p], { lr: 0.1 });
    const mon = new TrainingMonitor(opt, { smoothing: 0.5 });
    for (const loss of [4, 2]) {
      if (order === "before") mon.log(tensor([loss]));
      p.grad = tensor([1]);
      opt.step();
      if (order === "after") mon.log(loss);
    }
    assert.deepEqual(mon.history.loss, [4, 2], order);
    close(mon.history.smoothedLoss[0], 4);
    close(mon.history.smoothedLoss[1], 2.6666667);
  }
});

test("a step without a logged loss records null; smoothing: 0 shows the raw loss", () => {
  const p = param([1]);
  const opt = new optim.SGD([p], { lr: 0.1 });
  const mon = new TrainingMonitor(opt, { smoothing: 0 });
  p.grad = tensor([1]);
  opt.step();
  opt.step();
  mon.log(3);
  assert.deepEqual(mon.history.loss, [null, 3]);
  assert.deepEqual(mon.history.smoothedLoss, [null, 3]);
});

test("alarm: trainable parameters that never get a gradient (and none when every one does)", () => {
  const used = param([1]);
  const unused = param([2]);
  const model = new nn.Module() as nn.Module & Record<string, nn.Parameter>;
  model.used = used;
  model.unused = unused;
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const mon = new TrainingMonitor(opt, { model });
  assert.equal(mon.alarms.length, 0, "no alarm before any step");
  for (let i = 0; i < 3; i++) stepWith(opt, new Map([[used, [1]]]));
  const alarms = mon.alarms;
  assert.equal(alarms.length, 1);
  assert.equal(alarms[0].kind, "no-grad");
  assert.deepEqual(alarms[0].subjects, ["unused"]);
  assert.match(alarms[0].message, /1 trainable parameter has had no gradient in 3 steps: unused/);
  // Once it gets one, the alarm is gone.
  stepWith(opt, new Map([[used, [1]], [unused, [1]]]));
  assert.deepEqual(mon.alarms, []);
});

test("alarm: a frozen parameter left in a group that changes (zero grads + weight decay), none when it stays", () => {
  const live = param([1]);
  const frozen = param([5]);
  const opt = new optim.SGD([{ params: [live, frozen], name: "all" }], { lr: 0.1, weight_decay: 0.5 });
  const mon = new TrainingMonitor(opt, { statsEvery: 1 });
  frozen.requiresGrad = false;
  // Frozen with grad null: the optimizer skips it, nothing to report.
  stepWith(opt, new Map([[live, [1]]]));
  assert.equal(mon.alarms.filter((a) => a.kind === "frozen-changed").length, 0);
  // A zeroed (not null) grad, as zeroGrad(false) leaves it: weight decay moves it by 0.1·0.5·5 = 0.25.
  stepWith(opt, new Map([[live, [1]], [frozen, [0]]]));
  const [alarm] = mon.alarms.filter((a) => a.kind === "frozen-changed");
  assert.ok(alarm, "frozen-changed raised");
  assert.equal(alarm.step, 2);
  assert.deepEqual(alarm.subjects, ["all[1]"]);
  assert.match(alarm.message, /changed by up to 0\.25 .*still in an optimizer group/);
});

test("alarm: non-finite loss (left out of the smoothed loss), counted; non-finite gradient per group", () => {
  const p = param([1]);
  const q = param([1]);
  const opt = new optim.SGD([{ params: [p], name: "ok" }, { params: [q], name: "bad" }], { lr: 0.1 });
  const mon = new TrainingMonitor(opt, { statsEvery: 1, smoothing: 0.5 });
  mon.log(2);
  stepWith(opt, new Map([[p, [1]], [q, [1]]]));
  assert.equal(mon.alarms.length, 0);
  mon.log(NaN);
  stepWith(opt, new Map([[p, [1]], [q, [Infinity]]]));
  mon.log(Infinity);
  stepWith(opt, new Map([[p, [1]], [q, [1]]]));
  const kinds = mon.alarms.map((a) => a.kind).sort();
  assert.deepEqual(kinds, ["nonfinite-grad", "nonfinite-loss"]);
  const loss = mon.alarms.find((a) => a.kind === "nonfinite-loss")!;
  assert.equal(loss.step, 2);
  assert.match(loss.message, /2 non-finite losses so far/);
  const grad = mon.alarms.find((a) => a.kind === "nonfinite-grad")!;
  assert.deepEqual(grad.subjects, ["bad"]);
  assert.equal(grad.step, 2);
  // The smoothed loss keeps the finite value (2), not NaN.
  assert.deepEqual(mon.history.smoothedLoss, [2, 2, 2]);
  assert.equal(mon.history.groups[1].gradNorm[1], Infinity);
});

/** Steps an SGD on one parameter, logging each of `losses` after its step; returns the monitor. */
function runLosses(losses: number[], smoothing: number): TrainingMonitor {
  const p = param([1]);
  const opt = new optim.SGD([p], { lr: 0.1 });
  const mon = new TrainingMonitor(opt, { smoothing });
  for (const loss of losses) {
    p.grad = tensor([1]);
    opt.step();
    mon.log(loss);
  }
  return mon;
}

test("alarm: a diverging loss (smoothed loss above 5x its lowest and above where it started), none for restarts or negative losses", () => {
  // smoothing 0 (smoothed = raw): lowest 0.4 at step 4, so 5x = 2; the first loss is 2.
  // Step 5 (1) is under both; step 6 (2.1) is above both: raised at step 6, again at step 7 (3).
  const mon = runLosses([2, 1, 0.5, 0.4, 1, 2.1, 3], 0);
  const diverging = mon.alarms.filter((a) => a.kind === "loss-diverging");
  assert.equal(diverging.length, 1);
  assert.equal(diverging[0].step, 6);
  assert.equal(
    diverging[0].message,
    "loss diverging: at step 6 the smoothed loss rose above 5× its lowest (0.4 at step 4) and above its first value (2); it reached 3, on 2 steps so far (a learning rate too high is the usual cause)",
  );
  assert.deepEqual(diverging[0].subjects, ["loss"]);

  // smoothing 0.5, losses 1, 1, 1, 20: the smoothed loss is 1, 1, 1, then
  // (0.5·0.875 + 0.5·20) / (1 − 0.5⁴) = 10.4375 / 0.9375 = 11.1333 > 5·1 and > 1: raised at step 4.
  const smooth = runLosses([1, 1, 1, 20], 0.5).alarms.filter((a) => a.kind === "loss-diverging");
  assert.equal(smooth.length, 1);
  assert.equal(smooth[0].step, 4);
  assert.match(smooth[0].message, /above 5× its first and lowest value \(1\); it reached 11\.13/);

  // A warm restart: from 0.05 back up to 1.5 is 30x the lowest but below the first loss (2).
  assert.deepEqual(runLosses([2, 1, 0.1, 0.05, 0.6, 1.5, 0.3], 0).alarms, []);
  // A loss that can be negative (a log-likelihood): no ratio to speak of.
  assert.deepEqual(runLosses([-1, -2, 5], 0).alarms, []);
  // Exactly 5x the lowest (2.5, above the first loss 2) is not above it; 2.6 is.
  assert.deepEqual(runLosses([2, 0.5, 2.5], 0).alarms, []);
  assert.equal(runLosses([2, 0.5, 2.6], 0).alarms[0]?.step, 3);
});

test("statsEvery samples the expensive statistics every N steps; lr and momentum every step", () => {
  const p = param([1, 2]);
  const opt = new optim.Adam([p], { lr: 0.01 });
  const mon = new TrainingMonitor(opt, { statsEvery: 3 });
  for (let i = 0; i < 7; i++) stepWith(opt, new Map([[p, [0.1, 0.2]]]));
  const g = mon.history.groups[0];
  assert.deepEqual(g.gradNorm.map((v) => v !== null), [true, false, false, true, false, false, true]);
  assert.deepEqual(g.updateRatio.map((v) => v !== null), [true, false, false, true, false, false, true]);
  assert.equal(g.lr.length, 7);
  assert.equal(mon.history.momentumKey, "beta1");
  assert.deepEqual(g.momentum, new Array(7).fill(0.9));
});

test("auto sampling samples the first step and early steps densely, whatever the timing", () => {
  const p = param(new Array(1000).fill(1));
  const opt = new optim.SGD([p], { lr: 0.01 });
  const mon = new TrainingMonitor(opt);
  const g = new Array(1000).fill(0.1);
  for (let i = 0; i < 200; i++) stepWith(opt, new Map([[p, g]]));
  const sampled = mon.history.groups[0].gradNorm.filter((v) => v !== null).length;
  assert.notEqual(mon.history.groups[0].gradNorm[0], null);
  // At step s the next sample is at most 1 + floor(s/10) steps away: steps 1–10 all, then every
  // 2nd up to 20, every 3rd up to 30, ...: at least 10 + 5 + 4 + 3 + 2 + 2 + 2 + 2 + 2 + 1 = 33 in
  // the first 100 steps, and at least that many more in the next 100 (gaps ≤ 11..21).
  assert.ok(sampled >= 33, `${sampled} samples in 200 steps`);
});

test("a group added during training gets its own series, padded with null before", () => {
  const p = param([1]);
  const q = param([1]);
  const opt = new optim.SGD([p], { lr: 0.1 });
  const mon = new TrainingMonitor(opt, { statsEvery: 1 });
  stepWith(opt, new Map([[p, [1]]]));
  opt.addParamGroup({ params: [q], lr: 0.5, name: "late" });
  stepWith(opt, new Map([[p, [1]], [q, [1]]]));
  const late = mon.history.groups[1];
  assert.equal(late.name, "late");
  assert.deepEqual(late.lr, [null, 0.5]);
  assert.equal(mon.history.groups[0].name, "group 0");
});

test("CSV and JSON export the history; nothing non-finite is lost", () => {
  const p = param([3]);
  const opt = new optim.SGD([{ params: [p], name: "head, main" }], { lr: 0.1, momentum: 0.9 });
  const mon = new TrainingMonitor(opt, { statsEvery: 2, smoothing: 0 });
  mon.log(1.5);
  stepWith(opt, new Map([[p, [1]]]));
  mon.log(NaN);
  stepWith(opt, new Map([[p, [1]]]));
  const csv = mon.toCSV().trimEnd().split("\n");
  assert.equal(csv[0], 'step,loss,smoothed_loss,"head, main/lr","head, main/grad_norm","head, main/update_ratio","head, main/momentum"');
  // Step 1: ‖g‖ = 1, Δθ = −0.1 (momentum buffer = g at the first step), ‖θ‖ = 3 → ratio 0.1/3.
  const row1 = csv[1].split(",");
  assert.deepEqual(row1.slice(0, 5), ["1", "1.5", "1.5", "0.1", "1"]);
  close(Number(row1[5]), 0.1 / 3, 1e-6);
  assert.equal(row1[6], "0.9");
  assert.deepEqual(csv[2].split(","), ["2", "NaN", "1.5", "0.1", "", "", "0.9"]);
  const json = JSON.parse(JSON.stringify(mon.toJSON()));
  assert.deepEqual(json.history.loss, [1.5, "NaN"]);
  assert.equal(json.optimizer, "SGD");
  assert.equal(json.alarms[0].kind, "nonfinite-loss");
  assert.deepEqual(json.history.groups[0].gradNorm, [1, null]);
});

test("text form: headline, loss, one row per group, alarms; status line", () => {
  const a = param([1]);
  const b = param([2]);
  const opt = new optim.SGD([{ params: [a], name: "backbone" }, { params: [b], name: "head", lr: 1 }], { lr: 0.01 });
  const mon = new TrainingMonitor(opt, { statsEvery: 1, title: "Run" });
  assert.match(String(mon), /no steps yet/);
  mon.log(0.5);
  stepWith(opt, new Map([[a, [1]]]));
  const text = String(mon);
  const lines = text.split("\n");
  assert.equal(lines[0], "Run · SGD · 1 step");
  assert.match(lines[1], /loss 0\.5 \(smoothed 0\.5\); smoothing: bias-corrected EMA, β = 0\.98/);
  assert.match(lines[2], /group\s+lr\s+grad norm\s+‖Δθ‖\/‖θ‖/);
  assert.match(lines[3], /^ {2}backbone\s+0\.01\s+1\s+0\.01$/);
  assert.match(lines[4], /^ {2}head\s+1\s+–\s+0$/);
  assert.match(text, /! 1 trainable parameter has had no gradient in 1 step: head\[0\]/);
  assert.equal(mon.statusLine(), "step 1 · loss 0.5 (smoothed 0.5) · lr backbone 0.01, head 1 · 1 alarm");
});

test("remove() detaches the hooks; the history stays; log() afterwards is an error", () => {
  const p = param([1]);
  const opt = new optim.SGD([p], { lr: 0.1 });
  const mon = new TrainingMonitor(opt);
  stepWith(opt, new Map([[p, [1]]]));
  mon.remove();
  mon.remove(); // twice is harmless
  stepWith(opt, new Map([[p, [1]]]));
  assert.equal(mon.steps, 1);
  assert.ok(mon.removed);
  assert.throws(() => mon.log(1), /the monitor was removed/);
});

test("bad input fails where it enters, naming what was given", () => {
  const opt = new optim.SGD([param([1])], { lr: 0.1 });
  assert.throws(() => new TrainingMonitor({} as never), /expected an optim\.Optimizer, got a plain object/);
  assert.throws(() => new TrainingMonitor(opt, { smoothing: 1 }), /smoothing must be a number with 0 <= smoothing < 1, got 1/);
  assert.throws(() => new TrainingMonitor(opt, { smoothing: "0.9" as never }), /got 0\.9/);
  assert.throws(() => new TrainingMonitor(opt, { statsEvery: 0 }), /statsEvery must be "auto" or an integer >= 1, got 0/);
  assert.throws(() => new TrainingMonitor(opt, { model: {} as never }), /model must be an nn\.Module, got a plain object/);
  assert.throws(() => new TrainingMonitor(opt, { smoothng: 0.9 } as never), /unknown option 'smoothng'/);
  const mon = new TrainingMonitor(opt);
  assert.throws(() => mon.log("0.5" as never), /expected a Tensor or a number, got a string/);
  assert.throws(() => mon.log(tensor([1, 2])), /one-element tensor or a number, got a tensor of shape \[2\]/);
  assert.ok(tensor([1]) instanceof Tensor);
});

test("training a real model: the loss is recorded each step and the monitor stays out of the numbers", () => {
  const build = () => {
    const m = new nn.Linear(2, 1);
    m.loadStateDict({ weight: tensor([[0.5, -0.5]]), bias: tensor([0.1]) });
    return m;
  };
  const x = tensor([[1, 2], [3, 4], [-1, 0.5]]);
  const y = tensor([[1], [2], [0]]);
  const run = (watch: boolean) => {
    const model = build();
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    const mon = watch ? new TrainingMonitor(opt, { model, statsEvery: 1 }) : null;
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      const loss = new nn.MSELoss().forward(model.forward(x), y) as Tensor;
      loss.backward();
      opt.step();
      mon?.log(loss);
    }
    return { w: [...model.weight.data], mon };
  };
  const plain = run(false);
  const watched = run(true);
  assert.deepEqual(watched.w, plain.w, "bit-identical parameters");
  assert.equal(watched.mon!.history.loss.filter((v) => v !== null).length, 5);
  assert.deepEqual(watched.mon!.alarms, []);
});

test("in a terminal (no display sink), show() prints a status line and remove() the full text", async () => {
  const { captureStdout } = await import("../display/helpers.js");
  const p = param([1]);
  const opt = new optim.SGD([{ params: [p], name: "only" }], { lr: 0.1 });
  let mon: TrainingMonitor | null = null;
  const shown = captureStdout(() => {
    mon = new TrainingMonitor(opt).show();
  });
  assert.equal(shown, "", "nothing before the first step");
  const out = captureStdout(() => {
    const start = performance.now();
    // Steps for 300 ms: one status line at the first tick (62.5 ms), none more within 2 s.
    while (performance.now() - start < 300) {
      mon!.log(0.5);
      p.grad = tensor([1]);
      opt.step();
    }
    mon!.remove();
  });
  const lines = out.trimEnd().split("\n");
  assert.match(lines[0], /^step \d+ · loss 0\.5 \(smoothed 0\.5\) · lr only 0\.1$/);
  assert.equal(lines.filter((l) => l.startsWith("step ")).length, 1);
  assert.match(lines[1], /^Training · SGD · \d+ steps · finished$/);
  assert.equal(lines.at(-1), "  no alarms");
});
