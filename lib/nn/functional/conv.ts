/**
 * Convolutions: PyTorch's `F.conv1d`, `F.conv2d`, with `zeros` / `reflect` / `replicate` /
 * `circular` padding, forward and backward. Both run as im2col + gemm: each (sample, group) is
 * unfolded into a `(C_in/groups · kH · kW, H_out · W_out)` matrix, so the forward pass is
 * W · cols, the weight gradient gy · colsᵀ and the input gradient col2im(Wᵀ · gy).
 */
import { recordOp } from "../../autograd/function.js";
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { gemm } from "../../tensor/gemm.js";
import { allocateStorage, formatShape, Tensor } from "../../tensor/tensor.js";
import { pyOption } from "../_options.js";
import { checkInput } from "./_util.js";

/** Padding modes of the conv layers, PyTorch's names. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/**
 * Where each element of an `(h + pt + pb, w + pl + pr)` plane padded by `[top, bottom, left,
 * right]` comes from in the `(h, w)` plane (`reflect`, `replicate` or `circular`; zeros are
 * handled inside the convolution). Checks PyTorch's limits on the padding size.
 */
function padIndex(shape: number[], [pt, pb, pl, pr]: number[], mode: Exclude<PaddingMode, "zeros">): Int32Array {
  const [h, w] = shape.slice(-2);
  if (mode === "reflect" && (pt >= h || pb >= h || pl >= w || pr >= w) && (pt || pb || pl || pr)) {
    throw new RuntimeError(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${pl}, ${pr}) at dimension 3 of input ${formatShape(shape)}`);
  }
  if (mode === "circular" && (pt > h || pb > h || pl > w || pr > w)) {
    throw new RuntimeError(`Padding value causes wrapping around more than once (input ${formatShape(shape)}).`);
  }
  const src = (i: number, len: number): number => {
    if (mode === "replicate") return Math.min(Math.max(i, 0), len - 1);
    if (mode === "circular") return ((i % len) + len) % len;
    // reflect, without repeating the edge
    let k = i;
    while (k < 0 || k >= len) k = k < 0 ? -k : 2 * (len - 1) - k;
    return k;
  };
  const H = h + pt + pb;
  const W = w + pl + pr;
  const index = new Int32Array(H * W);
  for (let i = 0; i < H; i++) {
    const si = src(i - pt, h);
    for (let j = 0; j < W; j++) index[i * W + j] = si * w + src(j - pl, w);
  }
  return index;
}

/** Pads each of `planes` planes of `hw` elements: `out[p, i] = x[p, index[i]]`. */
function padForward(x: Float32Array, planes: number, hw: number, index: Int32Array): Float32Array {
  const HW = index.length;
  const y = allocateStorage(planes * HW);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < HW; i++) y[p * HW + i] = x[p * hw + index[i]];
  }
  return y;
}

/** Gradient of `padForward`: each padded element's gradient goes back to its source (summed). */
function padBackward(gy: Float32Array, planes: number, hw: number, index: Int32Array): Float32Array {
  const HW = index.length;
  const g = new Float64Array(planes * hw);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < HW; i++) g[p * hw + index[i]] += gy[p * HW + i];
  }
  return Float32Array.from(g);
}

/** Sizes of a 2-d convolution (1-d runs as H = 1); `pt` / `pl` are the zero padding before. */
interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  o: number; cg: number; kh: number; kw: number;
  sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
  groups: number; oh: number; ow: number;
}

/** Unfolds group `grp` of the sample at `xOff` into `col`, `(cg·kh·kw, oh·ow)`. */
function im2col(x: Float32Array, xOff: number, g: ConvGeometry, grp: number, col: Float32Array): void {
  const { h, w, cg, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow } = g;
  const L = oh * ow;
  for (let ic = 0; ic < cg; ic++) {
    const plane = xOff + (grp * cg + ic) * h * w;
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const row = ((ic * kh + u) * kw + v) * L;
        for (let i = 0; i < oh; i++) {
          const yi = i * sh - pt + u * dh;
          const r = row + i * ow;
          if (yi < 0 || yi >= h) {
            col.fill(0, r, r + ow);
            continue;
          }
          const src = plane + yi * w;
          for (let j = 0; j < ow; j++) {
            const xj = j * sw - pl + v * dw;
            col[r + j] = xj >= 0 && xj < w ? x[src + xj] : 0;
          }
        }
      }
    }
  }
}

/** Adjoint of `im2col`: adds `col` back onto the sample at `gOff` (double accumulators). */
function col2im(col: Float32Array, g: ConvGeometry, grp: number, gx: Float64Array, gOff: number): void {
  const { h, w, cg, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow } = g;
  const L = oh * ow;
  for (let ic = 0; ic < cg; ic++) {
    const plane = gOff + (grp * cg + ic) * h * w;
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const row = ((ic * kh + u) * kw + v) * L;
        for (let i = 0; i < oh; i++) {
          const yi = i * sh - pt + u * dh;
          if (yi < 0 || yi >= h) continue;
          const dst = plane + yi * w;
          for (let j = 0; j < ow; j++) {
            const xj = j * sw - pl + v * dw;
            if (xj >= 0 && xj < w) gx[dst + xj] += col[row + i * ow + j];
          }
        }
      }
    }
  }
}

/** y = conv(x, weight) + bias over `(n, c, h, w)` data, `(n, o, oh, ow)` out. */
export function conv2dForwardData(x: Float32Array, weight: Float32Array, bias: Float32Array | null, g: ConvGeometry): Float32Array {
  const { n, c, h, w, o, cg, kh, kw, groups, oh, ow } = g;
  const K = cg * kh * kw;
  const L = oh * ow;
  const og = o / groups;
  const y = allocateStorage(n * o * L);
  const col = new Float32Array(K * L);
  for (let b = 0; b < n; b++) {
    for (let grp = 0; grp < groups; grp++) {
      im2col(x, b * c * h * w, g, grp, col);
      gemm(og, L, K, weight, grp * og * K, false, col, 0, false, y, (b * o + grp * og) * L, false);
    }
    if (bias) {
      for (let oc = 0; oc < o; oc++) {
        const base = (b * o + oc) * L;
        const bv = bias[oc];
        for (let i = 0; i < L; i++) y[base + i] += bv;
      }
    }
  }
  return y;
}

/**
 * Gradients of `conv2dForwardData` given the output gradient `gy`: input (or null when not
 * needed), weight and bias (sum of `gy` over batch and positions).
 */
export function conv2dBackwardData(
  gy: Float32Array, x: Float32Array, weight: Float32Array, g: ConvGeometry, needInput: boolean, needWeight: boolean, needBias: boolean,
): { gx: Float32Array | null; gw: Float32Array | null; gb: Float32Array | null } {
  const { n, c, h, w, o, cg, kh, kw, groups, oh, ow } = g;
  const K = cg * kh * kw;
  const L = oh * ow;
  const og = o / groups;
  const col = new Float32Array(K * L);
  const gw = needWeight ? new Float32Array(o * K) : null;
  const gx64 = needInput ? new Float64Array(n * c * h * w) : null;
  for (let b = 0; b < n; b++) {
    for (let grp = 0; grp < groups; grp++) {
      const gyOff = (b * o + grp * og) * L;
      if (gw) {
        im2col(x, b * c * h * w, g, grp, col);
        gemm(og, K, L, gy, gyOff, false, col, 0, true, gw, grp * og * K, b > 0);
      }
      if (gx64) {
        gemm(K, L, og, weight, grp * og * K, true, gy, gyOff, false, col, 0, false);
        col2im(col, g, grp, gx64, b * c * h * w);
      }
    }
  }
  let gb: Float32Array | null = null;
  if (needBias) {
    const acc = new Float64Array(o);
    for (let b = 0; b < n; b++) {
      for (let oc = 0; oc < o; oc++) {
        const base = (b * o + oc) * L;
        let s = 0;
        for (let i = 0; i < L; i++) s += gy[base + i];
        acc[oc] += s;
      }
    }
    gb = Float32Array.from(acc);
  }
  return { gx: gx64 ? Float32Array.from(gx64) : null, gw, gb };
}

/** Options of `conv1d` / `conv2d`, PyTorch's keyword arguments; `padding` may be `"valid"` or `"same"`. */
export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[] | "valid" | "same";
  dilation?: number | number[];
  groups?: number;
  padding_mode?: PaddingMode;
  /** @deprecated Use `padding_mode` (PyTorch's name). */
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

/**
 * Padding per side `[before, after]` for each spatial dimension; `"same"` splits odd totals PyTorch's way.
 *
 * @example
 * F.convPadding("same", [4], [1]); // [[1, 2]]
 */
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

/** PyTorch's checks of the weight, bias, groups and padding mode, where they enter. */
function checkConvArgs(weight: unknown, bias: unknown, options: ConvOptions, dims: 1 | 2, fn: string): asserts weight is Tensor {
  if (!(weight instanceof Tensor)) throw new TypeError(`${fn}(): argument 'weight' must be a Tensor, got ${describeValue(weight)}`);
  if (bias !== null && !(bias instanceof Tensor)) throw new TypeError(`${fn}(): argument 'bias' must be a Tensor or null, got ${describeValue(bias)}`);
  if (weight.ndim !== dims + 2) {
    throw new RuntimeError(`${fn}(): expected a ${dims + 2}-dimensional weight (out_channels, in_channels / groups, ${dims === 1 ? "kW" : "kH, kW"}), but got weight of size ${formatShape(weight.shape)}`);
  }
  const groups = options.groups ?? 1;
  if (typeof groups !== "number" || !Number.isInteger(groups)) throw new TypeError(`${fn}(): groups must be an integer, got ${describeValue(groups)}`);
  if (groups <= 0) throw new RuntimeError("non-positive groups is not supported");
  if (weight.shape[0] % groups !== 0) {
    throw new RuntimeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${formatShape(weight.shape)}] instead`);
  }
  if (bias instanceof Tensor && (bias.ndim !== 1 || bias.numel !== weight.shape[0])) {
    throw new RuntimeError(`Given weight of size ${formatShape(weight.shape)}, expected bias to be 1-dimensional with ${weight.shape[0]} elements, but got bias of size ${formatShape(bias.shape)} instead`);
  }
  const mode = pyOption(options, "padding_mode", "paddingMode", fn) ?? "zeros";
  if (!["zeros", "reflect", "replicate", "circular"].includes(mode)) {
    throw new ValueError(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode=${describeValue(mode)}`);
  }
}

function convNd(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions, dims: 1 | 2): Tensor {
  const fn = `conv${dims}d`;
  checkInput(x, fn);
  if (x.shape.length !== dims + 1 && x.shape.length !== dims + 2) {
    const names = dims === 1 ? ["2D", "3D"] : ["3D", "4D"];
    throw new RuntimeError(`Expected ${names[0]} (unbatched) or ${names[1]} (batched) input to ${fn}, but got input of size: ${formatShape(x.shape)}`);
  }
  checkConvArgs(weight, bias, options, dims, fn);
  const unbatched = x.shape.length === dims + 1;
  const kernel = weight.shape.slice(2);
  const stride = tuple(options.stride, dims, 1, "stride");
  const dilation = tuple(options.dilation, dims, 1, "dilation");
  const groups = options.groups ?? 1;
  if (stride.some((v) => v <= 0)) throw new RuntimeError("non-positive stride is not supported");
  if (dilation.some((v) => v <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got ${formatShape(dilation)}`);
  if (typeof options.padding === "string") {
    if (options.padding !== "valid" && options.padding !== "same") throw new RuntimeError(`Invalid padding string: '${options.padding}'`);
    if (options.padding === "same" && stride.some((v) => v !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
  }
  const pads = convPadding(options.padding, kernel, dilation);
  if (pads.some(([a]) => a < 0)) throw new RuntimeError("negative padding is not supported");
  const xs = unbatched ? [1, ...x.shape] : x.shape;
  const [n, c] = xs;
  let [h, w] = dims === 1 ? [1, xs[2]] : [xs[2], xs[3]];
  let pad4 = dims === 1 ? [0, 0, pads[0][0], pads[0][1]] : [pads[0][0], pads[0][1], pads[1][0], pads[1][1]];
  const mode = pyOption(options, "padding_mode", "paddingMode", fn) ?? "zeros";
  // Non-zero padding modes pad explicitly first; the gradient flows back through the same index map.
  let index: Int32Array | null = null;
  let xd = x.data;
  const inH = h;
  const inW = w;
  if (mode !== "zeros" && pad4.some((p) => p > 0)) {
    index = padIndex([n, c, h, w], pad4, mode);
    xd = padForward(x.data, n * c, h * w, index);
    h += pad4[0] + pad4[1];
    w += pad4[2] + pad4[3];
    pad4 = [0, 0, 0, 0];
  }
  const [o, cg] = weight.shape;
  const [kh, kw] = dims === 1 ? [1, kernel[0]] : [kernel[0], kernel[1]];
  const [sh, sw] = dims === 1 ? [1, stride[0]] : [stride[0], stride[1]];
  const [dh, dw] = dims === 1 ? [1, dilation[0]] : [dilation[0], dilation[1]];
  if (c !== cg * groups) {
    const wShown = dims === 1 ? [o, cg, kw] : [o, cg, kh, kw];
    throw new RuntimeError(
      `Given groups=${groups}, weight of size ${formatShape(wShown)}, expected input${formatShape(xs)} to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  }
  const hp = h + pad4[0] + pad4[1];
  const wp = w + pad4[2] + pad4[3];
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  if (hp < ekh || wp < ekw) {
    const padded = dims === 1 ? `${wp}` : `${hp} x ${wp}`;
    const kernelShown = dims === 1 ? `${ekw}` : `${ekh} x ${ekw}`;
    throw new RuntimeError(`Calculated padded input size per channel: (${padded}). Kernel size: (${kernelShown}). Kernel size can't be greater than actual input size`);
  }
  const g: ConvGeometry = {
    n, c, h, w, o, cg, kh, kw, sh, sw, pt: pad4[0], pl: pad4[2], dh, dw, groups,
    oh: Math.floor((hp - ekh) / sh) + 1,
    ow: Math.floor((wp - ekw) / sw) + 1,
  };
  const yd = conv2dForwardData(xd, weight.data, bias ? bias.data : null, g);
  const shape = dims === 1 ? [n, o, g.ow] : [n, o, g.oh, g.ow];
  const y = new Tensor(yd, unbatched ? shape.slice(1) : shape);
  const padded = xd;
  return recordOp("ConvolutionBackward0", y, [x, weight, bias], (gy) => {
    const r = conv2dBackwardData(gy.data, padded, weight.data, g, x.requiresGrad, weight.requiresGrad, bias !== null && bias.requiresGrad);
    let gx = r.gx;
    if (gx && index) gx = padBackward(gx, n * c, inH * inW, index);
    return [gx && new Tensor(gx, x.shape), r.gw && new Tensor(r.gw, weight.shape), r.gb && new Tensor(r.gb, bias!.shape)];
  });
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
