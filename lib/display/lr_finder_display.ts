/**
 * The LR range test's display: the smoothed loss (and, faint, each batch's loss) against the lr
 * on a log axis, the suggested lr marked with a point and a rule; Vega-Lite plus a PNG.
 */
import type { LRFinderResult } from "../train/lr_finder.js";
import { renderPng } from "./render_png.js";
import { VEGALITE_MIME, VEGALITE_SCHEMA } from "./schedule_plot.js";
import { mediaBundle, type MediaBundle } from "./sink.js";

/** Powers of ten from below the smallest to above the largest value: one grid line per decade. */
export function decadeTicks(values: readonly number[]): number[] | undefined {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return undefined;
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  if (hi - lo < 2) return undefined;
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) out.push(Number(`1e${k}`));
  return out;
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}

/** The Vega-Lite spec of an LR range test. */
export function lrFinderSpec(r: LRFinderResult, interactive = true): Record<string, unknown> {
  const rows = r.lrs.map((lr, i) => ({ lr: round(lr), loss: round(r.losses[i]), raw: round(r.rawLosses[i]) }));
  const finite = r.losses.filter(Number.isFinite);
  // Keep the y axis on the interesting part: a diverged tail would flatten everything else.
  const lo = Math.min(...finite, ...r.rawLosses.filter(Number.isFinite));
  const start = finite[0] ?? 1;
  const hi = Math.min(Math.max(...finite, ...r.rawLosses.filter(Number.isFinite)), start + Math.max(start - lo, 0.1 * Math.abs(start)));
  const x = { field: "lr", type: "quantitative", title: "learning rate (first group)", scale: { type: r.options.mode === "exp" ? "log" : "linear" }, axis: { format: "~e", ...(r.options.mode === "exp" ? { values: decadeTicks(r.lrs) } : { tickCount: 6 }) } };
  const y = { type: "quantitative", title: "loss", scale: { domain: [round(lo), round(Math.max(hi, lo + 1e-12))], clamp: true, zero: false } };
  const layers: Record<string, unknown>[] = [
    { mark: { type: "line", color: "#9ecae1", strokeWidth: 1, clip: true }, encoding: { x, y: { ...y, field: "raw" } } },
    { mark: { type: "line", color: "#08519c", strokeWidth: 2, clip: true }, encoding: { x, y: { ...y, field: "loss" } } },
  ];
  if (interactive) {
    layers.push({
      mark: { type: "point", filled: true, size: 50, color: "#08519c" },
      params: [{ name: "hover", select: { type: "point", nearest: true, on: "mouseover", clear: "mouseout" } }],
      encoding: {
        x,
        y: { ...y, field: "loss" },
        opacity: { condition: { param: "hover", empty: false, value: 1 }, value: 0 },
        tooltip: [
          { field: "lr", type: "quantitative", format: ".3~e" },
          { field: "loss", type: "quantitative", title: "smoothed loss", format: ".4~g" },
          { field: "raw", type: "quantitative", title: "batch loss", format: ".4~g" },
        ],
      },
    });
  }
  const s = r.suggestion;
  if (s !== null) {
    const point = [{ lr: round(s), loss: round(r.losses[r.suggestionIndex!]), label: `suggested ${s.toExponential(2)}` }];
    layers.push(
      { data: { values: point }, mark: { type: "rule", color: "#d62728", strokeDash: [4, 3] }, encoding: { x } },
      { data: { values: point }, mark: { type: "point", filled: true, size: 90, color: "#d62728" }, encoding: { x, y: { ...y, field: "loss" } } },
      { data: { values: point }, mark: { type: "text", align: "left", dx: 6, dy: -10, color: "#d62728", fontWeight: "bold" }, encoding: { x, y: { ...y, field: "loss" }, text: { field: "label" } } },
    );
  }
  const sub = [
    `${r.lrs.length} iterations, ${r.options.mode} from ${r.lrs[0].toExponential(1)} to ${r.lrs.at(-1)!.toExponential(1)}` + (r.divergedAt !== null ? "; stopped: the loss diverged" : ""),
    s === null ? "no suggestion (too few points)" : `suggested lr: ${s.toExponential(2)} (steepest fall of the smoothed loss)`,
  ];
  return {
    $schema: VEGALITE_SCHEMA,
    title: { text: "LR range test", subtitle: sub, anchor: "start" },
    width: 480,
    height: 260,
    data: { values: rows },
    layer: layers,
    config: { axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}

/** Vega-Lite + PNG + text. */
export async function lrFinderBundle(r: LRFinderResult): Promise<MediaBundle> {
  const data: Record<string, unknown> = { [VEGALITE_MIME]: lrFinderSpec(r), "text/plain": r.toString() };
  const metadata: Record<string, unknown> = {};
  try {
    const img = await renderPng(lrFinderSpec(r, false), { theme: "light" });
    data["image/png"] = img.png.toString("base64");
    metadata["image/png"] = { width: img.width, height: img.height };
  } catch (err) {
    process.emitWarning(`LR range test: PNG rendering failed (${(err as Error).message}); showing the Vega-Lite chart only`);
  }
  return mediaBundle(data, metadata);
}
