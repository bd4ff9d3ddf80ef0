export type { ScheduleTrace } from "./trace.js";
