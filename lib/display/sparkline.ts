/**
 * A small line chart as standalone SVG text, built synchronously without a renderer: what live
 * displays draw while a cell runs (the full forms render Vega-Lite and a PNG at the end). One
 * polyline per series, a frame, the value range and the step range as labels, and a legend. Text
 * and frame use `currentColor`, so it reads on light and dark pages; lines use Vega's default
 * category colours, as the full chart does.
 */
import { downsample } from "./downsample.js";
import { formatCount, formatShort } from "./format.js";
import { escapeHtml } from "./html.js";

/** One line: x (steps) and y values; `null` / non-finite y values are gaps. */
export interface SparkSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
}

/** Options of `sparkline`. */
export interface SparkOptions {
  /** Log-scale y (values <= 0 are left out). */
  log?: boolean;
  /** Size in CSS pixels (default 520 × 120); the SVG shrinks to a narrower output area. */
  width?: number;
  height?: number;
}

/** Vega's default category colours (tableau10). */
const COLORS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];

/** Most points drawn per series: plenty for 520 px, and the SVG stays small (tens of KB). */
const MAX_POINTS = 600;

/**
 * Draws `series` as an SVG line chart titled `title`.
 *
 * @example
 * sparkline([{ name: "lr", x: [0, 1, 2], y: [0.1, 0.05, 0.01] }], "lr by step");
 */
export function sparkline(series: SparkSeries[], title: string, options: SparkOptions = {}): string {
  const { log = false, width: W = 520, height: H = 120 } = options;
  const left = 64;
  // A legend gets its own line under the title.
  const top = series.length > 1 ? 36 : 22;
  const w = W - left - 8;
  const h = H - top - 22;
  const tf = (v: number | null): number => (v === null || !Number.isFinite(v) || (log && v <= 0) ? Number.NaN : log ? Math.log10(v) : v);
  let lo = Infinity;
  let hi = -Infinity;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.y.length; i++) {
      // The step range covers every step given, drawn or not (a schedule that ends at 0 on a log axis).
      x0 = Math.min(x0, s.x[i]);
      x1 = Math.max(x1, s.x[i]);
      const v = tf(s.y[i]);
      if (Number.isNaN(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  // width / height attributes: classic Notebook sizes an SVG output by them; the style lets it shrink.
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="pl-plot" role="img" aria-label="${escapeHtml(title)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="currentColor" style="display:block;width:${W}px;max-width:100%;height:auto;margin-top:6px">`;
  const legend = series.length > 1 ? series.map((s, k) => `<tspan fill="${COLORS[k % COLORS.length]}">━</tspan><tspan> ${escapeHtml(s.name)}   </tspan>`).join("") : "";
  const shown = title.length > 80 ? `${title.slice(0, 79)}…` : title;
  const head = `<text x="${left}" y="12" font-weight="600">${escapeHtml(shown)}</text>` + (legend ? `<text x="${left}" y="27">${legend}</text>` : "");
  if (!(hi >= lo)) return `${open}${head}<text x="${left}" y="${top + h / 2}">no finite value to draw</text></svg>`;
  const y0 = log ? lo : Math.min(0, lo);
  const span = hi - y0 || Math.abs(hi) || 1;
  const xs = x1 - x0 || 1;
  const px = (x: number) => left + (x1 > x0 ? ((x - x0) / xs) * w : w / 2);
  const py = (v: number) => top + h - ((v - y0) / span) * h;
  const lines = series.map((s, k) => {
    const ys = Float64Array.from({ length: s.y.length }, (_, i) => tf(s.y[i]));
    // Downsampled keeping extremes and jumps; runs of finite points are one path each, so gaps stay gaps.
    let d = "";
    let pen = false;
    for (const i of downsample(ys, MAX_POINTS).indices) {
      if (Number.isNaN(ys[i])) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${px(s.x[i]).toFixed(1)},${py(ys[i]).toFixed(1)}`;
      pen = true;
    }
    return `<path fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.75" d="${d}"><title>${escapeHtml(s.name)}</title></path>`;
  });
  const label = (v: number) => escapeHtml(formatShort(log ? 10 ** v : v));
  return (
    open +
    head +
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="currentColor" stroke-opacity=".35"/>` +
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end">${label(hi)}</text>` +
    `<text x="${left - 4}" y="${top + h}" text-anchor="end">${label(y0)}</text>` +
    `<text x="${left}" y="${H - 6}">step ${formatCount(x0)}</text>` +
    `<text x="${left + w}" y="${H - 6}" text-anchor="end">${formatCount(x1)}</text>` +
    lines.join("") +
    "</svg>"
  );
}
