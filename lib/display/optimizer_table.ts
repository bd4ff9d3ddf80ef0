/**
 * The optimizer's param groups as one table: a header row per group with every hyperparameter,
 * one row per parameter (name, shape, numel, trainable, has-grad), totals per group and overall.
 * Used by `Optimizer`'s rich display and by the param-group report.
 */
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import type { Optimizer, ParamGroup } from "../optim/optimizer.js";
import { optimizerMemory, type GroupMemory, type OptimizerMemory } from "../optim/state_memory.js";
import { formatBytes, formatCount, formatShapeTuple, formatValue, pad, displayWidth } from "./format.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import { groupParameterNames, UNNAMED } from "./naming.js";

/** One parameter row. */
export interface ParamRow {
  param: Parameter;
  /** Dotted name, or `"unnamed"`. */
  name: string;
  named: boolean;
  shape: number[];
  numel: number;
  trainable: boolean;
  hasGrad: boolean;
  /** Optimizer steps taken for this parameter (its state's `step`), when it has state. */
  step?: number;
  /** The builder rule that placed this parameter in its group (the group's `param_rules`). */
  rule?: string;
  /** Problems found by the param-group report, shown in a Notes column. */
  notes: string[];
}

/** One section of the table: a param group, or the report's "in no group" section. */
export interface GroupSection {
  /** `Group 0`, `Group 1 · head`, ... */
  title: string;
  /** Hyperparameters in display order (`lr` first), `params` / `param_names` left out. */
  hyper: Array<[string, unknown]>;
  /** Keys whose value is a flag (boolean / null) equal to the optimizer's default: shown muted. */
  defaultFlags?: Set<string>;
  rows: ParamRow[];
  numel: number;
  trainableNumel: number;
  /** Extra CSS class for the section (e.g. a warning section). */
  tone?: "warn";
  /** Parameter, gradient and optimizer-state bytes of the group (param groups only). */
  memory?: GroupMemory;
}

/** Everything the table shows. */
export interface OptimizerView {
  optimizer: string;
  sections: GroupSection[];
  /** Tensors / elements over the optimizer's groups (extra sections excluded). */
  tensors: number;
  numel: number;
  trainableNumel: number;
  stepCount: number;
  /** Memory from shapes: parameters, gradients and optimizer state. */
  memory?: OptimizerMemory;
}

/** A group's title: index and `name` when the group has one. */
export function groupTitle(group: ParamGroup, index: number): string {
  return typeof group.name === "string" && group.name !== "" ? `Group ${index} · ${group.name}` : `Group ${index}`;
}

/** Hyperparameters of a group in display order: `lr` first, then the group's own key order. */
export function groupHyperparameters(group: ParamGroup): Array<[string, unknown]> {
  const keys = Object.keys(group).filter((k) => k !== "params" && k !== "param_names" && k !== "param_rules" && k !== "name");
  keys.sort((a, b) => (a === "lr" ? -1 : b === "lr" ? 1 : 0));
  return keys.map((k) => [k, group[k]]);
}

/** Builds a row for a parameter. */
export function paramRow(param: Parameter, name: string | undefined, optimizer?: Optimizer): ParamRow {
  const st = optimizer?.state.get(param)?.step;
  return {
    param,
    name: name ?? UNNAMED,
    named: name !== undefined,
    shape: [...param.shape],
    numel: param.numel,
    trainable: param.requiresGrad,
    hasGrad: param.grad !== null,
    step: typeof st === "number" ? st : undefined,
    notes: [],
  };
}

/** Sums a section's rows. */
export function section(title: string, hyper: Array<[string, unknown]>, rows: ParamRow[], tone?: "warn"): GroupSection {
  let numel = 0;
  let trainableNumel = 0;
  for (const r of rows) {
    numel += r.numel;
    if (r.trainable) trainableNumel += r.numel;
  }
  return { title, hyper, rows, numel, trainableNumel, tone };
}

/** Collects the table's data; `model` (optional: a module or its parameter names) names parameters first. */
export function optimizerView(optimizer: Optimizer, model?: Module | ReadonlyMap<Parameter, string>): OptimizerView {
  const names = groupParameterNames(optimizer.paramGroups, model);
  const defaults = (optimizer.defaults ?? {}) as Record<string, unknown>;
  const memory = optimizerMemory(optimizer);
  const sections = optimizer.paramGroups.map((g, i) => {
    const rules = Array.isArray(g.param_rules) ? (g.param_rules as unknown[]) : [];
    const rows = g.params.map((p, j) => {
      const r = paramRow(p, names.get(p), optimizer);
      if (typeof rules[j] === "string") r.rule = rules[j] as string;
      return r;
    });
    const s = section(groupTitle(g, i), groupHyperparameters(g), rows);
    s.defaultFlags = new Set(s.hyper.filter(([k, v]) => (typeof v === "boolean" || v === null) && defaults[k] === v).map(([k]) => k));
    s.memory = memory.groups[i];
    return s;
  });
  return {
    optimizer: optimizer.constructor.name,
    sections,
    tensors: sections.reduce((n, s) => n + s.rows.length, 0),
    numel: sections.reduce((n, s) => n + s.numel, 0),
    trainableNumel: sections.reduce((n, s) => n + s.trainableNumel, 0),
    stepCount: optimizer.stepCount,
    memory,
  };
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** One-line summary: `Adam · 3 param groups · 6 tensors · 65 parameters (65 trainable)`. */
export function viewCaption(view: OptimizerView): string {
  const groups = view.sections.filter((s) => s.title.startsWith("Group ")).length;
  const steps = view.stepCount ? ` · ${plural(view.stepCount, "step")} taken` : "";
  return (
    `${view.optimizer} · ${plural(groups, "param group")} · ${plural(view.tensors, "tensor")} · ` +
    `${plural(view.numel, "parameter")} (${formatCount(view.trainableNumel)} trainable)${steps}`
  );
}

/** `state (exp_avg, exp_avg_sq) 2×` for a group's state keys. */
function stateLabel(keys: string[] | null): string {
  if (keys === null) return "state unknown";
  if (keys.length === 0) return "no state";
  return `state ${keys.length}× (${keys.join(", ")})`;
}

/** A group's memory: `params 1.2 MB · grads 1.2 MB · state 2× (exp_avg, exp_avg_sq) 2.4 MB`. */
export function groupMemoryText(m: GroupMemory): string {
  return `params ${formatBytes(m.paramBytes)} · grads ${formatBytes(m.gradBytes)} · ${stateLabel(m.stateKeys)}${m.stateKeys?.length ? " " + formatBytes(m.stateBytes) : ""}`;
}

/** The whole optimizer's memory line. */
export function memoryText(m: OptimizerMemory): string {
  const state = m.known ? `${m.optimizer} state ${formatBytes(m.stateBytes)}` : `${m.optimizer} state unknown (not counted)`;
  return `Memory from shapes: parameters ${formatBytes(m.paramBytes)} + gradients ${formatBytes(m.gradBytes)} + ${state} = ${formatBytes(m.totalBytes)}`;
}

function trainableText(s: GroupSection): string {
  if (s.numel === 0) return "";
  if (s.trainableNumel === s.numel) return "all trainable";
  if (s.trainableNumel === 0) return "all frozen";
  return `${formatCount(s.trainableNumel)} trainable`;
}

/** The table as HTML (inside the scoped wrapper unless `bare`). */
export function optimizerHtml(view: OptimizerView, opts: { after?: string; bare?: boolean } = {}): string {
  const hasNotes = view.sections.some((s) => s.rows.some((r) => r.notes.length));
  const hasStep = view.sections.some((s) => s.rows.some((r) => r.step !== undefined));
  const hasRule = view.sections.some((s) => s.rows.some((r) => r.rule !== undefined));
  const cols = 5 + (hasRule ? 1 : 0) + (hasStep ? 1 : 0) + (hasNotes ? 1 : 0);
  const out: string[] = ["<table>", el("caption", viewCaption(view))];
  out.push(
    "<thead><tr><th>Parameter</th><th>Shape</th><th class=\"pl-num\">Numel</th><th>Trainable</th><th>Grad</th>" +
      (hasRule ? "<th>Rule</th>" : "") +
      (hasStep ? "<th class=\"pl-num\">Step</th>" : "") +
      (hasNotes ? "<th>Notes</th>" : "") +
      "</tr></thead>",
  );
  for (const s of view.sections) {
    out.push("<tbody>");
    const chips = s.hyper
      .map(([k, v]) => `<span class="pl-chip${s.defaultFlags?.has(k) ? " pl-default" : ""}"><span class="pl-key">${escapeHtml(k)}</span> <b class="pl-mono">${escapeHtml(formatValue(v))}</b></span>`)
      .join("");
    out.push(
      `<tr class="pl-group"><th colspan="${cols}"><div class="pl-hyper"><span class="pl-group-title${s.tone ? " pl-" + s.tone : ""}">${escapeHtml(s.title)}</span>${chips}</div></th></tr>`,
    );
    for (const r of s.rows) {
      const name = r.named ? el("td", r.name, "pl-mono") : el("td", r.name, "pl-mono pl-muted");
      out.push(
        "<tr>" +
          name +
          el("td", formatShapeTuple(r.shape), "pl-mono") +
          el("td", formatCount(r.numel), "pl-num") +
          (r.trainable ? el("td", "✓ yes", "pl-yes") : el("td", "✗ frozen", "pl-no")) +
          (r.hasGrad ? el("td", "✓ yes", "pl-yes") : el("td", "—", "pl-no")) +
          (hasRule ? el("td", r.rule ?? "", "pl-mono pl-muted") : "") +
          (hasStep ? el("td", r.step === undefined ? "—" : formatCount(r.step), "pl-num") : "") +
          (hasNotes ? `<td class="pl-warn">${r.notes.map((n) => escapeHtml(n)).join("<br>")}</td>` : "") +
          "</tr>",
      );
    }
    out.push(
      `<tr class="pl-total"><td>${escapeHtml(`${s.title.split(" · ")[0]} total (${plural(s.rows.length, "tensor")})`)}</td><td></td>` +
        el("td", formatCount(s.numel), "pl-num") +
        el("td", trainableText(s), s.trainableNumel === s.numel ? "" : "pl-partial") +
        (s.memory ? `<td colspan="${cols - 4}" class="pl-muted">${escapeHtml(groupMemoryText(s.memory))}</td></tr>` : `<td colspan="${cols - 4}"></td></tr>`),
    );
    out.push("</tbody>");
  }
  out.push(
    `<tfoot><tr><td>${escapeHtml(`Total (${plural(view.tensors, "tensor")})`)}</td><td></td>` +
      el("td", formatCount(view.numel), "pl-num") +
      el("td", `${formatCount(view.trainableNumel)} trainable`) +
      `<td colspan="${cols - 4}"></td></tr>` +
      (view.memory ? `<tr class="pl-memory"><td colspan="${cols}">${escapeHtml(memoryText(view.memory))}</td></tr>` : "") +
      "</tfoot>",
  );
  out.push("</table>");
  if (opts.after) out.push(opts.after);
  const inner = out.join("");
  return opts.bare ? inner : wrapHtml(inner);
}

/** The table as text: a caption, then per group a hyperparameter line and aligned rows. */
export function optimizerText(view: OptimizerView): string {
  const hasNotes = view.sections.some((s) => s.rows.some((r) => r.notes.length));
  const hasStep = view.sections.some((s) => s.rows.some((r) => r.step !== undefined));
  const hasRule = view.sections.some((s) => s.rows.some((r) => r.rule !== undefined));
  const header = ["Parameter", "Shape", "Numel", "Trainable", "Grad", ...(hasRule ? ["Rule"] : []), ...(hasStep ? ["Step"] : []), ...(hasNotes ? ["Notes"] : [])];
  const right = new Set([2, ...(hasStep ? [hasRule ? 6 : 5] : [])]);
  const body = view.sections.map((s) =>
    s.rows.map((r) => [
      r.name,
      formatShapeTuple(r.shape),
      formatCount(r.numel),
      r.trainable ? "yes" : "frozen",
      r.hasGrad ? "yes" : "-",
      ...(hasRule ? [r.rule ?? ""] : []),
      ...(hasStep ? [r.step === undefined ? "-" : formatCount(r.step)] : []),
      ...(hasNotes ? [r.notes.join("; ")] : []),
    ]),
  );
  const totals = view.sections.map((s) => [`total`, "", formatCount(s.numel), trainableText(s)]);
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...body.flat().map((r) => displayWidth(r[i] ?? "")), ...totals.map((t) => displayWidth(t[i] ?? ""))),
  );
  const line = (cells: string[]) =>
    ("  " + cells.map((c, i) => pad(c, widths[i], right.has(i) ? "right" : "left")).join("  ")).replace(/\s+$/, "");
  const rule = "  " + widths.map((w) => "─".repeat(w)).join("──");
  const out = [viewCaption(view)];
  view.sections.forEach((s, i) => {
    out.push("");
    out.push(...wrapItems(s.title, s.hyper.map(([k, v]) => `${k}=${formatValue(v)}`)));
    out.push(line(header), rule);
    for (const r of body[i]) out.push(line(r));
    out.push(rule, line(totals[i]));
    if (s.memory) out.push(`  memory: ${groupMemoryText(s.memory)}`);
  });
  out.push("", `Total: ${plural(view.numel, "parameter")} in ${plural(view.tensors, "tensor")} (${formatCount(view.trainableNumel)} trainable)`);
  if (view.memory) out.push(memoryText(view.memory));
  return out.join("\n");
}

/** `title  │  a=1  b=2 ...`, wrapped at `width` columns with continuation lines aligned. */
function wrapItems(title: string, items: string[], width = 100): string[] {
  if (items.length === 0) return [title];
  const lead = `${title}  │  `;
  const indent = " ".repeat(displayWidth(title)) + "  │  ";
  const lines: string[] = [];
  let cur = lead;
  let empty = true;
  for (const item of items) {
    if (!empty && displayWidth(cur) + 2 + displayWidth(item) > width) {
      lines.push(cur);
      cur = indent;
      empty = true;
    }
    cur += (empty ? "" : "  ") + item;
    empty = false;
  }
  lines.push(cur);
  return lines;
}
