import { describeValue, ValueError } from "../errors.js";
import { Tensor, zeros, type NestedArray } from "../tensor/tensor.js";
import * as F from "./functional.js";
import * as init from "./init.js";
import { checkPositiveInt, Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { pyBool, pyFloat } from "./_repr.js";

/** Keyword arguments of `Embedding`, PyTorch's names in camelCase. */
export interface EmbeddingArgs {
  /** A row that stays zero (e.g. padding tokens); negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up with a larger norm are rescaled to this norm, in place. */
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

/**
 * A lookup table of `num_embeddings` vectors of size `embedding_dim`, drawn N(0, 1) as PyTorch
 * (the padding row zeroed). Forward takes integer indices of any shape.
 *
 * @example
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward([[1, 2], [0, 9]]).shape; // [2, 2, 3]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, args: EmbeddingArgs = {}) {
    super();
    this.numEmbeddings = checkPositiveInt(numEmbeddings, "num_embeddings", "Embedding");
    this.embeddingDim = checkPositiveInt(embeddingDim, "embedding_dim", "Embedding");
    let { paddingIdx = null } = args;
    if (paddingIdx !== null) {
      if (typeof paddingIdx !== "number" || !Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
        throw new ValueError(`Padding_idx must be within num_embeddings (got padding_idx=${describeValue(paddingIdx)}, expected -${numEmbeddings} <= padding_idx < ${numEmbeddings})`);
      }
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    this.maxNorm = args.maxNorm ?? null;
    this.normType = args.normType ?? 2;
    this.scaleGradByFreq = args.scaleGradByFreq ?? false;
    this.sparse = args.sparse ?? false;
    // `weight` (PyTorch's `_weight`) supplies the table, skipping initialisation.
    const given = (args as { weight?: Tensor }).weight;
    if (given !== undefined) {
      if (!(given instanceof Tensor) || given.shape[0] !== numEmbeddings || given.shape[1] !== embeddingDim || given.ndim !== 2) {
        throw new ValueError(`Shape of weight does not match num_embeddings and embedding_dim (expected [${numEmbeddings}, ${embeddingDim}])`);
      }
      this.weight = new Parameter(given);
    } else {
      this.weight = new Parameter(zeros(numEmbeddings, embeddingDim));
      this.resetParameters();
    }
  }

  /**
   * An embedding whose table is `embeddings` (shared, not copied), frozen by default; draws no
   * random numbers (PyTorch's `Embedding.from_pretrained`).
   *
   * @example
   * const emb = nn.Embedding.fromPretrained(tensor([[1, 2.3, 3], [4, 5.1, 6.3]]));
   * emb.forward([1]).tolist(); // [[4, 5.1, 6.3]] (float32)
   */
  static fromPretrained(embeddings: Tensor, args: EmbeddingArgs & { freeze?: boolean } = {}): Embedding {
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) {
      throw new ValueError(`Embeddings parameter is expected to be 2-dimensional (got ${embeddings instanceof Tensor ? `shape [${embeddings.shape.join(", ")}]` : describeValue(embeddings)})`);
    }
    const { freeze = true, ...rest } = args;
    const [rows, cols] = embeddings.shape;
    const emb = new Embedding(rows, cols, { ...rest, weight: embeddings } as EmbeddingArgs);
    emb.weight.requiresGrad = !freeze;
    return emb;
  }

  /** Re-draws N(0, 1) weights and zeroes the padding row. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
  }

  override forward(indices: Tensor | NestedArray): Tensor {
    return F.embedding(indices, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${pyBool(true)}`;
    if (this.sparse) s += ", sparse=True";
    return s;
  }
}
