/**
 * The math of the layers, as free functions: PyTorch's `torch.nn.functional` (`F`), forward only
 * (no autograd). Inputs are float32 tensors; sums accumulate in double and round once to float32,
 * so results agree with PyTorch to float32 precision (PyTorch's BLAS sums in another order).
 */
import { describeValue, RuntimeError, ValueError } from "../errors.js";
import { bernoulliFill, type Generator } from "../tensor/random.js";
import { allocateStorage, formatShape, sameShape, shapeNumel, Tensor, tensor, type NestedArray } from "../tensor/tensor.js";
import { erf } from "./init.js";

function out(shape: number[]): Tensor {
  return new Tensor(allocateStorage(shapeNumel(shape)), shape);
}

function checkInput(x: unknown, fn: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be a Tensor, got ${describeValue(x)}`);
}

function map(x: Tensor, fn: string, f: (v: number) => number): Tensor {
  checkInput(x, fn);
  const y = out([...x.shape]);
  const a = x.data;
  const b = y.data;
  for (let i = 0; i < a.length; i++) b[i] = f(a[i]);
  return y;
}

/**
 * y = x Wᵀ + b over the last dimension: input `(*, in)`, weight `(out, in)`, output `(*, out)`.
 *
 * @example
 * F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]])).tolist(); // [[1, 2, 3]]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkInput(x, "linear");
  const [outF, inF] = weight.shape;
  const last = x.shape.length ? x.shape[x.shape.length - 1] : 1;
  const rows = x.shape.length ? x.numel / (last || 1) : 1;
  if (x.shape.length === 0 || last !== inF) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${x.shape.length <= 1 ? 1 : rows}x${last} and ${inF}x${outF})`);
  }
  const y = out([...x.shape.slice(0, -1), outF]);
  const xd = x.data;
  const w = weight.data;
  const yd = y.data;
  for (let r = 0; r < rows; r++) {
    const xo = r * inF;
    for (let o = 0; o < outF; o++) {
      let s = bias ? bias.data[o] : 0;
      const wo = o * inF;
      for (let i = 0; i < inF; i++) s += xd[xo + i] * w[wo + i];
      yd[r * outF + o] = s;
    }
  }
  return y;
}

/**
 * y_k = x1ᵀ W_k x2 + b_k: inputs `(*, in1)` and `(*, in2)`, weight `(out, in1, in2)`.
 *
 * @example
 * F.bilinear(x1, x2, bilinear.weight, bilinear.bias).shape; // [batch, out]
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkInput(x1, "bilinear");
  checkInput(x2, "bilinear");
  const [outF, in1, in2] = weight.shape;
  if (x1.shape.length !== x2.shape.length) {
    throw new RuntimeError(`bilinear(): input dimensions do not match: got ${x1.shape.length} and ${x2.shape.length}`);
  }
  if (!sameShape(x1.shape.slice(0, -1), x2.shape.slice(0, -1))) {
    throw new RuntimeError(`bilinear(): input batch dimensions do not match: got ${formatShape(x1.shape.slice(0, -1))} and ${formatShape(x2.shape.slice(0, -1))}`);
  }
  if (x1.shape[x1.shape.length - 1] !== in1) {
    throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${x1.shape[x1.shape.length - 1]} but expected ${in1}`);
  }
  if (x2.shape[x2.shape.length - 1] !== in2) {
    throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${x2.shape[x2.shape.length - 1]} but expected ${in2}`);
  }
  const rows = x1.numel / in1;
  const y = out([...x1.shape.slice(0, -1), outF]);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outF; k++) {
      let s = 0;
      for (let i = 0; i < in1; i++) {
        const a = x1.data[r * in1 + i];
        if (a === 0) continue;
        let t = 0;
        const wo = (k * in1 + i) * in2;
        for (let j = 0; j < in2; j++) t += weight.data[wo + j] * x2.data[r * in2 + j];
        s += a * t;
      }
      y.data[r * outF + k] = s + (bias ? bias.data[k] : 0);
    }
  }
  return y;
}

/** Padding modes of the conv layers, PyTorch's names. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/**
 * Pads the last two dimensions of `(N, C, H, W)` by `[top, bottom, left, right]`
 * (`reflect`, `replicate` or `circular`; zeros are handled inside the convolution).
 */
function padSpatial(x: Tensor, [pt, pb, pl, pr]: number[], mode: Exclude<PaddingMode, "zeros">): Tensor {
  const [n, c, h, w] = x.shape;
  if (mode === "reflect" && (pt >= h || pb >= h || pl >= w || pr >= w) && (pt || pb || pl || pr)) {
    throw new RuntimeError(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${pl}, ${pr}) at dimension 3 of input ${formatShape(x.shape)}`);
  }
  if (mode === "circular" && (pt > h || pb > h || pl > w || pr > w)) {
    throw new RuntimeError(`Padding value causes wrapping around more than once (input ${formatShape(x.shape)}).`);
  }
  const H = h + pt + pb;
  const W = w + pl + pr;
  const y = out([n, c, H, W]);
  const src = (i: number, len: number): number => {
    if (mode === "replicate") return Math.min(Math.max(i, 0), len - 1);
    if (mode === "circular") return ((i % len) + len) % len;
    // reflect, without repeating the edge
    let k = i;
    while (k < 0 || k >= len) k = k < 0 ? -k : 2 * (len - 1) - k;
    return k;
  };
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < H; i++) {
      const si = src(i - pt, h);
      for (let j = 0; j < W; j++) y.data[(p * H + i) * W + j] = x.data[(p * h + si) * w + src(j - pl, w)];
    }
  }
  return y;
}

/** Arguments of `conv1d` / `conv2d` after normalisation (2-d form). */
interface Conv2dArgs {
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

function conv2dCore(x: Tensor, weight: Tensor, bias: Tensor | null, a: Conv2dArgs, fn: string, dims: number): Tensor {
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  const [sh, sw] = a.stride;
  const [pt, , pl] = a.padding;
  const [dh, dw] = a.dilation;
  const g = a.groups;
  if (c !== cg * g) {
    const shown = dims === 1 ? [n, c, w] : [n, c, h, w];
    const wShown = dims === 1 ? [o, cg, kw] : [o, cg, kh, kw];
    throw new RuntimeError(
      `Given groups=${g}, weight of size ${formatShape(wShown)}, expected input${formatShape(shown)} to have ${cg * g} channels, but got ${c} channels instead`,
    );
  }
  const hp = h + a.padding[0] + a.padding[1];
  const wp = w + a.padding[2] + a.padding[3];
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  if (hp < ekh || wp < ekw) {
    const padded = dims === 1 ? `${wp}` : `${hp} x ${wp}`;
    const kernel = dims === 1 ? `${ekw}` : `${ekh} x ${ekw}`;
    throw new RuntimeError(`Calculated padded input size per channel: (${padded}). Kernel size: (${kernel}). Kernel size can't be greater than actual input size`);
  }
  const oh = Math.floor((hp - ekh) / sh) + 1;
  const ow = Math.floor((wp - ekw) / sw) + 1;
  const y = out([n, o, oh, ow]);
  const og = o / g;
  const xd = x.data;
  const wd = weight.data;
  const yd = y.data;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const grp = Math.floor(oc / og);
      const base = bias ? bias.data[oc] : 0;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let s = base;
          for (let ic = 0; ic < cg; ic++) {
            const xc = ((b * c + grp * cg + ic) * h) * w;
            const wc = ((oc * cg + ic) * kh) * kw;
            for (let u = 0; u < kh; u++) {
              const yi = i * sh - pt + u * dh;
              if (yi < 0 || yi >= h) continue;
              for (let v = 0; v < kw; v++) {
                const xj = j * sw - pl + v * dw;
                if (xj < 0 || xj >= w) continue;
                s += xd[xc + yi * w + xj] * wd[wc + u * kw + v];
              }
            }
          }
          yd[((b * o + oc) * oh + i) * ow + j] = s;
        }
      }
    }
  }
  return y;
}

/** Options of `conv1d` / `conv2d`, PyTorch's arguments; `padding` may be `"valid"` or `"same"`. */
export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[] | "valid" | "same";
  dilation?: number | number[];
  groups?: number;
  paddingMode?: PaddingMode;
}

function tuple(v: number | number[] | undefined, n: number, dflt: number, what: string): number[] {
  if (v === undefined) return new Array(n).fill(dflt);
  const arr = typeof v === "number" ? new Array(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((d) => typeof d !== "number" || !Number.isInteger(d))) {
    throw new ValueError(`${what} must be an integer or a list of ${n} integers, got ${describeValue(v)}`);
  }
  return arr;
}

/** Padding per side `[before, after]` for each spatial dimension; `"same"` splits odd totals PyTorch's way. */
export function convPadding(padding: ConvOptions["padding"], kernel: number[], dilation: number[]): number[][] {
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      const left = Math.floor(total / 2);
      return [left, total - left];
    });
  }
  return tuple(padding as number | number[] | undefined, kernel.length, 0, "padding").map((p) => [p, p]);
}

function convNd(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions, dims: 1 | 2): Tensor {
  const fn = `conv${dims}d`;
  checkInput(x, fn);
  if (x.shape.length !== dims + 1 && x.shape.length !== dims + 2) {
    const names = dims === 1 ? ["2D", "3D"] : ["3D", "4D"];
    throw new RuntimeError(`Expected ${names[0]} (unbatched) or ${names[1]} (batched) input to ${fn}, but got input of size: ${formatShape(x.shape)}`);
  }
  const unbatched = x.shape.length === dims + 1;
  const kernel = weight.shape.slice(2);
  const stride = tuple(options.stride, dims, 1, "stride");
  const dilation = tuple(options.dilation, dims, 1, "dilation");
  const groups = options.groups ?? 1;
  const pads = convPadding(options.padding, kernel, dilation);
  let x4 = x.view([...(unbatched ? [1] : []), ...x.shape]);
  if (dims === 1) x4 = x4.view(x4.shape[0], x4.shape[1], 1, x4.shape[2]);
  let pad4 = dims === 1 ? [0, 0, pads[0][0], pads[0][1]] : [pads[0][0], pads[0][1], pads[1][0], pads[1][1]];
  const mode = options.paddingMode ?? "zeros";
  if (mode !== "zeros" && pad4.some((p) => p > 0)) {
    x4 = padSpatial(x4, pad4, mode);
    pad4 = [0, 0, 0, 0];
  }
  const w4 = dims === 1 ? weight.view(weight.shape[0], weight.shape[1], 1, weight.shape[2]) : weight;
  const args: Conv2dArgs = {
    stride: dims === 1 ? [1, stride[0]] : [stride[0], stride[1]],
    padding: pad4 as [number, number, number, number],
    dilation: dims === 1 ? [1, dilation[0]] : [dilation[0], dilation[1]],
    groups,
  };
  const y = conv2dCore(x4, w4, bias, args, fn, dims);
  const shape = dims === 1 ? [y.shape[0], y.shape[1], y.shape[3]] : y.shape;
  return y.view(unbatched ? shape.slice(1) : shape);
}

/**
 * 1-d convolution: input `(N, C_in, L)` or `(C_in, L)`, weight `(C_out, C_in / groups, k)`.
 *
 * @example
 * F.conv1d(randn(2, 4, 10), conv.weight, conv.bias, { stride: 2, padding: 1 }).shape;
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, options, 1);
}

/**
 * 2-d convolution: input `(N, C_in, H, W)` or `(C_in, H, W)`, weight `(C_out, C_in / groups, kH, kW)`.
 *
 * @example
 * F.conv2d(randn(1, 3, 8, 8), conv.weight, null, { padding: "same" }).shape; // [1, C_out, 8, 8]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, options, 2);
}

/** Indices as a tensor of whole numbers (a Tensor, or nested arrays of integers). */
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
  const m = shapeNumel(normalizedShape);
  const y = out([...x.shape]);
  for (let r = 0; r < x.numel / (m || 1); r++) {
    const o = r * m;
    let mean = 0;
    for (let i = 0; i < m; i++) mean += x.data[o + i];
    mean /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (x.data[o + i] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / m + eps);
    for (let i = 0; i < m; i++) {
      let z = (x.data[o + i] - mean) * rstd;
      if (weight) z *= weight.data[i];
      if (bias) z += bias.data[i];
      y.data[o + i] = z;
    }
  }
  return y;
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
  const y = out([...x.shape]);
  for (let ch = 0; ch < c; ch++) {
    let mean: number;
    let varBiased: number;
    if (useBatch) {
      mean = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) mean += x.data[(b * c + ch) * inner + i];
      mean /= count;
      let ss = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) ss += (x.data[(b * c + ch) * inner + i] - mean) ** 2;
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
    const wv = weight ? weight.data[ch] : 1;
    const bv = bias ? bias.data[ch] : 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * inner;
      for (let i = 0; i < inner; i++) y.data[o + i] = (x.data[o + i] - mean) * invStd * wv + bv;
    }
  }
  return y;
}

/** Throws PyTorch's error for a dropout probability outside [0, 1]. */
export function checkDropoutP(p: unknown): number {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new ValueError(`dropout probability has to be between 0 and 1, but got ${describeValue(p)}`);
  }
  return p;
}

/**
 * Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` in training;
 * identity otherwise. Draws one Bernoulli sample per element, as PyTorch's CPU kernel does.
 *
 * @example
 * manualSeed(0);
 * F.dropout(ones(8), 0.5, true); // same mask as torch.manual_seed(0); F.dropout(torch.ones(8), 0.5)
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: { generator?: Generator } = {}): Tensor {
  checkInput(x, "dropout");
  checkDropoutP(p);
  if (p === 0 || !training || x.numel === 0) return x;
  if (p === 1) return out([...x.shape]);
  const mask = new Float32Array(x.numel);
  bernoulliFill(mask, 1 - p, options);
  const scale = Math.fround(1 / Math.fround(1 - p));
  const y = out([...x.shape]);
  for (let i = 0; i < mask.length; i++) y.data[i] = x.data[i] * (mask[i] * scale);
  return y;
}

/** max(0, x). @example F.relu(tensor([-1, 2])).tolist(); // [0, 2] */
export function relu(x: Tensor): Tensor {
  return map(x, "relu", (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0));
}

/** Approximations of GELU, PyTorch's names. */
export type GeluApproximate = "none" | "tanh";

/**
 * Gaussian error linear unit: x Φ(x), exact (`"none"`) or with the tanh approximation.
 *
 * @example
 * F.gelu(tensor([1]), "tanh");
 */
export function gelu(x: Tensor, approximate: GeluApproximate = "none"): Tensor {
  if (approximate === "tanh") {
    const k = Math.sqrt(2 / Math.PI);
    return map(x, "gelu", (v) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))));
  }
  if (approximate !== "none") throw new RuntimeError(`approximate argument must be either none or tanh. (got ${describeValue(approximate)})`);
  return map(x, "gelu", (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
}

/** Hyperbolic tangent. @example F.tanh(tensor([0])).tolist(); // [0] */
export function tanh(x: Tensor): Tensor {
  return map(x, "tanh", Math.tanh);
}

/** 1 / (1 + e^-x). @example F.sigmoid(tensor([0])).tolist(); // [0.5] */
export function sigmoid(x: Tensor): Tensor {
  return map(x, "sigmoid", (v) => 1 / (1 + Math.exp(-v)));
}

/** x · sigmoid(x) (swish). @example F.silu(tensor([0])).tolist(); // [0] */
export function silu(x: Tensor): Tensor {
  return map(x, "silu", (v) => v / (1 + Math.exp(-v)));
}

/**
 * Merges dimensions `startDim..endDim` (negative counts from the end) into one.
 *
 * @example
 * F.flatten(zeros(2, 3, 4), 1).shape; // [2, 12]
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkInput(x, "flatten");
  const nd = Math.max(x.shape.length, 1);
  const wrap = (d: number) => {
    const r = d < 0 ? d + nd : d;
    if (!Number.isInteger(d) || r < 0 || r >= nd) {
      throw new RangeError(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${d})`);
    }
    return r;
  };
  const s = wrap(startDim);
  const e = wrap(endDim);
  if (s > e) throw new RuntimeError(`flatten() has invalid args: start_dim cannot come after end_dim`);
  if (x.shape.length === 0) return x.view(1);
  const shape = [...x.shape.slice(0, s), shapeNumel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return x.view(shape);
}
