// Public display API (issue 4): the display protocol, rich displays and report helpers.
export {
  display,
  setDisplaySink,
  getDisplaySink,
  flushDisplays,
  toMimeBundle,
  mediaBundle,
  plainText,
  JUPYTER_DISPLAY,
  DISPLAY_METADATA,
} from "./sink.js";
export type { MimeBundle, MediaBundle, DisplaySink, DisplayOptions, DisplayHandle, Displayable } from "./sink.js";
