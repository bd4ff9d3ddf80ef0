/**
 * The display plumbing, under one namespace (`jupyter`), as Deno keeps its own under
 * `Deno.jupyter`: what a kernel, a report or a custom display needs, kept out of the names every
 * notebook cell sees. The user's vocabulary (display, summary, plotSchedule, ...) is exported at
 * the top level.
 *
 * @example
 * import { jupyter } from "paramlab";
 * jupyter.setDisplayTimeout(60_000);
 * jupyter.setUpdateRate(10); // live displays may change 10 times a second
 * const bundle = await jupyter.toMimeBundle(model);
 */
export {
  setDisplaySink,
  getDisplaySink,
  flushDisplays,
  setDisplayTimeout,
  getDisplayTimeout,
  setUpdateRate,
  getUpdateRate,
  toMimeBundle,
  liveMimeBundle,
  registerFormatter,
  mediaBundle,
  plainText,
  JUPYTER_DISPLAY,
  DISPLAY_METADATA,
  LIVE_DISPLAY,
} from "./sink.js";
export type { MimeBundle, MediaBundle, DisplaySink, LiveDisplayable } from "./sink.js";
export { isScheduleTrace, VEGALITE_MIME } from "./schedule_plot.js";
export { downsample } from "./downsample.js";
export type { Downsampled } from "./downsample.js";
export { renderPng, preloadRenderer } from "./render_png.js";
export type { RenderedPng, RenderOptions } from "./render_png.js";
