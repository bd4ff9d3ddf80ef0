import { describeValue, ValueError } from "../errors.js";
import { ones, Tensor, zeros } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { checkPositiveInt, Module } from "./module.js";
import { pyOption } from "./_options.js";
import { Parameter } from "./parameter.js";
import { pyBool, pyFloat } from "./_repr.js";

/** Keyword arguments of the batch-norm layers, PyTorch's names. */
export interface BatchNormArgs {
  eps?: number;
  /** Weight of the new batch in the running averages; `null` for a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  /** Keep running mean / variance buffers (default true); without them evaluation uses batch statistics. */
  track_running_stats?: boolean;
  /** @deprecated Use `track_running_stats` (PyTorch's name). */
  trackRunningStats?: boolean;
}

/**
 * Shared part of `BatchNorm1d` / `BatchNorm2d` (PyTorch's `_BatchNorm`): `weight` / `bias`
 * parameters and the buffers `running_mean`, `running_var` and `num_batches_tracked`.
 *
 * Porting note: `num_batches_tracked` is a float32 0-d tensor (PyTorch: int64); it stays exact up
 * to 2^24 batches.
 *
 * @example
 * model.apply((m) => { if (m instanceof nn.BatchNormBase) m.resetRunningStats(); });
 */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  protected constructor(numFeatures: number, args: BatchNormArgs, layer: string) {
    super();
    this.numFeatures = checkPositiveInt(numFeatures, "num_features", layer);
    const { eps = 1e-5, momentum = 0.1, affine = true } = args;
    const trackRunningStats = pyOption(args, "track_running_stats", "trackRunningStats", layer) ?? true;
    for (const [name, v] of [["affine", affine], ["track_running_stats", trackRunningStats]] as const) {
      if (typeof v !== "boolean") throw new TypeError(`${layer}: ${name} must be a boolean, got ${describeValue(v)}`);
    }
    if (typeof eps !== "number" || !(eps >= 0)) throw new ValueError(`${layer}: eps must be a non-negative number, got ${describeValue(eps)}`);
    if (momentum !== null && (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1))) {
      throw new ValueError(`${layer}: momentum must be a number in [0, 1] or null, got ${describeValue(momentum)}`);
    }
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones(numFeatures)) : null;
    this.bias = affine ? new Parameter(zeros(numFeatures)) : null;
    this.registerBuffer("running_mean", trackRunningStats ? zeros(numFeatures) : null);
    this.registerBuffer("running_var", trackRunningStats ? ones(numFeatures) : null);
    this.registerBuffer("num_batches_tracked", trackRunningStats ? zeros([]) : null);
  }

  /** Running statistics back to mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    this.running_mean?.fill_(0);
    this.running_var?.fill_(1);
    this.num_batches_tracked?.fill_(0);
  }

  /** Resets the running statistics, `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    this.weight?.fill_(1);
    this.bias?.fill_(0);
  }

  /** Throws PyTorch's error for an input of the wrong rank. */
  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`${this.constructor.name}.forward() expects a Tensor, got ${describeValue(x)}`);
    this.checkInputDim(x);
    let numBatches: number | undefined;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      this.num_batches_tracked.data[0] += 1;
      numBatches = this.num_batches_tracked.data[0];
    }
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(x, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: this.training || (this.running_mean === null && this.running_var === null),
      momentum: this.momentum,
      eps: this.eps,
      numBatchesTracked: numBatches,
    });
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over `(N, C)` or `(N, C, L)` inputs, per channel C.
 *
 * @example
 * const bn = new nn.BatchNorm1d(4);
 * bn.forward(randn(8, 4)); // training: batch statistics; running stats updated
 * bn.eval().forward(randn(8, 4)); // evaluation: running statistics
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, args: BatchNormArgs = {}) {
    super(numFeatures, args, "BatchNorm1d");
  }

  protected override checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ValueError(`expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/**
 * Batch normalisation over `(N, C, H, W)` inputs, per channel C.
 *
 * @example
 * const bn = new nn.BatchNorm2d(16);
 * Object.keys(bn.stateDict()); // ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, args: BatchNormArgs = {}) {
    super(numFeatures, args, "BatchNorm2d");
  }

  protected override checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new ValueError(`expected 4D input (got ${x.ndim}D input)`);
  }
}
