/**
 * MIME bundles: turning any value into one. Displayable objects follow Deno's convention: a method
 * `[Symbol.for("Jupyter.display")]()` returning (or resolving to) a flat `{ mimeType: data }`
 * object, so the same objects render in Deno's Jupyter kernel. Deno sends that object as the
 * message's `data` with empty metadata; to carry metadata (e.g. a PNG's width and height) paramlab
 * stores it under the non-enumerable symbol key `DISPLAY_METADATA`, which Deno's JSON
 * serialisation skips.
 *
 * A value may also have a cheap synchronous *live* form, `[Symbol.for("paramlab.display.live")]()`
 * (no PNG): what `display()` sends while a cell runs; the full form is sent for the final state.
 * Sending is sink.ts's business; this file only formats.
 */
import { inspect } from "node:util";

/** A Jupyter MIME bundle: `data` keyed by MIME type, plus optional per-type `metadata`. */
export interface MimeBundle {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** What `[Symbol.for("Jupyter.display")]()` returns: MIME type → data (Deno's media bundle). */
export type MediaBundle = Record<string, unknown>;

/** Deno's display method key. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** Key of the metadata attached to a media bundle (non-enumerable, so Deno ignores it). */
export const DISPLAY_METADATA: unique symbol = Symbol.for("paramlab.display.metadata") as never;

/**
 * Key of a value's cheap synchronous interim display (text, HTML, a Vega-Lite spec; no PNG), used
 * while a cell runs; `[Symbol.for("Jupyter.display")]()` stays the full form, sent for the final state.
 *
 * @example
 * class Progress {
 *   done = 0;
 *   [jupyter.LIVE_DISPLAY]() { return { "text/plain": `${this.done}%` }; }
 *   async [Symbol.for("Jupyter.display")]() { return { "text/plain": `${this.done}%`, "image/png": await chartPng(this) }; }
 * }
 */
export const LIVE_DISPLAY: unique symbol = Symbol.for("paramlab.display.live") as never;

/** An object that displays itself. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MediaBundle | Promise<MediaBundle>;
}

/** An object with a live (interim) form besides its full display. */
export interface LiveDisplayable extends Displayable {
  [LIVE_DISPLAY](): MediaBundle;
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

export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
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

export function fallback(value: unknown, via: string, err: unknown, quiet = false): MimeBundle {
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
  /** The live form (synchronous, no PNG), as `[Symbol.for("paramlab.display.live")]()`. */
  live?: (value: unknown) => MediaBundle;
}
const formatters: Formatter[] = [];

/**
 * Registers a display for values recognised by `test` (IPython's `for_type`), consulted after the
 * display methods. Later registrations win. `live`, if given, is the cheap synchronous form shown
 * while a cell runs (see `LIVE_DISPLAY`). Returns a function that removes it.
 *
 * @example
 * registerFormatter((v) => v instanceof Date, (d) => ({ "text/plain": (d as Date).toISOString() }));
 */
export function registerFormatter(
  test: (value: unknown) => boolean,
  format: (value: unknown) => MediaBundle | Promise<MediaBundle>,
  live?: (value: unknown) => MediaBundle,
): () => void {
  if (typeof test !== "function" || typeof format !== "function" || (live !== undefined && typeof live !== "function")) {
    throw new TypeError("registerFormatter() expects two functions, test(value) and format(value), and optionally a third, live(value)");
  }
  const entry: Formatter = live ? { test, format, live } : { test, format };
  formatters.unshift(entry);
  return () => {
    const i = formatters.indexOf(entry);
    if (i !== -1) formatters.splice(i, 1);
  };
}

/** The formatter for `value`, if it has no display method of its own. */
function formatterFor(value: unknown): Formatter | undefined {
  for (const f of formatters) {
    let matches = false;
    try {
      matches = f.test(value);
    } catch {
      matches = false;
    }
    if (matches) return f;
  }
  return undefined;
}

function hasMethod(value: unknown, key: string | symbol): boolean {
  return (typeof value === "object" && value !== null || typeof value === "function") && typeof (value as Record<string | symbol, unknown>)[key] === "function";
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
    const f = formatterFor(value);
    if (f) {
      method = () => f.format(value);
      via = `the formatter ${f.format.name || "(anonymous)"}`;
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


/**
 * The live form of `value`: its `[Symbol.for("paramlab.display.live")]()` method, or the `live`
 * function of its formatter when it has no display method of its own.
 */
function liveMethod(value: unknown): { call: () => unknown; via: string } | null {
  if (hasMethod(value, LIVE_DISPLAY)) {
    return { call: () => ((value as Record<symbol, unknown>)[LIVE_DISPLAY] as () => unknown).call(value), via: "[Symbol.for(\"paramlab.display.live\")]()" };
  }
  if (hasMethod(value, JUPYTER_DISPLAY) || hasMethod(value, "toMimeBundle")) return null;
  const f = formatterFor(value);
  const live = f?.live;
  return live ? { call: () => live(value), via: `the live form of the formatter ${f.format.name || "(anonymous)"}` } : null;
}

/** Whether `value` has a live form (see `liveMimeBundle`). */
export function hasLiveForm(value: unknown): boolean {
  return liveMethod(value) !== null;
}

/**
 * The live form of `value` as a MIME bundle, or `null` when it has none, or when its live method
 * throws or returns a Promise (a live form must be synchronous; warned, and the full form is used).
 *
 * @example
 * liveMimeBundle(plotSchedule(trace)); // { data: { "application/vnd.vegalite.v5+json": ..., "text/plain": ... } }
 */
export function liveMimeBundle(value: unknown): MimeBundle | null {
  const m = liveMethod(value);
  if (!m) return null;
  let raw: unknown;
  try {
    raw = m.call();
  } catch (err) {
    process.emitWarning(`${m.via} failed (${err instanceof Error ? err.message : String(err)}); using the full display instead`);
    return null;
  }
  if (isPromiseLike(raw)) {
    process.emitWarning(`${m.via} returned a Promise, expected a MIME bundle built synchronously; using the full display instead`);
    return null;
  }
  return normalise(value, raw, m.via);
}
