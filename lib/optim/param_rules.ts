/**
 * Param groups from an ordered list of rules, each explaining itself: a rule matches parameter
 * names (a RegExp) or parameters (a predicate) and sends them to a named group with its
 * hyperparameters; the first matching rule claims a parameter. The result records which rule
 * claimed each parameter (the optimizer table's "Rule" column), which rules matched nothing, and
 * which parameters no rule matched.
 *
 * Data in, data out: builders take `namedParameters()` pairs and never see a Module.
 */
import { ValueError } from "../errors.js";
import { Parameter } from "../nn/parameter.js";
import * as msg from "./builder_messages.js";

/** `[name, parameter]` pairs, as `model.namedParameters()` gives. */
export type NamedParameters = Iterable<readonly [string, Parameter]>;

/**
 * One rule: `match` (a RegExp tested on the name, or a predicate on name and parameter), the
 * `group` it sends parameters to, an optional `label` for explanations, and the group's
 * hyperparameters under PyTorch's keys (`weight_decay: 0`, `lr: 1e-4`, ...).
 */
export interface ParamRule {
  match: RegExp | ((name: string, param: Parameter) => boolean);
  group: string;
  label?: string;
  [hyperparameter: string]: unknown;
}

/** A built group: what an optimizer takes (named parameters) plus the rule of each parameter. */
export interface BuiltParamGroup {
  name: string;
  params: Array<[string, Parameter]>;
  /** Label of the rule that claimed each parameter, in the order of `params`. */
  param_rules: string[];
  [hyperparameter: string]: unknown;
}

/** Which rule claimed a parameter, and where it went. */
export interface RuleAssignment {
  param: string;
  rule: string;
  group: string;
}

/** Options of `paramGroupsByRules`. */
export interface RuleOptions {
  /**
   * Where parameters no rule matched go: a group `{ name, ...hyperparameters }` (default
   * `{ name: "default" }`: the optimizer's defaults), or `null` to leave them out (they are then
   * reported, since the optimizer will not train them).
   */
  fallback?: ({ name: string } & Record<string, unknown>) | null;
  /** Skip frozen parameters (`requiresGrad === false`), as timm and Hugging Face do. Default true. */
  skip_frozen?: boolean;
  /** Group order by name; groups not listed follow in order of their first rule. */
  order?: readonly string[];
  /** @internal Set by the builders whose rule sets are fixed. */
  source?: ParamGroupPlan["source"];
}

/** Label of the fallback "rule" in explanations. */
export const FALLBACK_RULE = "(no rule matched)";

/**
 * Param groups built by rules, with the explanation of every choice. Iterating it gives the
 * groups, so it goes straight into an optimizer: `new optim.AdamW(plan, { lr: 1e-3 })`.
 */
export class ParamGroupPlan implements Iterable<BuiltParamGroup> {
  /** The groups, in order, empty ones left out. */
  readonly groups: BuiltParamGroup[];
  /** Every parameter considered, in input order, with its rule and group. */
  readonly assignments: RuleAssignment[];
  /** Labels of rules that matched no parameter (often a typo in a pattern). */
  readonly unusedRules: string[];
  /** Parameters no rule matched (they went to the fallback group, or nowhere if it is `null`). */
  readonly unmatched: string[];
  /** Whether unmatched parameters went to a fallback group (`false`: they are in no group). */
  readonly fallbackUsed: boolean;
  /** Frozen parameters left out. */
  readonly skippedFrozen: string[];
  /** Label of each rule, in order. */
  readonly rules: string[];
  /**
   * Who wrote the rules: `"user"` (paramGroupsByRules) or a builder's fixed rule set (`"timm"`,
   * `"transformers"`, `"layer_decay"`), whose unused rules are expected rather than typos.
   */
  readonly source: "user" | "timm" | "transformers" | "layer_decay";

  constructor(init: Omit<ParamGroupPlan, typeof Symbol.iterator | "toString" | "source"> & { source?: ParamGroupPlan["source"] }) {
    this.source = init.source ?? "user";
    this.groups = init.groups;
    this.assignments = init.assignments;
    this.unusedRules = init.unusedRules;
    this.unmatched = init.unmatched;
    this.fallbackUsed = init.fallbackUsed;
    this.skippedFrozen = init.skippedFrozen;
    this.rules = init.rules;
  }

  [Symbol.iterator](): Iterator<BuiltParamGroup> {
    return this.groups[Symbol.iterator]();
  }

  /** One line per group and per finding. */
  toString(): string {
    const lines = this.groups.map((g) => {
      const hyper = Object.entries(g).filter(([k]) => k !== "name" && k !== "params" && k !== "param_rules").map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      return `${g.name}: ${g.params.length} tensors${hyper.length ? ` (${hyper.join(", ")})` : ""}`;
    });
    if (this.unusedRules.length) lines.push(`rules that matched nothing: ${this.unusedRules.join(", ")}`);
    if (this.unmatched.length) lines.push(`matched by no rule${this.fallbackUsed ? "" : " (in no group!)"}: ${this.unmatched.join(", ")}`);
    return lines.join("\n");
  }
}

/** Checks named parameters: `[string, Parameter]` pairs with unique names. */
export function checkNamed(fn: string, named: unknown): Array<[string, Parameter]> {
  if (named === null || typeof named !== "object" || typeof (named as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(msg.namedNotIterable(fn, named));
  }
  const out: Array<[string, Parameter]> = [];
  const names = new Set<string>();
  let i = 0;
  for (const entry of named as Iterable<unknown>) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string" || !(entry[1] instanceof Parameter)) {
      throw new TypeError(msg.badNamedEntry(fn, i, entry));
    }
    if (names.has(entry[0])) throw new ValueError(msg.duplicateName(fn, entry[0]));
    names.add(entry[0]);
    out.push([entry[0], entry[1]]);
    i++;
  }
  return out;
}

function ruleLabel(rule: ParamRule, i: number): string {
  if (typeof rule.label === "string" && rule.label !== "") return rule.label;
  if (rule.match instanceof RegExp) return String(rule.match);
  return rule.match.name ? `${rule.match.name}()` : `rule #${i}`;
}

function hyperOf(o: Record<string, unknown>, skip: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!skip.includes(k)) out[k] = v;
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Splits named parameters into groups by ordered rules; the first rule that matches claims the
 * parameter. Returns a plan that iterates as the groups and explains every choice.
 *
 * @example
 * const plan = optim.paramGroupsByRules(model.namedParameters(), [
 *   { match: /(^|\.)bias$/, group: "no_decay", weight_decay: 0, label: "biases" },
 *   { match: /norm/i, group: "no_decay", weight_decay: 0, label: "norm weights" },
 *   { match: /^lm_head\./, group: "head", lr: 1e-3 },
 * ]);
 * const opt = new optim.AdamW(plan, { lr: 1e-4, weight_decay: 0.1 });
 * plan.unusedRules; // ["/^lm_head\\./"] when the model has no lm_head
 */
export function paramGroupsByRules(named: NamedParameters, rules: readonly ParamRule[], options: RuleOptions = {}): ParamGroupPlan {
  const params = checkNamed("paramGroupsByRules()", named);
  if (!Array.isArray(rules)) throw new TypeError(msg.rulesNotArray(rules));
  const { fallback = { name: "default" }, skip_frozen: skipFrozen = true, order = [], source = "user" } = options;
  const labels = rules.map((r, i) => {
    if (r === null || typeof r !== "object") throw new TypeError(msg.badRule(i, "must be an object { match, group, ...hyperparameters }", r));
    if (!(r.match instanceof RegExp) && typeof r.match !== "function") throw new TypeError(msg.badRule(i, "needs match: a RegExp or a function (name, param) => boolean", r.match));
    if (typeof r.group !== "string" || r.group === "") throw new TypeError(msg.badRule(i, "needs group: a non-empty group name", r.group));
    return ruleLabel(r, i);
  });
  // Rules sending parameters to one group must agree on its hyperparameters.
  const groupHyper = new Map<string, { hyper: Record<string, unknown>; label: string }>();
  rules.forEach((r, i) => {
    const hyper = hyperOf(r, ["match", "group", "label"]);
    const seen = groupHyper.get(r.group);
    if (!seen) return void groupHyper.set(r.group, { hyper, label: labels[i] });
    for (const k of new Set([...Object.keys(hyper), ...Object.keys(seen.hyper)])) {
      if (!sameValue(hyper[k], seen.hyper[k])) throw new ValueError(msg.conflictingRules(r.group, seen.label, labels[i], k));
    }
  });
  if (fallback !== null) {
    if (typeof fallback !== "object" || typeof fallback.name !== "string") throw new TypeError(msg.badRule(rules.length, "(the fallback) must be { name, ...hyperparameters } or null", fallback));
    if (!groupHyper.has(fallback.name)) groupHyper.set(fallback.name, { hyper: hyperOf(fallback, ["name"]), label: FALLBACK_RULE });
  }
  // Stateless matching: a /g or /y RegExp would remember where it stopped.
  const tests = rules.map((r) =>
    r.match instanceof RegExp ? ((re: RegExp) => (n: string) => re.test(n))(new RegExp(r.match.source, r.match.flags.replace(/[gy]/g, ""))) : (n: string, p: Parameter) => Boolean((r.match as (n: string, p: Parameter) => boolean)(n, p)),
  );
  const members = new Map<string, BuiltParamGroup>();
  const used = new Set<number>();
  const assignments: RuleAssignment[] = [];
  const unmatched: string[] = [];
  const skippedFrozen: string[] = [];
  for (const [name, p] of params) {
    if (skipFrozen && !p.requiresGrad) {
      skippedFrozen.push(name);
      continue;
    }
    const hit = tests.findIndex((t) => t(name, p));
    let group: string | undefined;
    let label: string;
    if (hit >= 0) {
      used.add(hit);
      group = rules[hit].group;
      label = labels[hit];
    } else {
      unmatched.push(name);
      group = fallback?.name;
      label = FALLBACK_RULE;
    }
    if (group === undefined) continue;
    assignments.push({ param: name, rule: label, group });
    let g = members.get(group);
    if (!g) members.set(group, (g = { name: group, params: [], param_rules: [], ...groupHyper.get(group)!.hyper }));
    g.params.push([name, p]);
    g.param_rules.push(label);
  }
  const declared = [...order, ...rules.map((r) => r.group), ...(fallback ? [fallback.name] : [])];
  const groups = [...new Set(declared)].map((n) => members.get(n)).filter((g): g is BuiltParamGroup => g !== undefined);
  return new ParamGroupPlan({
    groups,
    assignments,
    unusedRules: labels.filter((_, i) => !used.has(i)),
    unmatched,
    fallbackUsed: fallback !== null,
    skippedFrozen,
    rules: labels,
    source,
  });
}
