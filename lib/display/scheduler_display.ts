/**
 * Rich display of an LR scheduler: its configuration, the current lr of every group, and a
 * preview plot of the steps ahead, computed on a copy so the real scheduler and optimizer are
 * not touched.
 */
import type { LRScheduler } from "../optim/lr_scheduler/lr_scheduler.js";
import { previewTrace } from "../optim/lr_scheduler/simulate.js";
import { formatCount, formatValue } from "./format.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import type { ScheduleTrace } from "../optim/lr_scheduler/trace.js";
import { SchedulePlot, plotSchedule, type PlotOptions } from "./schedule_plot.js";
import { mediaBundle, type MediaBundle } from "./sink.js";
import { sparkline } from "./sparkline.js";

// The preview itself (a copy of the scheduler, stepped) is lr_scheduler's; this file only shows it.
export { previewTrace };

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
  /** The group's `lr_scale` when the scheduler multiplies the lr by it (timm). */
  scale?: number;
  extra?: [string, number];
}

/** Whether `s` multiplies each group's lr by its `lr_scale` key (timm's schedulers). */
function usesLrScale(s: LRScheduler): boolean {
  return (s as unknown as { use_lr_scale?: unknown }).use_lr_scale === true;
}

function groupLines(s: LRScheduler): GroupLine[] {
  const last = s.getLastLr();
  const cycled = s.cyclesMomentum();
  const scaled = usesLrScale(s);
  return s.optimizer.paramGroups.map((g, i) => ({
    name: typeof g.name === "string" ? `${i} · ${g.name}` : String(i),
    base: s.base_lrs[i],
    lr: last[i] ?? g.lr,
    ...(scaled && typeof g.lr_scale === "number" ? { scale: g.lr_scale } : {}),
    extra: cycled === "momentum" ? ["momentum", g.momentum as number] : cycled === "beta1" ? ["beta1", (g.betas as number[])[0]] : undefined,
  }));
}

/** Configuration and current lrs, as text. The lr shown is the one in effect (after `lr_scale`). */
export function schedulerText(s: LRScheduler): string {
  const lines = [s.toString(), `  last_epoch: ${s.lastEpoch}`];
  for (const g of groupLines(s)) {
    const scale = g.scale !== undefined ? `, lr_scale ${formatValue(g.scale)} applied` : "";
    lines.push(`  group ${g.name}: lr ${formatValue(g.lr)}${scale} (base ${formatValue(g.base)})${g.extra ? `, ${g.extra[0]} ${formatValue(g.extra[1])}` : ""}`);
  }
  return lines.join("\n");
}

/** The parts both forms share: text, heading and lr table (HTML), and the preview trace. */
function schedulerParts(s: LRScheduler): { text: string; head: string; table: string; preview: ScheduleTrace | string } {
  const lines = groupLines(s);
  const extraKey = lines.find((g) => g.extra)?.extra?.[0];
  const scaled = lines.some((g) => g.scale !== undefined);
  const table =
    "<table><thead><tr><th>Group</th><th class=\"pl-num\">base lr</th>" +
    (scaled ? "<th class=\"pl-num\">lr_scale</th>" : "") +
    `<th class="pl-num">${scaled ? "current lr (× lr_scale)" : "current lr"}</th>` +
    (extraKey ? `<th class="pl-num">${escapeHtml(extraKey)}</th>` : "") +
    "</tr></thead><tbody>" +
    lines
      .map(
        (g) =>
          "<tr>" +
          el("td", g.name, "pl-mono") +
          el("td", formatValue(g.base), "pl-num pl-mono") +
          (scaled ? el("td", g.scale !== undefined ? formatValue(g.scale) : "", "pl-num pl-mono") : "") +
          el("td", formatValue(g.lr), "pl-num pl-mono") +
          (extraKey ? el("td", g.extra ? formatValue(g.extra[1]) : "", "pl-num pl-mono") : "") +
          "</tr>",
      )
      .join("") +
    "</tbody></table>";
  const head =
    `<div class="pl-group-title pl-mono">${escapeHtml(s.toString())}</div>` +
    `<dl class="pl-facts">${el("dt", "last_epoch")}${el("dd", formatCount(s.lastEpoch))}${el("dt", "optimizer")}${el("dd", s.optimizer.constructor?.name ?? "optimizer")}</dl>`;
  let preview: ScheduleTrace | string;
  try {
    preview = previewTrace(s) ?? `No preview: ${s.constructor.name} steps on ${s.stepArgument === "metric" ? "a metric" : "a batch size"}; plot it with simulate().`;
  } catch (err) {
    preview = `No preview: ${(err as Error).message}`;
  }
  return { text: schedulerText(s), head, table, preview };
}

function previewPlot(s: LRScheduler, trace: ScheduleTrace): SchedulePlot {
  return plotSchedule(trace, { title: `Next ${formatCount(trace.steps)} steps`, firstStep: s.lastEpoch, width: 520, height: 200 });
}

function previewText(s: LRScheduler, trace: ScheduleTrace, plot: SchedulePlot): string {
  return `\n\nPreview (${formatCount(trace.steps)} steps from step ${s.lastEpoch}):\n` + plot.toString().split("\n").slice(2).join("\n");
}

/** The scheduler's bundle: HTML (configuration, current lrs, preview image) and text. */
export async function schedulerBundle(s: LRScheduler): Promise<MediaBundle> {
  const { text, head, table, preview } = schedulerParts(s);
  if (typeof preview === "string") return mediaBundle({ "text/plain": text, "text/html": wrapHtml(head + table + el("div", preview, "pl-muted")) });
  const plot = previewPlot(s, preview);
  const alt = plot.toString();
  let image: string;
  try {
    // Two renderings; the style sheet shows the dark one under JupyterLab's and VS Code's dark themes.
    const [light, dark] = await Promise.all([plot.toPng(2, "light"), plot.toPng(2, "dark")]);
    const img = (png: { png: Buffer; width: number; height: number }, cls: string) =>
      `<img class="pl-plot ${cls}" width="${png.width}" height="${png.height}" alt="${escapeHtml(alt)}" src="data:image/png;base64,${png.png.toString("base64")}">`;
    image = img(light, "pl-img-light") + img(dark, "pl-img-dark");
  } catch (err) {
    image = el("div", `No preview: ${(err as Error).message}`, "pl-muted");
  }
  return mediaBundle({ "text/plain": text + previewText(s, preview, plot), "text/html": wrapHtml(head + table + image) });
}

/**
 * The scheduler's live form, built synchronously (no PNG): the same table, and the preview drawn
 * as a small inline SVG of lr against step per group (`sparkline.ts`).
 */
export function schedulerLiveBundle(s: LRScheduler): MediaBundle {
  const { text, head, table, preview } = schedulerParts(s);
  if (typeof preview === "string") return mediaBundle({ "text/plain": text, "text/html": wrapHtml(head + table + el("div", preview, "pl-muted")) });
  const plot = previewPlot(s, preview);
  const steps = Array.from({ length: preview.steps }, (_, i) => s.lastEpoch + i);
  const series = preview.lr.map((y, i) => ({ name: preview.groupNames.length > 1 ? `${i} · ${preview.groupNames[i]}` : String(preview.groupNames[i]), x: steps, y }));
  const svg = sparkline(series, `Next ${formatCount(preview.steps)} steps (lr)`);
  return mediaBundle({ "text/plain": text + previewText(s, preview, plot), "text/html": wrapHtml(head + table + svg) });
}
