/**
 * Attaches rich displays to the library's classes. Lib types never import `lib/display`; this
 * module (imported for its side effect by `lib/index.ts`) adds `[Symbol.for("Jupyter.display")]`
 * to their prototypes, and registers formatters for plain data such as `ScheduleTrace`.
 */
import { Module } from "../nn/module.js";
import { Optimizer } from "../optim/optimizer.js";
import { ParamGroupPlan } from "../optim/param_rules.js";
import { LRScheduler } from "../optim/lr_scheduler/lr_scheduler.js";
import type { ScheduleTrace } from "../optim/lr_scheduler/trace.js";
import { Tensor } from "../tensor/tensor.js";
import { LRFinderResult } from "../train/lr_finder.js";
import { setMonitorPresenter, TrainingMonitor } from "../train/monitor.js";
import { lrFinderBundle } from "./lr_finder_display.js";
import { ModuleSummary } from "./module_summary.js";
import { monitorBundle, presentMonitor } from "./monitor_display.js";
import { optimizerHtml, optimizerText, optimizerView } from "./optimizer_table.js";
import { planBundle } from "./param_plan.js";
import { isScheduleTrace, plotSchedule } from "./schedule_plot.js";
import { schedulerBundle, schedulerLiveBundle } from "./scheduler_display.js";
import { getDisplaySink, JUPYTER_DISPLAY, LIVE_DISPLAY, mediaBundle, registerFormatter, type MediaBundle } from "./sink.js";
import { tensorBundle } from "./tensor_display.js";

/** Defines a non-enumerable display method (so Module discovery and JSON never see it). */
function attach<T>(cls: { prototype: T }, fn: (this: T) => MediaBundle | Promise<MediaBundle>, key: symbol = JUPYTER_DISPLAY): void {
  Object.defineProperty(cls.prototype, key, { value: fn, writable: true, configurable: true, enumerable: false });
}

attach(Tensor, function (this: Tensor) {
  return tensorBundle(this);
});

attach(Module, function (this: Module) {
  return new ModuleSummary(this)[JUPYTER_DISPLAY]();
});

attach(Optimizer, function (this: Optimizer) {
  const view = optimizerView(this);
  return mediaBundle({ "text/plain": optimizerText(view), "text/html": optimizerHtml(view) });
});

attach(ParamGroupPlan, function (this: ParamGroupPlan) {
  return planBundle(this);
});

attach(LRScheduler, function (this: LRScheduler) {
  return schedulerBundle(this);
});
// Shown while a cell runs (display(scheduler, { display_id: true }) updated in a loop): no PNG.
attach(LRScheduler, function (this: LRScheduler) {
  return schedulerLiveBundle(this);
}, LIVE_DISPLAY);

// `simulate()` returns a plain ScheduleTrace object: recognise it by shape.
registerFormatter(
  isScheduleTrace,
  function scheduleTracePlot(trace) {
    return plotSchedule(trace as ScheduleTrace)[JUPYTER_DISPLAY]();
  },
  function scheduleTraceLivePlot(trace) {
    return plotSchedule(trace as ScheduleTrace)[LIVE_DISPLAY]();
  },
);

attach(TrainingMonitor, function (this: TrainingMonitor) {
  return monitorBundle(this);
});

// `monitor.show()`: live outputs under a kernel's display sink; text in a terminal.
setMonitorPresenter((m) => (getDisplaySink() !== null ? presentMonitor(m) : null));

attach(LRFinderResult, function (this: LRFinderResult) {
  return lrFinderBundle(this);
});
