/**
 * The param-group builders of timm and Hugging Face, over `namedParameters()` pairs:
 *
 * - `paramGroupsWeightDecay(named, { weight_decay, no_weight_decay_list, rule })`: which
 *   parameters get weight decay. `rule: "timm"` (default) is timm's `param_groups_weight_decay`
 *   (timm/optim/_param_groups.py): no decay for `ndim <= 1`, names ending in `.bias`, and names
 *   matching `no_weight_decay_list` (fnmatch patterns). `rule: "transformers"` is the Hugging Face
 *   Trainer's `get_decay_parameter_names` (transformers/trainer.py): no decay when the lower-cased
 *   name contains "bias", "layernorm" or "rmsnorm", or the parameter is inside an `nn.LayerNorm`
 *   (pass those modules' names as `layernorm_modules`: the builder sees names, not modules).
 * - `paramGroupsLayerDecay(named, { weight_decay, layer_decay, ... })`: timm's
 *   `param_groups_layer_decay` (from BEiT / MAE): each layer's group gets
 *   `lr_scale = layer_decay ** (last_layer - layer)`, embeddings layer 0, the head last.
 *
 * Both return a `ParamGroupPlan` (param_rules.ts): it iterates as the groups and records the rule
 * that placed each parameter.
 */
import { ValueError } from "../errors.js";
import type { Parameter } from "../nn/parameter.js";
import * as msg from "./builder_messages.js";
import { checkNamed, ParamGroupPlan, paramGroupsByRules, type BuiltParamGroup, type NamedParameters, type RuleAssignment } from "./param_rules.js";

/** Options of `paramGroupsWeightDecay`. */
export interface WeightDecayOptions {
  /** Weight decay of the decayed group (timm's default 1e-5; the Trainer's `args.weight_decay`). */
  weight_decay?: number;
  /** Names (fnmatch patterns: `*`, `?`, `[seq]`) that get no weight decay, e.g. `["pos_embed", "cls_token"]`. */
  no_weight_decay_list?: readonly string[];
  /** Whose rule: `"timm"` (default) or `"transformers"` (the Hugging Face Trainer). */
  rule?: "timm" | "transformers";
  /** `"transformers"` only: names of the model's `nn.LayerNorm` modules (their parameters get no decay). */
  layernorm_modules?: readonly string[];
}

/** Options of `paramGroupsLayerDecay`. */
export interface LayerDecayOptions {
  /** Weight decay of decayed groups (timm's default 0.05). */
  weight_decay?: number;
  /** lr factor per layer below the top (timm's default 0.75). */
  layer_decay?: number;
  /** Names (fnmatch patterns) that get no weight decay. */
  no_weight_decay_list?: readonly string[];
  /** No weight decay for parameters with `ndim <= 1` (timm's default true). */
  weight_decay_exclude_1d?: boolean;
  /** Smallest `lr_scale` (timm's `min_scale`, default 0). */
  min_scale?: number;
  /** Each parameter's layer (0 = embeddings); default: inferred from its name (see `inferLayer`). */
  layer_of?: (name: string) => number;
  /** When given, also sets each group's `lr` to `lr × lr_scale` (for schedulers that ignore `lr_scale`). */
  lr?: number;
}

/** Python's `fnmatch.fnmatchcase` pattern as a RegExp (`*`, `?`, `[seq]`, `[!seq]`). */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) out += "\\[";
      else {
        let body = pattern.slice(i + 1, close);
        body = body.startsWith("!") ? "^" + body.slice(1).replace(/\\/g, "\\\\") : body.replace(/\\/g, "\\\\").replace(/^\^/, "\\^");
        out += `[${body}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^(?:${out})$`, "s");
}

/**
 * timm's rule for parameters that get no weight decay (besides `no_weight_decay_list`), as labelled
 * tests. Shared by `paramGroupsWeightDecay` and the display's "decay on a bias / norm" check.
 */
export const TIMM_NO_DECAY: ReadonlyArray<{ label: string; test: (name: string, param: Parameter) => boolean }> = [
  { label: "ndim <= 1", test: (_n, p) => p.ndim <= 1 },
  { label: "name ends with .bias", test: (n) => n.endsWith(".bias") },
];

/**
 * Why timm's rule gives `param` no weight decay (the rule's label), or `null` when it decays.
 *
 * @example
 * noWeightDecayReason("blocks.0.norm1.weight", p); // "ndim <= 1"
 */
export function noWeightDecayReason(name: string, param: Parameter): string | null {
  return TIMM_NO_DECAY.find((r) => r.test(name, param))?.label ?? null;
}

function checkWeightDecay(fn: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new ValueError(msg.badNumberOption(fn, "weight_decay", v, "a finite number >= 0"));
  return v;
}

function checkList(fn: string, key: string, v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new TypeError(msg.badStringList(fn, key, v));
  return [...v];
}

function matchesAny(patterns: readonly RegExp[], name: string): boolean {
  return patterns.some((re) => re.test(name));
}

/**
 * Two groups by weight decay, with timm's rule (default) or the Hugging Face Trainer's.
 * timm's order is `[no_decay (weight_decay 0), decay]`; the Trainer's is `[decay, no_decay]`.
 * Frozen parameters are left out, as both do.
 *
 * @example
 * const groups = optim.paramGroupsWeightDecay(model.namedParameters(), { weight_decay: 0.05, no_weight_decay_list: ["pos_embed", "cls_token"] });
 * const opt = new optim.AdamW(groups, { lr: 1e-3 });
 */
export function paramGroupsWeightDecay(named: NamedParameters, options: WeightDecayOptions = {}): ParamGroupPlan {
  const fn = "paramGroupsWeightDecay()";
  const { rule = "timm" } = options;
  const weightDecay = checkWeightDecay(fn, options.weight_decay ?? (rule === "timm" ? 1e-5 : 0));
  const noDecay = checkList(fn, "no_weight_decay_list", options.no_weight_decay_list ?? []).map(fnmatchRegExp);
  const params = checkNamed(fn, named);
  if (rule === "timm") {
    return paramGroupsByRules(
      params,
      [
        ...TIMM_NO_DECAY.map((r) => ({ match: r.test, group: "no_decay", weight_decay: 0, label: r.label })),
        { match: (n: string) => matchesAny(noDecay, n), group: "no_decay", weight_decay: 0, label: "no_weight_decay_list" },
      ],
      { fallback: { name: "decay", weight_decay: weightDecay }, source: "timm" },
    );
  }
  if (rule === "transformers") {
    const norms = checkList(fn, "layernorm_modules", options.layernorm_modules ?? []);
    return paramGroupsByRules(
      params,
      [
        { match: (n: string) => norms.some((m) => n.startsWith(m + ".")), group: "no_decay", weight_decay: 0, label: "in an nn.LayerNorm" },
        { match: /bias/i, group: "no_decay", weight_decay: 0, label: 'name contains "bias"' },
        { match: /layernorm/i, group: "no_decay", weight_decay: 0, label: 'name contains "layernorm"' },
        { match: /rmsnorm/i, group: "no_decay", weight_decay: 0, label: 'name contains "rmsnorm"' },
        { match: (n: string) => matchesAny(noDecay, n), group: "no_decay", weight_decay: 0, label: "no_weight_decay_list" },
      ],
      { fallback: { name: "decay", weight_decay: weightDecay }, order: ["decay", "no_decay"], source: "transformers" },
    );
  }
  throw new ValueError(msg.unknownRuleSet(rule));
}

/** Names of transformer blocks: `blocks.N` (timm), `layers.N` (Llama), `h.N` (GPT-2), `layer.N` (BERT), `block.N` (T5). */
const BLOCK = /(?:^|\.)(?:blocks|layers|layer|h|block)\.(\d+)(?:\.|$)/;
/** Embedding-like names: layer 0. */
const EMBEDDING = /(?:^|\.)(?:[a-z_]*embed[a-z_]*|wte|wpe|cls_token|mask_token|dist_token|reg_token)(?:\.|$)/i;

/**
 * The layer of a parameter, from its name: embeddings (`wte`, `embed_tokens`, `embeddings.*`,
 * `patch_embed`, `pos_embed`, `cls_token`) are layer 0, block N (`blocks.N`, `layers.N`, `h.N`,
 * `encoder.layer.N`) is layer N + 1, and anything else (final norm, head) is the last layer,
 * `numBlocks + 1` — BEiT's and MAE's `get_layer_id_for_vit`, generalised.
 *
 * @example
 * inferLayer("transformer.h.3.attn.c_attn.weight", 12); // 4
 */
export function inferLayer(name: string, numBlocks: number): number {
  const block = BLOCK.exec(name);
  if (block) return Number(block[1]) + 1;
  if (EMBEDDING.test(name)) return 0;
  return numBlocks + 1;
}

/**
 * Layer-wise lr decay groups (timm's `param_groups_layer_decay`): one group per layer and decay
 * choice, named `layer_{id}_{decay|no_decay}`, with `lr_scale = max(min_scale, layer_decay **
 * (last - id))` and `weight_decay`; in order of first appearance, frozen parameters left out.
 * Schedulers that honour `lr_scale` (timm's) multiply the lr by it; pass `lr` to set each group's
 * lr directly.
 *
 * @example
 * const plan = optim.paramGroupsLayerDecay(vit.namedParameters(), { weight_decay: 0.05, layer_decay: 0.75 });
 * plan.groups.map((g) => [g.name, g.lr_scale]); // [["layer_0_no_decay", 0.178], ..., ["layer_13_decay", 1]]
 */
export function paramGroupsLayerDecay(named: NamedParameters, options: LayerDecayOptions = {}): ParamGroupPlan {
  const fn = "paramGroupsLayerDecay()";
  const weightDecay = checkWeightDecay(fn, options.weight_decay ?? 0.05);
  const layerDecay = options.layer_decay ?? 0.75;
  if (typeof layerDecay !== "number" || !Number.isFinite(layerDecay) || layerDecay <= 0) throw new ValueError(msg.badNumberOption(fn, "layer_decay", layerDecay, "a finite number > 0"));
  const minScale = options.min_scale ?? 0;
  if (typeof minScale !== "number" || !Number.isFinite(minScale) || minScale < 0) throw new ValueError(msg.badNumberOption(fn, "min_scale", minScale, "a finite number >= 0"));
  if (options.lr !== undefined && (typeof options.lr !== "number" || !Number.isFinite(options.lr) || options.lr < 0)) throw new ValueError(msg.badNumberOption(fn, "lr", options.lr, "a finite number >= 0"));
  if (options.layer_of !== undefined && typeof options.layer_of !== "function") throw new TypeError(msg.badNumberOption(fn, "layer_of", options.layer_of, "a function (name) => layer"));
  const exclude1d = options.weight_decay_exclude_1d ?? true;
  const noDecay = checkList(fn, "no_weight_decay_list", options.no_weight_decay_list ?? []).map(fnmatchRegExp);
  const params = checkNamed(fn, named);

  let numBlocks = 0;
  for (const [n] of params) {
    const b = BLOCK.exec(n);
    if (b) numBlocks = Math.max(numBlocks, Number(b[1]) + 1);
  }
  const layerOf = options.layer_of ?? ((n: string) => inferLayer(n, numBlocks));
  const layers = params.map(([n]) => {
    const id = layerOf(n);
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new ValueError(msg.badLayer(n, id));
    return id;
  });
  const last = Math.max(0, ...layers);
  const groups = new Map<string, BuiltParamGroup>();
  const assignments: RuleAssignment[] = [];
  const skippedFrozen: string[] = [];
  params.forEach(([name, p], i) => {
    if (!p.requiresGrad) return void skippedFrozen.push(name);
    const listed = matchesAny(noDecay, name);
    const decay = !((exclude1d && p.ndim <= 1) || listed);
    const id = layers[i];
    const scale = Math.max(minScale, layerDecay ** (last - id));
    const groupName = `layer_${id}_${decay ? "decay" : "no_decay"}`;
    let g = groups.get(groupName);
    if (!g) {
      g = { name: groupName, params: [], param_rules: [], lr_scale: scale, weight_decay: decay ? weightDecay : 0 };
      if (options.lr !== undefined) g.lr = options.lr * scale;
      groups.set(groupName, g);
    }
    const layerWhy = options.layer_of ? `layer_of → ${id}` : layerReason(name, id, last);
    const rule = `${layerWhy}; ${decay ? "decay" : exclude1d && p.ndim <= 1 ? "ndim <= 1" : "no_weight_decay_list"}`;
    g.params.push([name, p]);
    g.param_rules.push(rule);
    assignments.push({ param: name, rule, group: groupName });
  });
  return new ParamGroupPlan({ groups: [...groups.values()], assignments, unusedRules: [], unmatched: [], fallbackUsed: true, skippedFrozen, rules: [], source: "layer_decay" });
}

function layerReason(name: string, id: number, last: number): string {
  const block = BLOCK.exec(name);
  if (block) return `${block[0].replace(/^\.|\.$/g, "")} → layer ${id}`;
  if (id === 0) return "embedding → layer 0";
  return `after the blocks → layer ${last}`;
}
