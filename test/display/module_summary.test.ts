import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, summary, type MimeBundle } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import { parseHtml, textOf } from "./helpers.js";

class MyModel extends nn.Module {
  base = new nn.Linear(4, 8);
  actor = new nn.Linear(8, 2);
  critic = new nn.Linear(8, 1);
}

class Block extends nn.Module {
  ln = new nn.LayerNorm(16);
  fc = new nn.Linear(16, 16);
}

class Deep extends nn.Module {
  layers = new nn.ModuleList(Array.from({ length: 24 }, () => new Block()));
  head = new nn.Linear(16, 3);
}

describe("module summary", () => {
  it("prints torchinfo's layout with per-layer shapes, counts and totals", () => {
    // base: 8*4+8 = 40, actor: 2*8+2 = 18, critic: 1*8+1 = 9; total 67, 268 bytes as float32.
    const text = String(summary(new MyModel()));
    assert.equal(
      text,
      [
        "========================================================================================================",
        "Layer (type)      Arguments                                 Param shapes              Param #  Trainable",
        "========================================================================================================",
        "MyModel                                                                                    67  yes",
        "├─base: Linear    in_features=4, out_features=8, bias=True  weight (8, 4), bias (8,)       40  yes",
        "├─actor: Linear   in_features=8, out_features=2, bias=True  weight (2, 8), bias (2,)       18  yes",
        "└─critic: Linear  in_features=8, out_features=1, bias=True  weight (1, 8), bias (1,)        9  yes",
        "========================================================================================================",
        "Total params: 67",
        "Trainable params: 67",
        "Non-trainable params: 0",
        "Params size: 268 B",
        "========================================================================================================",
      ].join("\n"),
    );
  });

  it("marks frozen and partly frozen modules and counts non-trainable parameters", () => {
    const m = new MyModel();
    m.actor.requiresGrad_(false);
    m.critic.bias!.requiresGrad = false;
    const s = summary(m);
    assert.deepEqual(s.rows.map((r) => r.trainable), ["partial", "yes", "frozen", "partial"]);
    // frozen: actor 18 + critic.bias 1 = 19
    assert.deepEqual(s.totals, { total: 67, trainable: 48, nonTrainable: 19, paramBytes: 268, buffers: 0, bufferBytes: 0 });
  });

  it("collapses runs of identical blocks in large models", () => {
    const d = new Deep();
    const s = summary(d);
    assert.ok(s.collapsed);
    const repeat = s.rows.find((r) => r.repeat)!;
    // Block: LayerNorm(16) 32 + Linear(16,16) 272 = 304; 23 more blocks = 6992.
    assert.equal(repeat.repeat!.count, 23);
    assert.equal(repeat.params, 23 * 304);
    assert.equal(s.totals.total, 24 * 304 + 16 * 3 + 3);
    assert.ok(s.rows.length < 12, `${s.rows.length} rows`);
    assert.match(String(s), /⋮ 23 more × Block \(1 … 23\)/);
    // Not collapsed when asked, nor when a block differs.
    assert.equal(summary(d, { collapse: false }).rows.length, 1 + 1 + 24 * 3 + 1);
    d.layers.get(5).requiresGrad_(false);
    const split = summary(d).rows.filter((r) => r.repeat).map((r) => r.repeat!.count);
    // Blocks 0-4 alike (0 shown + 4 more), block 5 differs, blocks 6-23 alike (6 shown + 17 more).
    assert.deepEqual(split, [4, 17]);
  });

  it("stops at a given depth, folding deeper counts into their parents", () => {
    const s = summary(new Deep(), { depth: 1, collapse: false });
    assert.deepEqual(s.rows.map((r) => `${r.prefix}${r.name || r.type} ${r.params}`), ["Deep 7347", "├─layers 7296", "└─head 51"]);
  });

  it("shows a shared module once and counts its parameters once", () => {
    const shared = new nn.Linear(2, 2);
    const m = new nn.Module();
    m.registerModule("a", shared);
    m.registerModule("b", shared);
    // namedChildren lists a module once, as PyTorch's named_children does.
    assert.equal(summary(m).totals.total, 6);
  });

  it("displays as an HTML table with indentation, escaping names", () => {
    const m = new nn.Module();
    m.registerModule("x<script>", new nn.Linear(2, 2));
    const b = toMimeBundle(m) as MimeBundle;
    assert.deepEqual(Object.keys(b.data).sort(), ["text/html", "text/plain"]);
    const root = parseHtml(String(b.data["text/html"]));
    const rows = root.querySelectorAll("tbody tr");
    assert.equal(rows.length, 2);
    assert.equal(textOf(rows[1].querySelector("td")), "x<script>: Linear");
    assert.match(rows[1].querySelector("td")!.getAttribute("style")!, /padding-left:1\.9em/);
    assert.deepEqual(root.querySelectorAll("dl.pl-facts dt").map(textOf), ["Total params", "Trainable params", "Non-trainable params", "Params size"]);
  });

  it("reports buffers (BatchNorm running stats)", () => {
    const bn = new nn.BatchNorm1d(4);
    const s = summary(bn);
    // running_mean 4 + running_var 4 + num_batches_tracked 1
    assert.equal(s.totals.buffers, 9);
    assert.match(String(s), /Buffers: 9 elements \(36 B\)/);
  });
});

it("summary() names what it was given when that is not a module or the options are wrong", () => {
  // Before: summary(null) / summary(42) failed with raw property errors from deep inside.
  assert.throws(() => summary(null as never), { name: "TypeError", message: "summary() expects an nn.Module, got null" });
  assert.throws(() => summary(42 as never), { name: "TypeError", message: "summary() expects an nn.Module, got a number" });
  const m = new nn.Linear(2, 2);
  assert.throws(() => summary(m, null as never), /options must be an object such as \{ depth: 2 \}, got null/);
  assert.throws(() => summary(m, { maxRows: Number.NaN }), /maxRows must be a positive integer, got NaN/);
  assert.throws(() => summary(m, { depth: -1 }), /depth must be a non-negative integer or Infinity, got -1/);
  assert.throws(() => summary(m, { collapse: "yes" as never }), /collapse must be "auto", true or false, got "yes"/);
});
