/**
 * The training monitor's displays: HTML structure, the Vega-Lite spec against the 5.6.1 schema and
 * compiler, the live bundle (synchronous, no PNG) and the final one (PNG), and `show()` through a
 * display sink.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { jupyter, nn, optim, tensor, TrainingMonitor } from "../../lib/index.js";
import { MonitorChartView, MonitorTableView, monitorSpec } from "../../lib/display/monitor_display.js";
import { LIVE_DISPLAY } from "../../lib/display/sink.js";
import { parseHtml, pngSize, rowText, textOf, vegaLite56Warnings, vegaLiteSchemaErrors } from "./helpers.js";

/** A monitor after `steps` steps of two groups, one with a cycling momentum and one dead parameter. */
function trained(steps = 40): TrainingMonitor {
  const a = new nn.Parameter(tensor([1, 2, 3]));
  const b = new nn.Parameter(tensor([0.5]));
  const dead = new nn.Parameter(tensor([1]));
  const opt = new optim.SGD([{ params: [a], name: "backbone" }, { params: [b, dead], name: "head", lr: 0.1 }], { lr: 0.01, momentum: 0.9 });
  const mon = new TrainingMonitor(opt, { statsEvery: 2 });
  for (let i = 0; i < steps; i++) {
    a.grad = tensor([0.1, -0.2, 0.3 / (i + 1)]);
    b.grad = tensor([1 / (i + 1)]);
    for (const g of opt.paramGroups) g.momentum = 0.85 + 0.1 * (i / steps);
    opt.step();
    mon.log(2 / (i + 1) + 0.1);
  }
  return mon;
}

test("the table: one row per group with the latest figures, momentum when it varies, alarms listed", () => {
  const mon = trained();
  const bundle = new MonitorTableView(mon)[LIVE_DISPLAY]();
  const root = parseHtml(bundle["text/html"] as string);
  const head = root.querySelectorAll("thead th").map(textOf);
  assert.deepEqual(head, ["group", "lr", "grad norm", "‖Δθ‖/‖θ‖", "momentum"]);
  const rows = root.querySelectorAll("tbody tr");
  assert.equal(rows.length, 2);
  assert.match(rowText(rows[0]), /^backbone 0\.01 /);
  assert.match(rowText(rows[1]), /^head 0\.1 /);
  const alarms = root.querySelectorAll("ul.pl-problems li");
  assert.equal(alarms.length, 1);
  assert.equal(alarms[0].getAttribute("data-kind"), "no-grad");
  assert.match(textOf(alarms[0]), /head\[1\]/);
  assert.equal(bundle["text/plain"], mon.toString());
  assert.equal("image/png" in bundle, false);
});

test("the chart's Vega-Lite spec is valid 5.6 and has the panels the history calls for", async () => {
  const mon = trained();
  for (const interactive of [true, false]) {
    const spec = monitorSpec(mon, interactive);
    assert.deepEqual(vegaLiteSchemaErrors(spec), []);
    assert.deepEqual(await vegaLite56Warnings(spec), []);
  }
  const spec = monitorSpec(mon) as { vconcat: Array<{ encoding: { y: { title: string } } }>; data: { values: Array<{ k: string; n: string; s: number[] }> } };
  assert.deepEqual(spec.vconcat.map((p) => p.encoding.y.title), ["loss", "lr", "grad norm", "‖Δθ‖/‖θ‖", "momentum"]);
  const rows = spec.data.values;
  const grad = rows.find((r) => r.k === "grad" && r.n === "backbone")!;
  assert.deepEqual(grad.s.slice(0, 3), [1, 3, 5], "sampled steps only");
  assert.equal(rows.find((r) => r.k === "loss" && r.n === "smoothed")!.s.length, 40);
});

test("no momentum panel when nothing cycles it; empty monitor still gives a valid spec", async () => {
  const p = new nn.Parameter(tensor([1]));
  const opt = new optim.Adam([p], { lr: 0.01 });
  const mon = new TrainingMonitor(opt);
  const empty = monitorSpec(mon);
  assert.deepEqual(vegaLiteSchemaErrors(empty), []);
  p.grad = tensor([1]);
  opt.step();
  const spec = monitorSpec(mon) as { vconcat: unknown[] };
  assert.equal(spec.vconcat.length, 4);
});

test("live bundles are synchronous and carry no PNG; the final chart adds one", async () => {
  const mon = trained(400);
  const chart = new MonitorChartView(mon);
  const t0 = performance.now();
  const live = chart[LIVE_DISPLAY]();
  const ms = performance.now() - t0;
  assert.ok(!(live instanceof Promise));
  assert.ok(jupyter.VEGALITE_MIME in live);
  assert.equal("image/png" in live, false);
  assert.ok(ms < 200, `live bundle took ${ms.toFixed(1)} ms`);
  const full = await chart[Symbol.for("Jupyter.display") as never as typeof LIVE_DISPLAY]();
  const png = Buffer.from(full["image/png"] as string, "base64");
  assert.ok(pngSize(png).width > 400);
});

test("show() under a display sink: two outputs with display ids, updated in place, final update on remove()", async () => {
  const sent: Array<{ id?: string; update: boolean; mimes: string[] }> = [];
  jupyter.setDisplaySink((bundle, opts) => void sent.push({ id: opts.displayId, update: opts.update, mimes: Object.keys(bundle.data) }));
  try {
    const p = new nn.Parameter(tensor([1]));
    const opt = new optim.SGD([p], { lr: 0.1 });
    const mon = new TrainingMonitor(opt).show();
    const ids = sent.filter((s) => !s.update).map((s) => s.id);
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
    p.grad = tensor([1]);
    opt.step();
    mon.remove();
    await jupyter.flushDisplays();
    const updates = sent.filter((s) => s.update);
    assert.ok(updates.length >= 2);
    assert.ok(updates.every((u) => ids.includes(u.id)));
    assert.ok(updates.some((u) => u.mimes.includes("image/png")), "the final chart carries a PNG");
  } finally {
    jupyter.setDisplaySink(null);
  }
});

test("show() follows jupyter.setUpdateRate: at 20 a second a training loop's live table updates about every 50 ms", async () => {
  const sent: Array<{ id: string | undefined; update: boolean | undefined; at: number }> = [];
  jupyter.setDisplaySink((_bundle, opts) => void sent.push({ id: opts.displayId, update: opts.update, at: performance.now() }));
  const p = new nn.Parameter(tensor([1, 2]));
  const opt = new optim.SGD([p], { lr: 0.1 });
  const run = (ms: number) => {
    const mon = new TrainingMonitor(opt).show();
    const table = sent.filter((s) => !s.update).at(-2)!.id;
    const start = sent.length;
    // A synchronous loop of `ms`: no timer can fire, so every send is made by a step.
    for (const t0 = performance.now(); performance.now() - t0 < ms; ) {
      p.grad = tensor([0.1, 0.2]);
      opt.step();
      mon.log(1);
    }
    const live = sent.slice(start).filter((s) => s.id === table).length;
    mon.remove();
    return live;
  };
  try {
    jupyter.setUpdateRate(20);
    const fast = run(1000);
    jupyter.setUpdateRate(4);
    const usual = run(1000);
    // The monitor calls update every quarter interval; the sink sends at the first call 1 / rate
    // after its last send: at 4 a second every 250-313 ms (3 or 4 in the loop), at 20 every
    // 50-63 ms (16-20). Before, it ticked once a second's 4th, so 20/s gave 4.
    assert.ok(usual >= 2 && usual <= 4, `${usual} table updates at 4/s`);
    assert.ok(fast >= 12 && fast <= 20, `${fast} table updates at 20/s`);
    jupyter.setUpdateRate(0);
    assert.equal(run(400), 0, "rate 0: nothing live");
  } finally {
    jupyter.setUpdateRate(4);
    jupyter.setDisplaySink(null);
    await jupyter.flushDisplays();
  }
});

test("display(monitor): HTML with the chart as light and dark PNG images", async () => {
  const mon = trained();
  const bundle = await jupyter.toMimeBundle(mon);
  const root = parseHtml(bundle.data["text/html"] as string);
  assert.equal(root.querySelectorAll("img.pl-plot").length, 2);
  assert.equal(root.querySelectorAll("tbody tr").length, 2);
});

test("names in the monitor's HTML are escaped: a title, a group name and a parameter name carrying markup stay text", () => {
  const a = new nn.Parameter(tensor([1, 2]));
  const dead = new nn.Parameter(tensor([1]));
  const opt = new optim.SGD(
    [{ params: [["w<img src=x onerror=alert(1)>", a], ["d<script>x()</script>", dead]], name: "<b>head</b>" }],
    { lr: 0.1 },
  );
  const mon = new TrainingMonitor(opt, { title: "<i>run</i>", statsEvery: 1 });
  for (let i = 0; i < 3; i++) {
    a.grad = tensor([0.1, 0.2]);
    opt.step();
    mon.log(1);
  }
  const html = new MonitorTableView(mon)[LIVE_DISPLAY]()["text/html"] as string;
  const root = parseHtml(html);
  assert.equal(root.querySelectorAll("img, script, b, i").length, 0, html);
  assert.match(textOf(root), /<b>head<\/b>/);
  assert.match(textOf(root), /<i>run<\/i>/);
  assert.match(textOf(root), /d<script>x\(\)<\/script>/);
});
