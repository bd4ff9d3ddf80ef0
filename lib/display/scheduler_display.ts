/**
 * Rich display of an LR scheduler: its configuration, the current lr of every group, and a
 * preview plot of the steps ahead, computed on a copy so the real scheduler and optimizer are
 * not touched.
 */
import type { ParamGroup } from "../optim/optimizer.js";
import { LRScheduler, type OptimizerLike } from "../optim/lr_scheduler/lr_scheduler.js";
import type { ScheduleTrace } from "../optim/lr_scheduler/trace.js";
import { formatCount, formatValue } from "./format.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import { SchedulePlot, plotSchedule, type PlotOptions } from "./schedule_plot.js";
import { mediaBundle, type MediaBundle } from "./sink.js";

/** Steps previewed when the scheduler has no `total_steps` to finish. */
const DEFAULT_PREVIEW = 200;
/** Upper bound of a preview (a display must stay quick). */
const MAX_PREVIEW = 100_000;

function copyData(v: unknown, shadow: OptimizerLike, seen: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (seen.has(v)) return seen.get(v);
  if (v instanceof LRScheduler) return cloneScheduler(v, shadow, seen);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const x of v) out.push(copyData(x, shadow, seen));
    return out;
  }
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, x] of Object.entries(v)) out[k] = copyData(x, shadow, seen);
    return out;
  }
  return v; // class instances other than schedulers are shared, read-only in practice
}

/** A copy of a scheduler (and the schedulers it holds) bound to a shadow optimizer. */
function cloneScheduler(s: LRScheduler, shadow: OptimizerLike, seen: Map<object, unknown>): LRScheduler {
  const clone = Object.create(Object.getPrototypeOf(s)) as LRScheduler;
  seen.set(s, clone);
  for (const key of Reflect.ownKeys(s)) {
    const d = Object.getOwnPropertyDescriptor(s, key)!;
    if (key === "optimizer") d.value = shadow;
    else if ("value" in d) d.value = copyData(d.value, shadow, seen);
    Object.defineProperty(clone, key, d);
  }
  return clone;
}

/** How many steps a preview covers: what is left of `total_steps`, else `DEFAULT_PREVIEW`. */
function previewLength(s: LRScheduler): number {
  const total = (s as unknown as { total_steps?: unknown }).total_steps;
  if (typeof total === "number" && Number.isFinite(total)) return Math.min(MAX_PREVIEW, Math.max(2, total - s.lastEpoch + 1));
  return DEFAULT_PREVIEW;
}

/**
 * The next `steps` values of a scheduler's schedule (sample 0 = now), computed on a copy, or
 * `null` when it cannot be previewed (it steps on a metric or a batch size).
 */
export function previewTrace(scheduler: LRScheduler, steps = previewLength(scheduler)): ScheduleTrace | null {
  if (!(scheduler instanceof LRScheduler)) throw new TypeError(`previewTrace() expects an LRScheduler, got ${typeof scheduler}`);
  if (!Number.isInteger(steps) || steps < 1 || steps > 10_000_000) throw new RangeError(`preview steps must be an integer in [1, 10000000], got ${steps}`);
  if (scheduler.stepArgument !== null) return null;
  const real = scheduler.optimizer;
  const groups = real.paramGroups.map((g) => {
    const copy = { params: [] } as unknown as ParamGroup;
    for (const [k, v] of Object.entries(g)) if (k !== "params" && k !== "param_names") copy[k] = Array.isArray(v) ? [...v] : v;
    return copy;
  });
  // A large step count: the copy must not warn that the optimizer was never stepped.
  const shadow: OptimizerLike = { paramGroups: groups, defaults: real.defaults, stepCount: Number.MAX_SAFE_INTEGER };
  // Anything in the scheduler that points at the real optimizer or its groups points at the copies.
  const seen = new Map<object, unknown>([[real as object, shadow], [real.paramGroups, groups]]);
  real.paramGroups.forEach((g, i) => seen.set(g, groups[i]));
  const clone = cloneScheduler(scheduler, shadow, seen);
  const cycled = scheduler.cyclesMomentum();
  const n = groups.length;
  const lr = Array.from({ length: n }, () => new Float64Array(steps));
  const mom = cycled ? Array.from({ length: n }, () => new Float64Array(steps)) : null;
  const record = (i: number) => {
    for (let g = 0; g < n; g++) {
      lr[g][i] = groups[g].lr;
      if (mom) mom[g][i] = cycled === "beta1" ? (groups[g].betas as number[])[0] : (groups[g].momentum as number);
    }
  };
  record(0);
  let taken = 1;
  for (; taken < steps; taken++) {
    try {
      clone.step();
    } catch {
      break; // e.g. OneCycleLR past total_steps: the schedule ends here
    }
    record(taken);
  }
  const cut = (a: Float64Array[]) => a.map((x) => x.subarray(0, taken));
  return {
    steps: taken,
    groupNames: real.paramGroups.map((g, i) => (typeof g.name === "string" ? g.name : `group ${i}`)),
    lr: cut(lr),
    ...(mom && cycled === "momentum" ? { momentum: cut(mom) } : {}),
    ...(mom && cycled === "beta1" ? { beta1: cut(mom) } : {}),
    scheduler: scheduler.constructor.name,
    description: scheduler.toString(),
  };
}

/**
 * A plot of the steps ahead of a scheduler (from its current step), without stepping it.
 *
 * @example
 * previewSchedule(new optim.lr_scheduler.StepLR(opt, { step_size: 30, gamma: 0.1 }), { steps: 100 });
 */
export function previewSchedule(scheduler: LRScheduler, options: PlotOptions & { steps?: number } = {}): SchedulePlot {
  const { steps, ...plot } = options;
  const trace = previewTrace(scheduler, steps);
  if (trace === null) {
    throw new TypeError(`${scheduler.constructor.name} steps on ${scheduler.stepArgument === "metric" ? "a metric" : "a batch size"}: use optim.lr_scheduler.simulate with ${scheduler.stepArgument === "metric" ? "metrics" : "batchSizes"} to plot it`);
  }
  return plotSchedule(trace, { title: `${trace.description}: next ${formatCount(trace.steps)} steps`, firstStep: scheduler.lastEpoch, ...plot });
}

interface GroupLine {
  name: string;
  base: unknown;
  lr: number;
  extra?: [string, number];
}

function groupLines(s: LRScheduler): GroupLine[] {
  const last = s.getLastLr();
  const cycled = s.cyclesMomentum();
  return s.optimizer.paramGroups.map((g, i) => ({
    name: typeof g.name === "string" ? `${i} · ${g.name}` : String(i),
    base: s.base_lrs[i],
    lr: last[i] ?? g.lr,
    extra: cycled === "momentum" ? ["momentum", g.momentum as number] : cycled === "beta1" ? ["beta1", (g.betas as number[])[0]] : undefined,
  }));
}

/** Configuration and current lrs, as text. */
export function schedulerText(s: LRScheduler): string {
  const lines = [s.toString(), `  last_epoch: ${s.lastEpoch}`];
  for (const g of groupLines(s)) {
    lines.push(`  group ${g.name}: lr ${formatValue(g.lr)} (base ${formatValue(g.base)})${g.extra ? `, ${g.extra[0]} ${formatValue(g.extra[1])}` : ""}`);
  }
  return lines.join("\n");
}

/** The scheduler's bundle: HTML (configuration, current lrs, preview image) and text. */
export async function schedulerBundle(s: LRScheduler): Promise<MediaBundle> {
  const lines = groupLines(s);
  const extraKey = lines.find((g) => g.extra)?.extra?.[0];
  const table =
    "<table><thead><tr><th>Group</th><th class=\"pl-num\">base lr</th><th class=\"pl-num\">current lr</th>" +
    (extraKey ? `<th class="pl-num">${escapeHtml(extraKey)}</th>` : "") +
    "</tr></thead><tbody>" +
    lines
      .map(
        (g) =>
          "<tr>" +
          el("td", g.name, "pl-mono") +
          el("td", formatValue(g.base), "pl-num pl-mono") +
          el("td", formatValue(g.lr), "pl-num pl-mono") +
          (extraKey ? el("td", g.extra ? formatValue(g.extra[1]) : "", "pl-num pl-mono") : "") +
          "</tr>",
      )
      .join("") +
    "</tbody></table>";
  let text = schedulerText(s);
  let preview = "";
  try {
    const trace = previewTrace(s);
    if (trace === null) {
      preview = el("div", `No preview: ${s.constructor.name} steps on ${s.stepArgument === "metric" ? "a metric" : "a batch size"}; plot it with simulate().`, "pl-muted");
    } else {
      const plot = plotSchedule(trace, { title: `Next ${formatCount(trace.steps)} steps`, firstStep: s.lastEpoch, width: 520, height: 200 });
      // Two renderings; the style sheet shows the dark one under JupyterLab's and VS Code's dark themes.
      const [light, dark] = await Promise.all([plot.toPng(2, "light"), plot.toPng(2, "dark")]);
      const alt = plot.toString();
      const img = (png: { png: Buffer; width: number; height: number }, cls: string) =>
        `<img class="pl-plot ${cls}" width="${png.width}" height="${png.height}" alt="${escapeHtml(alt)}" src="data:image/png;base64,${png.png.toString("base64")}">`;
      preview = img(light, "pl-img-light") + img(dark, "pl-img-dark");
      text += `\n\nPreview (${formatCount(trace.steps)} steps from step ${s.lastEpoch}):\n` + alt.split("\n").slice(2).join("\n");
    }
  } catch (err) {
    preview = el("div", `No preview: ${(err as Error).message}`, "pl-muted");
  }
  const head =
    `<div class="pl-group-title pl-mono">${escapeHtml(s.toString())}</div>` +
    `<dl class="pl-facts">${el("dt", "last_epoch")}${el("dd", formatCount(s.lastEpoch))}${el("dt", "optimizer")}${el("dd", s.optimizer.constructor?.name ?? "optimizer")}</dl>`;
  return mediaBundle({ "text/plain": text, "text/html": wrapHtml(head + table + preview) });
}
