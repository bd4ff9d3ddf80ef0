/** Pooling: PyTorch's `F.max_pool1d/2d`, `F.avg_pool1d/2d`, `F.adaptive_avg_pool2d`, forward and backward. */
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { recordOp } from "../../autograd/function.js";
import { allocateStorage, formatShape, Tensor } from "../../tensor/tensor.js";
import { pyOption } from "../_options.js";
import { checkInput } from "./_util.js";

/** Arguments of the max / average pools (ints or one per spatial dimension). */
export interface PoolOptions {
  /** Default: the kernel size. */
  stride?: number | number[] | null;
  padding?: number | number[];
  /** Max pooling only. */
  dilation?: number | number[];
  /** Round output sizes up (default false). */
  ceil_mode?: boolean;
  /** Average pooling only: count padded zeros in the divisor (default true). */
  count_include_pad?: boolean;
  /** @deprecated Use `ceil_mode` (PyTorch's name). */
  ceilMode?: boolean;
  /** @deprecated Use `count_include_pad` (PyTorch's name). */
  countIncludePad?: boolean;
}

function tuple(v: number | number[], n: number, what: string, fn: string, min: number): number[] {
  const arr = typeof v === "number" ? new Array(n).fill(v) : Array.isArray(v) ? [...v] : [];
  if (arr.length !== n || arr.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < min)) {
    throw new ValueError(`${fn}: ${what} must be ${min === 0 ? "a non-negative" : "a positive"} integer or a list of ${n}, got ${describeValue(v)}`);
  }
  return arr;
}

/** PyTorch's `pooling_output_shape`: floor or ceil, the last window starting inside the input or left padding. */
function outSize(size: number, k: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  const num = size + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  let o = Math.floor(num / stride) + 1;
  if (ceil && (o - 1) * stride >= size + pad) o -= 1;
  return o;
}

interface Pool2dArgs {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

function parsePool(x: Tensor, kernel: number | number[], options: PoolOptions, dims: 1 | 2, fn: string, withDilation: boolean): { shape4: number[]; a: Pool2dArgs; unbatched: boolean } {
  checkInput(x, fn);
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) {
    const names = dims === 1 ? "2D or 3D" : "3D or 4D";
    throw new RuntimeError(`non-empty ${names} (batch mode) tensor expected for input (${fn} got input of size ${formatShape(x.shape)})`);
  }
  const k = tuple(kernel, dims, "kernel_size", fn, 1);
  const s = options.stride === undefined || options.stride === null ? k : tuple(options.stride, dims, "stride", fn, 1);
  const p = tuple(options.padding ?? 0, dims, "padding", fn, 0);
  const d = withDilation ? tuple(options.dilation ?? 1, dims, "dilation", fn, 1) : new Array(dims).fill(1);
  for (let i = 0; i < dims; i++) {
    if (p[i] > Math.floor(k[i] / 2)) {
      throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
    }
  }
  const unbatched = x.ndim === dims + 1;
  const batched = unbatched ? [1, ...x.shape] : x.shape;
  const shape4 = dims === 1 ? [batched[0], batched[1], 1, batched[2]] : batched;
  const two = (v: number[], one: number) => (dims === 1 ? [one, v[0]] : v);
  const ceil = pyOption(options, "ceil_mode", "ceilMode", fn) ?? false;
  if (typeof ceil !== "boolean") throw new TypeError(`${fn}: ceil_mode must be a boolean, got ${describeValue(ceil)}`);
  return { shape4, a: { k: two(k, 1), s: two(s, 1), p: two(p, 0), d: two(d, 1), ceil }, unbatched };
}

/** One pooling pass over `(n, c, h, w)` data; `argmax` (max pooling) holds each output's source offset in its plane. */
interface PoolResult {
  y: Float32Array;
  oh: number;
  ow: number;
  argmax: Int32Array | null;
}

function pool2dData(x: Float32Array, [n, c, h, w]: number[], a: Pool2dArgs, kind: "max" | "avg", countIncludePad: boolean, fn: string): PoolResult {
  const oh = outSize(h, a.k[0], a.p[0], a.s[0], a.d[0], a.ceil);
  const ow = outSize(w, a.k[1], a.p[1], a.s[1], a.d[1], a.ceil);
  if (oh <= 0 || ow <= 0) {
    throw new RuntimeError(`Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${oh}x${ow}). Output size is too small (${fn})`);
  }
  const y = allocateStorage(n * c * oh * ow);
  const argmax = kind === "max" ? new Int32Array(n * c * oh * ow) : null;
  for (let pc = 0; pc < n * c; pc++) {
    const base = pc * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const h0 = i * a.s[0] - a.p[0];
        const w0 = j * a.s[1] - a.p[1];
        let acc = kind === "max" ? -Infinity : 0;
        let count = 0;
        // PyTorch starts the argmax at the window's first element inside the input.
        let best = -1;
        for (let u = 0; u < a.k[0]; u++) {
          const yi = h0 + u * a.d[0];
          if (yi < 0 || yi >= h) continue;
          for (let v = 0; v < a.k[1]; v++) {
            const xj = w0 + v * a.d[1];
            if (xj < 0 || xj >= w) continue;
            const val = x[base + yi * w + xj];
            if (kind === "max") {
              if (best < 0) best = yi * w + xj;
              if (val > acc || Number.isNaN(val)) {
                acc = val;
                best = yi * w + xj;
              }
            } else {
              acc += val;
              count++;
            }
          }
        }
        const o = (pc * oh + i) * ow + j;
        if (kind === "avg") acc /= avgDivisor(h0, w0, h, w, a, countIncludePad, count);
        else argmax![o] = best;
        y[o] = acc;
      }
    }
  }
  return { y, oh, ow, argmax };
}

/** PyTorch's divisor: the window clipped to the padded input, or only the real elements. */
function avgDivisor(h0: number, w0: number, h: number, w: number, a: Pool2dArgs, countIncludePad: boolean, count: number): number {
  if (!countIncludePad) return count;
  const hend = Math.min(h0 + a.k[0], h + a.p[0]);
  const wend = Math.min(w0 + a.k[1], w + a.p[1]);
  return (hend - h0) * (wend - w0);
}

/** Gradient of max pooling: each output's gradient goes to the element it picked (summed, in PyTorch's order). */
function maxPoolBackwardData(gy: Float32Array, argmax: Int32Array, planes: number, hw: number, ohw: number): Float32Array {
  const gx = allocateStorage(planes * hw);
  for (let pc = 0; pc < planes; pc++) {
    for (let o = 0; o < ohw; o++) gx[pc * hw + argmax[pc * ohw + o]] += gy[pc * ohw + o];
  }
  return gx;
}

/** Gradient of average pooling: gy / divisor to every real element of the window (PyTorch's float32 order). */
function avgPoolBackwardData(gy: Float32Array, [n, c, h, w]: number[], a: Pool2dArgs, oh: number, ow: number, countIncludePad: boolean): Float32Array {
  const gx = allocateStorage(n * c * h * w);
  for (let pc = 0; pc < n * c; pc++) {
    const base = pc * h * w;
    for (let i = 0; i < oh; i++) {
      const h0 = i * a.s[0] - a.p[0];
      const hs = Math.max(h0, 0);
      const he = Math.min(h0 + a.k[0], h);
      for (let j = 0; j < ow; j++) {
        const w0 = j * a.s[1] - a.p[1];
        const ws = Math.max(w0, 0);
        const we = Math.min(w0 + a.k[1], w);
        const div = avgDivisor(h0, w0, h, w, a, countIncludePad, (he - hs) * (we - ws));
        const delta = Math.fround(gy[(pc * oh + i) * ow + j] / div);
        for (let u = hs; u < he; u++) for (let v = ws; v < we; v++) gx[base + u * w + v] += delta;
      }
    }
  }
  return gx;
}

/** Runs max or average pooling on `x` and records its backward. */
function pool(x: Tensor, kernel: number | number[], options: PoolOptions, dims: 1 | 2, kind: "max" | "avg", fn: string): Tensor {
  const { shape4, a, unbatched } = parsePool(x, kernel, options, dims, fn, kind === "max");
  const countIncludePad = kind === "avg" ? (pyOption(options, "count_include_pad", "countIncludePad", fn) ?? true) : true;
  if (typeof countIncludePad !== "boolean") throw new TypeError(`${fn}: count_include_pad must be a boolean, got ${describeValue(countIncludePad)}`);
  const r = pool2dData(x.data, shape4, a, kind, countIncludePad, fn);
  const [n, c, h, w] = shape4;
  const shape = dims === 1 ? [n, c, r.ow] : [n, c, r.oh, r.ow];
  const y = new Tensor(r.y, unbatched ? shape.slice(1) : shape);
  if (kind === "max") {
    return recordOp("MaxPool2DWithIndicesBackward0", y, [x], (gy) => [new Tensor(maxPoolBackwardData(gy.data, r.argmax!, n * c, h * w, r.oh * r.ow), x.shape)]);
  }
  return recordOp("AvgPool2DBackward0", y, [x], (gy) => [new Tensor(avgPoolBackwardData(gy.data, shape4, a, r.oh, r.ow, countIncludePad), x.shape)]);
}

/**
 * Max over sliding windows of `(N, C, L)` / `(C, L)`.
 *
 * @example
 * F.maxPool1d(x, 2).shape; // length halved
 */
export function maxPool1d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  return pool(x, kernelSize, options, 1, "max", "max_pool1d");
}

/**
 * Max over sliding windows of `(N, C, H, W)` / `(C, H, W)`.
 *
 * @example
 * F.maxPool2d(randn(1, 3, 8, 8), 2).shape; // [1, 3, 4, 4]
 */
export function maxPool2d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  return pool(x, kernelSize, options, 2, "max", "max_pool2d");
}

/**
 * Mean over sliding windows of `(N, C, L)` / `(C, L)`.
 *
 * @example
 * F.avgPool1d(x, 3, { stride: 1, padding: 1 });
 */
export function avgPool1d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  return pool(x, kernelSize, options, 1, "avg", "avg_pool1d");
}

/**
 * Mean over sliding windows of `(N, C, H, W)` / `(C, H, W)`.
 *
 * @example
 * F.avgPool2d(randn(1, 3, 8, 8), 2).shape; // [1, 3, 4, 4]
 */
export function avgPool2d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  return pool(x, kernelSize, options, 2, "avg", "avg_pool2d");
}

/**
 * Mean over an `outputSize` grid of windows covering the input (PyTorch's adaptive pooling:
 * window i spans [floor(i·H/out), ceil((i+1)·H/out))).
 *
 * @example
 * F.adaptiveAvgPool2d(randn(2, 16, 7, 7), 1).shape; // [2, 16, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | (number | null)[]): Tensor {
  checkInput(x, "adaptive_avg_pool2d");
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new RuntimeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${formatShape(x.shape)}`);
  }
  const unbatched = x.ndim === 3;
  const [n, c, h, w] = unbatched ? [1, ...x.shape] : x.shape;
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== 2) throw new ValueError(`adaptive_avg_pool2d: output_size must be an int or a pair, got ${describeValue(outputSize)}`);
  const oh = sizes[0] ?? h;
  const ow = sizes[1] ?? w;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh <= 0 || ow <= 0) {
    throw new ValueError(`adaptive_avg_pool2d: output_size must be positive integers (or null), got ${describeValue(outputSize)}`);
  }
  const start = (i: number, size: number, o: number) => Math.floor((i * size) / o);
  const end = (i: number, size: number, o: number) => Math.ceil(((i + 1) * size) / o);
  const yd = allocateStorage(n * c * oh * ow);
  const xd = x.data;
  for (let pc = 0; pc < n * c; pc++) {
    for (let i = 0; i < oh; i++) {
      const hs = start(i, h, oh);
      const he = end(i, h, oh);
      for (let j = 0; j < ow; j++) {
        const ws = start(j, w, ow);
        const we = end(j, w, ow);
        let acc = 0;
        for (let u = hs; u < he; u++) for (let v = ws; v < we; v++) acc += xd[(pc * h + u) * w + v];
        yd[(pc * oh + i) * ow + j] = acc / ((he - hs) * (we - ws));
      }
    }
  }
  const y = new Tensor(yd, unbatched ? [c, oh, ow] : [n, c, oh, ow]);
  // Porting note: PyTorch computes a 1x1 output as a mean (grad_fn MeanBackward1); the gradient is the same.
  return recordOp("AdaptiveAvgPool2DBackward0", y, [x], (gy) => {
    const gx = allocateStorage(n * c * h * w);
    const g = gy.data;
    for (let pc = 0; pc < n * c; pc++) {
      for (let i = 0; i < oh; i++) {
        const hs = start(i, h, oh);
        const he = end(i, h, oh);
        for (let j = 0; j < ow; j++) {
          const ws = start(j, w, ow);
          const we = end(j, w, ow);
          // PyTorch's float32 order: grad / kH / kW, then added to each element of the window.
          const delta = Math.fround(Math.fround(g[(pc * oh + i) * ow + j] / (he - hs)) / (we - ws));
          for (let u = hs; u < he; u++) for (let v = ws; v < we; v++) gx[(pc * h + u) * w + v] += delta;
        }
      }
    }
    return [new Tensor(gx, x.shape)];
  });
}
