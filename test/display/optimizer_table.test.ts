import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, optim, zeros, type MimeBundle } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import { optimizerText, optimizerView } from "../../lib/display/optimizer_table.js";
import { parseHtml, rowText, textOf } from "./helpers.js";

class MyModel extends nn.Module {
  base = new nn.Linear(4, 8);
  actor = new nn.Linear(8, 2);
  critic = new nn.Linear(8, 1);
}

const XSS = "<img src=x onerror=alert(1)>";

function bundle(v: unknown): MimeBundle {
  const b = toMimeBundle(v);
  assert.ok(!(b instanceof Promise), "optimizer tables are built synchronously");
  return b as MimeBundle;
}

describe("optimizer param-group table", () => {
  it("has a header row per group with every hyperparameter and a row per parameter named from the live model", () => {
    const model = new MyModel();
    const opt = new optim.Adam([
      { params: model.base.parameters(), lr: 1e-3 },
      { params: model.actor.parameters(), lr: 5e-4, name: "actor" },
      { params: model.critic.parameters(), lr: 1e-4, initial_lr: 1e-4, custom_key: "x" },
    ]);
    const b = bundle(opt);
    assert.deepEqual(Object.keys(b.data).sort(), ["text/html", "text/plain"]);
    const root = parseHtml(String(b.data["text/html"]));
    const tables = root.querySelectorAll("table");
    assert.equal(tables.length, 1, "one table");
    const bodies = tables[0].querySelectorAll("tbody");
    assert.equal(bodies.length, 3, "one tbody per group");
    // Header rows: title, then one chip per hyperparameter in the group (lr first).
    const headers = bodies.map((tb) => tb.querySelector("tr.pl-group th")!);
    assert.equal(textOf(headers[0].querySelector(".pl-group-title")), "Group 0");
    assert.equal(textOf(headers[1].querySelector(".pl-group-title")), "Group 1 · actor");
    for (const [i, g] of opt.paramGroups.entries()) {
      const chips = headers[i].querySelectorAll(".pl-chip").map((c) => [textOf(c.querySelector(".pl-key")), textOf(c.querySelector("b"))]);
      const expectedKeys = Object.keys(g).filter((k) => k !== "params" && k !== "name");
      assert.deepEqual(chips.map(([k]) => k).sort(), expectedKeys.sort(), `group ${i} shows every hyperparameter`);
      assert.equal(chips[0][0], "lr");
    }
    const chip = (i: number, key: string) =>
      textOf(headers[i].querySelectorAll(".pl-chip").find((c) => textOf(c.querySelector(".pl-key")) === key)!.querySelector("b"));
    assert.equal(chip(0, "lr"), "0.001");
    assert.equal(chip(0, "betas"), "(0.9, 0.999)");
    assert.equal(chip(0, "eps"), "1e-8");
    assert.equal(chip(0, "amsgrad"), "False");
    assert.equal(chip(0, "foreach"), "None");
    assert.equal(chip(2, "initial_lr"), "0.0001");
    assert.equal(chip(2, "custom_key"), "x");

    // Parameter rows: name, shape, numel, trainable, grad.
    const rows = bodies[0].querySelectorAll("tr").filter((r) => !r.classList.contains("pl-group") && !r.classList.contains("pl-total"));
    assert.deepEqual(
      rows.map((r) => r.querySelectorAll("td").map(textOf)),
      [
        ["base.weight", "(8, 4)", "32", "✓ yes", "—"],
        ["base.bias", "(8,)", "8", "✓ yes", "—"],
      ],
    );
    // Totals: 8*4+8 = 40 in group 0; 2*8+2 + 1*8+1 = 27 elsewhere; 67 overall.
    assert.match(rowText(bodies[0].querySelector("tr.pl-total")), /^Group 0 total \(2 tensors\) 40 all trainable/);
    assert.match(rowText(root.querySelector("tfoot tr")), /^Total \(6 tensors\) 67 67 trainable/);
    assert.equal(textOf(root.querySelector("caption")), "Adam · 3 param groups · 6 tensors · 67 parameters (67 trainable)");
  });

  it("shows frozen parameters, gradients and optimizer steps", () => {
    const model = new MyModel();
    model.actor.requiresGrad_(false);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    model.base.weight.grad = zeros(8, 4);
    model.base.bias!.grad = zeros(8);
    opt.step();
    const view = optimizerView(opt);
    const rows = view.sections[0].rows;
    assert.deepEqual(rows.map((r) => [r.name, r.trainable, r.hasGrad]), [
      ["base.weight", true, true],
      ["base.bias", true, true],
      ["actor.weight", false, false],
      ["actor.bias", false, false],
      ["critic.weight", true, false],
      ["critic.bias", true, false],
    ]);
    // Frozen: 2*8 + 2 = 18 of 67.
    assert.equal(view.trainableNumel, 49);
    const root = parseHtml(String(bundle(opt).data["text/html"]));
    assert.ok(root.querySelectorAll("td").some((td) => textOf(td) === "✗ frozen"));
    // Memory from shapes: 67 × 4 B of parameters, 49 × 4 B of gradients (frozen ones get none);
    // this optimizer keeps no per-parameter state.
    assert.match(rowText(root.querySelector("tbody tr.pl-total")), / 49 trainable params 268 B · grads 196 B · no state$/);
  });

  it("uses param_names, and 'unnamed' for parameters of no module", () => {
    const loose = new nn.Parameter(zeros(3));
    const named = new nn.Parameter(zeros(2, 2));
    const opt1 = new optim.SGD([loose], { lr: 0.1 });
    assert.equal(optimizerView(opt1).sections[0].rows[0].name, "unnamed");
    const opt2 = new optim.SGD([["my.weight", named] as const], { lr: 0.1 });
    assert.equal(optimizerView(opt2).sections[0].rows[0].name, "my.weight");
  });

  it("escapes every name and value placed in HTML", () => {
    const model = new nn.Module();
    model.registerModule("x", new nn.Linear(2, 2));
    const evil = new nn.Module();
    evil.registerModule("inner", model);
    const opt = new optim.SGD([{ params: model.parameters(), lr: 0.1, name: XSS, note: `"'&<b>` }]);
    const html = String(bundle(opt).data["text/html"]);
    assert.ok(!html.includes("<img"), "no raw <img");
    assert.ok(!html.includes("<b>\""), "no raw values");
    const root = parseHtml(html);
    assert.equal(root.querySelectorAll("img").length, 0);
    assert.equal(textOf(root.querySelector(".pl-group-title")), `Group 0 · ${XSS}`);
    const note = root.querySelectorAll(".pl-chip").find((c) => textOf(c.querySelector(".pl-key")) === "note")!;
    assert.equal(textOf(note.querySelector("b")), `"'&<b>`);
  });

  it("styles with JupyterLab variables and fallbacks, self-contained", () => {
    const opt = new optim.SGD([new nn.Parameter(zeros(1))], { lr: 1 });
    const html = String(bundle(opt).data["text/html"]);
    const style = parseHtml(html).querySelector("style")!.text;
    assert.match(style, /var\(--jp-ui-font-color1,[^)]+\)/);
    assert.match(style, /var\(--jp-border-color2,[^)]+\)/);
    // Every var() has a fallback (classic Notebook has no --jp-* variables).
    for (const m of style.matchAll(/var\(([^)]*)\)/g)) assert.ok(m[1].includes(","), `var(${m[1]}) has a fallback`);
  });

  it("prints a readable text table", () => {
    const model = new MyModel();
    const opt = new optim.SGD([{ params: model.base.parameters(), lr: 0.1, momentum: 0.9, name: "base" }]);
    const text = optimizerText(optimizerView(opt));
    assert.equal(
      text.split("\n").slice(0, 9).join("\n"),
      [
        "SGD · 1 param group · 2 tensors · 40 parameters (40 trainable)",
        "",
        "Group 0 · base  │  lr=0.1  momentum=0.9  dampening=0  weight_decay=0  nesterov=False  maximize=False",
        "                │  foreach=None  differentiable=False  fused=None",
        "  Parameter    Shape   Numel  Trainable      Grad",
        "  ───────────────────────────────────────────────",
        "  base.weight  (8, 4)     32  yes            -",
        "  base.bias    (8,)        8  yes            -",
        "  ───────────────────────────────────────────────",
      ].join("\n"),
    );
    assert.doesNotMatch(text, /\[object Object\]/);
  });
});

describe("optimizer table: builder rules and memory", () => {
  it("shows a Rule column for groups from a builder, and the memory per group and in total", async () => {
    const { paramGroupsWeightDecay } = await import("../../lib/optim/param_groups.js");
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.LayerNorm(8), new nn.Linear(8, 2));
    const opt = new optim.AdamW(paramGroupsWeightDecay(model.namedParameters(), { weight_decay: 0.1 }), { lr: 1e-3 });
    const view = optimizerView(opt);
    assert.deepEqual(view.sections.map((s) => s.rows.map((r) => r.rule)), [
      ["ndim <= 1", "ndim <= 1", "ndim <= 1", "ndim <= 1"],
      ["(no rule matched)", "(no rule matched)"],
    ]);
    // no_decay: biases 8 + 2 and LayerNorm 8 + 8 = 26 values; decay: 32 + 16 = 48. AdamW keeps 2 tensors per parameter.
    const text = optimizerText(view);
    assert.match(text, /memory: params 104 B · grads 104 B · state 2× \(exp_avg, exp_avg_sq\) 208 B/);
    assert.match(text, /memory: params 192 B · grads 192 B · state 2× \(exp_avg, exp_avg_sq\) 384 B/);
    assert.match(text, /Memory from shapes: parameters 296 B \+ gradients 296 B \+ AdamW state 592 B = 1\.16 KB$/);
    assert.doesNotMatch(text, /param_rules=/);
    const root = parseHtml(String(bundle(opt).data["text/html"]));
    assert.deepEqual(root.querySelectorAll("thead th").map(textOf), ["Parameter", "Shape", "Numel", "Trainable", "Grad", "Rule"]);
    assert.match(textOf(root.querySelector("tfoot tr.pl-memory")), /AdamW state 592 B/);
  });
});
