export { Module } from "./module.js";
export type { IncompatibleKeys, StateDict } from "./module.js";
export { Parameter } from "./parameter.js";
