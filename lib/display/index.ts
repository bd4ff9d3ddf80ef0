// Public display API (issue 4): the display protocol, rich displays and report helpers.
export {
  display,
  setDisplaySink,
  getDisplaySink,
  flushDisplays,
  toMimeBundle,
  registerFormatter,
  mediaBundle,
  plainText,
  JUPYTER_DISPLAY,
  DISPLAY_METADATA,
} from "./sink.js";
export type { MimeBundle, MediaBundle, DisplaySink, DisplayOptions, DisplayHandle, Displayable } from "./sink.js";
export { summary, ModuleSummary } from "./module_summary.js";
export type { SummaryOptions, SummaryRow, SummaryTotals } from "./module_summary.js";
export { describeParamGroups, visualizeOptimizerParamGroups, ParamGroupReport } from "./param_groups.js";
export type { ParamGroupProblem, ProblemKind } from "./param_groups.js";
export { plotSchedule, compareSchedules, isScheduleTrace, SchedulePlot, VEGALITE_MIME } from "./schedule_plot.js";
export type { PlotOptions } from "./schedule_plot.js";
export { previewSchedule, previewTrace } from "./scheduler_display.js";
export { downsample } from "./downsample.js";
export type { Downsampled } from "./downsample.js";
export { renderPng, preloadRenderer } from "./render_png.js";
export type { RenderedPng, RenderOptions } from "./render_png.js";
