/**
 * Indexing: select / narrow (PyTorch's `x[i]`, `x[a:b]` along a dim), indexSelect, gather,
 * where, maskedFill. Index and mask tensors hold integers / 0-1 values in float32 storage.
 */
import { describeValue, RuntimeError } from "../../errors.js";
import { formatShape, shapeNumel, Tensor } from "../../tensor/tensor.js";
import { recordOp } from "../function.js";
import { broadcastShapes, checkTensor, expandData, fresh, normDim, sumToShape, wrap } from "./_util.js";

function split(shape: readonly number[], d: number): [number, number, number] {
  return [shapeNumel(shape.slice(0, d)), shape[d] ?? 1, shapeNumel(shape.slice(d + 1))];
}

/** Reads integer indices from a tensor or an array, naming the first non-integer. */
function readIndices(index: Tensor | readonly number[], fn: string): { values: Int32Array | number[]; shape: number[] } {
  if (index instanceof Tensor) {
    for (let i = 0; i < index.numel; i++) {
      if (!Number.isInteger(index.data[i])) throw new RuntimeError(`${fn}(): Expected dtype int64 for index, got a non-integer value ${index.data[i]} at position ${i}`);
    }
    return { values: Array.from(index.data), shape: [...index.shape] };
  }
  if (!Array.isArray(index)) throw new TypeError(`${fn}(): argument 'index' must be Tensor, not ${describeValue(index)}`);
  index.forEach((v, i) => {
    if (!Number.isInteger(v)) throw new RuntimeError(`${fn}(): Expected dtype int64 for index, got ${describeValue(v)} at position ${i}`);
  });
  return { values: [...index], shape: [index.length] };
}

/**
 * The slice at `index` along `dim`, which is removed (PyTorch's `x.select(dim, i)`, `x[i]`).
 *
 * @example
 * select(tensor([[1, 2], [3, 4]]), 0, 1).tolist(); // [3, 4]
 */
export function select(input: Tensor, dim: number, index: number): Tensor {
  checkTensor(input, "select");
  if (input.ndim === 0) throw new RuntimeError("select() cannot be applied to a 0-dim tensor.");
  const d = normDim(dim, input.ndim);
  const size = input.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select(): index ${index} out of range for tensor of size ${formatShape(input.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const [outer, , inner] = split(input.shape, d);
  const shape = input.shape.filter((_, k) => k !== d);
  const out = fresh(shape);
  for (let o = 0; o < outer; o++) out.data.set(input.data.subarray((o * size + i) * inner, (o * size + i + 1) * inner), o * inner);
  return recordOp("SelectBackward0", out, [input], (g) => {
    const r = fresh(input.shape);
    for (let o = 0; o < outer; o++) r.data.set(g.data.subarray(o * inner, (o + 1) * inner), (o * size + i) * inner);
    return [r];
  });
}

/**
 * Elements `start .. start+length-1` along `dim` (PyTorch's `narrow`, `x[:, a:b]`).
 *
 * @example
 * narrow(tensor([1, 2, 3, 4]), 0, 1, 2).tolist(); // [2, 3]
 */
export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(input, "narrow");
  if (input.ndim === 0) throw new RuntimeError("narrow() cannot be applied to a 0-dim tensor.");
  const d = normDim(dim, input.ndim);
  const size = input.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(start) || s < 0 || s > size) throw new RangeError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (!Number.isInteger(length) || length < 0 || s + length > size) throw new RangeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  const [outer, , inner] = split(input.shape, d);
  const shape = [...input.shape];
  shape[d] = length;
  const out = fresh(shape);
  const run = length * inner;
  for (let o = 0; o < outer; o++) out.data.set(input.data.subarray((o * size + s) * inner, (o * size + s) * inner + run), o * run);
  return recordOp("SliceBackward0", out, [input], (g) => {
    const r = fresh(input.shape);
    for (let o = 0; o < outer; o++) r.data.set(g.data.subarray(o * run, (o + 1) * run), (o * size + s) * inner);
    return [r];
  });
}

/**
 * The entries at positions `index` (1-d) along `dim` (PyTorch's `torch.index_select`).
 *
 * @example
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, [2, 0]).tolist(); // [[5, 6], [1, 2]]
 */
export function indexSelect(input: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  checkTensor(input, "index_select");
  const d = normDim(dim, input.ndim);
  const { values, shape: ishape } = readIndices(index, "index_select");
  if (ishape.length > 1) throw new RuntimeError("index_select(): Index is supposed to be a vector");
  const shape = input.ndim === 0 ? [] : [...input.shape];
  const size = shape[d] ?? 1;
  for (const v of values) if (v < -size || v >= size) throw new RangeError(`index out of range in self: index ${v} for dimension ${d} with size ${size}`);
  const idx = Array.from(values, (v) => (v < 0 ? v + size : v));
  const [outer, , inner] = split(shape, d);
  if (input.ndim > 0) shape[d] = idx.length;
  const out = fresh(shape);
  const n = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) out.data.set(input.data.subarray((o * size + idx[j]) * inner, (o * size + idx[j] + 1) * inner), (o * n + j) * inner);
  }
  return recordOp("IndexSelectBackward0", out, [input], (g) => {
    const r = fresh(input.shape);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        const dst = (o * size + idx[j]) * inner;
        const src = (o * n + j) * inner;
        for (let i = 0; i < inner; i++) r.data[dst + i] += g.data[src + i];
      }
    }
    return [r];
  });
}

/**
 * out[i][j] = input[i][index[i][j]] for dim 1 (and likewise for any dim): PyTorch's `torch.gather`.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]])).tolist(); // [[2], [3]]
 */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(input, "gather");
  checkTensor(index, "gather", "index");
  const d = normDim(dim, input.ndim);
  if (Math.max(index.ndim, 1) !== Math.max(input.ndim, 1)) {
    throw new RuntimeError("Index tensor must have the same number of dimensions as input tensor");
  }
  for (let k = 0; k < index.ndim; k++) {
    if (k !== d && index.shape[k] > input.shape[k]) {
      throw new RuntimeError(`Size does not match at dimension ${k} expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(input.shape)} apart from dimension ${d}`);
    }
  }
  const { values } = readIndices(index, "gather");
  const ishape = index.ndim === 0 ? [1] : index.shape;
  const xshape = input.ndim === 0 ? [1] : input.shape;
  const size = xshape[d];
  const nd = ishape.length;
  // Flat source position of each index element.
  const src = new Int32Array(values.length);
  const xstr = new Array<number>(nd);
  let acc = 1;
  for (let k = nd - 1; k >= 0; k--) { xstr[k] = acc; acc *= xshape[k]; }
  const pos = new Array<number>(nd).fill(0);
  for (let p = 0; p < values.length; p++) {
    const v = values[p];
    if (v < -size || v >= size) throw new RangeError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
    let at = 0;
    for (let k = 0; k < nd; k++) at += (k === d ? (v < 0 ? v + size : v) : pos[k]) * xstr[k];
    src[p] = at;
    for (let k = nd - 1; k >= 0; k--) {
      if (++pos[k] < ishape[k]) break;
      pos[k] = 0;
    }
  }
  const out = fresh(index.shape);
  for (let p = 0; p < src.length; p++) out.data[p] = input.data[src[p]];
  return recordOp("GatherBackward0", out, [input], (g) => {
    const r = fresh(input.shape);
    for (let p = 0; p < src.length; p++) r.data[src[p]] += g.data[p];
    return [r];
  });
}

/**
 * input where `condition` is non-zero, other elsewhere; all three broadcast (PyTorch's
 * `torch.where(condition, input, other)`).
 *
 * @example
 * where(tensor([1, 0]), tensor([1, 2]), tensor([9, 9])).tolist(); // [1, 9]
 */
export function where(condition: Tensor, input: Tensor | number, other: Tensor | number): Tensor {
  checkTensor(condition, "where", "condition");
  const a = typeof input === "number" ? wrap(new Float32Array([input]), []) : input;
  const b = typeof other === "number" ? wrap(new Float32Array([other]), []) : other;
  checkTensor(a, "where", "input");
  checkTensor(b, "where", "other");
  const shape = broadcastShapes(broadcastShapes(condition.shape, a.shape), b.shape);
  const c = expandData(condition, shape);
  const x = expandData(a, shape);
  const y = expandData(b, shape);
  const out = fresh(shape);
  for (let i = 0; i < out.numel; i++) out.data[i] = c[i] !== 0 ? x[i] : y[i];
  return recordOp("WhereBackward0", out, [a, b], (g) => {
    const ga = a.requiresGrad ? fresh(shape) : null;
    const gb = b.requiresGrad ? fresh(shape) : null;
    for (let i = 0; i < g.numel; i++) {
      if (c[i] !== 0) { if (ga) ga.data[i] = g.data[i]; } else if (gb) gb.data[i] = g.data[i];
    }
    return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape)];
  });
}

/**
 * A copy of input with `value` where `mask` is non-zero (mask broadcasts to input's shape):
 * PyTorch's `masked_fill`. No gradient flows to the filled positions.
 *
 * @example
 * maskedFill(tensor([1, 2, 3]), tensor([0, 1, 0]), -1).tolist(); // [1, -1, 3]
 */
export function maskedFill(input: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor(input, "masked_fill");
  checkTensor(mask, "masked_fill", "mask");
  if (typeof value !== "number") throw new TypeError(`masked_fill(): argument 'value' must be Number, not ${describeValue(value)}`);
  const shape = broadcastShapes(input.shape, mask.shape);
  if (shape.length !== input.ndim || shape.some((s, i) => s !== input.shape[i])) {
    throw new RuntimeError(`masked_fill_ only supports masks broadcastable to the input: mask ${formatShape(mask.shape)}, input ${formatShape(input.shape)}`);
  }
  const m = expandData(mask, shape);
  const out = fresh(shape);
  for (let i = 0; i < out.numel; i++) out.data[i] = m[i] !== 0 ? value : input.data[i];
  return recordOp("MaskedFillBackward0", out, [input], (g) => {
    const r = fresh(shape);
    for (let i = 0; i < r.numel; i++) r.data[i] = m[i] !== 0 ? 0 : g.data[i];
    return [r];
  });
}
