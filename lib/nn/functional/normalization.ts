/** Normalisation: PyTorch's `F.layer_norm`, `F.batch_norm`, forward and backward. */
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { recordOp } from "../../autograd/function.js";
import { allocateStorage, formatShape, sameShape, shapeNumel, Tensor } from "../../tensor/tensor.js";
import { checkInput } from "./_util.js";

/**
 * Normalises over the trailing `normalizedShape` dimensions (biased variance), then scales and
 * shifts element-wise.
 *
 * @example
 * F.layerNorm(x, [x.shape.at(-1)!], ln.weight, ln.bias, 1e-5);
 */
export function layerNorm(x: Tensor, normalizedShape: number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  checkInput(x, "layer_norm");
  const k = normalizedShape.length;
  if (x.shape.length < k || !sameShape(x.shape.slice(x.shape.length - k), normalizedShape)) {
    throw new RuntimeError(
      `Given normalized_shape=${formatShape(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size${formatShape(x.shape)}`,
    );
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t !== null && !(t instanceof Tensor)) throw new TypeError(`layer_norm(): argument '${name}' must be a Tensor or null, got ${describeValue(t)}`);
    if (t && !sameShape(t.shape, normalizedShape)) {
      throw new RuntimeError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${formatShape(t.shape)} and normalized_shape = ${formatShape(normalizedShape)}`);
    }
  }
  const m = shapeNumel(normalizedShape);
  const rows = x.numel / (m || 1);
  const xd = x.data;
  const yd = allocateStorage(x.numel);
  const xhat = new Float64Array(x.numel);
  const rstds = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    let mean = 0;
    for (let i = 0; i < m; i++) mean += xd[o + i];
    mean /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (xd[o + i] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / m + eps);
    rstds[r] = rstd;
    for (let i = 0; i < m; i++) {
      const xh = (xd[o + i] - mean) * rstd;
      xhat[o + i] = xh;
      let z = xh;
      if (weight) z *= weight.data[i];
      if (bias) z += bias.data[i];
      yd[o + i] = z;
    }
  }
  const y = new Tensor(yd, x.shape);
  return recordOp("NativeLayerNormBackward0", y, [x, weight, bias], (gy) => {
    const g = gy.data;
    const gx = allocateStorage(x.numel);
    const gw = weight ? new Float64Array(m) : null;
    const gb = bias ? new Float64Array(m) : null;
    for (let r = 0; r < rows; r++) {
      const o = r * m;
      // dx = rstd/m · (m·ĝ − Σĝ − x̂·Σ(ĝ·x̂)), with ĝ = gy·weight.
      let sum = 0;
      let dot = 0;
      for (let i = 0; i < m; i++) {
        const gh = weight ? g[o + i] * weight.data[i] : g[o + i];
        sum += gh;
        dot += gh * xhat[o + i];
        if (gw) gw[i] += g[o + i] * xhat[o + i];
        if (gb) gb[i] += g[o + i];
      }
      const k = rstds[r] / m;
      for (let i = 0; i < m; i++) {
        const gh = weight ? g[o + i] * weight.data[i] : g[o + i];
        gx[o + i] = k * (m * gh - sum - xhat[o + i] * dot);
      }
    }
    return [new Tensor(gx, x.shape), gw ? new Tensor(Float32Array.from(gw), weight!.shape) : null, gb ? new Tensor(Float32Array.from(gb), bias!.shape) : null];
  });
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number | null;
  eps?: number;
  /** Batches seen so far (after this one), for the cumulative average when `momentum` is null. */
  numBatchesTracked?: number;
}

/**
 * Batch normalisation over dimension 1 of `(N, C)`, `(N, C, L)` or `(N, C, H, W)`. In training
 * it normalises with the batch statistics and, when given, updates the running mean and
 * (unbiased) variance in place; in evaluation it uses the running statistics.
 *
 * @example
 * F.batchNorm(x, bn.running_mean, bn.running_var, { weight: bn.weight, bias: bn.bias, training: true });
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  checkInput(x, "batch_norm");
  const { weight = null, bias = null, training = false, eps = 1e-5 } = options;
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  if (x.ndim < 2) throw new RangeError(`batch_norm(): expected an input with a channel dimension (N, C, *), but got input of size ${formatShape(x.shape)}`);
  const [n, c] = x.shape;
  const inner = shapeNumel(x.shape.slice(2));
  const count = n * inner;
  for (const [name, t] of [["running_mean", runningMean], ["running_var", runningVar], ["weight", weight], ["bias", bias]] as const) {
    if (t && t.numel !== c) throw new RuntimeError(`${name} should contain ${c} elements not ${t.numel}`);
  }
  if (training && count <= 1) {
    throw new ValueError(`Expected more than 1 value per channel when training, got input size torch.Size(${formatShape(x.shape)})`);
  }
  const useBatch = training || !runningMean || !runningVar;
  const xd = x.data;
  const yd = allocateStorage(x.numel);
  const means = new Float64Array(c);
  const invStds = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let mean: number;
    let varBiased: number;
    if (useBatch) {
      mean = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) mean += xd[(b * c + ch) * inner + i];
      mean /= count;
      let ss = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) ss += (xd[(b * c + ch) * inner + i] - mean) ** 2;
      varBiased = ss / count;
      if (training && runningMean && runningVar) {
        const factor = momentum === null ? 1 / (options.numBatchesTracked ?? 1) : momentum;
        runningMean.data[ch] = (1 - factor) * runningMean.data[ch] + factor * mean;
        runningVar.data[ch] = (1 - factor) * runningVar.data[ch] + factor * (ss / (count - 1));
      }
    } else {
      mean = runningMean!.data[ch];
      varBiased = runningVar!.data[ch];
    }
    const invStd = 1 / Math.sqrt(varBiased + eps);
    means[ch] = mean;
    invStds[ch] = invStd;
    const wv = weight ? weight.data[ch] : 1;
    const bv = bias ? bias.data[ch] : 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * inner;
      for (let i = 0; i < inner; i++) yd[o + i] = (xd[o + i] - mean) * invStd * wv + bv;
    }
  }
  const y = new Tensor(yd, x.shape);
  return recordOp("NativeBatchNormBackward0", y, [x, weight, bias], (gy) => {
    const g = gy.data;
    const gx = allocateStorage(x.numel);
    const gw = weight ? allocateStorage(c) : null;
    const gb = bias ? allocateStorage(c) : null;
    for (let ch = 0; ch < c; ch++) {
      const mean = means[ch];
      const invStd = invStds[ch];
      let sum = 0;
      let dot = 0;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * inner;
        for (let i = 0; i < inner; i++) {
          sum += g[o + i];
          dot += g[o + i] * (xd[o + i] - mean);
        }
      }
      const wv = weight ? weight.data[ch] : 1;
      if (gw) gw[ch] = dot * invStd;
      if (gb) gb[ch] = sum;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * inner;
        if (useBatch) {
          // dx = w·invStd · (gy − mean(gy) − x̂·mean(gy·x̂)), the batch statistics depending on x.
          const k = (dot * invStd * invStd) / count;
          const gm = sum / count;
          for (let i = 0; i < inner; i++) gx[o + i] = (g[o + i] - gm - (xd[o + i] - mean) * k) * invStd * wv;
        } else {
          for (let i = 0; i < inner; i++) gx[o + i] = g[o + i] * invStd * wv;
        }
      }
    }
    return [new Tensor(gx, x.shape), gw ? new Tensor(gw, weight!.shape) : null, gb ? new Tensor(gb, bias!.shape) : null];
  });
}
