/**
 * Loss functions: PyTorch's `F.mse_loss`, `l1_loss`, `smooth_l1_loss`, `huber_loss`,
 * `cross_entropy`, `nll_loss`, `binary_cross_entropy`, `binary_cross_entropy_with_logits`, with
 * PyTorch's keyword names in the options object and `reduction` everywhere.
 *
 * Element-wise losses share one fused op (`pointwiseLoss`): the forward computes each element's
 * loss and its derivatives at once, the backward scales those derivatives by the incoming
 * gradient. Class losses share `classLoss`: −Σ coef·log p over the class dim, where `coef` folds
 * in the target, the class weights and label smoothing.
 */
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { formatShape, sameShape, Tensor } from "../../tensor/tensor.js";
import { gradBuffer, recordOp } from "../../autograd/function.js";
import { broadcastShapes, expandData, fresh, wrap } from "../../autograd/ops/_util.js";
import { logSoftmax } from "./activation.js";
import { checkInput } from "./_util.js";

/** How a loss reduces over elements: PyTorch's `reduction`. */
export type Reduction = "none" | "mean" | "sum";

/** Options every loss takes. */
export interface ReductionOptions {
  /** `"mean"` (default), `"sum"` or `"none"` (one loss per element). */
  reduction?: Reduction;
}

/** Checks a `reduction` value with PyTorch's message. */
export function checkReduction(reduction: unknown): Reduction {
  if (reduction === undefined) return "mean";
  if (reduction !== "none" && reduction !== "mean" && reduction !== "sum") {
    throw new ValueError(`${describeValue(reduction)} is not a valid value for reduction`);
  }
  return reduction;
}

function checkNumber(value: unknown, name: string, fn: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw new TypeError(`${fn}(): argument '${name}' must be a number, got ${describeValue(value)}`);
  return value;
}

/** PyTorch's size check for element-wise losses (it warns and broadcasts; paramlab refuses). */
function checkSameSize(input: Tensor, target: Tensor, fn: string): void {
  checkInput(input, fn);
  checkInput(target, fn);
  if (!sameShape(input.shape, target.shape)) {
    // Porting note: PyTorch only warns here and broadcasts, which is almost always a bug.
    throw new ValueError(
      `Using a target size (torch.Size(${formatShape(target.shape)})) that is different to the input size (torch.Size(${formatShape(input.shape)})). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    );
  }
}

/**
 * Per-element loss `f` fused into one node: `f(x, t, i)` writes the loss and d/dx, d/dt of
 * element i into `res` ([loss, dx, dt]).
 */
function pointwiseLoss(
  name: string | ((reduction: Reduction) => string),
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  f: (x: number, t: number, i: number, res: Float64Array) => void,
): Tensor {
  const n = input.numel;
  const loss = new Float32Array(n);
  const dx = new Float32Array(n);
  const dt = target.requiresGrad ? new Float32Array(n) : null;
  const res = new Float64Array(3);
  let total = 0;
  const x = input.data;
  const t = target.data;
  for (let i = 0; i < n; i++) {
    f(x[i], t[i], i, res);
    loss[i] = res[0];
    total += res[0];
    dx[i] = res[1];
    if (dt) dt[i] = res[2];
  }
  const out = reduction === "none" ? wrap(loss, input.shape) : wrap(new Float32Array([reduction === "mean" ? total / n : total]), []);
  return recordOp(typeof name === "string" ? name : name(reduction), out, [input, target], (g) => {
    const scale = (d: Float32Array): Tensor => {
      const r = fresh(input.shape);
      if (reduction === "none") for (let i = 0; i < n; i++) r.data[i] = g.data[i] * d[i];
      else {
        const s = reduction === "mean" ? g.data[0] / n : g.data[0];
        for (let i = 0; i < n; i++) r.data[i] = s * d[i];
      }
      return r;
    };
    return [input.requiresGrad ? scale(dx) : null, dt ? scale(dt) : null];
  });
}

/**
 * Mean squared error (x − y)².
 *
 * @example
 * F.mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // 2
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameSize(input, target, "mse_loss");
  return pointwiseLoss("MseLossBackward0", input, target, checkReduction(options.reduction), (x, t, _, r) => {
    const d = x - t;
    r[0] = d * d; r[1] = 2 * d; r[2] = -2 * d;
  });
}

/**
 * Mean absolute error |x − y|.
 *
 * @example
 * F.l1Loss(tensor([1, 2]), tensor([1, 4])).item(); // 1
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameSize(input, target, "l1_loss");
  // PyTorch composes l1_loss from abs and the reduction, so its node is named after the last step.
  const name = (r: Reduction): string => (r === "mean" ? "MeanBackward0" : r === "sum" ? "SumBackward0" : "AbsBackward0");
  return pointwiseLoss(name, input, target, checkReduction(options.reduction), (x, t, _, r) => {
    const d = x - t;
    r[0] = Math.abs(d); r[1] = Math.sign(d); r[2] = -Math.sign(d);
  });
}

/** Options of `smoothL1Loss` / `nn.SmoothL1Loss`. */
export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss changes from quadratic to linear. Default 1. */
  beta?: number;
}

/**
 * 0.5 d²/beta where |d| < beta, |d| − 0.5 beta elsewhere (d = x − y).
 *
 * @example
 * F.smoothL1Loss(x, y, { beta: 0.5 });
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  checkSameSize(input, target, "smooth_l1_loss");
  const beta = checkNumber(options.beta ?? 1, "beta", "smooth_l1_loss");
  if (beta < 0) throw new RuntimeError("smooth_l1_loss does not support negative values for beta.");
  return pointwiseLoss("SmoothL1LossBackward0", input, target, checkReduction(options.reduction), (x, t, _, r) => {
    const d = x - t;
    const a = Math.abs(d);
    if (a < beta) { r[0] = (0.5 * d * d) / beta; r[1] = d / beta; } else { r[0] = a - 0.5 * beta; r[1] = Math.sign(d); }
    r[2] = -r[1];
  });
}

/** Options of `huberLoss` / `nn.HuberLoss`. */
export interface HuberOptions extends ReductionOptions {
  /** Where the loss changes from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * 0.5 d² where |d| ≤ delta, delta·(|d| − 0.5 delta) elsewhere (d = x − y).
 *
 * @example
 * F.huberLoss(x, y, { delta: 2 });
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  checkSameSize(input, target, "huber_loss");
  const delta = checkNumber(options.delta ?? 1, "delta", "huber_loss");
  if (delta <= 0) throw new RuntimeError("huber_loss does not support non-positive values for delta.");
  return pointwiseLoss("HuberLossBackward0", input, target, checkReduction(options.reduction), (x, t, _, r) => {
    const d = x - t;
    const a = Math.abs(d);
    if (a <= delta) { r[0] = 0.5 * d * d; r[1] = d; } else { r[0] = delta * (a - 0.5 * delta); r[1] = delta * Math.sign(d); }
    r[2] = -r[1];
  });
}

/** Options of `binaryCrossEntropy` / `nn.BCELoss`. */
export interface BCEOptions extends ReductionOptions {
  /** Weight of each element (broadcast to the input's shape). */
  weight?: Tensor | null;
}

/** `weight` broadcast to `shape`, or null. */
function expandWeight(weight: Tensor | null | undefined, shape: readonly number[], fn: string, what = "weight"): Float32Array | null {
  if (weight === null || weight === undefined) return null;
  checkInput(weight, fn);
  const b = broadcastShapes(weight.shape, shape);
  if (!sameShape(b, shape)) throw new RuntimeError(`${fn}: ${what} of shape ${formatShape(weight.shape)} cannot be broadcast to the input's shape ${formatShape(shape)}`);
  return expandData(weight, shape);
}

/**
 * −w·(y log x + (1 − y) log(1 − x)) for probabilities x in [0, 1]; logs clamped at −100 as in
 * PyTorch.
 *
 * @example
 * F.binaryCrossEntropy(F.sigmoid(logits), targets);
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  checkSameSize(input, target, "binary_cross_entropy");
  const reduction = checkReduction(options.reduction);
  const w = expandWeight(options.weight, input.shape, "binary_cross_entropy");
  for (let i = 0; i < input.numel; i++) {
    const v = input.data[i];
    if (!(v >= 0 && v <= 1)) throw new RuntimeError(`all elements of input should be between 0 and 1 (got ${v} at position ${i})`);
  }
  return pointwiseLoss("BinaryCrossEntropyBackward0", input, target, reduction, (x, t, i, r) => {
    const wi = w ? w[i] : 1;
    const logX = Math.max(Math.log(x), -100);
    const log1mX = Math.max(Math.log1p(-x), -100);
    r[0] = -wi * (t * logX + (1 - t) * log1mX);
    r[1] = (wi * (x - t)) / Math.max((1 - x) * x, 1e-12);
    r[2] = wi * (log1mX - logX);
  });
}

/** Options of `binaryCrossEntropyWithLogits` / `nn.BCEWithLogitsLoss`. */
export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of positive examples per class (broadcast over the last dim). */
  pos_weight?: Tensor | null;
}

/**
 * BCE on logits, computed stably: −w·(p·y·log σ(x) + (1 − y)·log(1 − σ(x))), p = pos_weight.
 *
 * @example
 * F.binaryCrossEntropyWithLogits(logits, targets, { pos_weight: tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  checkSameSize(input, target, "binary_cross_entropy_with_logits");
  const reduction = checkReduction(options.reduction);
  const w = expandWeight(options.weight, input.shape, "binary_cross_entropy_with_logits");
  const pw = expandWeight(options.pos_weight, input.shape, "binary_cross_entropy_with_logits", "pos_weight");
  return pointwiseLoss("BinaryCrossEntropyWithLogitsBackward0", input, target, reduction, (x, t, i, r) => {
    const wi = w ? w[i] : 1;
    const p = pw ? pw[i] : 1;
    // softplus(−x) = log(1 + e^−x), stably; c = 1 + (p − 1)·y
    const sp = Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
    const c = 1 + (p - 1) * t;
    const sig = 1 / (1 + Math.exp(-x));
    r[0] = wi * ((1 - t) * x + c * sp);
    r[1] = wi * ((1 - t) - c * (1 - sig));
    r[2] = wi * (-x + (p - 1) * sp);
  });
}

/** Options of `nllLoss` / `nn.NLLLoss`. */
export interface NLLOptions extends ReductionOptions {
  /** Weight of each class, shape `[C]`. */
  weight?: Tensor | null;
  /** A target value that contributes nothing (default −100). */
  ignore_index?: number;
}

/** Options of `crossEntropy` / `nn.CrossEntropyLoss`. */
export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. Default 0. */
  label_smoothing?: number;
}

/** Messages for class targets, shared with the tests. */
export const lossMessages = {
  outOfBounds: (target: number, classes: number, ignoreIndex: number) =>
    `Target ${target} is out of bounds: expected a class index in [0, ${classes - 1}] (or ignore_index ${ignoreIndex})`,
  notIndex: (fn: string, value: number, position: number, classes: number, inputShape: readonly number[]) =>
    `${fn}: expected class indices (integers in [0, ${classes - 1}]) or class probabilities of the input's shape ${formatShape(inputShape)}; got ${value} at position ${position} of the target`,
};

/**
 * The fused class loss on log-probabilities `logp` ([N, C, d...] or [C]): −Σ_c coef·logp per
 * position, reduced by `divisor` for "mean".
 */
function classLoss(
  fn: string,
  logp: Tensor,
  target: Tensor,
  options: CrossEntropyOptions,
): Tensor {
  const reduction = checkReduction(options.reduction);
  const ignoreIndex = options.ignore_index ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new TypeError(`${fn}(): argument 'ignore_index' must be int, not ${describeValue(ignoreIndex)}`);
  const eps = checkNumber(options.label_smoothing ?? 0, "label_smoothing", fn);
  if (eps < 0 || eps > 1) throw new ValueError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const unbatched = logp.ndim === 1;
  if (logp.ndim === 0) throw new ValueError(`${fn}(): Expected 1 or more dimensions (got 0)`);
  const C = unbatched ? logp.shape[0] : logp.shape[1];
  const N = unbatched ? 1 : logp.shape[0];
  const inner = logp.numel / (N * C || 1);
  const positions = N * inner;
  const weight = options.weight ?? null;
  if (weight !== null) {
    checkInput(weight, fn);
    if (weight.ndim !== 1 || weight.shape[0] !== C) {
      throw new RuntimeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${formatShape(weight.shape)}`);
    }
  }
  const wc = (c: number): number => (weight === null ? 1 : weight.data[c]);
  const coef = new Float64Array(logp.numel);
  const keep = new Float64Array(positions); // divisor contribution of each position
  const probabilities = sameShape(target.shape, logp.shape);
  if (probabilities) {
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < inner; i++) {
        for (let c = 0; c < C; c++) {
          const at = (n * C + c) * inner + i;
          coef[at] = wc(c) * (target.data[at] * (1 - eps) + eps / C);
        }
        keep[n * inner + i] = 1;
      }
    }
  } else {
    const expected = unbatched ? [] : [N, ...logp.shape.slice(2)];
    if (!sameShape(target.shape, expected)) {
      if (logp.ndim === 2 && target.ndim === 1) {
        throw new ValueError(`Expected input batch_size (${N}) to match target batch_size (${target.shape[0]}).`);
      }
      throw new RuntimeError(`Expected target size ${formatShape(expected)}, got ${formatShape(target.shape)}`);
    }
    for (let p = 0; p < positions; p++) {
      const y = target.data[p];
      if (!Number.isInteger(y)) throw new RuntimeError(lossMessages.notIndex(fn, y, p, C, logp.shape));
      if (y === ignoreIndex) continue;
      if (y < 0 || y >= C) throw new RangeError(lossMessages.outOfBounds(y, C, ignoreIndex));
      const n = Math.floor(p / inner);
      const i = p % inner;
      const wy = wc(y);
      keep[p] = wy;
      coef[(n * C + y) * inner + i] += (1 - eps) * wy;
      if (eps > 0) for (let c = 0; c < C; c++) coef[(n * C + c) * inner + i] += (eps / C) * wc(c);
    }
  }
  const losses = new Float64Array(positions);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < inner; i++) {
        const at = (n * C + c) * inner + i;
        if (coef[at] !== 0) losses[n * inner + i] -= coef[at] * logp.data[at];
      }
    }
  }
  let divisor = 1;
  if (reduction === "mean") {
    divisor = 0;
    for (let p = 0; p < positions; p++) divisor += keep[p];
  }
  let out: Tensor;
  if (reduction === "none") {
    out = wrap(Float32Array.from(losses), unbatched ? [] : target.shape.length === logp.ndim ? [N, ...logp.shape.slice(2)] : [...target.shape]);
  } else {
    let total = 0;
    for (let p = 0; p < positions; p++) total += losses[p];
    out = wrap(new Float32Array([total / divisor]), []);
  }
  // The node PyTorch ends its composition with (cosmetic, but printed in grad_fn=<...>).
  const name = probabilities ? (reduction === "mean" ? "DivBackward1" : "NegBackward0")
    : eps > 0 ? "AddBackward0"
    : logp.ndim <= 2 ? "NllLossBackward0"
    : reduction === "none" ? "ViewBackward0" : "NllLoss2DBackward0";
  return recordOp(name, out, [logp], (g) => {
    const r = gradBuffer(logp.shape);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < inner; i++) {
          const at = (n * C + c) * inner + i;
          const gp = reduction === "none" ? g.data[n * inner + i] : g.data[0] / divisor;
          r.data[at] = -coef[at] * gp;
        }
      }
    }
    return [r];
  });
}

/**
 * Negative log-likelihood of class `target` under log-probabilities `input` ([N, C, d...] or
 * [C]); ignored targets contribute nothing; "mean" divides by the summed target weights.
 *
 * @example
 * F.nllLoss(F.logSoftmax(logits, 1), labels);
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLOptions = {}): Tensor {
  checkInput(input, "nll_loss");
  checkInput(target, "nll_loss");
  if (sameShape(target.shape, input.shape) && input.ndim > 0) {
    throw new RuntimeError(`nll_loss: expected target of class indices with shape ${formatShape(input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)])}, got ${formatShape(target.shape)}`);
  }
  return classLoss("nll_loss", input, target, { ...options, label_smoothing: 0 });
}

/**
 * Cross entropy of logits `input` ([N, C, d...] or [C]) against class indices (shape without
 * the class dim) or class probabilities (the input's shape); with class `weight`,
 * `ignore_index`, `label_smoothing` and `reduction`.
 *
 * @example
 * F.crossEntropy(logits, labels, { label_smoothing: 0.1 });
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkInput(input, "cross_entropy");
  checkInput(target, "cross_entropy");
  if (input.ndim === 0) throw new ValueError("cross_entropy(): Expected 1 or more dimensions (got 0)");
  if (input.ndim === 2 && target.ndim === 1 && target.shape[0] === input.shape[0] && !(options.weight ?? null) &&
    !options.label_smoothing && options.reduction !== "none") {
    return crossEntropyIndices(input, target, options);
  }
  const logp = logSoftmax(input, input.ndim === 1 ? 0 : 1);
  return classLoss("cross_entropy", logp, target, options);
}

/**
 * The common case of `crossEntropy` in one node (logits [N, C], class indices [N], no class
 * weights or smoothing, "mean" or "sum"): log-softmax and NLL in one pass, and one backward. The
 * arithmetic is that of `logSoftmax` followed by `classLoss`, in the same order, so results are
 * bit-identical to the general path (test/nn/loss.test.ts checks this); only the intermediate
 * log-probability tensor and its node are skipped, as PyTorch's fused CUDA kernels do.
 */
function crossEntropyIndices(input: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const fn = "cross_entropy";
  const reduction = checkReduction(options.reduction);
  const ignoreIndex = options.ignore_index ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new TypeError(`${fn}(): argument 'ignore_index' must be int, not ${describeValue(ignoreIndex)}`);
  checkNumber(options.label_smoothing ?? 0, "label_smoothing", fn);
  const [N, C] = input.shape;
  const t = target.data;
  for (let n = 0; n < N; n++) {
    const y = t[n];
    if (!Number.isInteger(y)) throw new RuntimeError(lossMessages.notIndex(fn, y, n, C, input.shape));
    if (y !== ignoreIndex && (y < 0 || y >= C)) throw new RangeError(lossMessages.outOfBounds(y, C, ignoreIndex));
  }
  // log-softmax per row (as softmaxForward), kept for the backward
  const x = input.data;
  const logp = new Float32Array(N * C);
  let total = 0;
  let divisor = reduction === "mean" ? 0 : 1;
  for (let n = 0; n < N; n++) {
    const base = n * C;
    let max = -Infinity;
    for (let k = 0; k < C; k++) max = Math.max(max, x[base + k]);
    let sum = 0;
    for (let k = 0; k < C; k++) sum += Math.exp(x[base + k] - max);
    const logSum = Math.log(sum);
    for (let k = 0; k < C; k++) logp[base + k] = x[base + k] - max - logSum;
    const y = t[n];
    if (y === ignoreIndex) continue;
    total -= logp[base + y];
    if (reduction === "mean") divisor += 1;
  }
  const out = wrap(new Float32Array([total / divisor]), []);
  return recordOp("NllLossBackward0", out, [input], (g) => {
    const r = gradBuffer(input.shape);
    const rd = r.data;
    const gp = g.data[0] / divisor;
    // NLL's gradient −coef·gp (coef 1 at the target, 0 elsewhere), rounded to float32 as the
    // general path stores it, then log-softmax's g − exp(logp)·Σg.
    const hit = Math.fround(-1 * gp);
    const miss = Math.fround(-0 * gp);
    for (let n = 0; n < N; n++) {
      const base = n * C;
      const y = t[n];
      const ignored = y === ignoreIndex;
      let sum = 0;
      for (let k = 0; k < C; k++) sum += !ignored && k === y ? hit : miss;
      for (let k = 0; k < C; k++) rd[base + k] = (!ignored && k === y ? hit : miss) - Math.exp(logp[base + k]) * sum;
    }
    return [r];
  });
}
