/** Pooling: PyTorch's `F.max_pool1d/2d`, `F.avg_pool1d/2d`, `F.adaptive_avg_pool2d`. */
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { formatShape, Tensor } from "../../tensor/tensor.js";
import { checkInput, out } from "./_util.js";

/** Arguments of the max / average pools (ints or one per spatial dimension). */
export interface PoolOptions {
  /** Default: the kernel size. */
  stride?: number | number[] | null;
  padding?: number | number[];
  /** Max pooling only. */
  dilation?: number | number[];
  ceilMode?: boolean;
  /** Average pooling only: count padded zeros in the divisor (default true). */
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

function parsePool(x: Tensor, kernel: number | number[], options: PoolOptions, dims: 1 | 2, fn: string, withDilation: boolean): { x4: Tensor; a: Pool2dArgs; unbatched: boolean } {
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
  let x4 = unbatched ? x.view(1, ...x.shape) : x;
  if (dims === 1) x4 = x4.view(x4.shape[0], x4.shape[1], 1, x4.shape[2]);
  const two = (v: number[], one: number) => (dims === 1 ? [one, v[0]] : v);
  return { x4, a: { k: two(k, 1), s: two(s, 1), p: two(p, 0), d: two(d, 1), ceil: options.ceilMode ?? false }, unbatched };
}

function finish(y: Tensor, dims: 1 | 2, unbatched: boolean): Tensor {
  const shape = dims === 1 ? [y.shape[0], y.shape[1], y.shape[3]] : y.shape;
  return y.view(unbatched ? shape.slice(1) : shape);
}

function pool2d(x4: Tensor, a: Pool2dArgs, kind: "max" | "avg", countIncludePad: boolean, fn: string): Tensor {
  const [n, c, h, w] = x4.shape;
  const oh = outSize(h, a.k[0], a.p[0], a.s[0], a.d[0], a.ceil);
  const ow = outSize(w, a.k[1], a.p[1], a.s[1], a.d[1], a.ceil);
  if (oh <= 0 || ow <= 0) {
    throw new RuntimeError(`Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${oh}x${ow}). Output size is too small (${fn})`);
  }
  const y = out([n, c, oh, ow]);
  for (let pc = 0; pc < n * c; pc++) {
    const base = pc * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const h0 = i * a.s[0] - a.p[0];
        const w0 = j * a.s[1] - a.p[1];
        let acc = kind === "max" ? -Infinity : 0;
        let count = 0;
        for (let u = 0; u < a.k[0]; u++) {
          const yi = h0 + u * a.d[0];
          if (yi < 0 || yi >= h) continue;
          for (let v = 0; v < a.k[1]; v++) {
            const xj = w0 + v * a.d[1];
            if (xj < 0 || xj >= w) continue;
            const val = x4.data[base + yi * w + xj];
            if (kind === "max") {
              if (val > acc || Number.isNaN(val)) acc = val;
            } else {
              acc += val;
              count++;
            }
          }
        }
        if (kind === "avg") {
          // PyTorch's divisor: the window clipped to the padded input, or only real elements.
          const hend = Math.min(h0 + a.k[0], h + a.p[0]);
          const wend = Math.min(w0 + a.k[1], w + a.p[1]);
          const padded = (hend - h0) * (wend - w0);
          acc /= countIncludePad ? padded : count;
        }
        y.data[(pc * oh + i) * ow + j] = acc;
      }
    }
  }
  return y;
}

/**
 * Max over sliding windows of `(N, C, L)` / `(C, L)`.
 *
 * @example
 * F.maxPool1d(x, 2).shape; // length halved
 */
export function maxPool1d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  const { x4, a, unbatched } = parsePool(x, kernelSize, options, 1, "max_pool1d", true);
  return finish(pool2d(x4, a, "max", true, "max_pool1d"), 1, unbatched);
}

/**
 * Max over sliding windows of `(N, C, H, W)` / `(C, H, W)`.
 *
 * @example
 * F.maxPool2d(randn(1, 3, 8, 8), 2).shape; // [1, 3, 4, 4]
 */
export function maxPool2d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  const { x4, a, unbatched } = parsePool(x, kernelSize, options, 2, "max_pool2d", true);
  return finish(pool2d(x4, a, "max", true, "max_pool2d"), 2, unbatched);
}

/**
 * Mean over sliding windows of `(N, C, L)` / `(C, L)`.
 *
 * @example
 * F.avgPool1d(x, 3, { stride: 1, padding: 1 });
 */
export function avgPool1d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  const { x4, a, unbatched } = parsePool(x, kernelSize, options, 1, "avg_pool1d", false);
  return finish(pool2d(x4, a, "avg", options.countIncludePad ?? true, "avg_pool1d"), 1, unbatched);
}

/**
 * Mean over sliding windows of `(N, C, H, W)` / `(C, H, W)`.
 *
 * @example
 * F.avgPool2d(randn(1, 3, 8, 8), 2).shape; // [1, 3, 4, 4]
 */
export function avgPool2d(x: Tensor, kernelSize: number | number[], options: PoolOptions = {}): Tensor {
  const { x4, a, unbatched } = parsePool(x, kernelSize, options, 2, "avg_pool2d", false);
  return finish(pool2d(x4, a, "avg", options.countIncludePad ?? true, "avg_pool2d"), 2, unbatched);
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
  const x4 = unbatched ? x.view(1, ...x.shape) : x;
  const [n, c, h, w] = x4.shape;
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== 2) throw new ValueError(`adaptive_avg_pool2d: output_size must be an int or a pair, got ${describeValue(outputSize)}`);
  const oh = sizes[0] ?? h;
  const ow = sizes[1] ?? w;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh <= 0 || ow <= 0) {
    throw new ValueError(`adaptive_avg_pool2d: output_size must be positive integers (or null), got ${describeValue(outputSize)}`);
  }
  const y = out([n, c, oh, ow]);
  for (let pc = 0; pc < n * c; pc++) {
    for (let i = 0; i < oh; i++) {
      const hs = Math.floor((i * h) / oh);
      const he = Math.ceil(((i + 1) * h) / oh);
      for (let j = 0; j < ow; j++) {
        const ws = Math.floor((j * w) / ow);
        const we = Math.ceil(((j + 1) * w) / ow);
        let acc = 0;
        for (let u = hs; u < he; u++) for (let v = ws; v < we; v++) acc += x4.data[(pc * h + u) * w + v];
        y.data[(pc * oh + i) * ow + j] = acc / ((he - hs) * (we - ws));
      }
    }
  }
  return unbatched ? y.view(c, oh, ow) : y;
}
