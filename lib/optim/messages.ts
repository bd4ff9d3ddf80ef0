/**
 * Error and warning texts of `lib/optim`, in one place so that code and tests use the same
 * wording. Where PyTorch has the check, the wording is PyTorch's.
 */
import { describeValue, kindOf } from "../errors.js";

export const paramsNotIterable = (given: unknown) =>
  `params argument given to the optimizer should be an iterable of Parameters or param-group objects, but got ${kindOf(given)}`;

export const paramsAsSet = () =>
  "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.";

export const emptyParams = () => "optimizer got an empty parameter list";

export const groupNotObject = (given: unknown) => `param_group must be an object, but got ${kindOf(given)}`;

export const groupWithoutParams = (given: unknown) =>
  `param_group must have a "params" key, got an object with keys ${JSON.stringify(Object.keys(given as object))}`;

export const someNamesMissing = () =>
  "all optimizer params should be with/without names. Some param names are missing";

export const notAParameter = (given: unknown) =>
  `optimizer can only optimize Parameters, but one of the params is ${kindOf(given)}`;

export const lrNotNumber = (given: unknown) => `Invalid learning rate: ${describeValue(given)} (expected a number)`;

export const duplicateParams = () =>
  "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information";

export const mixedNamedGroups = (group: { param_names?: unknown }) =>
  `all optimizer param groups should be with/without names. cannot add param group ${group.param_names ? "with names" : "without names"} to the optimizer`;

export const paramInTwoGroups = () => "some parameters appear in more than one parameter group";

export const badStateDict = (given: unknown) =>
  `optimizer state dict must be an object with "state" (object) and "param_groups" (array), got ${kindOf(given)}`;

export const badSavedGroup = (i: number, given: unknown) =>
  `param_groups[${i}] of the loaded state dict must be an object with a "params" array of indices, got ${describeValue(given)}`;

export const groupCountMismatch = (saved: number, current: number) =>
  `loaded state dict has a different number of parameter groups (${saved} saved, optimizer has ${current})`;

export const groupSizeMismatch = (i: number, saved: number, current: number) =>
  `loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${i}: ${saved} saved, optimizer has ${current})`;

export const unknownStateIndex = (key: string, known: number[]) =>
  `loaded state dict has state for parameter index ${key}, which no param group lists (indices are ${known.length ? known.join(", ") : "none"})`;

export const badParamState = (key: string, given: unknown) =>
  `state for parameter ${key} must be an object of name -> value, got ${kindOf(given)}`;

export const badStateValue = (key: string, name: string, given: unknown) =>
  `state for parameter ${key}, entry '${name}', must be a number, null, a Tensor or nested arrays, got ${kindOf(given)}`;

// Hyperparameter checks shared by the optimizers (PyTorch's wording).
export const invalidLr = (lr: unknown) => `Invalid learning rate: ${describeValue(lr)}`;
export const invalidEps = (eps: unknown) => `Invalid epsilon value: ${describeValue(eps)}`;
export const invalidWeightDecay = (wd: unknown) => `Invalid weight_decay value: ${describeValue(wd)}`;
export const invalidMomentum = (m: unknown) => `Invalid momentum value: ${describeValue(m)}`;
export const invalidBeta = (index: number, beta: unknown) =>
  `Invalid beta parameter at index ${index}: ${describeValue(beta)} (expected 0 <= beta < 1)`;
export const nesterovRequiresMomentum = () => "Nesterov momentum requires a momentum and zero dampening";
export const invalidRho = (rho: unknown) => `Invalid rho value: ${describeValue(rho)}`;
export const invalidAlpha = (alpha: unknown) => `Invalid alpha value: ${describeValue(alpha)}`;
export const invalidLrDecay = (v: unknown) => `Invalid lr_decay value: ${describeValue(v)}`;
export const invalidInitialAccumulator = (v: unknown) => `Invalid initial_accumulator_value value: ${describeValue(v)}`;
export const invalidMomentumDecay = (v: unknown) => `Invalid momentum_decay value: ${describeValue(v)}`;
export const invalidBetas = (betas: unknown) =>
  `Invalid betas: ${describeValue(betas)} (expected an array of two numbers [beta1, beta2])`;
export const hyperNotNumber = (key: string, given: unknown) =>
  `Invalid ${key} value: ${describeValue(given)} (expected a number)`;
export const hyperNotBoolean = (key: string, given: unknown) =>
  `Invalid ${key} value: ${describeValue(given)} (expected a boolean)`;
export const unknownOption = (optimizer: string, key: string, known: string[]) =>
  `${optimizer}() got an unexpected keyword argument '${key}' (expected one of ${known.join(", ")})`;
export const unsupportedFlag = (optimizer: string, key: string) =>
  `${optimizer}: ${key}=true selects a PyTorch kernel (CUDA graphs / autograd through the step) that paramlab does not have; leave it false`;
export const fusedAndForeach = () => "`fused` and `foreach` cannot be `True` together.";
export const badPreHookResult = (given: unknown) =>
  `an optimizer step pre-hook must return undefined or a new argument array ([closure] or []), but got ${describeValue(given)}.`;
export const hyperIsNaN = (key: string) => `Invalid ${key} value: NaN (expected a number)`;
export const hyperNotFlag = (key: string, given: unknown) =>
  `Invalid ${key} value: ${describeValue(given)} (expected true, false or null)`;
export const optionsNotObject = (optimizer: string, given: unknown) =>
  `${optimizer}(): options must be an object such as { lr: 0.001 }, got ${kindOf(given)}`;
export const foreignHyperparameters = (optimizer: string, keys: string[], known: string[]) =>
  `${keys.map((k) => `'${k}'`).join(", ")} ${keys.length === 1 ? "is not a hyperparameter" : "are not hyperparameters"} of ${optimizer} (another optimizer's group or state dict?); ${optimizer} has ${known.join(", ")}`;
/** Prefix for a problem in a group passed to the constructor or `addParamGroup`. */
export const inParamGroup = (index: number) => `param group ${index}: `;
/** Prefix for a problem in a group of a state dict being loaded. */
export const inLoadedGroup = (index: number) => `loaded param_groups[${index}]: `;
export const missingGroupKey = (index: number, key: string) =>
  `loaded param_groups[${index}] has no '${key}' (PyTorch raises KeyError: '${key}')`;
export const badParamIndex = (group: number, given: unknown) =>
  `loaded param_groups[${group}].params must hold non-negative integer parameter indices, got ${describeValue(given)}`;
export const duplicateParamIndex = (index: number) =>
  `loaded state dict lists parameter index ${index} more than once across its param_groups`;
export const badStateKey = (key: string) =>
  `loaded state dict has state under key ${JSON.stringify(key)}, which is not a non-negative integer parameter index`;
export const stateShapeMismatch = (key: string, name: string, given: string, expected: string) =>
  `loaded state for parameter ${key}, entry '${name}', has shape ${given} but the parameter has shape ${expected}`;
export const missingStateEntry = (key: string, name: string, optimizer: string) =>
  `loaded state for parameter ${key} has no '${name}', which ${optimizer} keeps for every stepped parameter (PyTorch raises KeyError: '${name}')`;
export const noKernel = (optimizer: string) =>
  `${optimizer} declares no kernel: an element-wise optimizer sets \`protected readonly kernel\`; any other overrides _step()`;
