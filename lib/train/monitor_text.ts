/**
 * The monitor's text forms: a status line for a terminal and a table of the latest figures per
 * group with the alarms (also the `text/plain` of its notebook display).
 */
import type { GroupHistory, MonitorView, TrainingMonitor } from "./monitor.js";

/** A number in 4 significant digits, exponent form outside [1e-3, 1e5). */
export function short(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(2).replace(/\.?0+e/, "e");
}

/** The last non-null value of a series, and its index. */
export function lastOf(values: readonly (number | null)[]): { value: number | null; index: number } {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return { value: values[i], index: i };
  return { value: null, index: -1 };
}

/** The row of latest figures of one group. */
export function groupRow(g: GroupHistory): { lr: number | null; gradNorm: number | null; updateRatio: number | null; momentum: number | null } {
  return { lr: lastOf(g.lr).value, gradNorm: lastOf(g.gradNorm).value, updateRatio: lastOf(g.updateRatio).value, momentum: lastOf(g.momentum).value };
}

/** Whether a group's momentum / beta1 changed during the run (a scheduler cycles it). */
export function momentumVaries(g: GroupHistory): boolean {
  let first: number | null = null;
  for (const v of g.momentum) {
    if (v === null) continue;
    if (first === null) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** "Training · AdamW · OneCycleLR · 120 steps". */
export function headline(m: TrainingMonitor): string {
  const parts = [m.title, m.optimizer.constructor.name];
  if (m.scheduler) parts.push(m.scheduler.constructor.name);
  parts.push(`${m.steps} step${m.steps === 1 ? "" : "s"}`);
  if (m.removed) parts.push("finished");
  return parts.join(" · ");
}

/** "loss 0.3123 (smoothed 0.3011)". */
export function lossText(m: TrainingMonitor): string {
  const h = m.history;
  const raw = lastOf(h.loss).value;
  const sm = lastOf(h.smoothedLoss).value;
  if (raw === null) return "no loss logged";
  return `loss ${short(raw)} (smoothed ${short(sm)})`;
}

/** One line: step, loss, lr per group, alarms. */
export function statusLine(m: TrainingMonitor): string {
  const lrs = m.history.groups.map((g) => `${g.name} ${short(lastOf(g.lr).value)}`).join(", ");
  const n = m.alarms.length;
  return `step ${m.history.step.at(-1) ?? 0} · ${lossText(m)} · lr ${lrs}${n ? ` · ${n} alarm${n === 1 ? "" : "s"}` : ""}`;
}

/** Headline, loss, the per-group table and the alarms. */
export function monitorText(m: TrainingMonitor): string {
  const h = m.history;
  const lines = [headline(m), `  ${lossText(m)}; smoothing: bias-corrected EMA, β = ${m.smoothing}`];
  const mk = h.momentumKey && h.groups.some(momentumVaries) ? h.momentumKey : null;
  const head = ["group", "lr", "grad norm", "‖Δθ‖/‖θ‖", ...(mk ? [mk] : [])];
  const rows = h.groups.map((g) => {
    const r = groupRow(g);
    return [g.name, short(r.lr), short(r.gradNorm), short(r.updateRatio), ...(mk ? [short(r.momentum)] : [])];
  });
  const widths = head.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  lines.push(fmt(head), ...rows.map(fmt));
  const alarms = m.alarms;
  if (alarms.length === 0) lines.push(m.steps ? "  no alarms" : "  no steps yet");
  else for (const a of alarms) lines.push(`  ! ${a.message}`);
  return lines.join("\n");
}

/** The terminal presentation: a status line at most every 2 s, the full text at the end. */
export class TextView implements MonitorView {
  #last = -Infinity;
  constructor(readonly monitor: TrainingMonitor) {}
  update(final: boolean): void {
    const now = performance.now();
    if (final) process.stdout.write(`${this.monitor.toString()}\n`);
    else if (now - this.#last >= 2000) {
      this.#last = now;
      process.stdout.write(`${this.monitor.statusLine()}\n`);
    }
  }
}
