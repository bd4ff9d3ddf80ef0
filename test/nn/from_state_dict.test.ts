/**
 * nn.Module.fromStateDict: the tree built from checkpoint names (GPT-2, ViT and Llama-2-7B
 * names), parameters in the file's order, and the paths that use it: summary, optimizers,
 * loadStateDict.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import * as nn from "../../lib/nn/index.js";
import { Adam } from "../../lib/optim/adam.js";
import * as safetensors from "../../lib/serialization/safetensors.js";
import { metaTensor, withDType } from "../../lib/tensor/meta.js";
import { tensor, zeros } from "../../lib/tensor/tensor.js";
import { summary } from "../../lib/display/module_summary.js";
import { RuntimeError } from "../../lib/errors.js";
import { llama7bShapes } from "../serialization/helpers.js";

const CKPT = join(resolve(__dirname, "..", ".."), "notebooks", "data", "checkpoints");

describe("nn.Module.fromStateDict", () => {
  test("GPT-2 names: nested modules, h as a ModuleList, namedParameters exactly the file's keys in order", async () => {
    const sd = await safetensors.load(join(CKPT, "gpt2-tiny.safetensors"));
    const model = nn.Module.fromStateDict(sd);
    assert.deepEqual(model.namedParameters().map(([n]) => n), Object.keys(sd));
    assert.deepEqual(Object.keys(model.stateDict()), Object.keys(sd));
    const h = model.getSubmodule("transformer.h");
    assert.ok(h instanceof nn.ModuleList);
    assert.equal(h.constructor.name, "ModuleList");
    assert.deepEqual(h.namedChildren().map(([n]) => n), ["0", "1"]);
    // Values are shared with the loaded tensors, not copied.
    const w = model.getParameter("transformer.h.1.attn.c_attn.weight");
    assert.equal(w.data, sd["transformer.h.1.attn.c_attn.weight"].data);
    assert.ok(w instanceof nn.Parameter && w.requiresGrad);
  });

  test("ViT names (sorted header: blocks.* before cls_token) keep the header's order, not the tree's", async () => {
    const sd = await safetensors.load(join(CKPT, "vit-tiny.safetensors"), { meta: true });
    const model = nn.Module.fromStateDict(sd);
    const names = model.namedParameters().map(([n]) => n);
    assert.deepEqual(names, Object.keys(sd));
    assert.equal(names[0], "blocks.0.attn.proj.bias");
    assert.ok(model.parameters().every((p) => p.isMeta && p.dtype === "bfloat16"));
  });

  test("Llama-2-7B shape-only: 291 parameters, 6.74 B elements, summary sizes in bf16 bytes, 32 blocks collapse", () => {
    const sd: Record<string, ReturnType<typeof metaTensor>> = {};
    for (const [name, shape] of llama7bShapes()) sd[name] = metaTensor(shape, "bfloat16", name);
    const model = nn.Module.fromStateDict(sd);
    assert.equal(model.parameters().length, 291);
    assert.equal(model.numParameters(), 6_738_415_616);
    const s = summary(model);
    assert.equal(s.totals.total, 6_738_415_616);
    assert.equal(s.totals.paramBytes, 2 * 6_738_415_616);
    assert.ok(s.collapsed);
    assert.match(s.toString(), /31 more × Module/);
    // An optimizer accepts shape-only parameters (nothing is stepped without gradients).
    const opt = new Adam(model.parameters(), { lr: 1e-4 });
    assert.equal(opt.paramGroups[0].params.length, 291);
  });

  test("integer tensors become buffers; non-contiguous numeric names stay plain modules", () => {
    const sd = {
      "embeddings.position_ids": withDType(tensor([[0, 1, 2]]), "int64"),
      "embeddings.word.weight": zeros(5, 2),
      "heads.0.weight": zeros(2),
      "heads.2.weight": zeros(2),
    };
    const model = nn.Module.fromStateDict(sd);
    assert.deepEqual(model.namedParameters().map(([n]) => n), ["embeddings.word.weight", "heads.0.weight", "heads.2.weight"]);
    assert.deepEqual(model.namedBuffers().map(([n]) => n), ["embeddings.position_ids"]);
    assert.deepEqual(Object.keys(model.stateDict()), Object.keys(sd));
    assert.ok(!(model.getSubmodule("heads") instanceof nn.ModuleList));
  });

  test("bad state dicts: not an object, a non-tensor, an empty segment, a key that is also a prefix", () => {
    assert.throws(() => nn.Module.fromStateDict([] as never), { name: "TypeError", message: "fromStateDict() expects a state dict (an object of name -> Tensor), got an array" });
    assert.throws(() => nn.Module.fromStateDict({ w: [1] } as never), { name: "TypeError", message: 'fromStateDict(): "w" must be a Tensor, got an array' });
    assert.throws(() => nn.Module.fromStateDict({ "a..w": zeros(1) }), { name: "ValueError", message: 'fromStateDict(): "a..w" has an empty name segment (expected names like "layers.0.weight")' });
    assert.throws(() => nn.Module.fromStateDict({ "a.w": zeros(1), "a.w.x": zeros(1) }), { name: "ValueError", message: 'fromStateDict(): "a.w" is a tensor and also the module prefix of "a.w.x"' });
    assert.throws(() => nn.Module.fromStateDict({ "a.forward": zeros(1) }), { name: "KeyError" });
  });
});

describe("loadStateDict from safetensors", () => {
  class Head extends nn.Module {
    head = new nn.Linear(16, 10);
    norm = new nn.LayerNorm(16);
  }

  test("a paramlab model takes a torch-written checkpoint's values (strict=false for the rest)", async () => {
    const sd = await safetensors.load(join(CKPT, "vit-tiny.safetensors"));
    const model = new Head();
    const { missingKeys, unexpectedKeys } = model.loadStateDict(sd, { strict: false });
    assert.deepEqual(missingKeys, []);
    assert.equal(unexpectedKeys.length, Object.keys(sd).length - 4);
    assert.deepEqual([...model.head.weight.data], [...sd["head.weight"].data]);
    assert.deepEqual([...model.norm.bias!.data], [...sd["norm.bias"].data]);
  });

  test("save → load → loadStateDict round-trips a model; shape-only tensors cannot load values", async () => {
    const a = new Head();
    a.head.weight.normal_(0, 1);
    const b = new Head();
    b.loadStateDict(await safetensors.load(safetensors.serialize(a.stateDict())));
    assert.ok(b.head.weight.equal(a.head.weight));
    const meta = await safetensors.load(safetensors.serialize(a.stateDict()), { meta: true });
    assert.throws(() => b.loadStateDict(meta), RuntimeError);
  });
});
