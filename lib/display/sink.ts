/**
 * Sending displays: `display()` and its handles, through a pluggable sink. The library never talks
 * to Jupyter itself; the kernel installs a sink with `setDisplaySink`, and plain Node prints the
 * `text/plain` form. Turning values into MIME bundles is mime_bundle.ts (re-exported here).
 *
 * Delivery, as a synchronous training loop needs it:
 * - New outputs (`display_data`) keep the order of the `display()` calls; one whose bundle is
 *   ready is sent at once (the kernel's I/O thread sends it while the loop still runs).
 * - Updates (`update_display_data`) are ordered per display_id only: an update of display A is
 *   never held behind a slow bundle of display B, and updates of one id never overtake each other.
 * - Updates of one display_id coalesce and are throttled (default at most 4 a second): a throttled
 *   update only stores its value; the bundle is built when it is sent, and a trailing send (or the
 *   end of the cell) delivers the latest value.
 * - A value with a live form (`LIVE_DISPLAY`) is shown and updated in that form (no PNG); its full
 *   form is sent for the final state: by `flushDisplays()` (the kernel awaits it at the end of each
 *   cell), by `handle.flush()`, or by `handle.update(value, { final: true })`.
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { fallback, isPromiseLike, liveMimeBundle, plainText, toMimeBundle, type MimeBundle } from "./mime_bundle.js";

export {
  JUPYTER_DISPLAY,
  DISPLAY_METADATA,
  LIVE_DISPLAY,
  mediaBundle,
  plainText,
  registerFormatter,
  toMimeBundle,
  liveMimeBundle,
  hasLiveForm,
} from "./mime_bundle.js";
export type { MimeBundle, MediaBundle, Displayable, LiveDisplayable } from "./mime_bundle.js";

/** Where `display()` sends bundles; the kernel installs one, `null` restores printing to stdout. */
export type DisplaySink = (
  bundle: MimeBundle,
  opts: { displayId?: string; update: boolean },
) => void | Promise<void>;

/** Options of `display()`, named as IPython's `display(obj, display_id=..., update=...)`. */
export interface DisplayOptions {
  /** `true` for a fresh id, or an id of your own; the output can later be replaced in place. */
  display_id?: true | string;
  /** Replace the output shown earlier under `display_id` instead of adding a new one. */
  update?: boolean;
}

/**
 * Options of `DisplayHandle.update()`.
 *
 * @example
 * handle.update(monitor, { final: true }); // the PNG now, not at the end of the cell
 */
export interface UpdateOptions {
  /** This is the final state: send the full form (PNG included) now instead of a throttled live form. */
  final?: boolean;
}

/**
 * A displayed output that can be replaced in place (IPython's `DisplayHandle`).
 *
 * @example
 * const h = display(trace, { display_id: true });
 * for (let step = 1; step <= 10_000; step++) h.update(traceUpTo(step)); // ≤ 4 sends a second
 * await h.flush();                                                          // the final PNG now
 */
export interface DisplayHandle {
  readonly displayId: string;
  /**
   * Replaces the output with the display of `value` (an `update_display_data` message). Updates
   * are throttled (see `jupyter.setUpdateRate`); the latest value is always shown in the end.
   */
  update(value: unknown, options?: UpdateOptions): void;
  /** Sends the full form of the latest value now (a plot's PNG); resolves once it is sent. */
  flush(): Promise<void>;
}

/** The messages of the option checks, shared with the tests. */
export const DISPLAY_MESSAGES = {
  options: (got: unknown) => `display() options must be an object like { display_id: true }, got ${describe(got)}`,
  unknownOption: (fn: string, key: string, expected: string) => `${fn}: unknown option ${JSON.stringify(key)} (expected ${expected})`,
  displayId: (got: unknown) => `display_id must be true or a non-empty string, got ${inspect(got)}`,
  updateNeedsId: "display(value, { update: true }) needs the display_id of the output to update",
  updateFlag: (got: unknown) => `display(): update must be a boolean, got ${inspect(got)}`,
  updateOptions: (got: unknown) => `update() options must be an object like { final: true }, got ${describe(got)}`,
  final: (got: unknown) => `update(): final must be a boolean, got ${inspect(got)}`,
  rate: (got: unknown) =>
    `setUpdateRate() expects updates per second as a number >= 0 (0: only the final state; Infinity: every update), got ${inspect(got)}`,
};

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `${typeof v} ${inspect(v)}`;
}

function isPlainOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---- timeouts --------------------------------------------------------------------------------

/** How long an asynchronous bundle may take before display() sends its text instead (ms). */
let displayTimeoutMs = 10_000;

/**
 * Sets how long `display()` waits for a bundle that renders asynchronously (a plot's PNG) before
 * it sends the value's text instead, with a warning (default 10 s; `Infinity` waits forever).
 * Later displays are never held up longer than this by one that does not finish.
 *
 * @example
 * jupyter.setDisplayTimeout(60_000); // a huge chart on a slow machine
 */
export function setDisplayTimeout(ms: number): void {
  if (typeof ms !== "number" || !(ms > 0)) {
    throw new RangeError(`setDisplayTimeout() expects a positive number of milliseconds (or Infinity), got ${inspect(ms)}`);
  }
  displayTimeoutMs = ms;
}

/** The display timeout in milliseconds (see setDisplayTimeout). */
export function getDisplayTimeout(): number {
  return displayTimeoutMs;
}

const TIMEOUT_HINT = "(set PARAMLAB_DISPLAY_TIMEOUT_MS or call jupyter.setDisplayTimeout(ms) to wait longer)";

/**
 * `bundle`, or after the display timeout (with a warning) `late(value)`: the value's text for a
 * new output, `null` (keep what is shown) for the final form of a live display.
 */
function settleInTime<T>(value: unknown, bundle: Promise<MimeBundle>, late: T, what: string): Promise<MimeBundle | T> {
  const ms = displayTimeoutMs;
  if (!Number.isFinite(ms)) return bundle;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      process.emitWarning(`display(): ${what} did not arrive within ${+(ms / 1000).toFixed(3)} s; ${late === null ? "the live form stays" : "showing its text instead"} ${TIMEOUT_HINT}`);
      resolve(late);
    }, ms);
    bundle.then((b) => {
      clearTimeout(timer);
      resolve(b);
    });
  });
}

function textInstead(value: unknown): MimeBundle {
  return fallback(value, "display()", new Error("no bundle"), true);
}

// ---- update rate -------------------------------------------------------------------------------

/** Least time between two sends of one display_id (ms): 1000 / updates per second. */
let intervalMs = 250;

/**
 * Sets how often one display may be updated while a cell runs (default 4 per second). Updates in
 * between coalesce: only the latest value is sent, when its turn comes. `0` sends only the final
 * state (at the end of the cell or on `flush()`); `Infinity` sends every update.
 *
 * @example
 * jupyter.setUpdateRate(10); // a smoother live chart, at more cost per second
 */
export function setUpdateRate(perSecond: number): void {
  if (typeof perSecond !== "number" || !(perSecond >= 0)) {
    throw (typeof perSecond === "number" ? new RangeError(DISPLAY_MESSAGES.rate(perSecond)) : new TypeError(DISPLAY_MESSAGES.rate(perSecond)));
  }
  intervalMs = perSecond === 0 ? Infinity : 1000 / perSecond;
}

/** Updates per second allowed for one display (see setUpdateRate). */
export function getUpdateRate(): number {
  return intervalMs === Infinity ? 0 : 1000 / intervalMs;
}

// ---- sending -------------------------------------------------------------------------------------

let sink: DisplaySink | null = null;

/**
 * Installs the function that sends bundles to the front end (`null`: print text to stdout).
 * The kernel sends `display_data` (or `update_display_data` when `update`) with the bundle and
 * `transient: { display_id }`. Updates still waiting for the previous sink are dropped.
 *
 * @example
 * setDisplaySink((bundle, { displayId, update }) => sendIopub(update ? "update_display_data" : "display_data", bundle, displayId));
 */
export function setDisplaySink(next: DisplaySink | null): void {
  if (next !== null && typeof next !== "function") {
    throw new TypeError(`setDisplaySink() expects a function or null, got ${typeof next}`);
  }
  sink = next;
  for (const ch of channels.values()) if (ch.timer) clearTimeout(ch.timer);
  channels.clear();
}

/** The sink in use, or `null`. */
export function getDisplaySink(): DisplaySink | null {
  return sink;
}

function report(err: unknown): void {
  process.emitWarning(`display() could not send its output: ${err instanceof Error ? err.message : String(err)}`);
}

/** Work not finished yet (async bundles, async sinks): what flushDisplays() waits for. */
const inflight = new Set<Promise<void>>();

function watch(p: Promise<unknown>): Promise<void> {
  const done: Promise<void> = p.then(
    () => void inflight.delete(done),
    (err) => {
      inflight.delete(done);
      report(err);
    },
  );
  inflight.add(done);
  return done;
}

/** Hands a bundle to the sink (or prints its text without one). */
function deliver(bundle: MimeBundle, displayId: string | undefined, update: boolean): void {
  let sent: void | Promise<void> = undefined;
  try {
    if (sink) {
      sent = sink(bundle, { displayId, update });
    } else {
      const text = bundle.data["text/plain"];
      process.stdout.write(`${typeof text === "string" ? text : plainText(text)}\n`);
    }
  } catch (err) {
    report(err);
    return;
  }
  if (isPromiseLike(sent)) watch(Promise.resolve(sent));
}

// ---- new outputs: one order for all ------------------------------------------------------------

/** The last new output not yet sent; later new outputs wait for it, so outputs keep their order. */
let order: Promise<void> = Promise.resolve();
let ordering = 0;

function newId(): string {
  return randomUUID().replaceAll("-", "");
}

function show(value: unknown, requested: string | undefined): string | undefined {
  const live = liveMimeBundle(value);
  // A live display gets an id even if none was asked for, so that its full form can replace it
  // (not without a sink: text is printed once and there is nothing to replace).
  const id = requested ?? (live && sink ? newId() : undefined);
  const bundle = live ?? toMimeBundle(value);
  let ch: Channel | null = null;
  if (id !== undefined) {
    ch = channels.get(id) ?? open(id);
    // An update still waiting for the outputs already showing this id goes first.
    if (ch.pending && !ch.busy) sendUpdate(ch);
    ch.value = value;
    ch.owesFull = live !== null && sink !== null;
    ch.lastSent = Date.now();
  }
  const before = ch?.busy;
  if (ordering === 0 && !before && !isPromiseLike(bundle)) {
    deliver(bundle, id, false);
    if (ch) ch.lastSent = Date.now();
    return id;
  }
  ordering++;
  const ready = isPromiseLike(bundle) ? settleInTime(value, bundle, textInstead(value), "the output") : bundle;
  const sent = Promise.all([order, before, ready]).then(([, , b]) => deliver(b ?? textInstead(value), id, false));
  const done = watch(sent).then(() => void ordering--);
  order = done;
  if (ch) occupy(ch, done);
  return id;
}

// ---- updates: one channel per display_id ------------------------------------------------------

/** The state of one display_id's updates. */
class Channel {
  /** The latest value given. */
  value: unknown = undefined;
  /** A value given and not sent yet (throttled, or waiting for a send in flight). */
  pending = false;
  /** The next send is the full form (final update, flush). */
  wantFull = false;
  /** What is shown is the live form: the full form is still owed. */
  owesFull = false;
  /** When this id was last sent (Date.now()). */
  lastSent = -Infinity;
  timer: ReturnType<typeof setTimeout> | null = null;
  /** The send in flight (an async bundle); later sends of this id wait for it. */
  busy: Promise<void> | null = null;
  constructor(readonly id: string) {}
}

const channels = new Map<string, Channel>();

function open(id: string): Channel {
  const ch = new Channel(id);
  channels.set(id, ch);
  return ch;
}

/** Marks `ch` busy until `p` settles, then sends what waited. */
function occupy(ch: Channel, p: Promise<void>): void {
  ch.busy = p;
  void p.then(() => {
    if (ch.busy !== p) return;
    ch.busy = null;
    schedule(ch);
  });
}

function onTimer(ch: Channel): void {
  ch.timer = null;
  schedule(ch);
}

/** Sends `ch` now if its turn has come, else makes sure a trailing send is due. */
function schedule(ch: Channel): void {
  if (!ch.pending || ch.busy) return;
  if (ch.wantFull) return sendUpdate(ch);
  // Without a sink, updates are not printed one by one; flushes print the latest text.
  if (!sink) return;
  const now = Date.now();
  const wait = ch.lastSent + intervalMs - now;
  // (now < lastSent: the clock went back; send rather than wait for it.)
  if (wait <= 0 || now < ch.lastSent) return sendUpdate(ch);
  if (ch.timer === null && intervalMs !== Infinity) ch.timer = setTimeout(onTimer, wait, ch);
}

/** Builds the bundle of `ch`'s latest value (live form unless the full one is due) and sends it. */
function sendUpdate(ch: Channel): void {
  if (ch.timer !== null) {
    clearTimeout(ch.timer);
    ch.timer = null;
  }
  const full = ch.wantFull && sink !== null;
  ch.pending = false;
  ch.wantFull = false;
  const value = ch.value;
  // Without a sink only the text is printed: the live form gives it without rendering a PNG.
  const live = full ? null : liveMimeBundle(value);
  if (live) {
    ch.owesFull = sink !== null;
    deliver(live, ch.id, true);
    // Counted from when the message left, so messages (not only send decisions) are >= 1/rate apart.
    ch.lastSent = Date.now();
    return;
  }
  const bundle = toMimeBundle(value);
  if (!isPromiseLike(bundle)) {
    ch.owesFull = false;
    deliver(bundle, ch.id, true);
    ch.lastSent = Date.now();
    return;
  }
  // The full form of a live display that does not come in time leaves the live form showing.
  const wasLive = ch.owesFull;
  const ready = wasLive ? settleInTime(value, bundle, null, "the final form of a live display") : settleInTime(value, bundle, textInstead(value), "the output");
  ch.owesFull = false;
  occupy(
    ch,
    watch(
      ready.then((b) => {
        if (b) deliver(b, ch.id, true);
        ch.lastSent = Date.now();
      }),
    ),
  );
}

let exitFlush = false;

function update(id: string, value: unknown, final: boolean): void {
  const ch = channels.get(id) ?? open(id);
  ch.value = value;
  ch.pending = true;
  if (final) ch.wantFull = true;
  else if (!sink && !exitFlush) {
    // A script's updated displays print their latest text once, when the process is about to exit.
    exitFlush = true;
    process.once("beforeExit", () => {
      exitFlush = false;
      void flushDisplays();
    });
  }
  schedule(ch);
}

/** Resolves once `ch` has nothing waiting and nothing in flight. */
async function settled(ch: Channel): Promise<void> {
  for (let i = 0; i < 1000 && (ch.busy || ch.pending); i++) {
    if (ch.busy) await ch.busy;
    else await new Promise((r) => setImmediate(r));
  }
}

function flushOne(id: string): Promise<void> {
  const ch = channels.get(id);
  if (!ch) return Promise.resolve();
  if (ch.pending || ch.owesFull) {
    ch.pending = true;
    ch.wantFull = true;
    schedule(ch);
  }
  return settled(ch);
}

/**
 * Resolves once every display issued so far has been sent, and every display shown in its live
 * form (or with an update still waiting) has been sent in its full form with its latest value. A
 * kernel awaits this at the end of a cell, so that plots land in their cell with their PNG.
 *
 * @example
 * await jupyter.flushDisplays(); // a live chart now carries its final PNG
 */
export async function flushDisplays(): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    await order;
    if (inflight.size) await Promise.all(inflight);
    let started = false;
    for (const ch of channels.values()) {
      if (ch.busy) {
        started = true;
      } else if (ch.pending || ch.owesFull) {
        ch.pending = true;
        ch.wantFull = true;
        schedule(ch);
        started = true;
      }
    }
    if (!started && inflight.size === 0 && ordering === 0) break;
  }
  // Forget settled ids: a later update of one starts a fresh channel.
  for (const [id, ch] of channels) if (!ch.busy && !ch.pending && !ch.owesFull && ch.timer === null) channels.delete(id);
}

/** The handle `display(..., { display_id })` returns. */
class Handle implements DisplayHandle {
  constructor(readonly displayId: string) {}

  update(value: unknown, options?: UpdateOptions): void {
    let final = false;
    if (options !== undefined) {
      if (!isPlainOptions(options)) throw new TypeError(DISPLAY_MESSAGES.updateOptions(options));
      for (const key of Object.keys(options)) if (key !== "final") throw new TypeError(DISPLAY_MESSAGES.unknownOption("update()", key, "final"));
      if (options.final !== undefined && typeof options.final !== "boolean") throw new TypeError(DISPLAY_MESSAGES.final(options.final));
      final = options.final === true;
    }
    update(this.displayId, value, final);
  }

  flush(): Promise<void> {
    return flushOne(this.displayId);
  }

  toString(): string {
    return `DisplayHandle(${this.displayId})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Shows a value in the notebook (or prints its text form outside one), as IPython's `display()`.
 * With `display_id` it returns a handle whose `update()` replaces the output in place; updates
 * inside a loop are throttled (4 a second by default) and the latest value is always shown.
 *
 * Outside a kernel, a display prints its text once; updates print nothing until a flush
 * (`handle.flush()`, `update(value, { final: true })`, `jupyter.flushDisplays()`, or the process
 * exiting), which prints the latest value's text once.
 *
 * @example
 * display(model);                                   // the module summary
 * const h = display(trace, { display_id: true });   // a handle
 * h.update(longerTrace);                            // redraws the same output
 */
export function display(value: unknown): void;
export function display(value: unknown, opts: DisplayOptions & { display_id: true | string }): DisplayHandle;
export function display(value: unknown, opts?: DisplayOptions): void | DisplayHandle;
export function display(value: unknown, opts: DisplayOptions = {}): void | DisplayHandle {
  if (!isPlainOptions(opts)) throw new TypeError(DISPLAY_MESSAGES.options(opts));
  for (const key of Object.keys(opts)) {
    if (key !== "display_id" && key !== "update") throw new TypeError(DISPLAY_MESSAGES.unknownOption("display()", key, "display_id, update"));
  }
  const { display_id: requested, update: isUpdate = false } = opts;
  if (requested !== undefined && requested !== true && (typeof requested !== "string" || requested === "")) {
    throw new TypeError(DISPLAY_MESSAGES.displayId(requested));
  }
  if (typeof isUpdate !== "boolean") throw new TypeError(DISPLAY_MESSAGES.updateFlag(isUpdate));
  if (isUpdate && (requested === undefined || requested === true)) throw new TypeError(DISPLAY_MESSAGES.updateNeedsId);
  if (isUpdate) {
    update(requested as string, value, false);
    return new Handle(requested as string);
  }
  const id = show(value, requested === true ? newId() : requested);
  if (requested === undefined || id === undefined) return;
  return new Handle(id);
}
