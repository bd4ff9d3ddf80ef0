export { Tensor, tensor, zeros, ones, full, zerosLike } from "./tensor.js";
export type { DType, NestedArray } from "./tensor.js";
export { Generator, defaultGenerator, manualSeed, initialSeed, seed, getRngState, setRngState } from "./random.js";
export type { GeneratorState, RandomOptions } from "./random.js";
export { rand, randn, randint, randperm, randLike, randnLike } from "./sampling.js";
