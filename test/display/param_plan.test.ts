/**
 * The explanation of a ParamGroupPlan: a row per rule with its group, counts and examples; unused
 * rules, unmatched and frozen parameters as findings.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, optim } from "../../lib/index.js";
import { toMimeBundle, type MimeBundle } from "../../lib/display/sink.js";
import { planFindings, planRows } from "../../lib/display/param_plan.js";
import { parseHtml, textOf } from "./helpers.js";

function bundle(v: unknown): Record<string, unknown> {
  return (toMimeBundle(v) as MimeBundle).data as Record<string, unknown>;
}

describe("ParamGroupPlan display", () => {
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.LayerNorm(8), new nn.Linear(8, 2));
  model.parameters()[0].requiresGrad = false; // 0.weight frozen
  const plan = optim.paramGroupsByRules(model.namedParameters(), [
    { match: /\.bias$/, group: "no_decay", weight_decay: 0, label: "biases" },
    { match: /^1\./, group: "no_decay", weight_decay: 0, label: "norm" },
    { match: /^head\./, group: "head", lr: 1e-2, label: "head" },
  ], { fallback: { name: "rest", weight_decay: 0.1 } });

  it("has a row per rule (in rule order, fallback last) with tensors, values and examples", () => {
    const rows = planRows(plan);
    // biases: 0.bias (8) + 1.bias (8) + 2.bias (2); norm: 1.weight (8); head: nothing; rest: 2.weight (16).
    assert.deepEqual(rows.map((r) => [r.rule, r.group, r.tensors, r.numel]), [
      ["biases", "no_decay", 3, 18],
      ["norm", "no_decay", 1, 8],
      ["head", "", 0, 0],
      ["(no rule matched)", "rest", 1, 16],
    ]);
    assert.deepEqual(rows[0].examples, ["0.bias", "1.bias", "2.bias"]);
  });

  it("reports the unused rule as a warning, unmatched and frozen parameters as info", () => {
    const f = planFindings(plan);
    assert.deepEqual(f.map((x) => x.severity), ["warning", "info", "info"]);
    assert.match(f[0].message, /Rule head matched no parameter/);
    assert.match(f[1].message, /1 parameters matched no rule and went to the fallback group: 2\.weight/);
    assert.match(f[2].message, /1 frozen parameters were left out: 0\.weight/);
  });

  it("displays as an HTML table with the findings", () => {
    const b = bundle(plan);
    const root = parseHtml(String(b["text/html"]));
    assert.deepEqual(root.querySelectorAll("thead th").map(textOf), ["Rule", "Group", "Hyperparameters", "Tensors", "Values", "Examples"]);
    assert.equal(root.querySelectorAll("tbody tr").length, 4);
    assert.equal(root.querySelectorAll("ul.pl-problems li").length, 3);
    assert.match(String(b["text/plain"]), /^ParamGroupPlan · 2 groups · 5 parameters placed/);
  });
});
