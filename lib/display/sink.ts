/**
 * The display protocol: turning any value into a MIME bundle, and sending bundles through a
 * pluggable sink. The library never talks to Jupyter itself; the kernel installs a sink with
 * `setDisplaySink`, and plain Node prints the `text/plain` form.
 *
 * Displayable objects follow Deno's convention: a method `[Symbol.for("Jupyter.display")]()`
 * returning (or resolving to) a flat `{ mimeType: data }` object, so the same objects render in
 * Deno's Jupyter kernel. Deno sends that object as the message's `data` with empty metadata; to
 * carry metadata (e.g. a PNG's width and height) paramlab stores it under the non-enumerable
 * symbol key `DISPLAY_METADATA`, which Deno's JSON serialisation skips.
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";

/** A Jupyter MIME bundle: `data` keyed by MIME type, plus optional per-type `metadata`. */
export interface MimeBundle {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** What `[Symbol.for("Jupyter.display")]()` returns: MIME type → data (Deno's media bundle). */
export type MediaBundle = Record<string, unknown>;

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

/** A displayed output that can be replaced in place (IPython's `DisplayHandle`). */
export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces the output with the display of `value` (an `update_display_data` message). */
  update(value: unknown): void;
}

/** Deno's display method key. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** Key of the metadata attached to a media bundle (non-enumerable, so Deno ignores it). */
export const DISPLAY_METADATA: unique symbol = Symbol.for("paramlab.display.metadata") as never;

/** An object that displays itself. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MediaBundle | Promise<MediaBundle>;
}

/**
 * Builds a media bundle for `[Symbol.for("Jupyter.display")]()`: the MIME data as enumerable keys
 * (what Deno sends) and `metadata`, if any, under `DISPLAY_METADATA` (what paramlab's kernel adds).
 *
 * @example
 * class Note { [Symbol.for("Jupyter.display")]() { return mediaBundle({ "text/plain": "hi" }); } }
 */
export function mediaBundle(data: Record<string, unknown>, metadata?: Record<string, unknown>): MediaBundle {
  const out: MediaBundle = { ...data };
  if (metadata && Object.keys(metadata).length) {
    Object.defineProperty(out, DISPLAY_METADATA, { value: metadata, enumerable: false });
  }
  return out;
}

/** `text/plain` of any value: `util.inspect` without ANSI colours (strings as they are). */
export function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 50, breakLength: 100 });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

function isObject(v: unknown): v is Record<string | symbol, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Normalises what a display method returned into a `MimeBundle`, degrading to text on junk. */
function normalise(value: unknown, raw: unknown, via: string): MimeBundle {
  if (!isObject(raw)) {
    process.emitWarning(`${via} returned ${raw === null ? "null" : typeof raw}, expected an object of MIME type -> data; showing text instead`);
    return { data: { "text/plain": plainText(value) } };
  }
  // Accept a full bundle `{ data, metadata }` as well as Deno's flat form.
  const isFull = isObject(raw.data) && Object.keys(raw).every((k) => k === "data" || k === "metadata");
  const data: Record<string, unknown> = isFull ? { ...(raw.data as Record<string, unknown>) } : { ...raw };
  const meta = isFull ? raw.metadata : raw[DISPLAY_METADATA];
  if (!("text/plain" in data)) data["text/plain"] = plainText(value);
  const bundle: MimeBundle = { data };
  if (isObject(meta) && Object.keys(meta).length) bundle.metadata = { ...meta } as Record<string, unknown>;
  return bundle;
}

function fallback(value: unknown, via: string, err: unknown, quiet = false): MimeBundle {
  if (!quiet) process.emitWarning(`${via} failed (${err instanceof Error ? err.message : String(err)}); showing text instead`);
  let text: string;
  try {
    text = plainText(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return { data: { "text/plain": text } };
}

/** A display for values that cannot carry a method, e.g. plain `ScheduleTrace` objects. */
interface Formatter {
  test: (value: unknown) => boolean;
  format: (value: unknown) => MediaBundle | Promise<MediaBundle>;
}
const formatters: Formatter[] = [];

/**
 * Registers a display for values recognised by `test` (IPython's `for_type`), consulted after the
 * display methods. Later registrations win. Returns a function that removes it.
 *
 * @example
 * registerFormatter((v) => v instanceof Date, (d) => ({ "text/plain": (d as Date).toISOString() }));
 */
export function registerFormatter(
  test: (value: unknown) => boolean,
  format: (value: unknown) => MediaBundle | Promise<MediaBundle>,
): () => void {
  if (typeof test !== "function" || typeof format !== "function") {
    throw new TypeError("registerFormatter() expects two functions: test(value) and format(value)");
  }
  const entry: Formatter = { test, format };
  formatters.unshift(entry);
  return () => {
    const i = formatters.indexOf(entry);
    if (i !== -1) formatters.splice(i, 1);
  };
}

/**
 * Formats any value as a MIME bundle: objects with `[Symbol.for("Jupyter.display")]()`, then
 * objects with a `toMimeBundle()` method, then registered formatters (`registerFormatter`), else
 * `text/plain` via `util.inspect` (no colours).
 * Returns a Promise only when the object's display method does (plots render PNGs asynchronously).
 * A display method that throws degrades to text with a warning.
 *
 * @example
 * toMimeBundle(42); // { data: { "text/plain": "42" } }
 */
export function toMimeBundle(value: unknown): MimeBundle | Promise<MimeBundle> {
  let method: unknown;
  let via = "";
  if (typeof value === "object" && value !== null || typeof value === "function") {
    const obj = value as Record<string | symbol, unknown>;
    if (typeof obj[JUPYTER_DISPLAY] === "function") {
      method = obj[JUPYTER_DISPLAY];
      via = "[Symbol.for(\"Jupyter.display\")]()";
    } else if (typeof obj.toMimeBundle === "function") {
      method = obj.toMimeBundle;
      via = "toMimeBundle()";
    }
  }
  if (!method) {
    for (const f of formatters) {
      let matches = false;
      try {
        matches = f.test(value);
      } catch {
        matches = false;
      }
      if (matches) {
        method = () => f.format(value);
        via = `the formatter ${f.format.name || "(anonymous)"}`;
        break;
      }
    }
  }
  if (!method) return { data: { "text/plain": plainText(value) } };
  let raw: unknown;
  try {
    raw = (method as () => unknown).call(value);
  } catch (err) {
    return fallback(value, via, err);
  }
  if (isPromiseLike(raw)) {
    return Promise.resolve(raw).then(
      (r) => normalise(value, r, via),
      (err) => fallback(value, via, err),
    );
  }
  return normalise(value, raw, via);
}

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

/** `bundle`, or the value's text with a warning if it has not arrived after the display timeout. */
function settleInTime(value: unknown, bundle: Promise<MimeBundle>): Promise<MimeBundle> {
  const ms = displayTimeoutMs;
  if (!Number.isFinite(ms)) return bundle;
  return new Promise<MimeBundle>((resolve) => {
    const timer = setTimeout(() => {
      const fallbackBundle = fallback(value, "display()", new Error("no bundle"), true);
      process.emitWarning(
        `display(): the output did not arrive within ${+(ms / 1000).toFixed(3)} s; showing its text instead ` +
          "(set PARAMLAB_DISPLAY_TIMEOUT_MS or call jupyter.setDisplayTimeout(ms) to wait longer)",
      );
      resolve(fallbackBundle);
    }, ms);
    bundle.then((b) => {
      clearTimeout(timer);
      resolve(b);
    });
  });
}

let sink: DisplaySink | null = null;
/** Displays in flight, chained so that outputs keep their order even when bundles are async. */
let queue: Promise<void> = Promise.resolve();
let pending = 0;

/**
 * Installs the function that sends bundles to the front end (`null`: print text to stdout).
 * The kernel sends `display_data` (or `update_display_data` when `update`) with the bundle and
 * `transient: { display_id }`.
 *
 * @example
 * setDisplaySink((bundle, { displayId, update }) => sendIopub(update ? "update_display_data" : "display_data", bundle, displayId));
 */
export function setDisplaySink(next: DisplaySink | null): void {
  if (next !== null && typeof next !== "function") {
    throw new TypeError(`setDisplaySink() expects a function or null, got ${typeof next}`);
  }
  sink = next;
}

/** The sink in use, or `null`. */
export function getDisplaySink(): DisplaySink | null {
  return sink;
}

/**
 * Resolves once every `display()` issued so far has been sent. A kernel awaits this at the end of
 * a cell so that asynchronous bundles (plots) land in the cell that displayed them.
 */
export function flushDisplays(): Promise<void> {
  return queue;
}

function send(bundle: MimeBundle, opts: { displayId?: string; update: boolean }): void | Promise<void> {
  if (sink) return sink(bundle, opts);
  const text = bundle.data["text/plain"];
  process.stdout.write(`${typeof text === "string" ? text : plainText(text)}\n`);
}

function report(err: unknown): void {
  process.emitWarning(`display() could not send its output: ${err instanceof Error ? err.message : String(err)}`);
}

function enqueue(value: unknown, opts: { displayId?: string; update: boolean }): void {
  const bundle = toMimeBundle(value);
  if (pending === 0 && !isPromiseLike(bundle)) {
    // Fast path: nothing queued and the bundle is ready, so send it now (synchronously).
    let sent: void | Promise<void>;
    try {
      sent = send(bundle, opts);
    } catch (err) {
      report(err);
      return;
    }
    if (isPromiseLike(sent)) track(Promise.resolve(sent));
    return;
  }
  const ready = isPromiseLike(bundle) ? settleInTime(value, bundle) : bundle;
  track(queue.then(() => ready).then((b) => send(b, opts)));
}

function track(p: Promise<unknown>): void {
  pending++;
  queue = p.then(
    () => {
      pending--;
    },
    (err) => {
      pending--;
      report(err);
    },
  );
}

/**
 * Shows a value in the notebook (or prints its text form outside one), as IPython's `display()`.
 * With `display_id` it returns a handle whose `update()` replaces the output in place.
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
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`display() options must be an object like { display_id: true }, got ${typeof opts}`);
  }
  const { display_id: requested, update = false } = opts;
  if (requested !== undefined && requested !== true && (typeof requested !== "string" || requested === "")) {
    throw new TypeError(`display_id must be true or a non-empty string, got ${inspect(requested)}`);
  }
  if (update && (requested === undefined || requested === true)) {
    throw new TypeError("display(value, { update: true }) needs the display_id of the output to update");
  }
  const displayId = requested === true ? randomUUID().replaceAll("-", "") : requested;
  enqueue(value, { displayId, update });
  if (displayId === undefined) return;
  return {
    displayId,
    update(next: unknown): void {
      enqueue(next, { displayId, update: true });
    },
  };
}
