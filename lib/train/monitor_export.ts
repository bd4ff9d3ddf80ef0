/**
 * The monitor's history as CSV and as JSON-safe data (`TrainingMonitor.toCSV()` / `toJSON()`).
 */
import type { MonitorAlarm, MonitorHistory } from "./monitor.js";

/** What `TrainingMonitor.toJSON()` returns. */
export interface MonitorJson {
  title: string;
  optimizer: string;
  smoothing: number;
  history: MonitorHistory;
  alarms: MonitorAlarm[];
}

/** One row per step: `step,loss,smoothed_loss`, then `<group>/<column>` per group; empty cells where nothing was recorded. */
export function historyCsv(h: MonitorHistory): string {
  const mk = h.momentumKey;
  const cell = (v: number | null) => (v === null ? "" : String(v));
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ["step", "loss", "smoothed_loss"];
  for (const g of h.groups) {
    header.push(`${g.name}/lr`, `${g.name}/grad_norm`, `${g.name}/update_ratio`);
    if (mk) header.push(`${g.name}/${mk}`);
  }
  const lines = [header.map(quote).join(",")];
  for (let i = 0; i < h.step.length; i++) {
    const row = [String(h.step[i]), cell(h.loss[i]), cell(h.smoothedLoss[i])];
    for (const g of h.groups) {
      row.push(cell(g.lr[i] ?? null), cell(g.gradNorm[i] ?? null), cell(g.updateRatio[i] ?? null));
      if (mk) row.push(cell(g.momentum[i] ?? null));
    }
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

/** A copy of the history whose non-finite numbers are the strings "NaN" / "Infinity" / "-Infinity". */
export function historyJson(h: MonitorHistory): MonitorHistory {
  const fin = (v: number | null) => (v === null || Number.isFinite(v) ? v : (String(v) as unknown as number));
  return {
    step: [...h.step],
    loss: h.loss.map(fin),
    smoothedLoss: h.smoothedLoss.map(fin),
    momentumKey: h.momentumKey,
    groups: h.groups.map((g) => ({
      name: g.name,
      lr: g.lr.map(fin) as number[],
      gradNorm: g.gradNorm.map(fin),
      updateRatio: g.updateRatio.map(fin),
      momentum: g.momentum.map(fin),
    })),
  };
}
