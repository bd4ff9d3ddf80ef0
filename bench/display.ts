/**
 * Times the display bundles a notebook builds most:
 * - the optimizer's param-group table (HTML + text) for a 500-parameter model (250 Linear layers
 *   in a Sequential, 3 param groups), and the same model's `describeParamGroups` report and
 *   module summary;
 * - the schedule plot of a 1,000,000-step, 3-group `OneCycleLR` trace on Adam (lr and beta1 panels,
 *   6 series): the Vega-Lite spec alone, the PNG, and the whole bundle. The first PNG includes
 *   loading vega / vega-lite / resvg ("cold"); later ones do not ("warm").
 * - live updates inside a running loop: what one `handle.update()` costs when the throttle drops it
 *   (no bundle is built), a 10,000-step loop updating a live plot every step against the same loop
 *   without displays, and the live form of the 1M-step plot against its full form (PNG).
 * Prints JSON: median milliseconds over `repeats` runs after one warm-up, and output sizes. There
 * is no PyTorch figure: display cost has no PyTorch counterpart (IPython's update_display sends
 * every call, unthrottled).
 *
 *   node --import tsx bench/display.ts [repeats=7]
 */
import { describeParamGroups, display, nn, optim, plotSchedule, summary, zeros, type MimeBundle } from "../lib/index.js";
import { flushDisplays, liveMimeBundle, setDisplaySink, toMimeBundle } from "../lib/display/jupyter.js";
import type { ScheduleTrace } from "../lib/optim/lr_scheduler/trace.js";

const repeats = Number(process.argv[2] ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)].toFixed(2));
}

async function time(fn: () => unknown, n = repeats): Promise<{ median_ms: number; min_ms: number }> {
  await fn(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return { median_ms: median(ts), min_ms: Number(Math.min(...ts).toFixed(2)) };
}

async function tables() {
  const layers = Array.from({ length: 250 }, () => new nn.Linear(16, 16));
  const model = new nn.Sequential(...layers);
  const params = model.parameters();
  const third = Math.ceil(layers.length / 3);
  const opt = new optim.AdamW([
    { params: layers.slice(0, third).flatMap((l) => l.parameters()), lr: 1e-4, name: "early" },
    { params: layers.slice(third, 2 * third).flatMap((l) => l.parameters()), lr: 3e-4, name: "middle" },
    { params: layers.slice(2 * third).flatMap((l) => l.parameters()), lr: 1e-3, name: "late" },
  ]);
  const bundle = (await toMimeBundle(opt)) as MimeBundle;
  return {
    parameters: params.length,
    elements: params.reduce((n, p) => n + p.numel, 0),
    optimizer_table: { ...(await time(() => toMimeBundle(opt))), html_bytes: String(bundle.data["text/html"]).length, text_bytes: String(bundle.data["text/plain"]).length },
    param_group_report: await time(() => toMimeBundle(describeParamGroups(model, opt))),
    module_summary: await time(() => toMimeBundle(summary(model))),
  };
}

async function plot() {
  const steps = 1_000_000;
  const opt = new optim.Adam([
    { params: [new nn.Parameter(zeros(2))], lr: 1e-3, name: "backbone" },
    { params: [new nn.Parameter(zeros(2))], lr: 2e-3, name: "neck" },
    { params: [new nn.Parameter(zeros(2))], lr: 3e-3, name: "head" },
  ]);
  const t0 = performance.now();
  const trace: ScheduleTrace = optim.lr_scheduler.simulate(
    opt,
    (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: [0.01, 0.02, 0.03], total_steps: steps }),
    { steps },
  );
  const simulateMs = performance.now() - t0;
  // Cold: the first plot of the process loads the renderer.
  const c0 = performance.now();
  const coldBundle = (await toMimeBundle(trace)) as MimeBundle;
  const coldMs = performance.now() - c0;
  const spec = JSON.stringify(coldBundle.data["application/vnd.vegalite.v5+json"]);
  const png = Buffer.from(String(coldBundle.data["image/png"]), "base64");
  const perSeries = (coldBundle.data["application/vnd.vegalite.v5+json"] as { data: { values: Array<{ s: number[] }> } }).data.values.map((r) => r.s.length);
  return {
    steps,
    groups: trace.lr.length,
    series: perSeries.length,
    points_per_series_max: Math.max(...perSeries),
    simulate_ms: Number(simulateMs.toFixed(2)),
    spec_only: await time(() => plotSchedule(trace).spec()),
    png_only_warm: await time(() => plotSchedule(trace).toPng()),
    bundle_cold_ms: Number(coldMs.toFixed(2)),
    bundle_warm: await time(() => toMimeBundle(trace)),
    spec_bytes: spec.length,
    png_bytes: png.length,
    png_size: (coldBundle.metadata?.["image/png"] ?? null) as unknown,
  };
}

/** A fixed amount of arithmetic (about 100 µs here), standing in for a training step's work. */
let sink0 = 0;
function work(): void {
  let x = 0;
  for (let i = 1; i <= 40_000; i++) x += Math.sqrt(i);
  sink0 += x;
}

async function live() {
  let sends = 0;
  let pngs = 0;
  setDisplaySink((bundle) => {
    sends++;
    if ("image/png" in bundle.data) pngs++;
  });
  const opt = new optim.SGD([{ params: [new nn.Parameter(zeros(2))], lr: 0.1 }], { lr: 0.1, momentum: 0.9 });
  const trace = optim.lr_scheduler.simulate(opt, (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: 0.1, total_steps: 10_000 }), { steps: 10_000 });
  // 1. One update the throttle drops: min over runs of 1,000,000 calls inside one 250 ms window.
  const calls = 1_000_000;
  const perCall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const h = display(plotSchedule(trace), { display_id: true });
    const plot = plotSchedule(trace);
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) h.update(plot);
    perCall.push(((performance.now() - t0) * 1e6) / calls);
    await flushDisplays();
  }
  const emptyLoop: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let x = 0;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) x += Date.now() & 1;
    emptyLoop.push(((performance.now() - t0) * 1e6) / calls + (x & 0));
  }
  // 2. A 10,000-step loop of fixed work per step, updating a live plot every step (min of runs, interleaved).
  const steps = 10_000;
  const loop = async (withDisplay: boolean) => {
    const h = withDisplay ? display(plotSchedule(trace), { display_id: true }) : null;
    const before = sends;
    const t0 = performance.now();
    for (let k = 1; k <= steps; k++) {
      work();
      h?.update(trace);
    }
    const ms = performance.now() - t0;
    const interim = sends - before;
    await flushDisplays();
    return { ms, interim };
  };
  const plain: number[] = [];
  const withDisplay: number[] = [];
  let interim = 0;
  for (let r = 0; r < repeats; r++) {
    plain.push((await loop(false)).ms);
    const d = await loop(true);
    withDisplay.push(d.ms);
    interim = d.interim;
  }
  // 3. The 1M-step plot's live form against its full form.
  const big = optim.lr_scheduler.simulate(
    new optim.Adam([{ params: [new nn.Parameter(zeros(2))], lr: 1e-3 }, { params: [new nn.Parameter(zeros(2))], lr: 2e-3 }, { params: [new nn.Parameter(zeros(2))], lr: 3e-3 }]),
    (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: [0.01, 0.02, 0.03], total_steps: 1_000_000 }),
    { steps: 1_000_000 },
  );
  const result = {
    throttled_update_ns: { min: Number(Math.min(...perCall).toFixed(1)), median: Number(median(perCall).toFixed(1)), calls_per_run: calls },
    empty_loop_with_date_now_ns: Number(Math.min(...emptyLoop).toFixed(1)),
    loop_10000_steps_fixed_work: {
      without_display_ms: Number(Math.min(...plain).toFixed(1)),
      with_live_plot_update_every_step_ms: Number(Math.min(...withDisplay).toFixed(1)),
      overhead_percent: Number(((Math.min(...withDisplay) / Math.min(...plain) - 1) * 100).toFixed(2)),
      interim_sends_per_loop: interim,
    },
    plot_1M_steps: {
      live_form: await time(() => liveMimeBundle(big)),
      full_form_with_png: await time(() => toMimeBundle(big)),
    },
    pngs_rendered: pngs,
    work_checksum: sink0 > 0,
  };
  setDisplaySink(null);
  return result;
}

async function main() {
  const out = {
    node: process.version,
    repeats,
    load_average: (await import("node:os")).loadavg().map((l) => Number(l.toFixed(2))),
    table_500_params: await tables(),
    schedule_plot_1M_steps_3_groups: await plot(),
    live_updates: await live(),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

void main();
