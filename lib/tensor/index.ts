export { Tensor, tensor, zeros, ones, full, zerosLike, sameShape, formatShape } from "./tensor.js";
export type { DType, NestedArray } from "./tensor.js";
