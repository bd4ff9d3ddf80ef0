import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareSchedules, nn, optim, plotSchedule, zeros, type MimeBundle } from "../../lib/index.js";
import { toMimeBundle, VEGALITE_MIME } from "../../lib/display/jupyter.js";
import type { ScheduleTrace } from "../../lib/optim/lr_scheduler/trace.js";
import { pngSize, vegaLite56Warnings, vegaLiteSchemaErrors } from "./helpers.js";

function threeGroups(): optim.Optimizer {
  const ps = [0, 1, 2].map(() => new nn.Parameter(zeros(2)));
  return new optim.SGD(
    [
      { params: [ps[0]], lr: 0.1, name: "backbone" },
      { params: [ps[1]], lr: 0.2, name: "neck" },
      { params: [ps[2]], lr: 0.3, name: "head" },
    ],
    { lr: 0.1, momentum: 0.9 },
  );
}

/** A hand-made trace: StepLR(step_size=250, gamma=0.5) from lr 0.1, closed form 0.1 * 0.5^floor(i/250). */
function stepTrace(steps = 1000): ScheduleTrace {
  return {
    steps,
    groupNames: ["group 0"],
    lr: [Float64Array.from({ length: steps }, (_, i) => 0.1 * 0.5 ** Math.floor(i / 250))],
    scheduler: "StepLR",
    description: "StepLR(step_size=250, gamma=0.5)",
  };
}

describe("schedule plots", () => {
  it("displays a simulate() trace as Vega-Lite + PNG + text, without HTML", async () => {
    const opt = threeGroups();
    const trace = optim.lr_scheduler.simulate(opt, (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: [1, 2, 3], total_steps: 1000 }), { steps: 1000 });
    const b = await toMimeBundle(trace);
    assert.deepEqual(Object.keys(b.data).sort(), ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
    const spec = b.data[VEGALITE_MIME] as Record<string, unknown>;
    assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
    assert.deepEqual(vegaLiteSchemaErrors(spec), []);
    assert.deepEqual(await vegaLite56Warnings(spec), []);
    // The PNG decodes to the stated size (metadata is in CSS pixels; the image is 2x for sharpness).
    const meta = b.metadata!["image/png"] as { width: number; height: number };
    const size = pngSize(Buffer.from(String(b.data["image/png"]), "base64"));
    assert.deepEqual(size, { width: meta.width * 2, height: meta.height * 2 });
    assert.ok(meta.width > 600 && meta.height > 300, `${meta.width}x${meta.height}`);
    // OneCycleLR peaks at max_lr at step pct_start * total_steps - 1 = 299 (PyTorch's phase end).
    const text = String(b.data["text/plain"]);
    assert.match(text, /^OneCycleLR\(max_lr=\[1, 2, 3\], total_steps=1000/);
    assert.match(text, /backbone: start .* · max 1 at step 299 ·/);
    assert.match(text, /head: start .* · max 3 at step 299 ·/);
    assert.match(text, /backbone \(momentum\): start 0\.95 · max 0\.95 at step 0 · min 0\.85 at step 299/);
  });

  it("draws one series per group, names them, and adds a momentum panel when it cycles", () => {
    const opt = threeGroups();
    const trace = optim.lr_scheduler.simulate(opt, (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: 1, total_steps: 100 }), { steps: 100 });
    const spec = plotSchedule(trace).spec() as { vconcat: Array<Record<string, any>>; data: { values: Array<Record<string, any>> } };
    assert.equal(spec.vconcat.length, 2);
    const rows = spec.data.values;
    // OneCycleLR cycles every group's momentum alike: one line, named for all three (issue 12.18).
    assert.deepEqual(rows.map((r) => `${r.k}:${r.n}`), ["lr:backbone", "lr:neck", "lr:head", "m:backbone = neck = head (same momentum)"]);
    assert.equal(rows[0].s.length, 100, "short traces are drawn whole");
    assert.equal(spec.vconcat[1].encoding.y.title, "momentum");
    // Tooltips on the nearest point.
    const layer = spec.vconcat[0].layer[1];
    assert.equal(layer.params[0].select.nearest, true);
    assert.deepEqual(layer.encoding.tooltip.map((t: { title: string }) => t.title), ["series", "step", "learning rate"]);
  });

  it("plots 1,000,000 steps x 3 groups quickly and compactly, keeping restarts", async () => {
    const opt = threeGroups();
    const n = 1_000_000;
    const trace = optim.lr_scheduler.simulate(opt, (o) => new optim.lr_scheduler.CosineAnnealingWarmRestarts(o, { T_0: 100_000, eta_min: 0.001 }), { steps: n });
    const t0 = performance.now();
    const plot = plotSchedule(trace);
    const spec = plot.spec();
    const json = JSON.stringify(spec);
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `spec took ${ms.toFixed(0)} ms`);
    assert.ok(json.length < 200_000, `spec is ${json.length} bytes`);
    const rows = (spec as { data: { values: Array<{ s: number[]; v: number[] }> } }).data.values;
    for (const r of rows) {
      assert.ok(r.s.length <= 2000, `${r.s.length} points`);
      // Restarts every T_0 steps: both sides of each jump are drawn.
      for (let k = 100_000; k < n; k += 100_000) assert.ok(r.s.includes(k - 1) && r.s.includes(k), `restart at ${k}`);
    }
    assert.deepEqual(vegaLiteSchemaErrors(spec), []);
    const png = await plot.toPng();
    assert.deepEqual(pngSize(png.png), { width: png.pixelWidth, height: png.pixelHeight });
  });

  it("supports a log y axis (dropping non-positive values) and validates", async () => {
    const t = stepTrace();
    const spec = plotSchedule(t, { logY: true }).spec() as Record<string, any>;
    assert.equal(spec.encoding.y.scale.type, "log");
    assert.ok(spec.transform.some((x: { filter?: unknown }) => String(x.filter).includes("datum.v > 0")));
    assert.match(spec.title.subtitle, /log scale/);
    assert.deepEqual(vegaLiteSchemaErrors(spec), []);
    assert.deepEqual(await vegaLite56Warnings(spec), []);
  });

  it("compareSchedules overlays labelled traces", async () => {
    const a = stepTrace();
    const b = { ...stepTrace(), scheduler: "ExponentialLR", description: "ExponentialLR(gamma=0.99)", lr: [Float64Array.from({ length: 1000 }, (_, i) => 0.1 * 0.99 ** i)] };
    const spec = compareSchedules({ "step": a, "exp <b>": b }).spec() as Record<string, any>;
    assert.deepEqual(spec.data.values.map((r: { n: string }) => r.n), ["step", "exp <b>"]);
    assert.equal(spec.encoding.color.title, "schedule");
    assert.deepEqual(vegaLiteSchemaErrors(spec), []);
    // Long labels move the legend below the chart (in columns); still valid for 5.6.
    const long = compareSchedules({ "StepLR(step_size=250, gamma=0.5) warmup": a, "ExponentialLR(gamma=0.99) from 0.1": b }).spec() as Record<string, any>;
    assert.equal(long.encoding.color.legend.orient, "bottom");
    assert.deepEqual(vegaLiteSchemaErrors(long), []);
    assert.deepEqual(await vegaLite56Warnings(long), []);
    const byName = compareSchedules([a, a, b]).spec() as Record<string, any>;
    assert.deepEqual(byName.data.values.map((r: { n: string }) => r.n), ["StepLR #1", "StepLR #2", "ExponentialLR"]);
    const multi = compareSchedules({ x: optim.lr_scheduler.simulate(threeGroups(), (o) => new optim.lr_scheduler.StepLR(o, { step_size: 2 }), { steps: 5 }) }).spec() as Record<string, any>;
    assert.deepEqual(multi.data.values.map((r: { n: string }) => r.n), ["x · backbone", "x · neck", "x · head"]);
  });

  it("rejects things that are not traces with a clear message", () => {
    assert.throws(() => plotSchedule({ steps: 3 } as never), /plotSchedule\(trace\) must be a ScheduleTrace \(the result of optim\.lr_scheduler\.simulate\), got an object with keys steps/);
    assert.throws(() => compareSchedules([]), /at least one trace/);
    assert.throws(() => compareSchedules(null as never), /expects an array of traces or an object/);
  });

  it("leaves the PNG out (with a warning) when asked not to render one", async () => {
    const b = (await toMimeBundle(plotSchedule(stepTrace(), { png: false }))) as MimeBundle;
    assert.deepEqual(Object.keys(b.data).sort(), ["application/vnd.vegalite.v5+json", "text/plain"]);
  });
});

describe("schedule plot text with no finite value", () => {
  it("says so instead of printing max -Infinity and min Infinity", () => {
    const trace: ScheduleTrace = {
      steps: 3,
      groupNames: ["group 0"],
      lr: [new Float64Array([NaN, NaN, NaN])],
      scheduler: "Custom",
      description: "Custom()",
    };
    const text = plotSchedule(trace).toString();
    assert.doesNotMatch(text, /Infinity/);
    assert.match(text, /group 0: no finite value \(3 non-finite, starting NaN\), nothing drawn/);
  });
});
