/**
 * Times the display bundles a notebook builds most:
 * - the optimizer's param-group table (HTML + text) for a 500-parameter model (250 Linear layers
 *   in a Sequential, 3 param groups), and the same model's `describeParamGroups` report and
 *   module summary;
 * - the schedule plot of a 1,000,000-step, 3-group `OneCycleLR` trace on Adam (lr and beta1 panels,
 *   6 series): the Vega-Lite spec alone, the PNG, and the whole bundle. The first PNG includes
 *   loading vega / vega-lite / resvg ("cold"); later ones do not ("warm").
 * Prints JSON: median milliseconds over `repeats` runs after one warm-up, and output sizes.
 *
 *   node --import tsx bench/display.ts [repeats=7]
 */
import { describeParamGroups, nn, optim, plotSchedule, summary, zeros, type MimeBundle } from "../lib/index.js";
import { toMimeBundle } from "../lib/display/jupyter.js";
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

async function main() {
  const out = {
    node: process.version,
    repeats,
    table_500_params: await tables(),
    schedule_plot_1M_steps_3_groups: await plot(),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

void main();
