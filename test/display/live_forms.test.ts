/**
 * The live forms of the schedule plot, of a plain ScheduleTrace and of a scheduler: built
 * synchronously, no PNG, the same chart spec / table / text as the full form.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, optim, plotSchedule, zeros } from "../../lib/index.js";
import { LIVE_DISPLAY, liveMimeBundle, registerFormatter, toMimeBundle, VEGALITE_MIME, type MimeBundle } from "../../lib/display/jupyter.js";
import { hasLiveForm } from "../../lib/display/sink.js";
import { parseHtml, vegaLiteSchemaErrors } from "./helpers.js";

function groups(): optim.SGD {
  return new optim.SGD(
    [
      { params: [new nn.Parameter(zeros(2))], lr: 0.1, name: "backbone" },
      { params: [new nn.Parameter(zeros(2))], lr: 0.4, name: "head" },
    ],
    { lr: 0.1, momentum: 0.9 },
  );
}

const trace = () => optim.lr_scheduler.simulate(groups(), (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: [0.1, 0.4], total_steps: 200 }), { steps: 200 });

describe("schedule plot live form", () => {
  it("is the full form's Vega-Lite spec and text, without the PNG, built synchronously", async () => {
    const plot = plotSchedule(trace());
    const live = plot[LIVE_DISPLAY]();
    assert.ok(!(live instanceof Promise));
    assert.deepEqual(Object.keys(live).sort(), [VEGALITE_MIME, "image/svg+xml", "text/plain"].sort());
    // The SVG (for front ends without Vega-Lite) draws the two lr series, named as in the legend.
    const svg = parseHtml(String(live["image/svg+xml"]));
    assert.deepEqual(svg.querySelectorAll("path").map((p) => p.querySelector("title")?.text), ["backbone", "head"]);
    assert.deepEqual(vegaLiteSchemaErrors(live[VEGALITE_MIME]), []);
    const full = (await toMimeBundle(plot)) as MimeBundle;
    assert.ok(typeof full.data["image/png"] === "string" && (full.data["image/png"] as string).length > 1000, "the full form has the PNG");
    assert.deepEqual(live[VEGALITE_MIME], full.data[VEGALITE_MIME]);
    assert.equal(live["text/plain"], full.data["text/plain"]);
  });

  it("a plain ScheduleTrace (simulate's result) has a live form through its formatter", () => {
    const t = trace();
    assert.equal(hasLiveForm(t), true);
    const live = liveMimeBundle(t)!;
    assert.ok(!("image/png" in live.data));
    assert.deepEqual(live.data[VEGALITE_MIME], plotSchedule(t).spec());
    assert.equal(hasLiveForm({ steps: 3 }), false, "objects of other shapes have none");
    assert.equal(liveMimeBundle(42), null);
  });

  it("registerFormatter takes an optional live function and refuses anything else there", () => {
    class Temp {
      constructor(readonly c: number) {}
    }
    const remove = registerFormatter((v) => v instanceof Temp, async (v) => ({ "text/plain": `${(v as Temp).c} °C`, "image/png": "AAAA" }), (v) => ({ "text/plain": `${(v as Temp).c} °C` }));
    try {
      assert.deepEqual(liveMimeBundle(new Temp(21))?.data, { "text/plain": "21 °C" });
    } finally {
      remove();
    }
    assert.equal(liveMimeBundle(new Temp(21)), null, "removed with its formatter");
    assert.throws(() => registerFormatter(() => true, () => ({}), "live" as never), {
      name: "TypeError",
      message: "registerFormatter() expects two functions, test(value) and format(value), and optionally a third, live(value)",
    });
  });
});

describe("scheduler live form", () => {
  it("shows the lr table and the preview as an inline SVG, no image; text as the full form", async () => {
    const opt = groups();
    const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 2, gamma: 0.5 });
    for (let i = 0; i < 3; i++) {
      opt.step();
      sched.step();
    }
    const live = liveMimeBundle(sched)!;
    const full = (await toMimeBundle(sched)) as MimeBundle;
    assert.equal(live.data["text/plain"], full.data["text/plain"]);
    const root = parseHtml(String(live.data["text/html"]));
    assert.equal(root.querySelectorAll("img").length, 0);
    assert.equal(parseHtml(String(full.data["text/html"])).querySelectorAll("img").length, 2, "the full form has its light and dark PNGs");
    // The table: current lr after 3 steps = base * 0.5^floor(3 / 2).
    const cells = root.querySelectorAll("tbody tr").map((tr) => tr.querySelectorAll("td").map((td) => td.text.trim()));
    assert.deepEqual(cells.map((r) => [r[0], r[2]]), [["0 · backbone", "0.05"], ["1 · head", "0.2"]]);
    const lines = root.querySelectorAll("svg path");
    assert.equal(lines.length, 2, "one line per group");
    assert.deepEqual(lines.map((l) => l.querySelector("title")?.text), ["0 · backbone", "1 · head"]);
  });
});
