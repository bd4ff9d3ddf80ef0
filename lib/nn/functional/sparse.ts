/** Lookups: PyTorch's `F.embedding`. */
import { RuntimeError } from "../../errors.js";
import { Tensor, tensor, type NestedArray } from "../../tensor/tensor.js";
import { out } from "./_util.js";

/**
 * Indices as a tensor of whole numbers (a Tensor, or nested arrays of integers).
 *
 * @example
 * F.toIndices([[0, 2]], "embedding").shape; // [1, 2]
 */
export function toIndices(indices: Tensor | NestedArray, fn: string): Tensor {
  const t = indices instanceof Tensor ? indices : tensor(indices);
  for (const v of t.data) {
    if (!Number.isInteger(v)) throw new TypeError(`${fn}(): indices must be integers, got ${v}`);
  }
  return t;
}

/** Options of `embedding`. */
export interface EmbeddingOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
}

/**
 * Looks up rows of `weight`: indices of any shape `S` give `(...S, embedding_dim)`.
 * With `maxNorm`, looked-up rows whose norm exceeds it are rescaled in place, as PyTorch does.
 *
 * @example
 * F.embedding([[1, 2], [0, 1]], emb.weight).shape; // [2, 2, dim]
 */
export function embedding(indices: Tensor | NestedArray, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const idx = toIndices(indices, "embedding");
  const [num, dim] = weight.shape;
  for (const v of idx.data) {
    if (v < -0 || v >= num) throw new RuntimeError(`index out of range in self (index ${v}, num_embeddings ${num})`);
  }
  if (options.maxNorm !== undefined && options.maxNorm !== null) {
    const p = options.normType ?? 2;
    for (const row of new Set(idx.data)) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += Math.abs(weight.data[row * dim + j]) ** p;
      norm = norm ** (1 / p);
      if (norm > options.maxNorm) {
        const scale = Math.fround(options.maxNorm / (norm + 1e-7));
        for (let j = 0; j < dim; j++) weight.data[row * dim + j] *= scale;
      }
    }
  }
  const y = out([...idx.shape, dim]);
  idx.data.forEach((v, i) => y.data.set(weight.data.subarray(v * dim, (v + 1) * dim), i * dim));
  return y;
}
