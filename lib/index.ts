/**
 * paramlab: PyTorch's model / parameter / optimizer / scheduler vocabulary in TypeScript, with
 * rich notebook display.
 *
 * @example
 * import { nn, optim, tensor } from "paramlab";
 */
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as safetensors from "./serialization/safetensors.js";
// Curated barrels: each lists its public names explicitly.
export * from "./tensor/index.js";
export * from "./autograd/index.js";
export * from "./display/index.js";
// Watching training: the monitor and the LR range test (above optim; PyTorch has no equivalent).
export * from "./train/index.js";
// Attaches rich displays to Tensor, Module, Optimizer and schedulers (display reads lib types).
import "./display/register.js";
export { ValueError, KeyError, AttributeError, RuntimeError } from "./errors.js";
export { setNumThreads, getNumThreads } from "./optim/parallel.js";
