export { Optimizer, registerOptimizerStepPostHook, registerOptimizerStepPreHook } from "./optimizer.js";
export { RemovableHandle } from "../utils/hooks.js";
export type { Betas, Flag } from "./hyperparameters.js";
export type { StateEntry, StateSpec } from "./param_state.js";
export type { Kernel, KernelArrays, KernelFunction, KernelImplementation, KernelScalars } from "./parallel.js";
export type {
  CommonScalars,
  LoadStateDictPreHook,
  StateDictPostHook,
  StepArgs,
  StepPostHook,
  StepPreHook,
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
export { RMSprop, type RMSpropDefaults, type RMSpropOptions } from "./rmsprop.js";
export { Adagrad, type AdagradDefaults, type AdagradOptions } from "./adagrad.js";
export { Adamax, type AdamaxDefaults, type AdamaxOptions } from "./adamax.js";
export { NAdam, type NAdamDefaults, type NAdamOptions } from "./nadam.js";
export { RAdam, type RAdamDefaults, type RAdamOptions } from "./radam.js";
export { Adadelta, type AdadeltaDefaults, type AdadeltaOptions } from "./adadelta.js";
export * as lr_scheduler from "./lr_scheduler/index.js";
// Param-group builders (timm's and Hugging Face's rules, and ordered rules that explain themselves).
export { paramGroupsWeightDecay, paramGroupsLayerDecay, inferLayer, type WeightDecayOptions, type LayerDecayOptions } from "./param_groups.js";
export { paramGroupsByRules, ParamGroupPlan, type ParamRule, type BuiltParamGroup, type RuleOptions, type RuleAssignment, type NamedParameters } from "./param_rules.js";
export { optimizerMemory, OPTIMIZER_STATE, type OptimizerMemory, type GroupMemory } from "./state_memory.js";
// The WebAssembly SIMD kernels, in front of the JavaScript references.
import "./kernels/index.js";
