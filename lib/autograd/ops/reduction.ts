/**
 * Reductions: sum, mean, max, min over all elements or over dims (with `keepdim`), argmax /
 * argmin. The gradient of sum / mean broadcasts back; that of max / min goes to the chosen
 * element (over a dim) or is shared evenly among ties (over all elements, as PyTorch).
 *
 * Porting note: indices are float32 tensors (paramlab has one dtype); they hold exact integers.
 */
import { describeValue, RuntimeError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";
import { recordOp } from "../function.js";
import { checkTensor, expandData, fresh, normDim, wrap } from "./_util.js";

/** outer × size × inner view of `shape` around dim `d`. */
function split(shape: readonly number[], d: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[d] ?? 1, inner];
}

/** The distinct, normalised dims of a `dim` argument (all dims when null / undefined). */
function readDims(dim: number | readonly number[] | null | undefined, ndim: number, fn: string): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === "number" ? [dim] : Array.isArray(dim) ? dim : null;
  if (list === null) throw new TypeError(`${fn}(): argument 'dim' must be int or tuple of ints, not ${describeValue(dim)}`);
  const dims = list.map((d) => normDim(d, ndim));
  for (let i = 0; i < dims.length; i++) {
    if (dims.indexOf(dims[i]) !== i) throw new RuntimeError(`dim ${dims[i]} appears multiple times in the list of dims`);
  }
  return dims.filter((d) => d < ndim).sort((a, b) => a - b);
}

/** Shape after reducing `dims` (kept as 1 when `keepdim`). */
function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Sums `data` (of `shape`) over `dims`, giving the keepdim-shaped result. */
function sumData(data: Float32Array, shape: readonly number[], dims: readonly number[]): Float32Array {
  if (dims.length === shape.length) {
    let s = 0;
    for (let i = 0; i < data.length; i++) s += data[i];
    return new Float32Array([s]);
  }
  let cur = data;
  const cs = [...shape];
  for (const d of dims) {
    const [outer, size, inner] = split(cs, d);
    const next = new Float32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      if (inner === 1) {
        let s = 0;
        for (let k = 0; k < size; k++) s += cur[base + k];
        next[o] = s;
      } else {
        const dst = o * inner;
        for (let k = 0; k < size; k++) {
          const src = base + k * inner;
          for (let i = 0; i < inner; i++) next[dst + i] += cur[src + i];
        }
      }
    }
    cur = next;
    cs[d] = 1;
  }
  return cur;
}

/**
 * Sum of all elements, or over `dim` (an int or a list), keeping reduced dims when `keepdim`.
 *
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 1).tolist(); // [3, 7]
 */
export function sum(input: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  checkTensor(input, "sum");
  const dims = readDims(dim, input.ndim, "sum");
  const keptShape = reducedShape(input.shape, dims, true);
  const out = wrap(sumData(input.data, input.shape, dims), reducedShape(input.shape, dims, keepdim));
  const name = dim === null || dim === undefined ? "SumBackward0" : "SumBackward1";
  return recordOp(name, out, [input], (g) => [wrap(expandData(wrap(g.data, keptShape), input.shape), input.shape)]);
}

/**
 * Mean of all elements, or over `dim`, keeping reduced dims when `keepdim`.
 *
 * @example
 * mean(tensor([1, 2, 3, 4])).item(); // 2.5
 */
export function mean(input: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  checkTensor(input, "mean");
  const dims = readDims(dim, input.ndim, "mean");
  let count = 1;
  for (const d of dims) count *= input.shape[d];
  const keptShape = reducedShape(input.shape, dims, true);
  const data = sumData(input.data, input.shape, dims);
  for (let i = 0; i < data.length; i++) data[i] /= count;
  const out = wrap(data, reducedShape(input.shape, dims, keepdim));
  const name = dim === null || dim === undefined ? "MeanBackward0" : "MeanBackward1";
  return recordOp(name, out, [input], (g) => {
    const e = expandData(wrap(g.data, keptShape), input.shape);
    const r = fresh(input.shape);
    for (let i = 0; i < r.numel; i++) r.data[i] = e[i] / count;
    return [r];
  });
}

/** Values and positions of the maxima (or minima) along a dim: PyTorch's `(values, indices)`. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function extremeAll(input: Tensor, isMax: boolean, fn: string): Tensor {
  if (input.numel === 0) throw new RuntimeError(`${fn}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  const d = input.data;
  let best = d[0];
  for (let i = 1; i < d.length; i++) {
    const v = d[i];
    if (v !== v) { best = v; break; }
    if (isMax ? v > best : v < best) best = v;
  }
  const out = wrap(new Float32Array([best]), []);
  return recordOp(isMax ? "MaxBackward1" : "MinBackward1", out, [input], (g) => {
    // Evenly shared among the elements equal to the result (PyTorch's evenly_distribute_backward).
    let ties = 0;
    for (let i = 0; i < d.length; i++) if (d[i] === best) ties++;
    const r = fresh(input.shape);
    for (let i = 0; i < d.length; i++) if (d[i] === best) r.data[i] = g.data[0] / ties;
    return [r];
  });
}

function extremeDim(input: Tensor, dim: number, keepdim: boolean, isMax: boolean, fn: string): ValuesIndices {
  const d = normDim(dim, input.ndim);
  const [outer, size, inner] = split(input.shape, d);
  if (size === 0) throw new RuntimeError(`${fn}(): Expected reduction dim ${d} to have non-zero size.`);
  const shape = reducedShape(input.shape, input.ndim === 0 ? [] : [d], keepdim);
  const values = fresh(shape);
  const indices = fresh(shape);
  const x = input.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = x[base];
      let at = 0;
      for (let k = 1; k < size && best === best; k++) {
        const v = x[base + k * inner];
        if (v !== v || (isMax ? v > best : v < best)) { best = v; at = k; }
      }
      values.data[o * inner + i] = best;
      indices.data[o * inner + i] = at;
    }
  }
  const out = recordOp(isMax ? "MaxBackward0" : "MinBackward0", values, [input], (g) => {
    const r = fresh(input.shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) r.data[o * size * inner + indices.data[o * inner + i] * inner + i] = g.data[o * inner + i];
    }
    return [r];
  });
  return { values: out, indices };
}

/**
 * The largest element, or `{ values, indices }` of the maxima along `dim`.
 *
 * @example
 * max(tensor([[1, 5], [7, 2]])).item();            // 7
 * max(tensor([[1, 5], [7, 2]]), 1).indices.tolist(); // [1, 0]
 */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(input: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  checkTensor(input, "max");
  return dim === undefined ? extremeAll(input, true, "max") : extremeDim(input, dim, keepdim, true, "max");
}

/**
 * The smallest element, or `{ values, indices }` of the minima along `dim`.
 *
 * @example
 * min(tensor([3, 1, 2])).item(); // 1
 */
export function min(input: Tensor): Tensor;
export function min(input: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(input: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  checkTensor(input, "min");
  return dim === undefined ? extremeAll(input, false, "min") : extremeDim(input, dim, keepdim, false, "min");
}

/**
 * Index of the largest element (of the flattened tensor, or along `dim`). Not differentiable.
 *
 * @example
 * argmax(tensor([[1, 5], [7, 2]]), 1).tolist(); // [1, 0]
 */
export function argmax(input: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor(input, "argmax");
  if (dim === undefined) return extremeDim(wrap(input.data, [input.numel]), 0, false, true, "argmax").indices;
  return extremeDim(wrap(input.data, input.shape), dim, keepdim, true, "argmax").indices;
}

/**
 * Index of the smallest element (of the flattened tensor, or along `dim`). Not differentiable.
 *
 * @example
 * argmin(tensor([3, 1, 2])).item(); // 1
 */
export function argmin(input: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor(input, "argmin");
  if (dim === undefined) return extremeDim(wrap(input.data, [input.numel]), 0, false, false, "argmin").indices;
  return extremeDim(wrap(input.data, input.shape), dim, keepdim, false, "argmin").indices;
}
