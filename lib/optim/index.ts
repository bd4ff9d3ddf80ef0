export { Optimizer } from "./optimizer.js";
export type {
  NamedParameter,
  OptimizerStateDict,
  OptimizerStateDictInput,
  PackedParamGroup,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  ParamsInput,
} from "./optimizer.js";
export { SGD, type SGDDefaults, type SGDOptions } from "./sgd.js";
export { Adam, type AdamDefaults, type AdamOptions } from "./adam.js";
export { AdamW, type AdamWOptions } from "./adamw.js";
export * as lr_scheduler from "./lr_scheduler/index.js";
