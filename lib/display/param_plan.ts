/**
 * The explanation of a param-group builder's result (`ParamGroupPlan`): one row per rule and
 * group it fed — the group's hyperparameters, how many tensors and values it claimed, a few
 * example names — then the findings: rules that matched nothing, parameters no rule matched,
 * frozen parameters left out.
 */
import type { ParamGroupPlan } from "../optim/param_rules.js";
import { FALLBACK_RULE } from "../optim/param_rules.js";
import { formatCount, formatValue } from "./format.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import { mediaBundle, type MediaBundle } from "./sink.js";

/** One row: a rule and the group it sent parameters to. */
export interface PlanRow {
  rule: string;
  group: string;
  hyper: string;
  tensors: number;
  numel: number;
  examples: string[];
}

const EXAMPLES = 3;
const LIST_MAX = 5;

/** Rows of the explanation, in rule order (unused rules with 0 tensors), then the fallback. */
export function planRows(plan: ParamGroupPlan): PlanRow[] {
  const groupOf = new Map(plan.groups.map((g) => [g.name, g]));
  const rows = new Map<string, PlanRow>();
  const key = (rule: string, group: string) => `${rule}\u0000${group}`;
  for (const a of plan.assignments) {
    const k = key(a.rule, a.group);
    let row = rows.get(k);
    if (!row) {
      const g = groupOf.get(a.group);
      const hyper = g ? Object.entries(g).filter(([n]) => n !== "name" && n !== "params" && n !== "param_rules").map(([n, v]) => `${n}=${formatValue(v)}`).join("  ") : "";
      rows.set(k, (row = { rule: a.rule, group: a.group, hyper, tensors: 0, numel: 0, examples: [] }));
    }
    row.tensors++;
    const p = groupOf.get(a.group)?.params.find(([n]) => n === a.param)?.[1];
    row.numel += p?.numel ?? 0;
    if (row.examples.length < EXAMPLES) row.examples.push(a.param);
  }
  const out = [...rows.values()];
  for (const r of plan.unusedRules) out.push({ rule: r, group: "", hyper: "", tensors: 0, numel: 0, examples: [] });
  // Rules in the order they were given, the fallback last.
  const order = new Map(plan.rules.map((r, i) => [r, i]));
  return out.sort((a, b) => (order.get(a.rule) ?? (a.rule === FALLBACK_RULE ? 1e9 : 1e8)) - (order.get(b.rule) ?? (b.rule === FALLBACK_RULE ? 1e9 : 1e8)));
}

function list(names: readonly string[]): string {
  return names.length <= LIST_MAX ? names.join(", ") : `${names.slice(0, LIST_MAX).join(", ")} and ${names.length - LIST_MAX} more`;
}

/** Findings worth a look, as sentences. */
export function planFindings(plan: ParamGroupPlan): Array<{ severity: "warning" | "info"; message: string }> {
  const out: Array<{ severity: "warning" | "info"; message: string }> = [];
  for (const r of plan.unusedRules) {
    out.push(
      plan.source === "user"
        ? { severity: "warning", message: `Rule ${r} matched no parameter (a typo in the pattern, or a layer this model does not have?).` }
        : { severity: "info", message: `${plan.source}'s rule "${r}" matched nothing in this model.` },
    );
  }
  if (plan.unmatched.length) {
    out.push(
      plan.fallbackUsed
        ? { severity: "info", message: `${plan.unmatched.length} parameters matched no rule and went to the fallback group: ${list(plan.unmatched)}.` }
        : { severity: "warning", message: `${plan.unmatched.length} parameters matched no rule and are in no group, so the optimizer will not train them: ${list(plan.unmatched)}.` },
    );
  }
  if (plan.skippedFrozen.length) out.push({ severity: "info", message: `${plan.skippedFrozen.length} frozen parameters were left out: ${list(plan.skippedFrozen)}.` });
  return out;
}

/** The explanation as text. */
export function planText(plan: ParamGroupPlan): string {
  const rows = planRows(plan);
  const lines = [`ParamGroupPlan · ${plan.groups.length} groups · ${plan.assignments.length} parameters placed`];
  for (const r of rows) {
    lines.push(`  ${r.rule}  →  ${r.group || "(nothing)"}  ${r.tensors} tensors, ${formatCount(r.numel)} values${r.hyper ? `  [${r.hyper}]` : ""}`);
  }
  for (const f of planFindings(plan)) lines.push(`  ${f.severity === "warning" ? "⚠" : "ℹ"} ${f.message}`);
  return lines.join("\n");
}

/** The explanation as an HTML table. */
export function planHtml(plan: ParamGroupPlan): string {
  const rows = planRows(plan)
    .map(
      (r) =>
        `<tr${r.tensors === 0 ? ' class="pl-warn"' : ""}>` +
        el("td", r.rule, "pl-mono") +
        el("td", r.group || "—", r.group ? "pl-mono" : "pl-muted") +
        el("td", r.hyper, "pl-mono pl-muted") +
        el("td", formatCount(r.tensors), "pl-num") +
        el("td", formatCount(r.numel), "pl-num") +
        el("td", r.examples.join(", ") + (r.tensors > r.examples.length ? ", …" : ""), "pl-mono pl-muted") +
        "</tr>",
    )
    .join("");
  const findings = planFindings(plan);
  const after = findings.length
    ? `<ul class="pl-problems">${findings.map((f) => `<li class="${f.severity === "warning" ? "pl-warn" : "pl-muted"}">${f.severity === "warning" ? "⚠" : "ℹ"} ${escapeHtml(f.message)}</li>`).join("")}</ul>`
    : `<div class="pl-ok">✓ Every rule matched, every parameter was claimed by a rule.</div>`;
  return wrapHtml(
    "<table>" +
      el("caption", `ParamGroupPlan · ${plan.groups.length} groups · ${plan.assignments.length} parameters placed`) +
      '<thead><tr><th>Rule</th><th>Group</th><th>Hyperparameters</th><th class="pl-num">Tensors</th><th class="pl-num">Values</th><th>Examples</th></tr></thead>' +
      `<tbody>${rows}</tbody></table>` +
      after,
  );
}

/** The plan's Jupyter bundle. */
export function planBundle(plan: ParamGroupPlan): MediaBundle {
  return mediaBundle({ "text/plain": planText(plan), "text/html": planHtml(plan) });
}
