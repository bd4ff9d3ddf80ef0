/**
 * Param-group builders against timm's and Hugging Face's rules on real-model names.
 *
 * Expected groups are derived by hand from the sources (read with the search tool; neither timm
 * nor transformers is installed here):
 * - timm/optim/_param_groups.py `param_groups_weight_decay`: skip frozen; no decay when
 *   `param.ndim <= 1 or name.endswith(".bias") or fnmatch(name, no_weight_decay_list)`; groups
 *   `[{weight_decay: 0}, {weight_decay}]`, empty ones left out.
 * - transformers/trainer.py `get_decay_parameter_names` → `get_parameter_names(model,
 *   ALL_LAYERNORM_LAYERS, ["bias", "layernorm", "rmsnorm"])`: decay unless the parameter is inside
 *   an nn.LayerNorm or its lower-cased name contains one of those words; groups
 *   `[{decay, weight_decay}, {no decay, 0.0}]`.
 * - layer decay: MAE's util/lr_decay.py `param_groups_lrd` / BEiT (timm's fallback without a
 *   model-specific group_matcher differs): num_layers = blocks + 1, `cls_token` / `pos_embed` /
 *   `patch_embed` → 0, `blocks.N` → N + 1, everything else → num_layers; scale
 *   `layer_decay ** (num_layers - id)`; no decay for `ndim == 1` or listed names; group name
 *   `layer_{id}_{decay|no_decay}` in order of first appearance.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import * as nn from "../../lib/nn/index.js";
import type { Parameter } from "../../lib/nn/parameter.js";
import { AdamW } from "../../lib/optim/adamw.js";
import { fnmatchRegExp, inferLayer, paramGroupsLayerDecay, paramGroupsWeightDecay } from "../../lib/optim/param_groups.js";
import * as msg from "../../lib/optim/builder_messages.js";
import * as safetensors from "../../lib/serialization/safetensors.js";
import { metaTensor } from "../../lib/tensor/meta.js";
import { llama7bShapes } from "../serialization/helpers.js";

const CKPT = join(resolve(__dirname, "..", ".."), "notebooks", "data", "checkpoints");

function named(shapes: Array<[string, number[]]>): Array<[string, Parameter]> {
  const sd: Record<string, ReturnType<typeof metaTensor>> = {};
  for (const [n, s] of shapes) sd[n] = metaTensor(s, "float32", n);
  return nn.Module.fromStateDict(sd).namedParameters();
}

async function checkpoint(file: string): Promise<Array<[string, Parameter]>> {
  return nn.Module.fromStateDict(await safetensors.load(join(CKPT, file), { meta: true })).namedParameters();
}

/** bert-base names (2 layers) of BertForSequenceClassification. */
function bertNames(layers = 2): Array<[string, number[]]> {
  const d = 768;
  const out: Array<[string, number[]]> = [
    ["bert.embeddings.word_embeddings.weight", [30522, d]],
    ["bert.embeddings.position_embeddings.weight", [512, d]],
    ["bert.embeddings.token_type_embeddings.weight", [2, d]],
    ["bert.embeddings.LayerNorm.weight", [d]],
    ["bert.embeddings.LayerNorm.bias", [d]],
  ];
  for (let i = 0; i < layers; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const m of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) out.push([p + m + ".weight", [d, d]], [p + m + ".bias", [d]]);
    out.push([p + "attention.output.LayerNorm.weight", [d]], [p + "attention.output.LayerNorm.bias", [d]]);
    out.push([p + "intermediate.dense.weight", [3072, d]], [p + "intermediate.dense.bias", [3072]]);
    out.push([p + "output.dense.weight", [d, 3072]], [p + "output.dense.bias", [d]]);
    out.push([p + "output.LayerNorm.weight", [d]], [p + "output.LayerNorm.bias", [d]]);
  }
  out.push(["bert.pooler.dense.weight", [d, d]], ["bert.pooler.dense.bias", [d]], ["classifier.weight", [2, d]], ["classifier.bias", [2]]);
  return out;
}

const names = (g: { params: Array<[string, Parameter]> }) => g.params.map(([n]) => n);

describe("paramGroupsWeightDecay, timm's rule", () => {
  test("GPT-2: every 1-d tensor (biases, ln_* weights) gets no decay; the 2-d matrices and embeddings decay", async () => {
    const params = await checkpoint("gpt2-tiny.safetensors");
    const plan = paramGroupsWeightDecay(params, { weight_decay: 0.1 });
    assert.deepEqual(plan.groups.map((g) => [g.name, g.weight_decay]), [["no_decay", 0], ["decay", 0.1]]);
    assert.deepEqual(names(plan.groups[0]), params.filter(([, p]) => p.ndim === 1).map(([n]) => n));
    assert.deepEqual(names(plan.groups[1]), params.filter(([, p]) => p.ndim === 2).map(([n]) => n));
    assert.equal(plan.groups[1].param_rules[0], "(no rule matched)");
    assert.equal(plan.groups[0].param_rules[0], "ndim <= 1");
  });

  test("Llama-2-7B: 65 one-dimensional norm weights (incl. model.norm.weight) no decay, 226 matrices decay", () => {
    const plan = paramGroupsWeightDecay(named(llama7bShapes()), { weight_decay: 0.1 });
    assert.equal(plan.groups[0].params.length, 65);
    assert.ok(names(plan.groups[0]).includes("model.norm.weight"));
    assert.equal(plan.groups[1].params.length, 226);
  });

  test("ViT with no_weight_decay_list (fnmatch patterns): pos_embed and cls_token join no_decay", async () => {
    const params = await checkpoint("vit-tiny.safetensors");
    const plan = paramGroupsWeightDecay(params, { weight_decay: 0.05, no_weight_decay_list: ["pos_embed", "cls_*"] });
    const noDecay = names(plan.groups[0]);
    assert.ok(noDecay.includes("pos_embed") && noDecay.includes("cls_token"));
    assert.equal(plan.groups[0].param_rules[noDecay.indexOf("cls_token")], "no_weight_decay_list");
    assert.deepEqual(names(plan.groups[1]), params.filter(([n, p]) => p.ndim > 1 && n !== "pos_embed" && n !== "cls_token").map(([n]) => n));
  });

  test("frozen parameters are left out and reported; an all-decay model has one group", () => {
    const params = named([["a.weight", [2, 2]], ["b.weight", [2, 2]]]);
    params[1][1].requiresGrad = false;
    const plan = paramGroupsWeightDecay(params, { weight_decay: 0.1 });
    assert.deepEqual(plan.groups.map((g) => g.name), ["decay"]);
    assert.deepEqual(plan.skippedFrozen, ["b.weight"]);
  });
});

describe("paramGroupsWeightDecay, the Hugging Face Trainer's rule", () => {
  test("BERT: biases and LayerNorm weights (by name) get no decay; groups are [decay, no_decay]", () => {
    const params = named(bertNames());
    const plan = paramGroupsWeightDecay(params, { weight_decay: 0.01, rule: "transformers" });
    assert.deepEqual(plan.groups.map((g) => [g.name, g.weight_decay]), [["decay", 0.01], ["no_decay", 0]]);
    const expectedNoDecay = params.map(([n]) => n).filter((n) => n.endsWith(".bias") || n.endsWith("LayerNorm.weight"));
    assert.deepEqual(names(plan.groups[1]), expectedNoDecay);
    assert.equal(plan.groups[0].params.length + expectedNoDecay.length, params.length);
  });

  test("Llama: *_layernorm weights no decay, but model.norm.weight (LlamaRMSNorm, no 'rmsnorm' in its name) decays", () => {
    const plan = paramGroupsWeightDecay(named(llama7bShapes()), { weight_decay: 0.1, rule: "transformers" });
    assert.equal(plan.groups[1].params.length, 64);
    assert.ok(names(plan.groups[0]).includes("model.norm.weight"));
  });

  test("GPT-2: ln_* weights decay unless their modules are named as nn.LayerNorm instances", async () => {
    const params = await checkpoint("gpt2-tiny.safetensors");
    const byName = paramGroupsWeightDecay(params, { weight_decay: 0.1, rule: "transformers" });
    assert.ok(names(byName.groups[0]).includes("transformer.ln_f.weight"));
    const lnModules = ["transformer.h.0.ln_1", "transformer.h.0.ln_2", "transformer.h.1.ln_1", "transformer.h.1.ln_2", "transformer.ln_f"];
    const byType = paramGroupsWeightDecay(params, { weight_decay: 0.1, rule: "transformers", layernorm_modules: lnModules });
    assert.deepEqual(names(byType.groups[1]), params.filter(([, p]) => p.ndim === 1).map(([n]) => n));
    assert.equal(byType.groups[1].param_rules[names(byType.groups[1]).indexOf("transformer.ln_f.weight")], "in an nn.LayerNorm");
  });

  test("bad options: weight_decay, no_weight_decay_list, rule, named parameters", () => {
    const params = named([["w", [2, 2]]]);
    assert.throws(() => paramGroupsWeightDecay(params, { weight_decay: -1 }), { name: "ValueError", message: msg.badNumberOption("paramGroupsWeightDecay()", "weight_decay", -1, "a finite number >= 0") });
    assert.throws(() => paramGroupsWeightDecay(params, { weight_decay: "0.1" as never }), { name: "ValueError" });
    assert.throws(() => paramGroupsWeightDecay(params, { no_weight_decay_list: "bias" as never }), { name: "TypeError", message: msg.badStringList("paramGroupsWeightDecay()", "no_weight_decay_list", "bias") });
    assert.throws(() => paramGroupsWeightDecay(params, { rule: "keras" as never }), { name: "ValueError", message: msg.unknownRuleSet("keras") });
    assert.throws(() => paramGroupsWeightDecay(params.map(([, p]) => p) as never), { name: "TypeError", message: msg.badNamedEntry("paramGroupsWeightDecay()", 0, params[0][1]) });
    assert.throws(() => paramGroupsWeightDecay([["w", params[0][1]], ["w", params[0][1]]]), { name: "ValueError", message: msg.duplicateName("paramGroupsWeightDecay()", "w") });
  });
});

describe("paramGroupsLayerDecay (BEiT / MAE layer-wise lr decay)", () => {
  test("ViT (3 blocks): embeddings layer 0, blocks.N layer N+1, norm and head layer 4; lr_scale 0.75^(4-id)", async () => {
    const params = await checkpoint("vit-tiny.safetensors");
    const plan = paramGroupsLayerDecay(params, { weight_decay: 0.05, layer_decay: 0.75, no_weight_decay_list: ["pos_embed", "cls_token"] });
    const byName = new Map(plan.groups.map((g) => [g.name, g]));
    // Hand-derived from MAE's param_groups_lrd with num_layers = 4.
    const expected: Record<string, { scale: number; wd: number; params: string[] }> = {
      layer_0_no_decay: { scale: 0.75 ** 4, wd: 0, params: ["cls_token", "patch_embed.proj.bias", "pos_embed"] },
      layer_0_decay: { scale: 0.75 ** 4, wd: 0.05, params: ["patch_embed.proj.weight"] },
      layer_4_no_decay: { scale: 1, wd: 0, params: ["head.bias", "norm.bias", "norm.weight"] },
      layer_4_decay: { scale: 1, wd: 0.05, params: ["head.weight"] },
    };
    for (const [g, e] of Object.entries(expected)) {
      const got = byName.get(g)!;
      assert.ok(got, g);
      assert.ok(Math.abs((got.lr_scale as number) - e.scale) < 1e-15, `${g} lr_scale ${got.lr_scale}`);
      assert.equal(got.weight_decay, e.wd);
      assert.deepEqual(names(got).sort(), e.params, g);
    }
    for (let b = 0; b < 3; b++) {
      assert.ok(Math.abs((byName.get(`layer_${b + 1}_decay`)!.lr_scale as number) - 0.75 ** (3 - b)) < 1e-15);
      assert.deepEqual(names(byName.get(`layer_${b + 1}_decay`)!).sort(), ["attn.proj.weight", "attn.qkv.weight", "mlp.fc1.weight", "mlp.fc2.weight"].map((s) => `blocks.${b}.${s}`));
    }
    assert.equal(plan.groups.length, 10);
    // Groups in order of first appearance (timm builds a dict): the sorted header starts with blocks.0.
    assert.equal(plan.groups[0].name, "layer_1_no_decay");
  });

  test("GPT-2 (h.N), Llama (layers.N), BERT (encoder.layer.N): the layer of each name", () => {
    assert.equal(inferLayer("transformer.wte.weight", 12), 0);
    assert.equal(inferLayer("transformer.h.11.mlp.c_fc.weight", 12), 12);
    assert.equal(inferLayer("transformer.ln_f.weight", 12), 13);
    assert.equal(inferLayer("model.embed_tokens.weight", 32), 0);
    assert.equal(inferLayer("model.layers.0.self_attn.q_proj.weight", 32), 1);
    assert.equal(inferLayer("lm_head.weight", 32), 33);
    assert.equal(inferLayer("bert.embeddings.LayerNorm.weight", 12), 0);
    assert.equal(inferLayer("bert.encoder.layer.3.output.dense.weight", 12), 4);
    assert.equal(inferLayer("bert.pooler.dense.weight", 12), 13);
  });

  test("Llama-2-7B: 34 layers; lm_head and model.norm at scale 1, embed_tokens at 0.9^33; lr option sets lr × lr_scale", () => {
    const plan = paramGroupsLayerDecay(named(llama7bShapes()), { weight_decay: 0.1, layer_decay: 0.9, lr: 3e-4 });
    const g = new Map(plan.groups.map((x) => [x.name, x]));
    assert.equal(g.get("layer_33_decay")!.lr_scale, 1);
    assert.deepEqual(names(g.get("layer_33_no_decay")!), ["model.norm.weight"]);
    assert.ok(Math.abs((g.get("layer_0_decay")!.lr_scale as number) - 0.9 ** 33) < 1e-15);
    assert.ok(Math.abs((g.get("layer_0_decay")!.lr as number) - 3e-4 * 0.9 ** 33) < 1e-18);
    assert.equal(plan.groups.length, 1 + 32 * 2 + 2); // layer_0_decay, 32 × (decay, no_decay), layer_33_{decay,no_decay}
  });

  test("layer_of overrides the inference; its result is checked", () => {
    const params = named([["enc.weight", [2, 2]], ["dec.weight", [2, 2]]]);
    const plan = paramGroupsLayerDecay(params, { layer_decay: 0.5, layer_of: (n) => (n.startsWith("enc") ? 0 : 1) });
    assert.deepEqual(plan.groups.map((g) => [g.name, g.lr_scale]), [["layer_0_decay", 0.5], ["layer_1_decay", 1]]);
    assert.throws(() => paramGroupsLayerDecay(params, { layer_of: () => -1 }), { name: "ValueError", message: msg.badLayer("enc.weight", -1) });
    assert.throws(() => paramGroupsLayerDecay(params, { layer_decay: 0 }), { name: "ValueError" });
  });

  test("the plan goes straight into an optimizer: named groups, lr_scale and param_rules kept", async () => {
    const params = await checkpoint("vit-tiny.safetensors");
    const opt = new AdamW(paramGroupsLayerDecay(params), { lr: 1e-3 });
    assert.equal(opt.paramGroups.length, 10);
    assert.ok(opt.paramGroups.every((g) => Array.isArray(g.param_names) && typeof g.lr_scale === "number" && Array.isArray(g.param_rules)));
  });
});

describe("fnmatch patterns (Python's fnmatchcase)", () => {
  test("*, ?, [seq], [!seq], and regex characters taken literally", () => {
    const cases: Array<[string, string, boolean]> = [
      ["pos_embed", "pos_embed", true],
      ["*.bias", "blocks.0.attn.qkv.bias", true],
      ["*.bias", "bias", false],
      ["blocks.?.norm1.weight", "blocks.3.norm1.weight", true],
      ["blocks.?.norm1.weight", "blocks.10.norm1.weight", false],
      ["blocks.[02].*", "blocks.2.x", true],
      ["blocks.[!02].*", "blocks.2.x", false],
      ["a+b", "a+b", true],
      ["a.b", "axb", false],
    ];
    for (const [pattern, name, want] of cases) assert.equal(fnmatchRegExp(pattern).test(name), want, `${pattern} vs ${name}`);
  });
});
