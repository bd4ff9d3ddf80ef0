/** Lookups: PyTorch's `F.embedding`, forward and backward (a gradient for the table). */
import { describeValue, RuntimeError } from "../../errors.js";
import { recordOp } from "../../autograd/function.js";
import { allocateStorage, formatShape, Tensor, tensor, type NestedArray } from "../../tensor/tensor.js";
import { pyOption } from "../_options.js";

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

/** Options of `embedding`, PyTorch's keyword names. */
export interface EmbeddingOptions {
  /** This row gets no gradient (negative counts from the end). */
  padding_idx?: number | null;
  /** Looked-up rows with a larger norm are rescaled to this norm, in place. */
  max_norm?: number | null;
  norm_type?: number;
  /** Scale each row's gradient by the inverse of its frequency in the batch. */
  scale_grad_by_freq?: boolean;
  /** @deprecated Use `padding_idx` (PyTorch's name). */
  paddingIdx?: number | null;
  /** @deprecated Use `max_norm` (PyTorch's name). */
  maxNorm?: number | null;
  /** @deprecated Use `norm_type` (PyTorch's name). */
  normType?: number;
}

/**
 * Looks up rows of `weight`: indices of any shape `S` give `(...S, embedding_dim)`.
 * With `max_norm`, looked-up rows whose norm exceeds it are rescaled in place, as PyTorch does.
 *
 * @example
 * F.embedding([[1, 2], [0, 1]], emb.weight).shape; // [2, 2, dim]
 */
export function embedding(indices: Tensor | NestedArray, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const idx = toIndices(indices, "embedding");
  if (!(weight instanceof Tensor)) throw new TypeError(`embedding(): argument 'weight' must be a Tensor, got ${describeValue(weight)}`);
  if (weight.ndim !== 2) throw new RuntimeError(`'weight' must be 2-D (got weight of size ${formatShape(weight.shape)})`);
  const [num, dim] = weight.shape;
  for (const v of idx.data) {
    if (v < -0 || v >= num) throw new RuntimeError(`index out of range in self (index ${v}, num_embeddings ${num})`);
  }
  const maxNorm = pyOption(options, "max_norm", "maxNorm", "embedding") ?? null;
  const normType = pyOption(options, "norm_type", "normType", "embedding") ?? 2;
  let paddingIdx = pyOption(options, "padding_idx", "paddingIdx", "embedding") ?? null;
  if (paddingIdx !== null && paddingIdx < 0) paddingIdx += num;
  if (maxNorm !== null) {
    // PyTorch's embedding_renorm_: runs under no_grad, changing the table in place.
    const p = normType;
    for (const row of new Set(idx.data)) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += Math.abs(weight.data[row * dim + j]) ** p;
      norm = norm ** (1 / p);
      if (norm > maxNorm) {
        const scale = Math.fround(maxNorm / (norm + 1e-7));
        for (let j = 0; j < dim; j++) weight.data[row * dim + j] *= scale;
      }
    }
  }
  const yd = allocateStorage(idx.numel * dim);
  idx.data.forEach((v, i) => yd.set(weight.data.subarray(v * dim, (v + 1) * dim), i * dim));
  const y = new Tensor(yd, [...idx.shape, dim]);
  const scaleByFreq = options.scale_grad_by_freq ?? false;
  return recordOp("EmbeddingBackward0", y, [weight], (gy) => {
    const g = gy.data;
    const gw = allocateStorage(weight.numel);
    let counts: Map<number, number> | null = null;
    if (scaleByFreq) {
      counts = new Map();
      for (const v of idx.data) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // Rows add up in lookup order, as PyTorch's CPU embedding_backward does.
    idx.data.forEach((v, i) => {
      if (v === paddingIdx) return;
      const f = counts ? 1 / counts.get(v)! : 1;
      for (let j = 0; j < dim; j++) gw[v * dim + j] += counts ? Math.fround(g[i * dim + j] * f) : g[i * dim + j];
    });
    return [new Tensor(gw, weight.shape)];
  });
}
