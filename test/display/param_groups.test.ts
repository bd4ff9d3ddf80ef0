import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { describeParamGroups, nn, optim, visualizeOptimizerParamGroups, zeros, type MimeBundle } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import { captureStdout, parseHtml, textOf } from "./helpers.js";

/** The seed tutorial's demo: Sequential(Linear(4,3), Linear(3,2), Linear(2,1)), Adam, batch-size rule. */
function seedExample() {
  const model_A = new nn.Linear(4, 3);
  const model_B = new nn.Linear(3, 2);
  const model_C = new nn.Linear(2, 1);
  const model = new nn.Sequential(model_A, model_B, model_C);
  const optimizer = new optim.Adam([
    { params: model_A.parameters(), lr: 0.001, eps: 1e-8 },
    { params: model_B.parameters(), lr: 0.002, eps: 1e-8 },
    { params: model_C.parameters(), lr: 0.003, eps: 1e-8 },
  ]);
  const scheduler = new optim.lr_scheduler.BatchSizeLRScheduler(optimizer, { base_lrs: [0.001, 0.002, 0.003], base_batch_size: 64 });
  scheduler.step(128);
  return { model, optimizer };
}

class Net extends nn.Module {
  embed = new nn.Embedding(10, 4);
  ln = new nn.LayerNorm(4);
  fc = new nn.Linear(4, 4);
  head = new nn.Linear(4, 2);
}

function kinds(report: ReturnType<typeof describeParamGroups>): string[] {
  return report.problems.map((p) => `${p.severity}:${p.kind}${p.group === undefined ? "" : `@${p.group}`}`).sort();
}

describe("visualizeOptimizerParamGroups", () => {
  it("prints the seed tutorial's output exactly (numbers in JS notation)", () => {
    const { model, optimizer } = seedExample();
    const expected = readFileSync(join(__dirname, "fixtures", "seed_visualize_output.txt"), "utf8");
    let report: ReturnType<typeof visualizeOptimizerParamGroups> | undefined;
    const out = captureStdout(() => {
      report = visualizeOptimizerParamGroups(model, optimizer);
    });
    assert.equal(out, expected);
    assert.ok(report!.ok);
    assert.equal(report!.problems.length, 0);
  });

  it("marks parameters outside the model as unnamed and prints N/A for missing keys", () => {
    const model = new nn.Linear(2, 2);
    const stray = new nn.Parameter(zeros(3));
    const opt = new optim.SGD([{ params: [model.weight, stray], lr: 0.5 }]);
    const out = captureStdout(() => visualizeOptimizerParamGroups(model, opt));
    assert.equal(
      out,
      [
        "",
        "🟢 Param Group 0:",
        "  ↪ learning rate (lr): 0.5",
        "  ↪ epsilon (eps): N/A",
        "  ↪ weight_decay: 0",
        "  ↪ Parameters:",
        // Python pads by code points: "⚠️ unnamed" is 10 of them (U+26A0, U+FE0F, space, 7 letters).
        "     - weight                         | shape: (2, 2)",
        "     - ⚠️ unnamed                     | shape: (3,)",
        "",
      ].join("\n"),
    );
  });
});

describe("describeParamGroups", () => {
  it("finds no problem in a clean decay / no-decay split", () => {
    const net = new Net();
    const decay = net.namedParameters().filter(([n, p]) => p.ndim >= 2 && n !== "ln.weight").map(([, p]) => p);
    const rest = net.namedParameters().filter(([n, p]) => !(p.ndim >= 2 && n !== "ln.weight")).map(([, p]) => p);
    const opt = new optim.AdamW([
      { params: decay, weight_decay: 0.1, name: "decay" },
      { params: rest, weight_decay: 0, name: "no_decay" },
    ]);
    const report = describeParamGroups(net, opt);
    assert.deepEqual(report.problems, []);
    assert.ok(report.ok);
    assert.match(String(report), /No problems found\./);
  });

  it("reports every kind of mistake", () => {
    const net = new Net();
    const other = new nn.Linear(3, 3);
    net.embed.requiresGrad_(false);
    const opt = new optim.AdamW([
      // frozen embed inside a group; decay on ln.* and fc.bias
      { params: [...net.embed.parameters(), ...net.ln.parameters(), ...net.fc.parameters()], weight_decay: 0.01, name: "body" },
      // parameters of another model, lr 0, and a repeated name
      { params: other.parameters(), lr: 0, weight_decay: 0, name: "body" },
    ]);
    // head.* is trainable and in no group
    const report = describeParamGroups(net, opt);
    assert.deepEqual(kinds(report), [
      "warning:decay-on-bias-or-norm@0",
      "warning:duplicate-group-name",
      "warning:frozen-in-group@0",
      "warning:not-in-any-group",
      "warning:not-in-model@1",
      "warning:zero-lr@1",
    ]);
    const byKind = Object.fromEntries(report.problems.map((p) => [p.kind, p]));
    assert.deepEqual(byKind["frozen-in-group"].params, ["embed.weight"]);
    assert.deepEqual(byKind["decay-on-bias-or-norm"].params, ["ln.weight", "ln.bias", "fc.bias"]);
    assert.deepEqual(byKind["not-in-any-group"].params, ["head.weight", "head.bias"]);
    assert.equal(byKind["not-in-model"].params.length, 2);
    assert.match(byKind["duplicate-group-name"].message, /"body" is used by groups 0, 1/);
    assert.ok(!report.ok);

    // The HTML shows the table (with a section for the missing parameters and a Notes column) and the list.
    const b = toMimeBundle(report) as MimeBundle;
    const root = parseHtml(String(b.data["text/html"]));
    const titles = root.querySelectorAll(".pl-group-title").map(textOf);
    assert.deepEqual(titles, ["Group 0 · body", "Group 1 · body", "Not in any param group"]);
    assert.ok(root.querySelectorAll("thead th").map(textOf).includes("Notes"));
    assert.equal(root.querySelectorAll("ul.pl-problems li").length, 6);
    assert.match(String(b.data["text/plain"]), /Problems \(6\):/);
  });

  it("reports frozen parameters outside every group as information, not a warning", () => {
    const net = new Net();
    net.embed.requiresGrad_(false);
    const opt = new optim.SGD(net.parameters().filter((p) => p.requiresGrad), { lr: 0.1 });
    const report = describeParamGroups(net, opt);
    assert.deepEqual(kinds(report), ["info:not-in-any-group"]);
    assert.ok(report.ok);
  });

  it("escapes names in the report", () => {
    const net = new nn.Module();
    net.registerModule("layer", new nn.Linear(2, 2));
    const opt = new optim.SGD([{ params: [], lr: 0.1, name: "<img src=x onerror=alert(1)>" }]);
    const html = String((toMimeBundle(describeParamGroups(net, opt)) as MimeBundle).data["text/html"]);
    const root = parseHtml(html);
    assert.equal(root.querySelectorAll("img").length, 0);
    assert.ok(textOf(root).includes("<img src=x onerror=alert(1)>"));
  });

  it("rejects arguments of the wrong kind", () => {
    const net = new Net();
    const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
    assert.throws(() => describeParamGroups(opt as never, net as never), /expects an nn\.Module as its first argument, got a SGD/);
    assert.throws(() => describeParamGroups(net, {} as never), /expects an optim\.Optimizer as its second argument/);
  });
});

describe("describeParamGroups walks the model once and uses the builders' no-decay rule", () => {
  it("calls namedModules once and never namedParameters on the model", () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.LayerNorm(8), new nn.Linear(8, 2));
    const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weight_decay: 0.1 });
    let modulesCalls = 0;
    let paramCalls = 0;
    const namedModules = model.namedModules.bind(model);
    const namedParameters = model.namedParameters.bind(model);
    model.namedModules = (...a: Parameters<typeof model.namedModules>) => (modulesCalls++, namedModules(...a));
    model.namedParameters = (...a: Parameters<typeof model.namedParameters>) => (a[1] === false || paramCalls++, namedParameters(...a));
    const report = describeParamGroups(model, opt);
    assert.equal(modulesCalls, 1);
    assert.equal(paramCalls, 0);
    // timm's rule (lib/optim's TIMM_NO_DECAY): every 1-d tensor here is a bias or a norm weight.
    const decay = report.problems.find((p) => p.kind === "decay-on-bias-or-norm")!;
    assert.deepEqual(decay.params, ["0.bias", "1.weight", "1.bias", "2.bias"]);
    assert.equal(report.modelNames.get(model.parameters()[0]), "0.weight");
  });

  it("names come from the model given, not from another live model sharing the layer", () => {
    const shared = new nn.Linear(2, 2);
    const model = new nn.Sequential(shared);
    const other = new nn.Module();
    other.registerModule("body", shared); // newer outermost module holding the same parameters
    const report = describeParamGroups(model, new optim.SGD(model.parameters(), { lr: 0.1 }));
    assert.deepEqual(report.view.sections[0].rows.map((r) => r.name), ["0.weight", "0.bias"]);
    assert.ok(other);
  });
});
