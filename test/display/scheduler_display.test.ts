import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, optim, previewSchedule, previewTrace, zeros } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import { parseHtml, pngSize } from "./helpers.js";

function sgd(): optim.SGD {
  return new optim.SGD(
    [
      { params: [new nn.Parameter(zeros(2))], lr: 0.1 },
      { params: [new nn.Parameter(zeros(2))], lr: 0.01, name: "head" },
    ],
    { lr: 0.1, momentum: 0.9 },
  );
}

describe("scheduler display", () => {
  it("previews the next steps on a copy, leaving the scheduler and optimizer untouched", () => {
    const opt = sgd();
    const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 3, gamma: 0.5 });
    for (let i = 0; i < 4; i++) {
      opt.step();
      sched.step();
    }
    const before = JSON.stringify({ s: sched.stateDict(), g: opt.paramGroups.map(({ params, ...rest }) => rest) });
    const trace = previewTrace(sched, 6)!;
    // StepLR closed form: lr_i = base * 0.5^floor(i / 3) for epochs i = 4..9.
    assert.deepEqual(Array.from(trace.lr[0]), [4, 5, 6, 7, 8, 9].map((e) => 0.1 * 0.5 ** Math.floor(e / 3)));
    assert.deepEqual(Array.from(trace.lr[1]), [4, 5, 6, 7, 8, 9].map((e) => 0.01 * 0.5 ** Math.floor(e / 3)));
    assert.deepEqual(trace.groupNames, ["group 0", "head"]);
    assert.equal(JSON.stringify({ s: sched.stateDict(), g: opt.paramGroups.map(({ params, ...rest }) => rest) }), before);
    assert.equal(sched.lastEpoch, 4);
    // The preview plot starts its x axis at the scheduler's step.
    const spec = previewSchedule(sched, { steps: 6 }).spec() as { data: { values: Array<{ s: number[] }> } };
    assert.deepEqual(spec.data.values[0].s, [4, 5, 6, 7, 8, 9]);
  });

  it("previews OneCycleLR to its end, with momentum, and stops there", () => {
    const opt = sgd();
    const sched = new optim.lr_scheduler.OneCycleLR(opt, { max_lr: 1, total_steps: 50 });
    const trace = previewTrace(sched)!;
    // PyTorch lets OneCycleLR reach last_epoch == total_steps and raises past it: epochs 0..50.
    assert.equal(trace.steps, 51);
    assert.ok(trace.momentum);
    assert.equal(previewTrace(sched, 80)!.steps, 51, "stepping past total_steps ends the preview");
  });

  it("displays configuration, current lrs and a preview image", async () => {
    const opt = sgd();
    const sched = new optim.lr_scheduler.CosineAnnealingLR(opt, { T_max: 10 });
    const b = await toMimeBundle(sched);
    assert.deepEqual(Object.keys(b.data).sort(), ["text/html", "text/plain"]);
    const root = parseHtml(String(b.data["text/html"]));
    assert.deepEqual(root.querySelectorAll("tbody tr").map((r) => r.querySelectorAll("td").map((td) => td.text)), [
      ["0", "0.1", "0.1"],
      ["1 · head", "0.01", "0.01"],
    ]);
    // A light and a dark rendering; CSS shows the one matching the notebook theme.
    assert.deepEqual(root.querySelectorAll("img").map((i) => i.getAttribute("class")), ["pl-plot pl-img-light", "pl-plot pl-img-dark"]);
    const img = root.querySelector("img")!;
    const src = img.getAttribute("src")!;
    assert.match(src, /^data:image\/png;base64,/);
    const size = pngSize(Buffer.from(src.slice(src.indexOf(",") + 1), "base64"));
    assert.deepEqual(size, { width: Number(img.getAttribute("width")) * 2, height: Number(img.getAttribute("height")) * 2 });
    assert.match(String(b.data["text/plain"]), /^CosineAnnealingLR\(T_max=10\)\n  last_epoch: 0\n  group 0: lr 0\.1 \(base 0\.1\)/);
  });

  it("explains why a metric-driven scheduler has no preview", async () => {
    const opt = sgd();
    const sched = new optim.lr_scheduler.ReduceLROnPlateau(opt);
    assert.equal(previewTrace(sched), null);
    assert.throws(() => previewSchedule(sched), /steps on a metric: use optim\.lr_scheduler\.simulate with metrics/);
    const html = String((await toMimeBundle(sched)).data["text/html"]);
    assert.match(html, /No preview: ReduceLROnPlateau steps on a metric/);
  });
});

describe("scheduler previews match simulate() for every scheduler", () => {
  const S = optim.lr_scheduler;
  type Build = (o: optim.lr_scheduler.OptimizerLike) => optim.lr_scheduler.LRScheduler;
  const adam = () =>
    new optim.Adam([
      { params: [new nn.Parameter(zeros(2))], lr: 0.1 },
      { params: [new nn.Parameter(zeros(2))], lr: 0.01, name: "head" },
    ]);
  const builds: Array<[string, Build, () => optim.Optimizer]> = [
    ["LambdaLR", (o) => new S.LambdaLR(o, { lr_lambda: (e: number) => 1 / (1 + e) }), sgd],
    ["MultiplicativeLR", (o) => new S.MultiplicativeLR(o, { lr_lambda: () => 0.95 }), sgd],
    ["StepLR", (o) => new S.StepLR(o, { step_size: 7, gamma: 0.3 }), sgd],
    ["MultiStepLR", (o) => new S.MultiStepLR(o, { milestones: [5, 20], gamma: 0.1 }), sgd],
    ["ConstantLR", (o) => new S.ConstantLR(o, { factor: 0.5, total_iters: 10 }), sgd],
    ["LinearLR", (o) => new S.LinearLR(o, { start_factor: 0.1, total_iters: 10 }), sgd],
    ["ExponentialLR", (o) => new S.ExponentialLR(o, { gamma: 0.97 }), sgd],
    ["PolynomialLR", (o) => new S.PolynomialLR(o, { total_iters: 30, power: 2 }), sgd],
    ["CosineAnnealingLR", (o) => new S.CosineAnnealingLR(o, { T_max: 25, eta_min: 0.001 }), sgd],
    ["CosineAnnealingWarmRestarts", (o) => new S.CosineAnnealingWarmRestarts(o, { T_0: 10, T_mult: 2 }), sgd],
    ["CyclicLR", (o) => new S.CyclicLR(o, { base_lr: 0.001, max_lr: 0.1, step_size_up: 8 }), sgd],
    ["CyclicLR on Adam", (o) => new S.CyclicLR(o, { base_lr: 0.001, max_lr: 0.1, step_size_up: 8 }), adam],
    ["OneCycleLR", (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 60 }), adam],
    ["SequentialLR", (o) => new S.SequentialLR(o, { schedulers: [new S.LinearLR(o, { start_factor: 0.1, total_iters: 5 }), new S.CosineAnnealingLR(o, { T_max: 30 })], milestones: [5] }), sgd],
    ["ChainedScheduler", (o) => new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.5, total_iters: 4 }), new S.ExponentialLR(o, { gamma: 0.9 })]), sgd],
    ["HF cosine with warmup", (o) => S.getCosineScheduleWithWarmup(o, { num_warmup_steps: 5, num_training_steps: 40 }), sgd],
    ["timm CosineLRScheduler", (o) => new S.CosineLRScheduler(o, { t_initial: 20, warmup_t: 3, warmup_lr_init: 1e-4 }), sgd],
    ["ParamwiseScheduler", (o) => new S.ParamwiseScheduler([new S.StepLR(o, { step_size: 4, gamma: 0.5 }), new S.ExponentialLR(o, { gamma: 0.9 })]), sgd],
    ["SequentialLR in ParamwiseScheduler", (o) => new S.ParamwiseScheduler([
      new S.SequentialLR(o, { schedulers: [new S.LinearLR(o, { start_factor: 0.5, total_iters: 4 }), new S.ExponentialLR(o, { gamma: 0.9 })], milestones: [4] }),
      new S.CosineAnnealingLR(o, { T_max: 20 }),
    ]), sgd],
  ];
  for (const [name, build, makeOpt] of builds) {
    it(name, async () => {
      const steps = 50;
      const expected = optim.lr_scheduler.simulate(makeOpt(), build, { steps });
      const opt = makeOpt();
      const sched = build(opt);
      const snapshot = () => JSON.stringify({ s: sched.stateDict(), g: opt.paramGroups.map(({ params, ...rest }) => rest) });
      const before = snapshot();
      const got = previewTrace(sched, steps)!;
      const b = await toMimeBundle(sched);
      assert.equal(snapshot(), before, "display leaves the scheduler and optimizer as they were");
      assert.doesNotMatch(String(b.data["text/html"]), /No preview/);
      const n = Math.min(got.steps, expected.steps);
      for (let g = 0; g < 2; g++) {
        for (let i = 0; i < n; i++) {
          const e = expected.lr[g][i];
          assert.ok(Math.abs(got.lr[g][i] - e) <= 1e-12 * Math.max(1, Math.abs(e)), `group ${g} step ${i}: ${got.lr[g][i]} vs ${e}`);
        }
      }
      const m = expected.momentum ?? expected.beta1;
      const gm = got.momentum ?? got.beta1;
      assert.equal(Boolean(gm), Boolean(m));
      if (m && gm) for (let i = 0; i < n; i++) assert.ok(Math.abs(gm[0][i] - m[0][i]) <= 1e-12);
    });
  }
});

describe("previews from a later step", () => {
  const S = optim.lr_scheduler;
  it("continue the schedule where the scheduler is (LambdaLR's fast path and OneCycleLR's included)", () => {
    type Build = (o: optim.lr_scheduler.OptimizerLike) => optim.lr_scheduler.LRScheduler;
    const builds: Build[] = [
      (o) => new S.LambdaLR(o, { lr_lambda: (e: number) => 1 / (1 + e) }),
      (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 40 }),
      (o) => new S.CosineAnnealingWarmRestarts(o, { T_0: 5, T_mult: 2 }),
    ];
    for (const build of builds) {
      const all = S.simulate(sgd(), build, { steps: 30 });
      const opt = sgd();
      const sched = build(opt);
      for (let i = 0; i < 12; i++) {
        opt.step();
        sched.step();
      }
      const got = previewTrace(sched, 18)!;
      for (let i = 0; i < 18; i++) assert.equal(got.lr[1][i], all.lr[1][12 + i], `${all.scheduler} step ${12 + i}`);
    }
  });
});

describe("lr_scale", () => {
  it("shows each group's lr_scale and the effective lr of a timm scheduler", async () => {
    const opt = sgd();
    opt.paramGroups[0].lr_scale = 0.25;
    const sched = new optim.lr_scheduler.CosineLRScheduler(opt, { t_initial: 10 });
    const b = await toMimeBundle(sched);
    const root = parseHtml(String(b.data["text/html"]));
    assert.deepEqual(root.querySelectorAll("thead th").map((th) => th.text), ["Group", "base lr", "lr_scale", "current lr (× lr_scale)"]);
    // The lr in effect is base × lr_scale: 0.1 × 0.25 for group 0; group 1 has no lr_scale.
    assert.deepEqual(root.querySelectorAll("tbody tr").map((r) => r.querySelectorAll("td").map((td) => td.text)), [
      ["0", "0.1", "0.25", "0.025"],
      ["1 · head", "0.01", "", "0.01"],
    ]);
    assert.match(String(b.data["text/plain"]), /group 0: lr 0\.025, lr_scale 0\.25 applied \(base 0\.1\)/);
    // The preview plots the effective lrs.
    assert.equal(previewTrace(sched, 3)!.lr[0][0], 0.025);
    const plain = new optim.lr_scheduler.CosineLRScheduler(sgd(), { t_initial: 10, use_lr_scale: false });
    assert.doesNotMatch(String((await toMimeBundle(plain)).data["text/html"]), /lr_scale<\/th>/);
  });
});

describe("custom schedulers", () => {
  class Halving extends optim.lr_scheduler.LRScheduler {
    constructor(opt: optim.lr_scheduler.OptimizerLike, readonly every: number) {
      super(opt, every);
      this.initialize();
    }
    getLr() {
      return this.base_lrs.map((b) => b * 0.5 ** Math.floor(this.lastEpoch / this.every));
    }
  }
  class NoOptions extends optim.lr_scheduler.LRScheduler {
    constructor(opt: optim.lr_scheduler.OptimizerLike) {
      super(opt);
      this.initialize();
    }
    getLr() {
      return this.base_lrs;
    }
  }
  it("are previewed from their constructor's arguments, or say why not", async () => {
    const opt = sgd();
    const s = new Halving(opt, 2);
    opt.step();
    s.step();
    // epochs 1..4: 0.1 * 0.5^floor(e / 2)
    assert.deepEqual(Array.from(previewTrace(s, 4)!.lr[0]), [0.1, 0.05, 0.05, 0.025]);
    const n = new NoOptions(sgd());
    assert.throws(() => previewTrace(n), { name: "TypeError", message: /^NoOptions cannot be copied for a preview: pass its options to super\(optimizer, options\)/ });
    assert.match(String((await toMimeBundle(n)).data["text/html"]), /No preview: NoOptions cannot be copied/);
  });
});
