import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  DISPLAY_METADATA,
  display,
  flushDisplays,
  mediaBundle,
  getDisplayTimeout,
  setDisplaySink,
  setDisplayTimeout,
  toMimeBundle,
  type MimeBundle,
} from "../../lib/display/sink.js";

const $display = Symbol.for("Jupyter.display");

type Sent = { bundle: MimeBundle; opts: { displayId?: string; update: boolean } };
function capture(): Sent[] {
  const sent: Sent[] = [];
  setDisplaySink((bundle, opts) => {
    sent.push({ bundle, opts });
  });
  return sent;
}

afterEach(() => setDisplaySink(null));

describe("toMimeBundle", () => {
  it("formats plain values as uncoloured util.inspect text", () => {
    assert.deepEqual(toMimeBundle(42), { data: { "text/plain": "42" } });
    const b = toMimeBundle({ a: [1, 2], s: "x" }) as MimeBundle;
    assert.equal(b.data["text/plain"], "{ a: [ 1, 2 ], s: 'x' }");
    assert.doesNotMatch(String(b.data["text/plain"]), /\x1b\[/);
  });

  it("uses Deno's Jupyter.display symbol and reads metadata from the hidden key", () => {
    const obj = {
      [$display]() {
        return mediaBundle({ "image/png": "AAAA", "text/plain": "a plot" }, { "image/png": { width: 10, height: 5 } });
      },
    };
    const b = toMimeBundle(obj) as MimeBundle;
    assert.deepEqual(b.data, { "image/png": "AAAA", "text/plain": "a plot" });
    assert.deepEqual(b.metadata, { "image/png": { width: 10, height: 5 } });
    // What Deno serialises: only the enumerable MIME keys.
    const raw = obj[$display]();
    assert.deepEqual(JSON.parse(JSON.stringify(raw)), { "image/png": "AAAA", "text/plain": "a plot" });
    assert.ok(DISPLAY_METADATA in raw);
  });

  it("awaits async display methods and adds a text/plain fallback", async () => {
    const obj = { async [$display]() { return { "text/html": "<b>x</b>" }; } };
    const p = toMimeBundle(obj);
    assert.ok(p instanceof Promise);
    const b = await p;
    assert.equal(b.data["text/html"], "<b>x</b>");
    assert.equal(typeof b.data["text/plain"], "string");
  });

  it("accepts toMimeBundle() methods returning a full bundle", () => {
    const obj = { toMimeBundle: () => ({ data: { "text/plain": "hi" }, metadata: { x: 1 } }) };
    assert.deepEqual(toMimeBundle(obj), { data: { "text/plain": "hi" }, metadata: { x: 1 } });
  });

  it("degrades to text when a display method throws", () => {
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarn);
    const obj = { [$display]() { throw new Error("boom"); }, v: 1 };
    const b = toMimeBundle(obj) as MimeBundle;
    assert.match(String(b.data["text/plain"]), /v: 1/);
    process.off("warning", onWarn);
  });
});

describe("display", () => {
  it("sends through the sink; returns nothing without display_id", () => {
    const sent = capture();
    assert.equal(display("hello"), undefined);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].bundle.data, { "text/plain": "hello" });
    assert.deepEqual(sent[0].opts, { displayId: undefined, update: false });
  });

  it("returns a handle whose update sends update_display_data with the same id", async () => {
    const sent = capture();
    const h = display(1, { display_id: true });
    assert.match(h.displayId, /^[0-9a-f]{32}$/);
    h.update(2);
    display(3, { display_id: "mine", update: true });
    // The update of h comes within the throttle interval of its display: sent by the flush.
    await flushDisplays();
    assert.deepEqual(
      sent.map((s) => [s.bundle.data["text/plain"], s.opts.displayId, s.opts.update]),
      [["1", h.displayId, false], ["3", "mine", true], ["2", h.displayId, true]],
    );
  });

  it("keeps outputs in order when an async bundle comes first", async () => {
    const sent = capture();
    const slow = { [$display]: () => new Promise((r) => setTimeout(() => r({ "text/plain": "slow" }), 20)) };
    display(slow);
    display("fast");
    assert.equal(sent.length, 0);
    await flushDisplays();
    assert.deepEqual(sent.map((s) => s.bundle.data["text/plain"]), ["slow", "fast"]);
  });

  it("a bundle that never resolves is sent as text after the display timeout, and later displays follow", async () => {
    const sent = capture();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    const before = getDisplayTimeout();
    setDisplayTimeout(50);
    try {
      class Stuck {
        [$display]() {
          return new Promise(() => {});
        }
      }
      display(new Stuck());
      display("after");
      const started = Date.now();
      await flushDisplays();
      assert.ok(Date.now() - started < 2000);
      assert.equal(sent.length, 2);
      assert.equal(sent[0].bundle.data["text/plain"], "Stuck {}");
      assert.equal(sent[1].bundle.data["text/plain"], "after");
      await new Promise((r) => setImmediate(r));
      assert.ok(warnings.some((w) => /did not arrive within 0\.05 s/.test(w)), JSON.stringify(warnings));
    } finally {
      setDisplayTimeout(before);
      process.off("warning", onWarning);
    }
  });

  it("setDisplayTimeout takes a positive number of milliseconds or Infinity", () => {
    const before = getDisplayTimeout();
    assert.equal(before, 10_000);
    for (const bad of [0, -1, Number.NaN, "100" as unknown as number]) assert.throws(() => setDisplayTimeout(bad), RangeError);
    setDisplayTimeout(Infinity);
    assert.equal(getDisplayTimeout(), Infinity);
    setDisplayTimeout(before);
  });

  it("rejects update without an id", () => {
    assert.throws(() => display(1, { update: true }), TypeError);
  });

  it("prints text/plain to stdout without a sink", () => {
    const writes: string[] = [];
    const orig = process.stdout.write;
    process.stdout.write = ((s: string) => (writes.push(s), true)) as typeof process.stdout.write;
    try {
      display({ [$display]: () => ({ "text/html": "<i>x</i>", "text/plain": "plain x" }) });
    } finally {
      process.stdout.write = orig;
    }
    assert.deepEqual(writes, ["plain x\n"]);
  });
});
