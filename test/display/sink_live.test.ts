/**
 * Live delivery of displays inside a running cell: throttling and coalescing per display_id,
 * per-id ordering, live forms with the full form for the final state, bad options. The clock is
 * node:test's mock (Date and setTimeout): `setTime` moves Date on without firing timers, as a
 * synchronous loop does; `tick` fires the timers that are due, as a loop that yields would.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import {
  DISPLAY_MESSAGES,
  JUPYTER_DISPLAY,
  LIVE_DISPLAY,
  display,
  flushDisplays,
  getDisplayTimeout,
  getUpdateRate,
  mediaBundle,
  setDisplaySink,
  setDisplayTimeout,
  setUpdateRate,
  type MimeBundle,
} from "../../lib/display/sink.js";
import * as jupyter from "../../lib/display/jupyter.js";

type Sent = { text: unknown; id?: string; update: boolean; at: number; png: boolean };
function capture(): Sent[] {
  const sent: Sent[] = [];
  setDisplaySink((bundle: MimeBundle, opts) => {
    sent.push({ text: bundle.data["text/plain"], id: opts.displayId, update: opts.update, at: Date.now(), png: "image/png" in bundle.data });
  });
  return sent;
}

/** A promise resolved from outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A value with a live form and an asynchronous full form (as a plot), counting the calls of each. */
class LivePlot {
  static live = 0;
  static full = 0;
  constructor(readonly step: number) {}
  [LIVE_DISPLAY]() {
    LivePlot.live++;
    return mediaBundle({ "application/vnd.vegalite.v5+json": { step: this.step }, "text/plain": `plot ${this.step}` });
  }
  async [JUPYTER_DISPLAY]() {
    LivePlot.full++;
    await new Promise((r) => setImmediate(r));
    return mediaBundle({ "image/png": "iVBORw0KGgo=", "text/plain": `plot ${this.step}` });
  }
}

const withClock = () => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });

beforeEach(() => {
  LivePlot.live = 0;
  LivePlot.full = 0;
});
afterEach(() => {
  mock.timers.reset();
  setDisplaySink(null);
  setUpdateRate(4);
});

describe("throttled updates", () => {
  it("a synchronous loop updating every millisecond sends at most 4 updates a second, and the latest value last", async () => {
    withClock();
    const sent = capture();
    const h = display(0, { display_id: "a" });
    for (let t = 1; t <= 2100; t++) {
      mock.timers.setTime(t); // the loop runs on; no timer can fire
      h.update(t);
    }
    // Sends when an update finds 250 ms gone since the last send: t = 250, 500, ..., 2000.
    const expected = [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000];
    assert.deepEqual(sent.map((s) => Number(s.text)), expected);
    assert.deepEqual(sent.map((s) => s.at), expected);
    // The loop ends: the trailing send (due 250 ms after t = 2000) carries the latest value.
    mock.timers.tick(149);
    assert.equal(sent.length, expected.length);
    mock.timers.tick(1);
    assert.deepEqual(sent.at(-1), { text: "2100", id: "a", update: true, at: 2250, png: false });
    await flushDisplays();
    assert.equal(sent.length, expected.length + 1, "nothing more to send at the end");
  });

  it("builds no bundle for updates that are throttled away", () => {
    withClock();
    capture();
    let built = 0;
    const counted = (v: number) => ({ [JUPYTER_DISPLAY]: () => (built++, { "text/plain": String(v) }) });
    const h = display(counted(0), { display_id: true });
    for (let t = 1; t <= 999; t++) {
      mock.timers.setTime(t);
      h.update(counted(t));
    }
    // The display, then sends at t = 250, 500, 750: four bundles for 1000 calls.
    assert.equal(built, 4);
  });

  it("a loop that yields gets the trailing send from the timer", () => {
    withClock();
    const sent = capture();
    const h = display("v0", { display_id: "y" });
    mock.timers.tick(100);
    h.update("v1");
    h.update("v2"); // coalesces with v1
    assert.equal(sent.length, 1);
    mock.timers.tick(150); // 250 ms after the display
    assert.deepEqual(sent.map((s) => s.text), ["v0", "v2"]);
    assert.equal(sent[1].at, 250);
  });

  it("throttles each display_id on its own", () => {
    withClock();
    const sent = capture();
    const a = display("a0", { display_id: "a" });
    const b = display("b0", { display_id: "b" });
    mock.timers.setTime(300);
    a.update("a1");
    b.update("b1");
    assert.deepEqual(sent.map((s) => s.text), ["a0", "b0", "a1", "b1"]);
  });

  it("setUpdateRate(0) sends only the final state; Infinity sends every update", async () => {
    withClock();
    let sent = capture();
    setUpdateRate(0);
    assert.equal(getUpdateRate(), 0);
    const h = display(0, { display_id: true });
    for (let t = 1; t <= 3000; t++) {
      mock.timers.setTime(t);
      h.update(t);
    }
    mock.timers.tick(10_000);
    assert.deepEqual(sent.map((s) => s.text), ["0"]);
    await flushDisplays();
    assert.deepEqual(sent.map((s) => s.text), ["0", "3000"]);

    sent = capture();
    setUpdateRate(Infinity);
    assert.equal(getUpdateRate(), Infinity);
    const g = display(0, { display_id: true });
    for (let i = 1; i <= 5; i++) g.update(i);
    assert.deepEqual(sent.map((s) => s.text), ["0", "1", "2", "3", "4", "5"]);
  });

  it("setUpdateRate is reachable through the jupyter namespace and checks its input", () => {
    jupyter.setUpdateRate(10);
    assert.equal(jupyter.getUpdateRate(), 10);
    for (const bad of [-1, Number.NaN, -Infinity]) {
      assert.throws(() => setUpdateRate(bad), { name: "RangeError", message: DISPLAY_MESSAGES.rate(bad) });
    }
    for (const bad of ["4", null, undefined, 4n]) {
      assert.throws(() => setUpdateRate(bad as unknown as number), { name: "TypeError", message: DISPLAY_MESSAGES.rate(bad) });
    }
    assert.match(DISPLAY_MESSAGES.rate("4"), /got '4'/);
    assert.equal(jupyter.getUpdateRate(), 10, "a refused rate leaves the rate as it was");
  });
});

describe("ordering", () => {
  it("an update of display A is not held behind a slow bundle of display B", async () => {
    const sent = capture();
    setUpdateRate(Infinity);
    const a = display("a0", { display_id: "A" });
    const slow = deferred<Record<string, unknown>>();
    display({ [JUPYTER_DISPLAY]: () => slow.promise });
    a.update("a1");
    assert.deepEqual(sent.map((s) => s.text), ["a0", "a1"], "A's update went out while B renders");
    slow.resolve({ "text/plain": "B" });
    await flushDisplays();
    assert.deepEqual(sent.map((s) => s.text), ["a0", "a1", "B"]);
  });

  it("new outputs keep the order of the display() calls", async () => {
    const sent = capture();
    const slow = deferred<Record<string, unknown>>();
    display({ [JUPYTER_DISPLAY]: () => slow.promise });
    display("second");
    display(new LivePlot(3)); // ready at once, still after the slow one
    assert.equal(sent.length, 0);
    slow.resolve({ "text/plain": "first" });
    await flushDisplays();
    assert.deepEqual(sent.filter((s) => !s.update).map((s) => s.text), ["first", "second", "plot 3"]);
  });

  it("updates of one id never overtake each other, even when an earlier bundle is slower", async () => {
    const sent = capture();
    setUpdateRate(Infinity);
    const h = display("x0", { display_id: "X" });
    const slow = deferred<Record<string, unknown>>();
    h.update({ [JUPYTER_DISPLAY]: () => slow.promise });
    h.update("x2");
    h.update("x3"); // coalesces with x2 while x1 renders
    assert.deepEqual(sent.map((s) => s.text), ["x0"]);
    slow.resolve({ "text/plain": "x1" });
    await flushDisplays();
    assert.deepEqual(sent.map((s) => s.text), ["x0", "x1", "x3"]);
  });

  it("an update of a display whose own first bundle is still rendering waits for it", async () => {
    const sent = capture();
    setUpdateRate(Infinity);
    const slow = deferred<Record<string, unknown>>();
    const h = display({ [JUPYTER_DISPLAY]: () => slow.promise }, { display_id: "S" });
    h.update("s1");
    assert.equal(sent.length, 0);
    slow.resolve({ "text/plain": "s0" });
    await flushDisplays();
    assert.deepEqual(sent.map((s) => [s.text, s.update]), [["s0", false], ["s1", true]]);
  });
});

describe("live forms and the final state", () => {
  it("a live value is shown and updated in its live form; the flush sends the full form of the latest value", async () => {
    withClock();
    const sent = capture();
    const h = display(new LivePlot(0), { display_id: true });
    for (let t = 1; t <= 1000; t++) {
      mock.timers.setTime(t);
      h.update(new LivePlot(t));
    }
    assert.deepEqual(sent.map((s) => [s.text, s.png]), [["plot 0", false], ["plot 250", false], ["plot 500", false], ["plot 750", false], ["plot 1000", false]]);
    assert.equal(LivePlot.full, 0, "no PNG while the loop runs");
    mock.timers.reset(); // the full form renders on real timers
    await flushDisplays();
    assert.deepEqual(sent.at(-1), { text: "plot 1000", id: h.displayId, update: true, at: sent.at(-1)!.at, png: true });
    assert.equal(LivePlot.full, 1);
    await flushDisplays();
    assert.equal(LivePlot.full, 1, "a second flush has nothing to do");
  });

  it("a live value displayed without an id gets one, so that its full form replaces it", async () => {
    const sent = capture();
    assert.equal(display(new LivePlot(7)), undefined);
    assert.equal(sent.length, 1);
    assert.match(sent[0].id ?? "", /^[0-9a-f]{32}$/);
    await flushDisplays();
    assert.deepEqual(sent.map((s) => [s.text, s.update, s.png, s.id]), [["plot 7", false, false, sent[0].id], ["plot 7", true, true, sent[0].id]]);
  });

  it("a mutable value shows its state at the flush, not the state of its last send", async () => {
    const sent = capture();
    const plot = new LivePlot(1);
    const h = display(plot, { display_id: true });
    (plot as { step: number }).step = 2;
    h.update(plot); // throttled
    (plot as { step: number }).step = 3;
    await flushDisplays();
    assert.deepEqual(sent.map((s) => s.text), ["plot 1", "plot 3"]);
    assert.equal(sent[1].png, true);
  });

  it("update(value, { final: true }) sends the full form at once; flush() resolves when it is out", async () => {
    withClock();
    const sent = capture();
    const h = display(new LivePlot(0), { display_id: true });
    mock.timers.setTime(10); // well inside the throttle interval
    mock.timers.reset();
    h.update(new LivePlot(1), { final: true });
    await h.flush();
    assert.deepEqual(sent.map((s) => [s.text, s.png]), [["plot 0", false], ["plot 1", true]]);
    await flushDisplays();
    assert.equal(sent.length, 2, "the final state is not sent twice");
    // flush() after live updates renders the latest value in full.
    setUpdateRate(Infinity);
    h.update(new LivePlot(2));
    assert.deepEqual(sent.at(-1), { text: "plot 2", id: h.displayId, update: true, at: sent.at(-1)!.at, png: false });
    await h.flush();
    assert.equal(sent.at(-1)!.png, true);
    assert.equal(sent.at(-1)!.text, "plot 2");
  });

  it("a final form that does not come in time leaves the live form showing, with a warning", async () => {
    const sent = capture();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    const before = getDisplayTimeout();
    setDisplayTimeout(30);
    try {
      const stuck = { [LIVE_DISPLAY]: () => ({ "text/plain": "live" }), [JUPYTER_DISPLAY]: () => new Promise(() => {}) };
      display(stuck, { display_id: true });
      await flushDisplays();
      assert.deepEqual(sent.map((s) => s.text), ["live"]);
      await new Promise((r) => setImmediate(r));
      assert.ok(warnings.some((w) => /final form of a live display did not arrive within 0\.03 s; the live form stays/.test(w)), JSON.stringify(warnings));
    } finally {
      setDisplayTimeout(before);
      process.off("warning", onWarning);
    }
  });

  it("a live form that throws or returns a Promise falls back to the full form, with a warning", async () => {
    const sent = capture();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      display({ [LIVE_DISPLAY]: () => { throw new Error("no spec"); }, [JUPYTER_DISPLAY]: () => ({ "text/plain": "full A" }) });
      display({ [LIVE_DISPLAY]: async () => ({ "text/plain": "x" }), [JUPYTER_DISPLAY]: () => ({ "text/plain": "full B" }) });
      await flushDisplays();
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(sent.map((s) => s.text), ["full A", "full B"]);
      assert.ok(warnings.some((w) => /live"\)\]\(\) failed \(no spec\)/.test(w)), JSON.stringify(warnings));
      assert.ok(warnings.some((w) => /returned a Promise, expected a MIME bundle built synchronously/.test(w)), JSON.stringify(warnings));
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("bad options", () => {
  const h = () => display(1, { display_id: "opts" });
  it("update() options", () => {
    capture();
    assert.throws(() => h().update(2, { final: "yes" as unknown as boolean }), { name: "TypeError", message: DISPLAY_MESSAGES.final("yes") });
    assert.throws(() => h().update(2, { fnal: true } as never), { name: "TypeError", message: DISPLAY_MESSAGES.unknownOption("update()", "fnal", "final") });
    assert.throws(() => h().update(2, null as never), { name: "TypeError", message: DISPLAY_MESSAGES.updateOptions(null) });
    assert.throws(() => h().update(2, true as never), { name: "TypeError", message: /got boolean true/ });
  });
  it("display() options", () => {
    capture();
    assert.throws(() => display(1, { displayId: true } as never), { name: "TypeError", message: DISPLAY_MESSAGES.unknownOption("display()", "displayId", "display_id, update") });
    assert.throws(() => display(1, { display_id: "x", update: "yes" } as never), { name: "TypeError", message: DISPLAY_MESSAGES.updateFlag("yes") });
    assert.throws(() => display(1, "x" as never), { name: "TypeError", message: DISPLAY_MESSAGES.options("x") });
  });
});

describe("outside a kernel (no sink)", () => {
  it("a display prints once; updates print nothing until a flush prints the latest text once", async () => {
    withClock();
    setDisplaySink(null);
    const writes: string[] = [];
    const orig = process.stdout.write;
    process.stdout.write = ((s: string) => (writes.push(s), true)) as typeof process.stdout.write;
    try {
      const h = display(new LivePlot(0), { display_id: true });
      for (let t = 1; t <= 2000; t++) {
        mock.timers.setTime(t);
        h.update(new LivePlot(t));
      }
      mock.timers.tick(5000);
      assert.deepEqual(writes, ["plot 0\n"]);
      mock.timers.reset();
      await h.flush();
      await flushDisplays();
      assert.deepEqual(writes, ["plot 0\n", "plot 2000\n"]);
      assert.equal(LivePlot.full, 0, "printing text renders no PNG");
      h.update(new LivePlot(5), { final: true });
      assert.deepEqual(writes, ["plot 0\n", "plot 2000\n", "plot 5\n"]);
    } finally {
      process.stdout.write = orig;
    }
  });

  it("a script that updates a display and exits prints the latest text once, at exit", () => {
    const sink = path.resolve(__dirname, "..", "..", "lib", "display", "sink.ts");
    const script = `const { display } = require(${JSON.stringify(sink)});
const h = display("epoch 0", { display_id: true });
for (let e = 1; e <= 50000; e++) h.update("epoch " + e);
console.log("loop done");`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", timeout: 60_000 });
    assert.equal(out, "epoch 0\nloop done\nepoch 50000\n");
  });
});
