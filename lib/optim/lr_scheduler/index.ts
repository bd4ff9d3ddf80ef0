export type { ScheduleTrace } from "./trace.js";
export { LRScheduler, LRScheduler as _LRScheduler } from "./lr_scheduler.js";
export type { CycledMomentum, OptimizerLike, SchedulerStateDict } from "./lr_scheduler.js";
export { LambdaLR } from "./lambda_lr.js";
export type { LambdaLROptions, LrLambda } from "./lambda_lr.js";
export { MultiplicativeLR } from "./multiplicative_lr.js";
export type { MultiplicativeLROptions } from "./multiplicative_lr.js";
export { StepLR } from "./step_lr.js";
export type { StepLROptions } from "./step_lr.js";
export { MultiStepLR } from "./multi_step_lr.js";
export type { MultiStepLROptions } from "./multi_step_lr.js";
export { ConstantLR } from "./constant_lr.js";
export type { ConstantLROptions } from "./constant_lr.js";
export { LinearLR } from "./linear_lr.js";
export type { LinearLROptions } from "./linear_lr.js";
export { ExponentialLR } from "./exponential_lr.js";
export type { ExponentialLROptions } from "./exponential_lr.js";
export { PolynomialLR } from "./polynomial_lr.js";
export type { PolynomialLROptions } from "./polynomial_lr.js";
export { CosineAnnealingLR } from "./cosine_annealing_lr.js";
export type { CosineAnnealingLROptions } from "./cosine_annealing_lr.js";
export { CosineAnnealingWarmRestarts } from "./cosine_annealing_warm_restarts.js";
export type { CosineAnnealingWarmRestartsOptions } from "./cosine_annealing_warm_restarts.js";
export { CyclicLR } from "./cyclic_lr.js";
export type { CyclicLROptions } from "./cyclic_lr.js";
export { OneCycleLR } from "./one_cycle_lr.js";
export type { OneCycleLROptions } from "./one_cycle_lr.js";
export { ReduceLROnPlateau } from "./reduce_lr_on_plateau.js";
export type { ReduceLROnPlateauOptions } from "./reduce_lr_on_plateau.js";
export { SequentialLR } from "./sequential_lr.js";
export type { SequentialLROptions } from "./sequential_lr.js";
export { ChainedScheduler } from "./chained_scheduler.js";
export { ParamwiseScheduler } from "./paramwise_scheduler.js";
export { BatchSizeLRScheduler } from "./batch_size_lr_scheduler.js";
export type { BatchSizeLRSchedulerOptions } from "./batch_size_lr_scheduler.js";
export { previewTrace, simulate } from "./simulate.js";
export type { SimulateOptions } from "./simulate.js";
export {
  getConstantSchedule,
  getConstantScheduleWithWarmup,
  getLinearScheduleWithWarmup,
  getCosineScheduleWithWarmup,
  getCosineWithHardRestartsScheduleWithWarmup,
  getPolynomialDecayScheduleWithWarmup,
  getInverseSqrtSchedule,
  getCosineWithMinLrScheduleWithWarmup,
  getWsdSchedule,
} from "./transformers.js";
export type {
  CosineOptions,
  CosineWithMinLrOptions,
  HardRestartsOptions,
  InverseSqrtOptions,
  PolynomialDecayOptions,
  WarmupOptions,
  WarmupTrainingOptions,
  WsdOptions,
  WsdShape,
} from "./transformers.js";
export { CosineLRScheduler } from "./timm_cosine_lr.js";
export type { CosineLRSchedulerOptions } from "./timm_cosine_lr.js";
