/**
 * Error texts of the param-group builders (param_rules.ts, param_groups.ts), shared by code and
 * tests.
 */
import { describeValue, kindOf } from "../errors.js";

export const namedNotIterable = (fn: string, v: unknown) =>
  `${fn} expects named parameters: an iterable of [name, Parameter] pairs such as model.namedParameters(), got ${kindOf(v)}`;
export const badNamedEntry = (fn: string, i: number, v: unknown) =>
  `${fn}: entry #${i} must be a [name, Parameter] pair, got ${describeValue(v)}`;
export const duplicateName = (fn: string, name: string) => `${fn}: the name "${name}" is given twice (names must be unique)`;
export const rulesNotArray = (v: unknown) => `paramGroupsByRules() expects an array of rules like { match: /\\.bias$/, group: "no_decay", weight_decay: 0 }, got ${kindOf(v)}`;
export const badRule = (i: number, why: string, v: unknown) => `paramGroupsByRules(): rule #${i} ${why}, got ${describeValue(v)}`;
export const conflictingRules = (group: string, a: string, b: string, key: string) =>
  `paramGroupsByRules(): rules ${a} and ${b} both send parameters to group "${group}" but disagree on ${key}; give them different group names or the same ${key}`;
export const badNumberOption = (fn: string, key: string, v: unknown, expected: string) =>
  `${fn}: ${key} must be ${expected}, got ${describeValue(v)}`;
export const badStringList = (fn: string, key: string, v: unknown) => `${fn}: ${key} must be an array of strings, got ${describeValue(v)}`;
export const unknownRuleSet = (v: unknown) => `paramGroupsWeightDecay(): rule must be "timm" or "transformers", got ${describeValue(v)}`;
export const badLayer = (name: string, v: unknown) =>
  `paramGroupsLayerDecay(): layer_of("${name}") must return a non-negative integer, got ${describeValue(v)}`;
