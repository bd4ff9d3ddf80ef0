/**
 * Issue 12 items 16-18: any string plots (names are data), plot sizes are bounded, identical
 * momentum series are named in the legend, and log-axis labels share one notation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareSchedules, plotSchedule } from "../../lib/index.js";
import { toMimeBundle, VEGALITE_MIME } from "../../lib/display/jupyter.js";
import { PLOT_MESSAGES } from "../../lib/display/schedule_plot.js";
import { renderPng, renderSvg } from "../../lib/display/render_png.js";
import type { ScheduleTrace } from "../../lib/optim/lr_scheduler/trace.js";
import { pngSize } from "./helpers.js";

/** Two groups, linear warmup over 10 steps to 0.1 and 0.2 (closed form lr = base * (i + 1) / 10). */
function trace(groupNames: string[], extra: Partial<ScheduleTrace> = {}): ScheduleTrace {
  return {
    steps: 10,
    groupNames,
    lr: groupNames.map((_, g) => Float64Array.from({ length: 10 }, (_, i) => (0.1 * (g + 1) * (i + 1)) / 10)),
    scheduler: "LinearLR",
    description: "LinearLR(start_factor=0.1, total_iters=10)",
    ...extra,
  };
}

describe("schedule plot names are data", () => {
  const hostile = ["line\u2028sep", "para\u2029sep", "nul\u0000name", "bell\u0007", "quote\"'\\", "</script><b>", "emoji 🚀", "\u202Ertl"];
  it("every name keeps its chart and its PNG: U+2028, U+2029, NUL and other controls", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const plot = plotSchedule(trace(hostile), { title: "title\u0000with\u2028breaks" });
      const bundle = await toMimeBundle(plot);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, [], "no PNG failure warning");
      assert.ok(bundle.data["image/png"], "PNG kept");
      const spec = bundle.data[VEGALITE_MIME] as object;
      // The interactive chart compiles and renders too (what JupyterLab and the report do).
      const svg = await renderSvg(spec);
      assert.match(svg, /<svg/);
      // Every series is drawn under a distinct label that shows where the control characters were.
      const names = plot.seriesNames;
      assert.equal(new Set(names).size, hostile.length);
      assert.deepEqual(names.slice(0, 4), ["line\\u2028sep", "para\\u2029sep", "nul\\u0000name", "bell\\u0007"]);
      assert.equal(names[5], "</script><b>");
      // The text summary keeps the names as given.
      assert.match(String(bundle.data["text/plain"]), /line\u2028sep: start/);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("renderPng draws any Vega-Lite spec whose text holds a NUL (not only paramlab's own)", async () => {
    const spec = {
      title: "nul\u0000title",
      data: { values: [{ x: 1, y: 2, n: "a\u0000b" }, { x: 2, y: 3, n: "a\u0000b" }] },
      mark: "line",
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, color: { field: "n", type: "nominal" } },
    };
    const png = await renderPng(spec);
    assert.ok(pngSize(png.png).width > 0);
  });

  it("labels made alike by escaping stay distinct", () => {
    const plot = plotSchedule(trace(["a\u2028", "a\\u2028"]), { png: false });
    assert.equal(new Set(plot.seriesNames).size, 2, plot.seriesNames.join(" | "));
  });

  it("compareSchedules labels with separators plot too", async () => {
    const plot = compareSchedules({ "x\u2028y": trace(["g"]), "z\u0000": trace(["g"]) });
    const png = await plot.toPng();
    assert.ok(pngSize(png.png).width > 0);
  });
});

describe("plot sizes are bounded", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ width: -5 }, PLOT_MESSAGES.size("plotSchedule", "width", -5)],
    [{ height: 0 }, PLOT_MESSAGES.size("plotSchedule", "height", 0)],
    [{ width: 20000 }, PLOT_MESSAGES.size("plotSchedule", "width", 20000)],
    [{ height: Number.NaN }, PLOT_MESSAGES.size("plotSchedule", "height", Number.NaN)],
    [{ width: "600" }, PLOT_MESSAGES.size("plotSchedule", "width", "600")],
    [{ maxPoints: 3 }, PLOT_MESSAGES.maxPoints("plotSchedule", 3)],
    [{ maxPoints: 2.5 }, PLOT_MESSAGES.maxPoints("plotSchedule", 2.5)],
    [{ firstStep: 0.5 }, PLOT_MESSAGES.firstStep("plotSchedule", 0.5)],
    [{ firstStep: "3" }, PLOT_MESSAGES.firstStep("plotSchedule", "3")],
  ];
  for (const [options, message] of cases) {
    it(`plotSchedule(trace, ${JSON.stringify(options)}) throws "${message}"`, () => {
      assert.throws(() => plotSchedule(trace(["g"]), options), (err: Error) => err instanceof RangeError || err instanceof TypeError ? err.message === message : false);
    });
  }
  it("compareSchedules checks the same options", () => {
    assert.throws(() => compareSchedules([trace(["g"])], { width: 1e9 }), { message: PLOT_MESSAGES.size("compareSchedules", "width", 1e9) });
  });
  it("the largest allowed plot still renders", async () => {
    const png = await plotSchedule(trace(["g"]), { width: 4000, height: 2000 }).toPng(1);
    assert.ok(png.width > 4000 && png.height > 2000, `${png.width}x${png.height}`);
  });
});

describe("momentum panel and log axis", () => {
  it("groups sharing an identical momentum series are named together in the legend", () => {
    // OneCycleLR-like momentum: every group cycles 0.95 → 0.85 alike; the third group differs.
    const same = Float64Array.from({ length: 10 }, (_, i) => 0.95 - 0.01 * i);
    const other = Float64Array.from({ length: 10 }, (_, i) => 0.9 - 0.01 * i);
    const plot = plotSchedule(trace(["backbone", "neck", "head"], { momentum: [same, Float64Array.from(same), other] }), { png: false });
    const spec = plot.spec() as { data: { values: Array<{ k: string; n: string }> } };
    const momentumRows = spec.data.values.filter((r) => r.k === "m").map((r) => r.n);
    assert.deepEqual(momentumRows, ["backbone = neck (same momentum)", "head"]);
    assert.ok(plot.seriesNames.includes("backbone = neck (same momentum)"));
  });

  it("log-axis labels use one notation across the range (no 0.000001 beside 1e-7)", async () => {
    // Cosine-like decay from 1e-3 to 1e-8: ticks span 1e-3 ... 1e-8.
    const lr = Float64Array.from({ length: 100 }, (_, i) => 1e-3 * 10 ** (-5 * i / 99));
    const plot = plotSchedule({ steps: 100, groupNames: ["g"], lr: [lr], scheduler: "X", description: "X" }, { logY: true, png: false });
    const svg = await renderSvg(plot.spec());
    const labels = [...svg.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!).filter((t) => /^[\d.e−-]+$/.test(t) && /e|^0\.0/.test(t));
    assert.ok(labels.length >= 3, labels.join(" "));
    const exponent = labels.filter((t) => /e/.test(t));
    assert.deepEqual(labels.filter((t) => !/e/.test(t)), [], `mixed notations: ${labels.join(" ")}`);
    assert.ok(exponent.includes("1e-7"), labels.join(" "));
  });
});
