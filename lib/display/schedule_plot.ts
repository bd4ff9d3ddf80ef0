/**
 * Learning-rate schedules as Vega-Lite line charts: lr against step, one coloured series per
 * param group (or per schedule and group when comparing), tooltips, optional log y axis, and a
 * second panel for momentum / beta1 when the scheduler cycles them. Long traces are downsampled
 * (`downsample.ts`) so that a million steps draw in milliseconds and the spec stays small.
 *
 * The spec uses only Vega-Lite 5.6 features (JupyterLab 4 bundles 5.6) and no colours of its own,
 * so JupyterLab's Vega renderer can theme it; the PNG is rendered in-process on white.
 */
import type { ScheduleTrace } from "../optim/lr_scheduler/trace.js";
import { downsample } from "./downsample.js";
import { formatCount, formatShort } from "./format.js";
import { renderPng } from "./render_png.js";
import { JUPYTER_DISPLAY, LIVE_DISPLAY, mediaBundle, type MediaBundle } from "./sink.js";
import { sparkline } from "./sparkline.js";

/** Options of `plotSchedule` and `compareSchedules`. */
export interface PlotOptions {
  /** Log-scale y axis for the learning rate (steps with lr <= 0 are left out). */
  logY?: boolean;
  /** Most points drawn per series (default 2000). */
  maxPoints?: number;
  /** Chart title (default: the scheduler's description). */
  title?: string;
  /** Plot area size in CSS pixels, 50 to 4000 (default 560 × 260; the momentum panel is 110 high). */
  width?: number;
  height?: number;
  /** Include a PNG (rendered in-process) in the display bundle. Default true. */
  png?: boolean;
  /** Step number of sample 0 (e.g. a scheduler's `lastEpoch` for a preview). Default 0. */
  firstStep?: number;
}

/** The Vega-Lite MIME type JupyterLab 4, VS Code and nbconvert render. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
export const VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Points per spec, over all series: keeps a 3-group + momentum plot near 150 KB. */
const TOTAL_POINT_BUDGET = 8000;
/** Significant digits kept for drawn values (tooltips show these). */
const DIGITS = 7;

/** Largest plot-area side in CSS pixels (the PNG is drawn at 2x: 8000 px, about 0.3 GB at most). */
export const MAX_PLOT_SIZE = 4000;
/** Smallest plot-area side: below it axes and legend have no room. */
export const MIN_PLOT_SIZE = 50;

/** The messages of the option checks, shared with the tests. */
export const PLOT_MESSAGES = {
  size: (fn: string, key: "width" | "height", got: unknown) =>
    `${fn}(): ${key} must be a number of CSS pixels from ${MIN_PLOT_SIZE} to ${MAX_PLOT_SIZE}, got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`,
  maxPoints: (fn: string, got: unknown) => `${fn}(): maxPoints must be an integer >= 8, got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`,
  firstStep: (fn: string, got: unknown) => `${fn}(): firstStep must be an integer, got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`,
};

/** Checks the options where they enter: a plot's size decides the PNG's memory (20000² took 12.7 GB). */
function checkOptions(fn: string, options: PlotOptions): PlotOptions {
  if (typeof options !== "object" || options === null) throw new TypeError(`${fn}(): options must be an object, got ${options === null ? "null" : typeof options}`);
  for (const key of ["width", "height"] as const) {
    const v = options[key] as unknown;
    if (v === undefined) continue;
    if (typeof v !== "number") throw new TypeError(PLOT_MESSAGES.size(fn, key, v));
    if (!(v >= MIN_PLOT_SIZE && v <= MAX_PLOT_SIZE)) throw new RangeError(PLOT_MESSAGES.size(fn, key, v));
  }
  const mp = options.maxPoints as unknown;
  if (mp !== undefined && !(typeof mp === "number" && Number.isInteger(mp) && mp >= 8)) {
    throw (typeof mp === "number" ? new RangeError(PLOT_MESSAGES.maxPoints(fn, mp)) : new TypeError(PLOT_MESSAGES.maxPoints(fn, mp)));
  }
  const fs = options.firstStep as unknown;
  // Any integer: a scheduler's lastEpoch (-1 for a ChainedScheduler) is a valid first step.
  if (fs !== undefined && !(typeof fs === "number" && Number.isSafeInteger(fs))) {
    throw (typeof fs === "number" ? new RangeError(PLOT_MESSAGES.firstStep(fn, fs)) : new TypeError(PLOT_MESSAGES.firstStep(fn, fs)));
  }
  return options;
}

/**
 * A name as drawn: characters that Vega's expression parser or SVG cannot hold (C0/C1 controls such
 * as NUL, U+2028 / U+2029 line and paragraph separators, bidi overrides) are shown as `\uXXXX`.
 * The text summary keeps names as given.
 */
export function plotLabel(name: string): string {
  return String(name).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** True for objects shaped like `optim.lr_scheduler.simulate`'s result. */
export function isScheduleTrace(v: unknown): v is ScheduleTrace {
  if (typeof v !== "object" || v === null) return false;
  const t = v as Partial<ScheduleTrace>;
  return (
    typeof t.steps === "number" &&
    Array.isArray(t.groupNames) &&
    Array.isArray(t.lr) &&
    t.lr.length === t.groupNames.length &&
    t.lr.every((s) => s instanceof Float64Array || Array.isArray(s)) &&
    typeof t.scheduler === "string"
  );
}

/** One drawn line. */
interface Series {
  /** Legend label. */
  name: string;
  /** Which panel: `lr`, `momentum` or `beta1`. */
  kind: "lr" | "momentum" | "beta1";
  values: ArrayLike<number>;
}

/** One series in the spec's data: panel (`lr` / `m`), name, and parallel step / value arrays. */
interface DataRow {
  k: "lr" | "m";
  n: string;
  s: number[];
  v: Array<number | null>;
}

/** Per-series facts for the text summary. */
interface SeriesStats {
  name: string;
  kind: Series["kind"];
  first: number;
  last: number;
  min: number;
  minAt: number;
  max: number;
  maxAt: number;
  n: number;
  /** NaN / ±Infinity samples (left out of the drawing). */
  bad: number;
}

function stats(s: Series): SeriesStats {
  const v = s.values;
  let min = Infinity;
  let max = -Infinity;
  let minAt = 0;
  let maxAt = 0;
  let bad = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) {
      bad++;
      continue;
    }
    if (x < min) {
      min = x;
      minAt = i;
    }
    if (x > max) {
      max = x;
      maxAt = i;
    }
  }
  return { name: s.name, kind: s.kind, first: v[0], last: v[v.length - 1], min, minAt, max, maxAt, n: v.length, bad };
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(DIGITS)) : null;
}

/** A schedule chart; displays as Vega-Lite + PNG + a text summary. */
export class SchedulePlot {
  readonly title: string;
  readonly subtitle: string;
  readonly options: Readonly<PlotOptions>;
  readonly #series: Series[];
  readonly #steps: number;
  #approximate = false;
  #points = 0;

  readonly #legendTitle: string;
  /** Drawn label per series name (see `plotLabel`), distinct for distinct names. */
  readonly #labels: Map<string, string>;

  /** Use `plotSchedule` / `compareSchedules`. */
  constructor(series: Series[], steps: number, title: string, subtitle: string, options: PlotOptions, legendTitle = "group") {
    this.#legendTitle = legendTitle;
    this.#series = series;
    this.#labels = uniqueLabels(series.map((s) => s.name));
    this.#steps = steps;
    this.title = options.title ?? title;
    this.subtitle = subtitle;
    this.options = { ...options };
  }

  /** Series labels in legend order, as drawn. */
  get seriesNames(): string[] {
    const names = [...new Set(this.#series.map((s) => this.#labels.get(s.name)!))];
    for (const row of this.#rows(this.#perSeries(), this.options.firstStep ?? 0)) if (!names.includes(row.n)) names.push(row.n);
    return names;
  }

  #perSeries(): number {
    const maxPoints = this.options.maxPoints ?? 2000;
    return Math.max(8, Math.min(maxPoints, Math.floor(TOTAL_POINT_BUDGET / Math.max(1, this.#series.length))));
  }

  /** The Vega-Lite spec (interactive: tooltips on the nearest point). */
  spec(): Record<string, unknown> {
    return this.#build(true);
  }

  /** Points drawn in the last spec built, over all series. */
  get drawnPoints(): number {
    return this.#points;
  }

  #cache: { key: string; rows: DataRow[] } | null = null;

  /** The drawn data, one row per series (downsampled once, shared by the spec and the PNG). */
  #rows(perSeries: number, firstStep: number): DataRow[] {
    const key = `${perSeries}:${firstStep}`;
    if (this.#cache?.key === key) return this.#cache.rows;
    const rows: DataRow[] = [];
    this.#approximate = false;
    this.#points = 0;
    for (const { series: s, names } of mergeIdenticalMomentum(this.#series)) {
      const { indices, approximate } = downsample(s.values, perSeries);
      if (approximate) this.#approximate = true;
      const steps = Array.from(indices, (i) => i + firstStep);
      const values = Array.from(indices, (i) => round(s.values[i]));
      this.#points += steps.length;
      const labels = names.map((n) => this.#labels.get(n)!);
      // Identical lines would hide each other: one line, named for all of them.
      const label = labels.length > 1 ? `${labels.join(" = ")} (same ${s.kind})` : labels[0]!;
      rows.push({ k: s.kind === "lr" ? "lr" : "m", n: label, s: steps, v: values });
    }
    this.#cache = { key, rows };
    return rows;
  }

  #build(interactive: boolean): Record<string, unknown> {
    const { logY = false, width = 560, height = 260, firstStep = 0 } = this.options;
    const perSeries = this.#perSeries();
    const rows = this.#rows(perSeries, firstStep);
    const names = this.seriesNames;
    const domainX = [firstStep, firstStep + Math.max(1, this.#steps - 1)];
    const color = {
      field: "n",
      type: "nominal",
      title: this.#legendTitle,
      sort: names,
      scale: { domain: names },
      ...(names.length > 1 ? { legend: { symbolType: "stroke", symbolStrokeWidth: 2.5, ...legendPlacement(names) } } : { legend: null }),
    };
    const panel = (kind: "lr" | "m", yTitle: string, h: number, log: boolean, showX: boolean) => {
      const sel = `hover_${kind}`;
      const base = {
        x: {
          field: "s",
          type: "quantitative",
          title: showX ? "step" : null,
          scale: { domain: domainX, nice: false, zero: false },
          // "~s" (300k, 1M) for long runs; d3 would prefix every tick alike ("0k"), so format each label.
          axis: {
            ...(domainX[1] >= 10000 ? { labelExpr: "format(datum.value, '~s')" } : { format: "d" }),
            ...(showX ? { labelFlush: true } : { labels: false }),
          },
        },
        y: {
          field: "v",
          type: "quantitative",
          title: yTitle,
          scale: log ? { type: "log" } : { zero: kind === "lr" },
          axis: { format: log && logNeedsExponent(rows, kind) ? "~e" : "~g" },
        },
        color,
      };
      const layers: Record<string, unknown>[] = [{ mark: { type: "line", strokeWidth: 1.75, clip: true } }];
      if (interactive) {
        // One point layer: invisible except the point nearest the pointer, which carries the tooltip.
        layers.push({
          mark: { type: "point", filled: true, size: 60 },
          params: [{ name: sel, select: { type: "point", nearest: true, on: "mouseover", clear: "mouseout", fields: ["n", "s"] } }],
          encoding: {
            opacity: { condition: { param: sel, empty: false, value: 1 }, value: 0 },
            tooltip: [
              { field: "n", type: "nominal", title: "series" },
              { field: "s", type: "quantitative", title: "step", format: "," },
              { field: "v", type: "quantitative", title: yTitle, format: ".6~g" },
            ],
          },
        });
      }
      const transform: Record<string, unknown>[] = [{ filter: { field: "k", equal: kind } }, { flatten: ["s", "v"] }];
      transform.push(log ? { filter: "isValid(datum.v) && datum.v > 0" } : { filter: "isValid(datum.v)" });
      return { width, height: h, transform, encoding: base, layer: layers };
    };
    const extra = [...new Set(this.#series.filter((s) => s.kind !== "lr").map((s) => s.kind))].join(" / ");
    const lrPanel = panel("lr", "learning rate", height, logY, !extra);
    const body: Record<string, unknown> = extra
      ? { vconcat: [lrPanel, panel("m", extra, 110, false, true)], spacing: 8 }
      : lrPanel;
    const subtitle = [this.subtitle, this.#approximate || this.#points < this.#series.reduce((n, s) => n + s.values.length, 0) ? `drawn with ≤ ${formatCount(perSeries)} points per series` : "", logY ? "log scale" : ""]
      .filter(Boolean)
      .join(" · ");
    return {
      $schema: VEGALITE_SCHEMA,
      title: { text: wrapTitle(plotLabel(this.title)), subtitle: plotLabel(subtitle), anchor: "start" },
      data: { values: rows },
      ...body,
      config: { axis: { labelFontSize: 11, titleFontSize: 12 } },
    };
  }

  /** Start, extremes and end of every series, as text. */
  toString(): string {
    const lines = [`${this.title}`, `  ${this.subtitle}`];
    const first = this.options.firstStep ?? 0;
    for (const st of this.#series.map(stats)) {
      const label = st.kind === "lr" ? st.name : `${st.name} (${st.kind})`;
      if (st.n === 0) {
        lines.push(`  ${label}: empty`);
        continue;
      }
      if (st.bad === st.n) {
        // No finite sample: there is no max or min to report (not "max -Infinity · min Infinity").
        lines.push(`  ${label}: no finite value (${formatCount(st.n)} non-finite, starting ${formatShort(st.first)}), nothing drawn`);
        continue;
      }
      lines.push(
        `  ${label}: start ${formatShort(st.first)} · max ${formatShort(st.max)} at step ${formatCount(st.maxAt + first)}` +
          ` · min ${formatShort(st.min)} at step ${formatCount(st.minAt + first)} · end ${formatShort(st.last)}` +
          (st.bad ? ` · ${formatCount(st.bad)} non-finite value${st.bad === 1 ? "" : "s"} not drawn` : ""),
      );
    }
    return lines.join("\n");
  }

  /** The chart as PNG (rendered without a browser). */
  async toPng(scale = 2, theme: "light" | "dark" = "light"): Promise<{ png: Buffer; width: number; height: number; pixelWidth: number; pixelHeight: number }> {
    return renderPng(this.#build(false), { scale, theme });
  }

  /**
   * The live form, built synchronously: Vega-Lite spec + text, no PNG, and the lr panel as a small
   * SVG for front ends without a Vega-Lite renderer (classic Notebook; JupyterLab prefers the
   * spec). What a display updated inside a running cell shows; the full form follows at the end.
   */
  [LIVE_DISPLAY](): MediaBundle {
    const spec = this.spec();
    const rows = this.#rows(this.#perSeries(), this.options.firstStep ?? 0).filter((r) => r.k === "lr");
    const svg = sparkline(rows.map((r) => ({ name: r.n, x: r.s, y: r.v })), plotLabel(this.title), { log: this.options.logY === true });
    return mediaBundle({ [VEGALITE_MIME]: spec, "image/svg+xml": svg, "text/plain": this.toString() });
  }

  /** Vega-Lite spec + PNG + text. A PNG that fails to render is left out with a warning. */
  async [JUPYTER_DISPLAY](): Promise<MediaBundle> {
    const data: Record<string, unknown> = { [VEGALITE_MIME]: this.spec(), "text/plain": this.toString() };
    const metadata: Record<string, unknown> = {};
    if (this.options.png !== false) {
      try {
        const img = await this.toPng();
        data["image/png"] = img.png.toString("base64");
        metadata["image/png"] = { width: img.width, height: img.height };
      } catch (err) {
        process.emitWarning(`schedule plot: PNG rendering failed (${(err as Error).message}); showing the Vega-Lite chart only`);
      }
    }
    return mediaBundle(data, metadata);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Distinct drawn labels for distinct names: escaping could make two alike ("a\u2028" and "a\\u2028"). */
function uniqueLabels(names: string[]): Map<string, string> {
  const labels = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    if (labels.has(name)) continue;
    let label = plotLabel(name);
    for (let k = 2; taken.has(label); k++) label = `${plotLabel(name)} #${k}`;
    labels.set(name, label);
    taken.add(label);
  }
  return labels;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * The series to draw: lr series as they are; momentum / beta1 series that are identical across
 * groups (OneCycleLR cycles every group's momentum alike) become one series with all their names.
 */
function mergeIdenticalMomentum(series: Series[]): Array<{ series: Series; names: string[] }> {
  const out: Array<{ series: Series; names: string[] }> = [];
  for (const s of series) {
    const twin = s.kind === "lr" ? undefined : out.find((o) => o.series.kind === s.kind && sameValues(o.series.values, s.values));
    if (twin) twin.names.push(s.name);
    else out.push({ series: s, names: [s.name] });
  }
  return out;
}

/**
 * Whether a log axis needs exponent labels: d3's "~g" writes 1e-6 as "0.000001" but 1e-7 as
 * "1e-7", so a range reaching below 1e-4 is labelled "1e-3 … 1e-8" throughout instead.
 */
function logNeedsExponent(rows: DataRow[], kind: "lr" | "m"): boolean {
  let min = Infinity;
  let max = 0;
  for (const r of rows) {
    if (r.k !== kind) continue;
    for (const v of r.v) {
      if (v !== null && v > 0) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  return min < 1e-4 || max >= 1e6;
}

/**
 * Legend beside the chart for short names; below it, in columns, for long ones (schedule
 * descriptions), so the chart keeps its width in a narrow notebook.
 */
function legendPlacement(names: string[]): Record<string, unknown> {
  const longest = Math.max(...names.map((n) => n.length));
  if (longest <= 18) return { orient: "right" };
  return { orient: "bottom", direction: "horizontal", columns: longest > 36 ? 1 : 2, labelLimit: 360 };
}

/** Breaks a long description (`OneCycleLR(max_lr=..., ...)`) after commas into lines of <= 80 characters. */
function wrapTitle(title: string, width = 80): string | string[] {
  if (title.length <= width) return title;
  const parts = title.split(/(?<=, )/);
  const lines: string[] = [];
  let cur = "";
  for (const p of parts) {
    if (cur && cur.length + p.length > width) {
      lines.push(cur.trimEnd());
      cur = "    ";
    }
    cur += p;
  }
  if (cur.trim()) lines.push(cur.trimEnd());
  return lines;
}

function checkTrace(t: unknown, what: string): ScheduleTrace {
  if (!isScheduleTrace(t)) {
    throw new TypeError(`${what} must be a ScheduleTrace (the result of optim.lr_scheduler.simulate), got ${t === null ? "null" : typeof t === "object" ? `an object with keys ${Object.keys(t as object).slice(0, 6).join(", ")}` : typeof t}`);
  }
  return t;
}

function traceSeries(t: ScheduleTrace, prefix: string): Series[] {
  const label = (g: number) => (prefix ? (t.groupNames.length > 1 ? `${prefix} · ${t.groupNames[g]}` : prefix) : t.groupNames[g]);
  const out: Series[] = t.lr.map((v, g) => ({ name: label(g), kind: "lr", values: v }));
  const extra = t.momentum ? { kind: "momentum" as const, series: t.momentum } : t.beta1 ? { kind: "beta1" as const, series: t.beta1 } : null;
  if (extra) extra.series.forEach((v, g) => out.push({ name: label(g), kind: extra.kind, values: v }));
  return out;
}

function stepsText(n: number): string {
  return `${formatCount(n)} step${n === 1 ? "" : "s"}`;
}

function groupsText(n: number): string {
  return `${n} param group${n === 1 ? "" : "s"}`;
}

/**
 * Plots a schedule computed by `optim.lr_scheduler.simulate`: lr against step per param group,
 * with a momentum / beta1 panel when the scheduler cycles it.
 *
 * @example
 * const trace = optim.lr_scheduler.simulate(opt, (o) => new OneCycleLR(o, { max_lr: 0.01, total_steps: 1000 }), { steps: 1000 });
 * plotSchedule(trace, { logY: true });
 */
export function plotSchedule(trace: ScheduleTrace, options: PlotOptions = {}): SchedulePlot {
  const t = checkTrace(trace, "plotSchedule(trace)");
  checkOptions("plotSchedule", options);
  return new SchedulePlot(traceSeries(t, ""), t.steps, t.description || t.scheduler, `${stepsText(t.steps)} · ${groupsText(t.groupNames.length)}`, options);
}

/**
 * Overlays several schedules: pass an array (labelled by scheduler name) or `{ label: trace }`.
 *
 * @example
 * compareSchedules({ "step decay": stepTrace, "one cycle": oneCycleTrace }, { logY: true });
 */
export function compareSchedules(traces: ScheduleTrace[] | Record<string, ScheduleTrace>, options: PlotOptions = {}): SchedulePlot {
  checkOptions("compareSchedules", options);
  let entries: Array<[string, ScheduleTrace]>;
  if (Array.isArray(traces)) {
    const list = traces.map((t, i) => checkTrace(t, `compareSchedules(traces)[${i}]`));
    const counts = new Map<string, number>();
    for (const t of list) counts.set(t.scheduler, (counts.get(t.scheduler) ?? 0) + 1);
    const seen = new Map<string, number>();
    entries = list.map((t) => {
      if (counts.get(t.scheduler) === 1) return [t.scheduler, t];
      const k = (seen.get(t.scheduler) ?? 0) + 1;
      seen.set(t.scheduler, k);
      return [`${t.scheduler} #${k}`, t];
    });
  } else if (typeof traces === "object" && traces !== null) {
    entries = Object.entries(traces).map(([k, t]) => [k, checkTrace(t, `compareSchedules(traces)[${JSON.stringify(k)}]`)]);
  } else {
    throw new TypeError(`compareSchedules() expects an array of traces or an object { label: trace }, got ${traces === null ? "null" : typeof traces}`);
  }
  if (entries.length === 0) throw new TypeError("compareSchedules() needs at least one trace");
  const series = entries.flatMap(([label, t]) => traceSeries(t, label));
  const steps = Math.max(...entries.map(([, t]) => t.steps));
  const subtitle = `${entries.length} schedule${entries.length === 1 ? "" : "s"} · up to ${formatCount(steps)} steps`;
  const multiGroup = entries.some(([, t]) => t.groupNames.length > 1);
  return new SchedulePlot(series, steps, "Learning-rate schedules compared", subtitle, options, multiGroup ? "schedule · group" : "schedule");
}
