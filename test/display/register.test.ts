import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, optim, zeros } from "../../lib/index.js";
import { DISPLAY_METADATA, JUPYTER_DISPLAY, toMimeBundle } from "../../lib/display/jupyter.js";

const $display = Symbol.for("Jupyter.display");

describe("displays attached to lib classes", () => {
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const opt = new optim.Adam(model.parameters());
  const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 10 });
  const trace = optim.lr_scheduler.simulate(opt, (o) => new optim.lr_scheduler.StepLR(o, { step_size: 10 }), { steps: 50 });

  it("every public object has Deno's display method, not enumerable", () => {
    for (const v of [zeros(2), (model.get(0) as nn.Linear).weight, model, opt, sched]) {
      assert.equal(typeof (v as unknown as Record<symbol, unknown>)[$display], "function", v.constructor.name);
      assert.equal(JUPYTER_DISPLAY, $display);
      assert.ok(!Object.keys(v).includes(String($display)));
    }
    // Module discovery does not see it.
    assert.equal(model.namedParameters().length, 4);
  });

  it("returns Deno's flat media bundle; metadata rides on a hidden key Deno skips", async () => {
    const raw = (await (trace as unknown as { [k: symbol]: () => unknown })[$display]?.()) ?? null;
    // ScheduleTrace is plain data from simulate(): displayed through a registered formatter instead.
    assert.equal(raw, null);
    const plot = await (await import("../../lib/index.js")).plotSchedule(trace)[JUPYTER_DISPLAY]();
    assert.deepEqual(Object.keys(plot).sort(), ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
    assert.ok((plot as Record<symbol, unknown>)[DISPLAY_METADATA]);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(plot))).sort(), Object.keys(plot).sort());
  });

  it("toMimeBundle gives the right MIME types for each kind of object, never [object Object]", async () => {
    const expect: Array<[unknown, string[]]> = [
      [zeros(2), ["text/html", "text/plain"]],
      [model, ["text/html", "text/plain"]],
      [opt, ["text/html", "text/plain"]],
      [sched, ["text/html", "text/plain"]],
      [trace, ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]],
      [{ a: 1 }, ["text/plain"]],
    ];
    for (const [v, types] of expect) {
      const b = await toMimeBundle(v);
      assert.deepEqual(Object.keys(b.data).sort(), types);
      assert.doesNotMatch(String(b.data["text/plain"]), /\[object Object\]/);
      assert.doesNotMatch(String(b.data["text/plain"]), /\x1b\[/);
    }
  });
});
