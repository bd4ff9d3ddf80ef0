/**
 * paramlab: PyTorch's model / parameter / optimizer / scheduler vocabulary in TypeScript, with
 * rich notebook display.
 *
 * @example
 * import { nn, optim } from "paramlab";
 */
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export { Tensor, tensor, zeros, ones, full, zerosLike } from "./tensor/index.js";
export type { DType, NestedArray } from "./tensor/index.js";
export { ValueError, KeyError, AttributeError, RuntimeError } from "./errors.js";
