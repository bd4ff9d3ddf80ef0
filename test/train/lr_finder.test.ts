/**
 * lrFinder: the suggestion on a synthetic loss curve with a known steepest point, torch-lr-finder's
 * schedule and smoothing by hand, divergence, the caller's state untouched bit for bit, the
 * display, and every bad option.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { getRngState, lrFinder, LRFinderResult, manualSeed, nn, optim, randn, tensor, Tensor } from "../../lib/index.js";
import { LR_FINDER_MESSAGES, steepestIndex } from "../../lib/train/lr_finder.js";
import { lrFinderSpec } from "../../lib/display/lr_finder_display.js";
import { vegaLite56Warnings, vegaLiteSchemaErrors } from "../display/helpers.js";

/** One weight, and a loss that depends only on the current lr of the first group: f(log10 lr). */
function synthetic(f: (log10lr: number) => number) {
  const model = new nn.Linear(1, 1);
  const opt = new optim.SGD(model.parameters(), { lr: 1e-3 });
  const lossFn = (out: unknown) => (out as Tensor).sum().mul(0).add(f(Math.log10(opt.paramGroups[0].lr as number)));
  return { model, opt, lossFn, batches: [[tensor([[1]]), tensor([[0]])]] as Array<[Tensor, Tensor]> };
}

test("steepestIndex is np.gradient's argmin (central inside, one-sided at the ends)", () => {
  // np.gradient([5, 4, 2, 1.5, 1.4]) = [-1, -1.5, -1.25, -0.3, -0.1] → argmin 1.
  assert.equal(steepestIndex([5, 4, 2, 1.5, 1.4], 0, 0), 1);
  // Skipping the first point: gradient of [4, 2, 1.5, 1.4] = [-2, -1.25, -0.3, -0.1] → index 1 of the whole.
  assert.equal(steepestIndex([5, 4, 2, 1.5, 1.4], 1, 0), 1);
  assert.equal(steepestIndex([5, 4, 2], 1, 1), null, "fewer than 2 points");
});

test("the suggestion on a synthetic curve is its known steepest point (lr = 1e-2)", () => {
  // loss = 2 − tanh(2·(log10 lr + 2)): steepest (most negative slope) at log10 lr = −2, symmetric.
  // exp mode from 1e-5 to 1 over 101 iterations: log10 lr = −5 + 5·i/100, so i = 60 is lr 1e-2.
  const { model, opt, lossFn, batches } = synthetic((u) => 2 - Math.tanh(2 * (u + 2)));
  const r = lrFinder(model, opt, lossFn, batches, { start_lr: 1e-5, end_lr: 1, num_iter: 101, smooth_f: 0 });
  assert.equal(r.suggestionIndex, 60);
  assert.ok(Math.abs(r.suggestion! / 1e-2 - 1) < 1e-9, `${r.suggestion}`);
  assert.equal(r.divergedAt, null);
  assert.equal(r.lrs.length, 101);
});

test("lrs follow torch-lr-finder's schedules; the smoothed loss is its EMA", () => {
  // exp: start·(end/start)^(i/(n−1)); linear: start + (i/(n−1))·(end − start).
  const exp = synthetic(() => 1);
  const re = lrFinder(exp.model, exp.opt, exp.lossFn, exp.batches, { start_lr: 1e-4, end_lr: 1, num_iter: 5 });
  [1e-4, 1e-3, 1e-2, 1e-1, 1].forEach((v, i) => assert.ok(Math.abs(re.lrs[i] / v - 1) < 1e-12, `${re.lrs[i]} vs ${v}`));
  const lin = synthetic(() => 1);
  const rl = lrFinder(lin.model, lin.opt, lin.lossFn, lin.batches, { start_lr: 0.1, end_lr: 0.5, num_iter: 5, mode: "linear" });
  assert.deepEqual(rl.lrs.map((v) => Number(v.toFixed(12))), [0.1, 0.2, 0.3, 0.4, 0.5]);
  // Losses 3, 1, 2 with smooth_f 0.5: s0 = 3, s1 = 0.5·1 + 0.5·3 = 2, s2 = 0.5·2 + 0.5·2 = 2.
  const seq = [3, 1, 2];
  let k = 0;
  const s = synthetic(() => seq[k++]);
  const r = lrFinder(s.model, s.opt, s.lossFn, s.batches, { start_lr: 0.1, end_lr: 1, num_iter: 3, smooth_f: 0.5 });
  assert.deepEqual(r.rawLosses, [3, 1, 2]);
  assert.deepEqual(r.losses, [3, 2, 2]);
});

test("the test stops when the smoothed loss passes diverge_th × the best, or is not finite", () => {
  const seq = [1, 0.5, 0.6, 2.6, 9, 9];
  let k = 0;
  const s = synthetic(() => seq[k++]);
  const r = lrFinder(s.model, s.opt, s.lossFn, s.batches, { start_lr: 0.1, end_lr: 1, num_iter: 6, smooth_f: 0, diverge_th: 5 });
  // best 0.5; 2.6 > 5 · 0.5 = 2.5 at index 3.
  assert.equal(r.divergedAt, 3);
  assert.equal(r.losses.length, 4);
  let j = 0;
  const n = synthetic(() => [1, NaN, 1][j++]);
  const rn = lrFinder(n.model, n.opt, n.lossFn, n.batches, { start_lr: 0.1, end_lr: 1, num_iter: 3, smooth_f: 0 });
  assert.equal(rn.divergedAt, 1);
  assert.match(String(rn), /stopped at iteration 2: the loss diverged/);
});

test("every group's lr is scaled by the same factor; the suggestion keeps the groups' ratios", () => {
  const model = new nn.Sequential(new nn.Linear(1, 2), new nn.Linear(2, 1));
  const opt = new optim.SGD([{ params: model.get(0).parameters(), name: "backbone" }, { params: model.get(1).parameters(), lr: 1e-2, name: "head" }], { lr: 1e-3 });
  const seen: number[][] = [];
  const lossFn = (out: unknown) => {
    seen.push(opt.paramGroups.map((g) => g.lr as number));
    return (out as Tensor).sum().mul(0).add(1 / seen.length);
  };
  const r = lrFinder(model, opt, lossFn, [[tensor([[1]]), tensor([[0]])]], { start_lr: 1e-4, end_lr: 1, num_iter: 20, skip_start: 0, skip_end: 0 });
  for (const [a, b] of seen) assert.ok(Math.abs(b / a - 10) < 1e-9);
  assert.deepEqual(r.groupNames, ["backbone", "head"]);
  assert.ok(Math.abs(r.suggestedLrs![1] / r.suggestedLrs![0] - 10) < 1e-9);
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [1e-3, 1e-2], "the caller's lrs are back");
});

test("the caller's model, optimizer, gradients, hooks and random generator are unchanged, bit for bit", () => {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(3, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(8, 2));
  const opt = new optim.AdamW([{ params: model.get(0).parameters(), name: "body" }, { params: model.get(4).parameters(), lr: 1e-2 }], { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = randn(16, 3);
  const y = tensor(Array.from({ length: 16 }, (_, i) => i % 2));
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    (lossFn.forward(model.forward(x), y) as Tensor).backward();
    opt.step();
  }
  // Leave a gradient in place and a mode other than the test's.
  (lossFn.forward(model.forward(x), y) as Tensor).backward();
  model.eval();
  let posts = 0;
  opt.registerStepPostHook(() => void posts++);
  const snap = () => ({
    state: JSON.stringify(model.stateDict()),
    grads: model.parameters().map((p) => (p.grad ? Array.from(p.grad.data) : null)),
    gradObjects: model.parameters().map((p) => p.grad),
    opt: JSON.stringify(opt.stateDict()),
    groups: JSON.stringify(opt.paramGroups.map((g) => ({ ...g, params: undefined }))),
    paramArrays: opt.paramGroups.map((g) => g.params),
    steps: opt.stepCount,
    training: model.modules().map((m) => m.training),
    rng: JSON.stringify(getRngState(), (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  });
  const before = snap();
  const r = lrFinder(model, opt, lossFn, [[x, y]], { num_iter: 30, end_lr: 10 });
  assert.ok(r instanceof LRFinderResult);
  const after = snap();
  assert.equal(after.state, before.state);
  assert.deepEqual(after.grads, before.grads);
  after.gradObjects.forEach((g, i) => assert.equal(g, before.gradObjects[i], "the same grad tensors"));
  assert.equal(after.opt, before.opt);
  assert.equal(after.groups, before.groups);
  after.paramArrays.forEach((a, i) => assert.equal(a, before.paramArrays[i], "the same params arrays"));
  assert.equal(after.steps, before.steps);
  assert.deepEqual(after.training, before.training);
  assert.equal(after.rng, before.rng);
  assert.equal(posts, 0, "step hooks did not see the test");
});

test("the display: loss against lr on a log axis, the suggestion marked; valid Vega-Lite 5.6", async () => {
  const { model, opt, lossFn, batches } = synthetic((u) => 2 - Math.tanh(2 * (u + 2)));
  const r = lrFinder(model, opt, lossFn, batches, { start_lr: 1e-5, end_lr: 1, num_iter: 101, smooth_f: 0 });
  for (const interactive of [true, false]) {
    const spec = lrFinderSpec(r, interactive);
    assert.deepEqual(vegaLiteSchemaErrors(spec), []);
    assert.deepEqual(await vegaLite56Warnings(spec), []);
  }
  const spec = lrFinderSpec(r) as { layer: Array<{ mark: { type: string }; encoding: { x: { scale: { type: string } } }; data?: { values: Array<{ lr: number }> } }> };
  assert.equal(spec.layer[0].encoding.x.scale.type, "log");
  const rule = spec.layer.find((l) => l.mark.type === "rule")!;
  assert.equal(rule.data!.values[0].lr, 0.01);
  assert.match(String(r), /suggested lr \(steepest fall of the smoothed loss\): 0\.01/);
});

test("bad input of every option, and of every argument, names what was given", () => {
  const { model, opt, lossFn, batches } = synthetic(() => 1);
  const run = (o: object) => () => lrFinder(model, opt, lossFn, batches, o as never);
  const m = LR_FINDER_MESSAGES.option;
  const cases: Array<[object, string]> = [
    [{ start_lr: 0 }, m("start_lr", "a finite number > 0", 0)],
    [{ start_lr: -1 }, m("start_lr", "a finite number > 0", -1)],
    [{ start_lr: "1e-3" }, m("start_lr", "a finite number > 0", "1e-3")],
    [{ end_lr: NaN }, m("end_lr", "a finite number > 0", NaN)],
    [{ end_lr: Infinity }, m("end_lr", "a finite number > 0", Infinity)],
    [{ start_lr: 1, end_lr: 0.5 }, LR_FINDER_MESSAGES.order(1, 0.5)],
    [{ num_iter: 1 }, m("num_iter", "an integer >= 2", 1)],
    [{ num_iter: 2.5 }, m("num_iter", "an integer >= 2", 2.5)],
    [{ mode: "cos" }, m("mode", '"exp" or "linear"', "cos")],
    [{ smooth_f: 1 }, m("smooth_f", "a number in [0, 1)", 1)],
    [{ smooth_f: -0.1 }, m("smooth_f", "a number in [0, 1)", -0.1)],
    [{ diverge_th: 1 }, m("diverge_th", "a number > 1", 1)],
    [{ skip_start: -1 }, m("skip_start", "an integer >= 0", -1)],
    [{ skip_end: 0.5 }, m("skip_end", "an integer >= 0", 0.5)],
    [{ num_itr: 10 }, LR_FINDER_MESSAGES.unknown("num_itr", ["start_lr", "end_lr", "num_iter", "mode", "smooth_f", "diverge_th", "skip_start", "skip_end"])],
  ];
  for (const [o, message] of cases) assert.throws(run(o), (e: Error) => e.message === message, JSON.stringify(o));
  assert.throws(() => lrFinder({} as never, opt, lossFn, batches), /expected an nn\.Module, got a plain object/);
  assert.throws(() => lrFinder(model, null as never, lossFn, batches), /expected an optim\.Optimizer, got null/);
  assert.throws(() => lrFinder(model, opt, 3 as never, batches), /lossFn must be a function .* got a number/);
  assert.throws(() => lrFinder(model, opt, lossFn, 5 as never), /batches must be an iterable of \[input, target\] pairs, got a number/);
  assert.throws(() => lrFinder(model, opt, lossFn, []), (e: Error) => e.message === LR_FINDER_MESSAGES.noBatches());
  assert.throws(() => lrFinder(model, opt, lossFn, [tensor([1]) as never]), /each batch must be an \[input, target\] pair, got a Tensor/);
  assert.throws(() => lrFinder(model, opt, (o: unknown) => o as Tensor, [[tensor([[1], [2]]), tensor([0])]]), /the loss must be a one-element tensor, got a tensor of shape \[2, 1\]/);
  // An option given as undefined takes its default (start_lr: the first group's lr, 1e-3).
  const r = lrFinder(model, opt, lossFn, batches, { start_lr: undefined, num_iter: 3 });
  assert.equal(r.lrs[0], 1e-3);
  // A failed run leaves the caller's state as it was.
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [1e-3]);
});
