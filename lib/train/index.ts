export { TrainingMonitor } from "./monitor.js";
export type { TrainingMonitorOptions, MonitorHistory, GroupHistory, MonitorAlarm, AlarmKind } from "./monitor.js";
export { lrFinder, LRFinderResult } from "./lr_finder.js";
export type { LRFinderOptions } from "./lr_finder.js";
