/**
 * paramGroupsByRules: ordered rules, first match wins, every parameter records its rule; unused
 * rules and unmatched parameters are reported; conflicting rules are an error.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../lib/nn/index.js";
import { AdamW } from "../../lib/optim/adamw.js";
import { FALLBACK_RULE, paramGroupsByRules } from "../../lib/optim/param_rules.js";
import * as msg from "../../lib/optim/builder_messages.js";
import { metaTensor } from "../../lib/tensor/meta.js";
import { llama7bShapes } from "../serialization/helpers.js";

function llama() {
  const sd: Record<string, ReturnType<typeof metaTensor>> = {};
  for (const [n, s] of llama7bShapes()) sd[n] = metaTensor(s, "bfloat16", n);
  return nn.Module.fromStateDict(sd).namedParameters();
}

describe("paramGroupsByRules", () => {
  test("first matching rule claims a parameter; each parameter records the rule; groups follow rule order", () => {
    const plan = paramGroupsByRules(llama(), [
      { match: /norm\.weight$/, group: "no_decay", weight_decay: 0, label: "norm weights" },
      { match: /^lm_head\./, group: "head", lr: 1e-3 },
      { match: /embed_tokens/, group: "embeddings", weight_decay: 0, lr: 1e-5 },
      { match: /\.bias$/g, group: "no_decay", weight_decay: 0, label: "biases" },
      { match: (_n, p) => p.ndim === 2, group: "matrices", weight_decay: 0.1, label: "2-d" },
    ]);
    assert.deepEqual(plan.groups.map((g) => [g.name, g.params.length]), [["no_decay", 65], ["head", 1], ["embeddings", 1], ["matrices", 224]]);
    const head = plan.groups[1];
    assert.deepEqual(head.params.map(([n]) => n), ["lm_head.weight"]);
    // lm_head.weight is 2-d too, but the earlier rule claimed it.
    assert.deepEqual(head.param_rules, ["/^lm_head\\./"]);
    assert.equal(head.lr, 1e-3);
    assert.ok(plan.groups[0].param_rules.every((r) => r === "norm weights"));
    assert.deepEqual(plan.unusedRules, ["biases"]);
    assert.deepEqual(plan.unmatched, []);
    assert.equal(plan.assignments.length, 291);
    assert.deepEqual(plan.assignments.find((a) => a.param === "model.norm.weight"), { param: "model.norm.weight", rule: "norm weights", group: "no_decay" });
  });

  test("parameters no rule matched go to the fallback group and are reported; with fallback null they are in no group", () => {
    const params = llama();
    const plan = paramGroupsByRules(params, [{ match: /layernorm/, group: "norms", weight_decay: 0 }], { fallback: { name: "rest", weight_decay: 0.1 } });
    assert.deepEqual(plan.groups.map((g) => [g.name, g.params.length, g.weight_decay]), [["norms", 64, 0], ["rest", 227, 0.1]]);
    assert.equal(plan.unmatched.length, 227);
    assert.equal(plan.groups[1].param_rules[0], FALLBACK_RULE);
    const strict = paramGroupsByRules(params, [{ match: /layernorm/, group: "norms", weight_decay: 0 }], { fallback: null });
    assert.deepEqual(strict.groups.map((g) => g.name), ["norms"]);
    assert.equal(strict.unmatched.length, 227);
    assert.match(String(strict), /in no group!/);
  });

  test("order puts named groups first; the plan iterates as its groups into an optimizer", () => {
    const plan = paramGroupsByRules(llama(), [{ match: /norm/, group: "no_decay", weight_decay: 0 }], { fallback: { name: "decay", weight_decay: 0.1 }, order: ["decay"] });
    assert.deepEqual(plan.groups.map((g) => g.name), ["decay", "no_decay"]);
    const opt = new AdamW(plan, { lr: 1e-4 });
    assert.deepEqual(opt.paramGroups.map((g) => [g.name, g.weight_decay, g.params.length]), [["decay", 0.1, 226], ["no_decay", 0, 65]]);
    assert.equal(opt.paramGroups[1].param_names![0], plan.groups[1].params[0][0]);
  });

  test("frozen parameters are skipped (reported) unless skip_frozen is false", () => {
    const params = llama().slice(0, 3);
    params[0][1].requiresGrad = false;
    const plan = paramGroupsByRules(params, []);
    assert.deepEqual(plan.skippedFrozen, [params[0][0]]);
    assert.equal(paramGroupsByRules(params, [], { skip_frozen: false }).groups[0].params.length, 3);
  });

  test("bad rules: not an array, no match, no group, two rules disagreeing on a group's hyperparameters", () => {
    const params = llama().slice(0, 2);
    assert.throws(() => paramGroupsByRules(params, {} as never), { name: "TypeError", message: msg.rulesNotArray({}) });
    assert.throws(() => paramGroupsByRules(params, [{ match: "bias" as never, group: "g" }]), { name: "TypeError", message: msg.badRule(0, "needs match: a RegExp or a function (name, param) => boolean", "bias") });
    assert.throws(() => paramGroupsByRules(params, [{ match: /x/, group: "" }]), { name: "TypeError", message: msg.badRule(0, "needs group: a non-empty group name", "") });
    assert.throws(
      () => paramGroupsByRules(params, [{ match: /a/, group: "g", weight_decay: 0 }, { match: /b/, group: "g", weight_decay: 0.1 }]),
      { name: "ValueError", message: msg.conflictingRules("g", "/a/", "/b/", "weight_decay") },
    );
  });
});
