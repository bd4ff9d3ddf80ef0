import { describeValue, ValueError } from "../errors.js";
import { Tensor, zeros, type NestedArray } from "../tensor/tensor.js";
import * as F from "./functional.js";
import * as init from "./init.js";
import { checkPositiveInt, Module } from "./module.js";
import { pyOption } from "./_options.js";
import { Parameter } from "./parameter.js";
import { pyBool, pyFloat } from "./_repr.js";

/** Keyword arguments of `Embedding`, PyTorch's names. */
export interface EmbeddingArgs {
  /** A row that stays zero and gets no gradient (e.g. padding tokens); negative counts from the end. */
  padding_idx?: number | null;
  /** Rows looked up with a larger norm are rescaled to this norm, in place. */
  max_norm?: number | null;
  norm_type?: number;
  /** Scale each row's gradient by the inverse of its frequency in the batch. */
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  /** @deprecated Use `padding_idx` (PyTorch's name). */
  paddingIdx?: number | null;
  /** @deprecated Use `max_norm` (PyTorch's name). */
  maxNorm?: number | null;
  /** @deprecated Use `norm_type` (PyTorch's name). */
  normType?: number;
  /** @deprecated Use `scale_grad_by_freq` (PyTorch's name). */
  scaleGradByFreq?: boolean;
}

/**
 * A lookup table of `num_embeddings` vectors of size `embedding_dim`, drawn N(0, 1) as PyTorch
 * (the padding row zeroed). Forward takes integer indices of any shape.
 *
 * @example
 * const emb = new nn.Embedding(10, 3, { padding_idx: 0 });
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
    let paddingIdx = pyOption(args, "padding_idx", "paddingIdx", "Embedding") ?? null;
    if (paddingIdx !== null) {
      if (typeof paddingIdx !== "number" || !Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
        throw new ValueError(`Padding_idx must be within num_embeddings (got padding_idx=${describeValue(paddingIdx)}, expected -${numEmbeddings} <= padding_idx < ${numEmbeddings})`);
      }
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    this.maxNorm = pyOption(args, "max_norm", "maxNorm", "Embedding") ?? null;
    this.normType = pyOption(args, "norm_type", "normType", "Embedding") ?? 2;
    this.scaleGradByFreq = pyOption(args, "scale_grad_by_freq", "scaleGradByFreq", "Embedding") ?? false;
    if (this.maxNorm !== null && (typeof this.maxNorm !== "number" || !(this.maxNorm > 0))) {
      throw new ValueError(`Embedding: max_norm must be a positive number or null, got ${describeValue(this.maxNorm)}`);
    }
    if (typeof this.normType !== "number" || !(this.normType > 0)) throw new ValueError(`Embedding: norm_type must be a positive number, got ${describeValue(this.normType)}`);
    if (typeof this.scaleGradByFreq !== "boolean") throw new TypeError(`Embedding: scale_grad_by_freq must be a boolean, got ${describeValue(this.scaleGradByFreq)}`);
    this.sparse = args.sparse ?? false;
    // `_weight` (as PyTorch) supplies the table, skipping initialisation.
    const given = (args as { _weight?: Tensor; weight?: Tensor })._weight ?? (args as { weight?: Tensor }).weight;
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
    const emb = new Embedding(rows, cols, { ...rest, _weight: embeddings } as EmbeddingArgs);
    emb.weight.requiresGrad = !freeze;
    return emb;
  }

  /** Re-draws N(0, 1) weights and zeroes the padding row. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
  }

  override forward(indices: Tensor | NestedArray): Tensor {
    return F.embedding(indices, this.weight, { padding_idx: this.paddingIdx, max_norm: this.maxNorm, norm_type: this.normType, scale_grad_by_freq: this.scaleGradByFreq });
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
