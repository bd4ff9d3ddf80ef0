// Public display API: what a notebook calls (display, summaries, reports, schedule plots).
export { display } from "./sink.js";
export type { MimeBundle, DisplayOptions, DisplayHandle, UpdateOptions, Displayable } from "./sink.js";
export { summary, ModuleSummary } from "./module_summary.js";
export type { SummaryOptions, SummaryRow, SummaryTotals } from "./module_summary.js";
export { describeParamGroups, visualizeOptimizerParamGroups, ParamGroupReport } from "./param_groups.js";
export type { ParamGroupProblem, ProblemKind } from "./param_groups.js";
export { plotSchedule, compareSchedules, SchedulePlot } from "./schedule_plot.js";
export type { PlotOptions } from "./schedule_plot.js";
export { previewSchedule, previewTrace } from "./scheduler_display.js";
// The plumbing (display sink, MIME bundles, renderers) under one namespace, as Deno.jupyter.
export * as jupyter from "./jupyter.js";
