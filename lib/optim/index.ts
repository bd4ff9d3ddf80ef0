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
export * as lr_scheduler from "./lr_scheduler/index.js";
