/**
 * The training monitor's displays (data in, bundles out): a table of the latest figures per
 * group with the alarms (HTML), and a chart of the history (Vega-Lite: loss raw and smoothed, lr,
 * gradient norm and ‖Δθ‖/‖θ‖ per group, momentum / beta1 when it varies). Interim updates carry
 * the HTML and the Vega-Lite spec (`Symbol.for("paramlab.display.live")`, built synchronously);
 * the final state adds the chart as PNG.
 */
import { groupRow, headline, lossText, momentumVaries, short } from "../train/monitor_text.js";
import type { MonitorView, TrainingMonitor } from "../train/monitor.js";
import { downsample } from "./downsample.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import { decadeTicks } from "./lr_finder_display.js";
import { renderPng } from "./render_png.js";
import { VEGALITE_MIME, VEGALITE_SCHEMA } from "./schedule_plot.js";
import { display, getUpdateRate, JUPYTER_DISPLAY, LIVE_DISPLAY, mediaBundle, type DisplayHandle, type MediaBundle } from "./sink.js";

/** Points drawn per series. */
const MAX_POINTS = 600;
const PLOT_WIDTH = 480;

interface Row {
  /** panel */
  k: "loss" | "lr" | "grad" | "ratio" | "m";
  /** series name */
  n: string;
  s: number[];
  v: number[];
}

function round(v: number): number {
  return Number(v.toPrecision(6));
}

/** A series' recorded points (nulls and, for log panels, values <= 0 left out), downsampled. */
function seriesRow(k: Row["k"], n: string, steps: readonly number[], values: readonly (number | null)[], positive: boolean): Row | null {
  const s: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === null || x === undefined || !Number.isFinite(x) || (positive && x <= 0)) continue;
    s.push(steps[i]);
    v.push(x);
  }
  if (s.length === 0) return null;
  const { indices } = downsample(v, MAX_POINTS);
  return { k, n, s: Array.from(indices, (i) => s[i]), v: Array.from(indices, (i) => round(v[i])) };
}

/** The chart's data rows. */
export function monitorRows(m: TrainingMonitor): Row[] {
  const h = m.history;
  const rows: (Row | null)[] = [seriesRow("loss", "loss", h.step, h.loss, false), seriesRow("loss", "smoothed", h.step, h.smoothedLoss, false)];
  const showM = h.momentumKey !== null && h.groups.some(momentumVaries);
  for (const g of h.groups) {
    rows.push(seriesRow("lr", g.name, h.step, g.lr, true));
    rows.push(seriesRow("grad", g.name, h.step, g.gradNorm, true));
    rows.push(seriesRow("ratio", g.name, h.step, g.updateRatio, true));
    if (showM) rows.push(seriesRow("m", g.name, h.step, g.momentum, false));
  }
  return rows.filter((r): r is Row => r !== null);
}

/** The Vega-Lite spec of the history: stacked panels sharing the step axis. */
export function monitorSpec(m: TrainingMonitor, interactive = true): Record<string, unknown> {
  const h = m.history;
  const rows = monitorRows(m);
  const groups = h.groups.map((g) => g.name);
  const last = Math.max(1, h.step.at(-1) ?? 1);
  const first = h.step[0] ?? 0;
  // One grid line per decade on the log panels (Vega's own log ticks add 2…9 of each decade).
  const ticks = (k: Row["k"]) => decadeTicks(rows.filter((r) => r.k === k).flatMap((r) => r.v));
  const panel = (k: Row["k"], title: string, height: number, log: boolean, showX: boolean, colorDomain: string[], legendTitle: string | null) => {
    const color = {
      field: "n",
      type: "nominal",
      scale: { domain: colorDomain, ...(k === "loss" ? { range: ["#9ecae1", "#08519c"] } : {}) },
      legend: legendTitle === null ? null : { title: legendTitle, orient: "right" },
    };
    const layer: Record<string, unknown>[] = [{ mark: { type: "line", strokeWidth: k === "loss" ? 1.5 : 1.75, clip: true, interpolate: "linear" } }];
    if (interactive) {
      layer.push({
        mark: { type: "point", filled: true, size: 40 },
        params: [{ name: `hover_${k}`, select: { type: "point", nearest: true, on: "mouseover", clear: "mouseout", fields: ["n", "s"] } }],
        encoding: {
          opacity: { condition: { param: `hover_${k}`, empty: false, value: 1 }, value: 0 },
          tooltip: [
            { field: "n", type: "nominal", title: "series" },
            { field: "s", type: "quantitative", title: "step", format: "," },
            { field: "v", type: "quantitative", title, format: ".4~g" },
          ],
        },
      });
    }
    return {
      width: PLOT_WIDTH,
      height,
      transform: [{ filter: { field: "k", equal: k } }, { flatten: ["s", "v"] }],
      encoding: {
        x: { field: "s", type: "quantitative", title: showX ? "step" : null, scale: { domain: [first, last], nice: false, zero: false }, axis: showX ? { format: "~s" } : { labels: false } },
        y: { field: "v", type: "quantitative", title, scale: log ? { type: "log" } : { zero: false }, axis: { format: log ? "~e" : ".3~g", ...(log && ticks(k) ? { values: ticks(k) } : { tickCount: 4 }) } },
        color,
      },
      layer,
    };
  };
  const showM = h.momentumKey !== null && h.groups.some(momentumVaries);
  const panels = [
    panel("loss", "loss", 150, false, false, ["loss", "smoothed"], "loss"),
    panel("lr", "lr", 90, true, false, groups, "group"),
    panel("grad", "grad norm", 90, true, false, groups, null),
    panel("ratio", "‖Δθ‖/‖θ‖", 90, true, !showM, groups, null),
  ];
  if (showM) panels.push(panel("m", h.momentumKey!, 70, false, true, groups, null));
  const alarms = m.alarms;
  const subtitle = [lossText(m), alarms.length ? `${alarms.length} alarm${alarms.length === 1 ? "" : "s"}: ${alarms[0].message.slice(0, 90)}${alarms.length > 1 ? " …" : ""}` : "no alarms"];
  return {
    $schema: VEGALITE_SCHEMA,
    title: { text: headline(m), subtitle, anchor: "start" },
    data: { values: rows },
    vconcat: panels,
    spacing: 6,
    resolve: { scale: { color: "independent", y: "independent" } },
    config: { axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelLimit: 140 } },
  };
}

/** The table of latest figures per group and the alarms, as HTML. */
export function monitorHtml(m: TrainingMonitor, extra = ""): string {
  const h = m.history;
  const mk = h.momentumKey !== null && h.groups.some(momentumVaries) ? h.momentumKey : null;
  const head =
    `<div class="pl-group-title">${escapeHtml(headline(m))}</div>` +
    `<dl class="pl-facts">${el("dt", "loss")}${el("dd", lossText(m), "pl-mono")}${el("dt", "smoothing")}${el("dd", `bias-corrected EMA, β = ${m.smoothing}`)}</dl>`;
  const th = (t: string, num = true) => el("th", t, num ? "pl-num" : undefined);
  const table =
    "<table><thead><tr>" +
    th("group", false) +
    th("lr") +
    th("grad norm") +
    th("‖Δθ‖/‖θ‖") +
    (mk ? th(mk) : "") +
    "</tr></thead><tbody>" +
    h.groups
      .map((g) => {
        const r = groupRow(g);
        const td = (v: number | null, warn = false) => el("td", short(v), `pl-num pl-mono${warn ? " pl-error" : ""}`);
        return "<tr>" + el("td", g.name, "pl-mono") + td(r.lr) + td(r.gradNorm, r.gradNorm !== null && !Number.isFinite(r.gradNorm)) + td(r.updateRatio) + (mk ? td(r.momentum) : "") + "</tr>";
      })
      .join("") +
    "</tbody></table>";
  const alarms = m.alarms;
  const alarmHtml = alarms.length
    ? `<ul class="pl-problems">${alarms.map((a) => `<li class="pl-error" data-kind="${a.kind}">${escapeHtml(a.message)}</li>`).join("")}</ul>`
    : el("div", m.steps ? "No alarms." : "No steps yet.", m.steps ? "pl-ok" : "pl-muted");
  return wrapHtml(head + table + alarmHtml + extra, "pl-monitor");
}

/** The chart as PNG images for the light and the dark theme, as `<img>` tags. */
async function pngImages(m: TrainingMonitor): Promise<{ html: string; light: { png: Buffer; width: number; height: number } } | null> {
  try {
    const spec = monitorSpec(m, false);
    const [light, dark] = await Promise.all([renderPng(spec, { theme: "light" }), renderPng(spec, { theme: "dark" })]);
    const alt = escapeHtml(m.statusLine());
    const img = (p: { png: Buffer; width: number; height: number }, cls: string) =>
      `<img class="pl-plot ${cls}" width="${p.width}" height="${p.height}" alt="${alt}" src="data:image/png;base64,${p.png.toString("base64")}">`;
    return { html: img(light, "pl-img-light") + img(dark, "pl-img-dark"), light };
  } catch (err) {
    process.emitWarning(`training monitor: PNG rendering failed (${(err as Error).message}); showing the table only`);
    return null;
  }
}

/** `display(monitor)`: the table with the chart as PNG, and the text. */
export async function monitorBundle(m: TrainingMonitor): Promise<MediaBundle> {
  const imgs = await pngImages(m);
  return mediaBundle({ "text/plain": m.toString(), "text/html": monitorHtml(m, imgs?.html ?? "") });
}

/** The table part of `monitor.show()`: HTML and text, cheap enough for every update. */
export class MonitorTableView {
  constructor(readonly monitor: TrainingMonitor) {}
  [LIVE_DISPLAY](): MediaBundle {
    return mediaBundle({ "text/plain": this.monitor.toString(), "text/html": monitorHtml(this.monitor) });
  }
  [JUPYTER_DISPLAY](): MediaBundle {
    return this[LIVE_DISPLAY]();
  }
  toString(): string {
    return this.monitor.toString();
  }
}

/** The chart part of `monitor.show()`: Vega-Lite while training, plus a PNG for the final state. */
export class MonitorChartView {
  constructor(readonly monitor: TrainingMonitor) {}
  [LIVE_DISPLAY](): MediaBundle {
    return mediaBundle({ [VEGALITE_MIME]: monitorSpec(this.monitor), "text/plain": this.monitor.statusLine() });
  }
  async [JUPYTER_DISPLAY](): Promise<MediaBundle> {
    const data: Record<string, unknown> = { [VEGALITE_MIME]: monitorSpec(this.monitor), "text/plain": this.monitor.statusLine() };
    const metadata: Record<string, unknown> = {};
    try {
      const img = await renderPng(monitorSpec(this.monitor, false), { theme: "light" });
      data["image/png"] = img.png.toString("base64");
      metadata["image/png"] = { width: img.width, height: img.height };
    } catch (err) {
      process.emitWarning(`training monitor: PNG rendering failed (${(err as Error).message}); showing the Vega-Lite chart only`);
    }
    return mediaBundle(data, metadata);
  }
  toString(): string {
    return this.monitor.statusLine();
  }
}

/**
 * `monitor.show()` in a notebook: two outputs (table, chart) updated in place. The sink throttles
 * the updates (`jupyter.setUpdateRate`, which the monitor's ticks follow when it is above 4 a
 * second), sends the views' live forms while the cell runs and their full forms (the chart's PNG)
 * for the final state: at the end of the cell, or at once when `final` (`remove()`).
 */
export function presentMonitor(m: TrainingMonitor): MonitorView {
  const table = new MonitorTableView(m);
  const chart = new MonitorChartView(m);
  const handles: DisplayHandle[] = [display(table, { display_id: true }), display(chart, { display_id: true })];
  return {
    update(final: boolean): void {
      handles[0].update(table, { final });
      handles[1].update(chart, { final });
    },
    // The sink's rate: 0 (final state only) sends nothing live, whatever the monitor's ticks.
    get intervalMs(): number {
      const rate = getUpdateRate();
      return rate === 0 ? Infinity : 1000 / rate;
    },
  };
}
