/**
 * `describeParamGroups(model, optimizer)`: the optimizer table with every parameter named from the
 * model, plus the mistakes people debug param groups for — trainable parameters no group holds,
 * frozen parameters inside a group, parameters from outside the model, groups with lr 0, weight
 * decay on biases and norm weights, and repeated group names.
 */
import { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { Optimizer } from "../optim/optimizer.js";
import { noWeightDecayReason } from "../optim/param_groups.js";
import { formatCount, formatShapeTuple, formatValue } from "./format.js";
import { escapeHtml, wrapHtml } from "./html.js";
import { optimizerHtml, optimizerText, optimizerView, paramRow, section, type OptimizerView } from "./optimizer_table.js";
import { JUPYTER_DISPLAY, mediaBundle, type MediaBundle } from "./sink.js";

/** What kind of problem a report found. */
export type ProblemKind =
  | "not-in-any-group"
  | "frozen-in-group"
  | "not-in-model"
  | "zero-lr"
  | "decay-on-bias-or-norm"
  | "duplicate-group-name";

/** One finding of `describeParamGroups`. */
export interface ParamGroupProblem {
  kind: ProblemKind;
  /** `"warning"`: likely a bug; `"info"`: worth knowing, often intended. */
  severity: "warning" | "info";
  message: string;
  /** Index of the group concerned, when there is one. */
  group?: number;
  /** Names of the parameters concerned. */
  params: string[];
}

/**
 * Module class names whose weights are normalisation scales: besides timm's rule (imported from
 * lib/optim, where the builders use it), a parameter of such a module should get no decay.
 */
const NORM_LAYER = /norm/i;
/** How many names a problem message lists before "and N more". */
const LIST_MAX = 5;

function listNames(names: readonly string[]): string {
  if (names.length <= LIST_MAX) return names.join(", ");
  return `${names.slice(0, LIST_MAX).join(", ")} and ${names.length - LIST_MAX} more`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** What one walk of the model gives: each parameter's first name and its owning module, in order. */
interface ModelWalk {
  named: Array<[string, Parameter]>;
  names: Map<Parameter, string>;
  owner: Map<Parameter, Module>;
}

/** Walks `model` once (its modules, each module's own parameters). */
function walkModel(model: Module): ModelWalk {
  const named: Array<[string, Parameter]> = [];
  const names = new Map<Parameter, string>();
  const owner = new Map<Parameter, Module>();
  for (const [prefix, m] of model.namedModules()) {
    for (const [n, p] of m.namedParameters("", false, false)) {
      if (names.has(p)) continue;
      const name = prefix ? `${prefix}.${n}` : n;
      names.set(p, name);
      owner.set(p, m);
      named.push([name, p]);
    }
  }
  return { named, names, owner };
}

/**
 * The report of `describeParamGroups`: displays as the optimizer's table (with a section for
 * trainable parameters no group holds and a Notes column) followed by the list of problems.
 */
export class ParamGroupReport {
  /** The table's data. */
  readonly view: OptimizerView;
  /** Findings, warnings first. */
  readonly problems: ParamGroupProblem[];
  /** Each parameter of the model under its (first) name in the model. */
  readonly modelNames: ReadonlyMap<Parameter, string>;

  constructor(view: OptimizerView, problems: ParamGroupProblem[], modelNames: ReadonlyMap<Parameter, string> = new Map()) {
    this.view = view;
    this.modelNames = modelNames;
    this.problems = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "warning" ? -1 : 1));
  }

  /** True when no warning was found (infos allowed). */
  get ok(): boolean {
    return !this.problems.some((p) => p.severity === "warning");
  }

  /** The table and the problems as text. */
  toString(): string {
    const lines = [optimizerText(this.view), ""];
    if (this.problems.length === 0) lines.push("No problems found.");
    else {
      lines.push(`Problems (${this.problems.length}):`);
      for (const p of this.problems) lines.push(`  ${p.severity === "warning" ? "⚠" : "ℹ"} ${p.message}`);
    }
    return lines.join("\n");
  }

  /** The table and the problems as HTML. */
  toHtml(): string {
    const after =
      this.problems.length === 0
        ? `<div class="pl-ok">✓ No problems found.</div>`
        : `<ul class="pl-problems">${this.problems
            .map((p) => `<li class="${p.severity === "warning" ? "pl-warn" : "pl-muted"}">${p.severity === "warning" ? "⚠" : "ℹ"} ${escapeHtml(p.message)}</li>`)
            .join("")}</ul>`;
    return wrapHtml(optimizerHtml(this.view, { after, bare: true }));
  }

  [JUPYTER_DISPLAY](): MediaBundle {
    return mediaBundle({ "text/plain": this.toString(), "text/html": this.toHtml() });
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Checks an optimizer's param groups against the model they should cover, and returns a report
 * that displays as a named table plus the problems found.
 *
 * @example
 * const report = describeParamGroups(model, optimizer);
 * report.ok;        // false when e.g. a trainable layer is in no group
 * report.problems;  // [{ kind: "not-in-any-group", message: "...", params: ["head.weight"] }]
 */
export function describeParamGroups(model: Module, optimizer: Optimizer): ParamGroupReport {
  if (!(model instanceof Module)) throw new TypeError(`describeParamGroups() expects an nn.Module as its first argument, got ${describe(model)}`);
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`describeParamGroups() expects an optim.Optimizer as its second argument, got ${describe(optimizer)}`);
  // One walk of the model names every parameter and finds its module; the table uses these names.
  const { named, names: inModel, owner } = walkModel(model);
  const view = optimizerView(optimizer, inModel);
  const problems: ParamGroupProblem[] = [];
  const inGroups = new Set<Parameter>();
  optimizer.paramGroups.forEach((g) => g.params.forEach((p) => inGroups.add(p)));

  optimizer.paramGroups.forEach((g, gi) => {
    const rows = view.sections[gi].rows;
    const frozen = rows.filter((r) => !r.trainable);
    for (const r of frozen) r.notes.push("frozen (requiresGrad=false)");
    if (frozen.length) {
      problems.push({
        kind: "frozen-in-group",
        severity: "warning",
        group: gi,
        params: frozen.map((r) => r.name),
        message: `Group ${gi} holds ${plural(frozen.length, "frozen parameter")} (requiresGrad=false): ${listNames(frozen.map((r) => r.name))}. They get no gradient, so the optimizer skips them; filter them out or unfreeze them.`,
      });
    }
    const outside = rows.filter((r) => !inModel.has(r.param));
    for (const r of outside) r.notes.push("not in the model");
    if (outside.length) {
      problems.push({
        kind: "not-in-model",
        severity: "warning",
        group: gi,
        params: outside.map((r) => r.name),
        message: `Group ${gi} holds ${plural(outside.length, "parameter")} that ${outside.length === 1 ? "is" : "are"} not in the ${model.constructor.name} model: ${listNames(outside.map((r) => `${r.name} ${formatShapeTuple(r.shape)}`))}. Was the optimizer built from another model (or an old copy of this one)?`,
      });
    }
    if (g.lr === 0 && g.params.length) {
      problems.push({
        kind: "zero-lr",
        severity: "warning",
        group: gi,
        params: rows.map((r) => r.name),
        message: `Group ${gi} has lr 0: its ${plural(rows.length, "parameter")} will not change (fine during warmup, a bug otherwise).`,
      });
    }
    const wd = g.weight_decay;
    if (typeof wd === "number" && wd > 0) {
      const decayed = rows.filter((r) => {
        const m = owner.get(r.param);
        return r.trainable && (r.name === "bias" || noWeightDecayReason(r.name, r.param) !== null || (m !== undefined && NORM_LAYER.test(m.constructor.name)));
      });
      for (const r of decayed) r.notes.push(`weight decay ${formatValue(wd)} on a bias / norm weight`);
      if (decayed.length) {
        problems.push({
          kind: "decay-on-bias-or-norm",
          severity: "warning",
          group: gi,
          params: decayed.map((r) => r.name),
          message: `Group ${gi} applies weight_decay=${formatValue(wd)} to ${plural(decayed.length, "bias / norm parameter")}: ${listNames(decayed.map((r) => r.name))}. The usual practice is a separate group with weight_decay 0 for biases and norm weights.`,
        });
      }
    }
  });

  // Trainable parameters of the model that no group holds: shown as their own section.
  const missing = named.filter(([, p]) => !inGroups.has(p) && p.requiresGrad);
  if (missing.length) {
    const rows = missing.map(([name, p]) => {
      const r = paramRow(p, name, optimizer);
      r.notes.push("in no param group");
      return r;
    });
    view.sections.push(section("Not in any param group", [], rows, "warn"));
    problems.push({
      kind: "not-in-any-group",
      severity: "warning",
      params: missing.map(([n]) => n),
      message: `${plural(missing.length, "trainable parameter")} of the model ${missing.length === 1 ? "is" : "are"} in no param group, so the optimizer never updates ${missing.length === 1 ? "it" : "them"}: ${listNames(missing.map(([n, p]) => `${n} ${formatShapeTuple(p.shape)}`))}.`,
    });
  }
  const frozenOutside = named.filter(([, p]) => !inGroups.has(p) && !p.requiresGrad);
  if (frozenOutside.length) {
    const n = frozenOutside.reduce((s, [, p]) => s + p.numel, 0);
    problems.push({
      kind: "not-in-any-group",
      severity: "info",
      params: frozenOutside.map(([name]) => name),
      message: `${plural(frozenOutside.length, "frozen parameter")} (${formatCount(n)} elements) of the model ${frozenOutside.length === 1 ? "is" : "are"} in no group, as expected for frozen layers: ${listNames(frozenOutside.map(([name]) => name))}.`,
    });
  }

  // Repeated group names.
  const byName = new Map<string, number[]>();
  optimizer.paramGroups.forEach((g, i) => {
    if (typeof g.name === "string") byName.set(g.name, [...(byName.get(g.name) ?? []), i]);
  });
  for (const [name, idx] of byName) {
    if (idx.length > 1) {
      problems.push({
        kind: "duplicate-group-name",
        severity: "warning",
        params: [],
        message: `Group name "${name}" is used by groups ${idx.join(", ")}: names should tell groups apart (schedulers and plots label groups by name).`,
      });
    }
  }
  return new ParamGroupReport(view, problems, inModel);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  return `a ${(v as object).constructor?.name ?? "plain object"}`;
}

/** Python's `f"{name:30}"`: pad to 30 code points (Python counts code points, not columns). */
function pyPad(s: string, width: number): string {
  const n = [...s].length;
  return n >= width ? s : s + " ".repeat(width - n);
}

/** `group.get(key, 'N/A')` as the seed prints it, numbers in JavaScript notation. */
function seedValue(group: Record<string, unknown>, key: string): string {
  return key in group ? formatValue(group[key]) : "N/A";
}

/**
 * The seed tutorial's helper: prints each param group's lr, eps, weight_decay and its parameters'
 * names and shapes (names from `model`; "⚠️ unnamed" otherwise), in the tutorial's exact layout,
 * and returns the `describeParamGroups` report for rich display.
 *
 * @example
 * visualizeOptimizerParamGroups(model, optimizer);
 * // 🟢 Param Group 0:
 * //   ↪ learning rate (lr): 0.001
 * //   ...
 * //      - 0.weight                       | shape: (3, 4)
 */
export function visualizeOptimizerParamGroups(model: Module, optimizer: Optimizer): ParamGroupReport {
  const report = describeParamGroups(model, optimizer);
  const names = report.modelNames;
  const lines: string[] = [];
  optimizer.paramGroups.forEach((group, i) => {
    lines.push("", `🟢 Param Group ${i}:`);
    lines.push(`  ↪ learning rate (lr): ${seedValue(group, "lr")}`);
    lines.push(`  ↪ epsilon (eps): ${seedValue(group, "eps")}`);
    lines.push(`  ↪ weight_decay: ${seedValue(group, "weight_decay")}`);
    lines.push("  ↪ Parameters:");
    for (const p of group.params) {
      const name = names.get(p) ?? "⚠️ unnamed";
      lines.push(`     - ${pyPad(name, 30)} | shape: ${formatShapeTuple(p.shape)}`);
    }
  });
  process.stdout.write(lines.join("\n") + "\n");
  return report;
}

