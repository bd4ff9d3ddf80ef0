/**
 * Error and warning texts of `optim.lr_scheduler`, in one place so that code and tests use the
 * same wording. Where PyTorch has the check, the wording is PyTorch's (current PyTorch; where 1.13
 * worded it differently the current text wins).
 */
import { describeValue, kindOf } from "../../errors.js";

// ---- warnings ---------------------------------------------------------------------------------

export const stepBeforeOptimizer = () =>
  "Detected call of `lr_scheduler.step()` before `optimizer.step()`. " +
  "In PyTorch 1.1.0 and later, you should call them in the opposite order: " +
  "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this " +
  "will result in PyTorch skipping the first value of the learning rate schedule. " +
  "See more details at " +
  "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate";

export const epochDeprecation = () =>
  "The epoch parameter in `scheduler.step()` was not necessary and is being " +
  "deprecated where possible. Please use `scheduler.step()` to step the " +
  "scheduler. During the deprecation, if epoch is different from None, the " +
  "closed form is used instead of the new chainable form, where available. " +
  "Please open an issue if you are unable to replicate your use case: " +
  "https://github.com/pytorch/pytorch/issues/new/choose.";

// Porting note: PyTorch names `get_last_lr()`; paramlab's method is `getLastLr()`.
export const getLrOutsideStep = () =>
  "To get the last learning rate computed by the scheduler, please use `getLastLr()`.";

// ---- base ---------------------------------------------------------------------------------------

export const notAnOptimizer = (given: unknown) =>
  `${typeName(given)} is not an Optimizer (expected an object with a paramGroups array)`;

export const initialLrMissing = (i: number) =>
  `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`;

export const perGroupLength = (name: string, given: number, groups: number) =>
  `${name} must have the same length as optimizer.param_groups. ${name} has ${given} values, param_groups has ${groups}.`;

export const notANumber = (name: string, given: unknown) =>
  `${name} must be a number, got ${describeValue(given)}`;

export const badOptions = (cls: string, given: unknown) =>
  `${cls} options must be an object of PyTorch keyword arguments, got ${kindOf(given)}`;

export const unknownOption = (cls: string, key: string, known: readonly string[]) =>
  `${cls} got an unexpected keyword argument '${key}' (expected one of ${known.join(", ")})`;

export const missingOption = (cls: string, key: string) =>
  `${cls} missing 1 required keyword argument: '${key}'`;

export const badStateDict = (given: unknown) =>
  `scheduler state dict must be a plain object, got ${kindOf(given)}`;

// ---- LambdaLR / MultiplicativeLR ----------------------------------------------------------------

export const lrLambdaCount = (expected: number, given: number) => `Expected ${expected} lr_lambdas, but got ${given}`;
export const lrLambdaNotFunction = (given: unknown) => `lr_lambda should be a function, but got ${kindOf(given)}`;

// ---- ConstantLR / LinearLR ----------------------------------------------------------------------

export const constantFactor = () => "Constant multiplicative factor expected to be between 0 and 1.";
// Porting note: 1.13 said "Starting multiplicative factor expected to be between 0 and 1."
export const linearStartFactor = () =>
  "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.";
export const linearEndFactor = () => "Ending multiplicative factor expected to be between 0 and 1.";

// ---- StepLR / MultiStepLR / others --------------------------------------------------------------

export const positiveInteger = (name: string, given: unknown) =>
  `Expected positive integer ${name}, but got ${describeValue(given)}`;
export const positiveNumber = (name: string, given: unknown) => `${name} must be > 0, got ${describeValue(given)}`;
export const nonNegativeNumber = (name: string, given: unknown) => `${name} must be >= 0, got ${describeValue(given)}`;
export const milestonesNotArray = (given: unknown) =>
  `milestones must be an array of integers, got ${describeValue(given)}`;

// ---- SequentialLR / ChainedScheduler ------------------------------------------------------------

export const noSchedulers = (cls: string) =>
  cls === "ChainedScheduler"
    ? `${cls} expects at least one scheduler to be chained, but got no scheduler.`
    : `${cls} expects at least one scheduler, but got no scheduler.`;
export const schedulerWithoutOptimizer = (cls: string, i: number) =>
  `${cls} at index ${i} should have \`optimizer\` as its attribute.`;
export const plateauInSequence = (cls: string, i: number) =>
  `${cls} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`;
export const differentOptimizer = (cls: string, sched: string, i: number) =>
  `${cls} expects all schedulers to belong to the same optimizer, but got scheduler ${sched} at index ${i} has a different optimizer.`;
export const milestoneCount = (schedulers: number, milestones: number) =>
  "Sequential Schedulers expects number of schedulers provided to be one more " +
  `than the number of milestone points, but got number of schedulers ${schedulers} and the ` +
  `number of milestones to be equal to ${milestones}`;

export const paramwiseCount = (schedulers: number, groups: number) =>
  `Number of schedulers must match the number of parameter groups in the optimizer. Got ${schedulers} schedulers and ${groups} parameter groups.`;

export const paramwiseSameOptimizer = () => "All schedulers must use the same optimizer instance.";

// ---- ReduceLROnPlateau --------------------------------------------------------------------------

export const plateauFactor = () => "Factor should be < 1.0.";
export const minLrCount = (expected: number, given: number) => `expected ${expected} min_lrs, got ${given}`;
export const unknownMode = (mode: unknown) => `mode ${String(mode)} is unknown!`;
export const unknownThresholdMode = (mode: unknown) => `threshold mode ${String(mode)} is unknown!`;
export const minLrsGroupsChanged = (groups: number, minLrs: number) =>
  `The number of param groups in the \`optimizer\` (${groups}) differs from when \`ReduceLROnPlateau\` was initialized (${minLrs}), usually due to a new param group being added to the optimizer. Please modify the \`min_lrs\` field to match the length of the \`optimizer\` param groups.`;
export const metricNotNumber = (given: unknown) =>
  `ReduceLROnPlateau.step(metrics) needs a number, got ${describeValue(given)}`;

// ---- CyclicLR / OneCycleLR ----------------------------------------------------------------------

export const cyclicModeInvalid = () => "mode is invalid and scale_fn is None";
export const noMomentum = () => "optimizer must support momentum or beta1 with `cycle_momentum` option enabled";
export const scaleModeInvalid = (given: unknown) =>
  `scale_mode must be one of 'cycle' or 'iterations', instead got ${describeValue(given)}`;
export const totalStepsOrEpochs = () => "You must define either total_steps OR (epochs AND steps_per_epoch)";
export const pctStart = (given: unknown) => `Expected float between 0 and 1 pct_start, but got ${describeValue(given)}`;
// Porting note: 1.13 wrote "must by one of"; current PyTorch's "must be one of" is used.
export const annealStrategy = (given: unknown) =>
  `anneal_strategy must be one of 'cos' or 'linear', instead got ${String(given)}`;
export const steppedPastTotal = (stepNum: number, total: number) =>
  `Tried to step ${stepNum} times. The specified number of total steps is ${total}`;

// ---- CosineAnnealingWarmRestarts ----------------------------------------------------------------

export const tMult = (given: unknown) => `Expected integer T_mult >= 1, but got ${describeValue(given)}`;
export const negativeEpoch = (given: unknown) => `Expected non-negative epoch, but got ${describeValue(given)}`;

// ---- BatchSizeLRScheduler -----------------------------------------------------------------------

export const batchSize = (name: string, given: unknown) =>
  `${name} must be a positive integer, got ${describeValue(given)}`;
export const batchRule = (given: unknown) => `rule must be one of 'sqrt' or 'linear', got ${describeValue(given)}`;
export const baseLrsCount = (expected: number, given: number) =>
  `base_lrs must have one value per param group: expected ${expected}, got ${given}`;

// ---- Hugging Face / timm --------------------------------------------------------------------------

export const nonNegativeInteger = (name: string, given: unknown) =>
  `${name} must be a non-negative integer, got ${describeValue(given)}`;
export const lrEndTooLarge = (lrEnd: number, lrInit: number) =>
  `lr_end (${pyFloat(lrEnd)}) must be smaller than initial lr (${pyFloat(lrInit)})`;
export const wsdWarmupType = (given: unknown) =>
  `Unknown warmup type: ${String(given)}, expected 'linear', 'cosine' or '1-sqrt'`;
export const wsdDecayType = (given: unknown) => `Unknown decay type: ${String(given)}, expected 'linear', 'cosine' or '1-sqrt'`;
export const wsdSteps = () => "Either num_training_steps or num_stable_steps must be specified.";
export const wsdBothSteps = () =>
  "Both num_training_steps and num_stable_steps are specified. num_stable_steps will be used.";
export const minLrBoth = () => "Only one of min_lr or min_lr_rate should be set";
export const minLrNeither = () => "One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`";
export const timmNoiseRange = (given: unknown) =>
  `noise_range_t must be a number or an array of two numbers, got ${describeValue(given)}`;

// ---- simulate -----------------------------------------------------------------------------------

export const simulateSteps = (given: unknown) => `steps must be a positive integer, got ${describeValue(given)}`;
export const simulateBuild = (given: unknown) =>
  `build must return a learning-rate scheduler built on the optimizer it is given, got ${kindOf(given)}`;
export const simulateSeries = (name: string, needed: number, given: number) =>
  `${name} must hold at least ${needed} values for this many steps, got ${given}`;
export const simulateMetricsNeeded = () =>
  "ReduceLROnPlateau needs one metric per step: pass simulate(opt, build, { steps, metrics })";
export const simulateBatchSizesNeeded = () =>
  "BatchSizeLRScheduler needs one batch size per step: pass simulate(opt, build, { steps, batchSizes })";

/** A float as Python's str() writes it (two-digit exponents). */
function pyFloat(v: number): string {
  return String(v).replace(/e([+-])(\d)$/, "e$10$2");
}

function typeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (v === undefined) return "undefined";
  if (typeof v === "object") return (v as object).constructor?.name ?? "Object";
  return typeof v;
}

// ---- checks shared by constructors, loadStateDict and per-call values ------------------------------

export const notFinite = (name: string, given: unknown) => `${name} must be a finite number, got ${describeValue(given)}`;
export const notABoolean = (name: string, given: unknown) => `${name} must be a boolean, got ${describeValue(given)}`;
export const notOneOf = (name: string, given: unknown, allowed: readonly unknown[]) =>
  `${name} must be one of ${allowed.map((a) => describeValue(a)).join(", ")}, got ${describeValue(given)}`;
export const notAList = (name: string, given: unknown) => `${name} must be an array, got ${describeValue(given)}`;
export const listLength = (name: string, given: number, expected: number) =>
  `${name} must hold one value per param group: expected ${expected}, got ${given}`;
export const lastEpoch = (given: unknown) =>
  `last_epoch must be an integer >= -1 (-1 starts a new schedule), got ${describeValue(given)}`;
export const badStateValue = (name: string, given: unknown, expected: string) =>
  `${name} must be ${expected}, got ${describeValue(given)}`;

// Porting note: PyTorch accepts these and fails with ZeroDivisionError (or returns inf) when stepped.
export const constantFactorZero = () =>
  "ConstantLR factor must be > 0: the lr is divided by it at total_iters (PyTorch: ZeroDivisionError), got 0";

export const lambdaResult = (name: string, group: number, epoch: number, given: unknown) =>
  `${name} for param group ${group} returned ${describeValue(given)} at epoch ${epoch} (expected a finite number)`;

export const schedulersNotArray = (cls: string, given: unknown) =>
  `${cls} expects an array of schedulers, got ${kindOf(given)}${given instanceof Object && !Array.isArray(given) ? ` (${(given as object).constructor?.name ?? "object"}): wrap it in [ ]` : ""}`;

export const stateDictOptimizer = (cls: string) =>
  `${cls} state dict must not hold the optimizer ('optimizer' key): a scheduler's state leaves the optimizer out, as PyTorch's state_dict() does; load the optimizer with optimizer.loadStateDict()`;
export const unexpectedStateKey = (cls: string, key: string, expected: readonly string[]) =>
  `unexpected key '${key}' in ${cls} state dict (expected some of ${expected.join(", ")})`;
export const stateSchedulerCount = (cls: string, given: unknown, expected: number) =>
  `${cls} state dict must hold _schedulers, an array of ${expected} scheduler states, got ${describeValue(given)}`;

export const cannotClone = (cls: string) =>
  `${cls} cannot be copied for a preview: pass its options to super(optimizer, options), or override _cloneFor()`;

export const simulateTooLarge = (steps: number, series: number, limit: number) =>
  `simulate steps=${steps} would record ${steps * series} values (${series} series), more than the limit of ${limit} (${Math.round((limit * 8) / 2 ** 20)} MB): simulate fewer steps`;

export const lrScaleNotNumber = (group: number, given: unknown) =>
  `param group ${group} has lr_scale ${describeValue(given)} (expected a finite number; timm multiplies the lr by it)`;


export const previewNotScheduler = (given: unknown) => `previewTrace() expects an LRScheduler, got ${kindOf(given)}`;
export const scaleFnResult = (x: number, given: unknown) =>
  `scale_fn returned ${describeValue(given)} for ${x} (expected a finite number)`;
