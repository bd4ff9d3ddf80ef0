/**
 * Shape ops: view / reshape / flatten / squeeze / unsqueeze share storage (tensors are always
 * contiguous); transpose / permute / expand / cat / stack copy.
 *
 * Porting note: PyTorch's transpose, permute and expand return strided views of the same storage;
 * paramlab keeps every tensor contiguous, so they return copies (writes do not show through).
 */
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { checkShape, formatShape, sameShape, shapeNumel, Tensor } from "../../tensor/tensor.js";
import { recordOp } from "../function.js";
import { checkTensor, expandData, fresh, normDim, stridesOf, sumToShape, wrap } from "./_util.js";

/** Accepts `f(2, 3)` and `f([2, 3])` alike. */
export function sizeArgs(args: readonly (number | readonly number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
}

/** Resolves one `-1` in `dims` against `numel`, with PyTorch's message when it cannot. */
function resolveShape(dims: number[], numel: number): number[] {
  for (const d of dims) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < -1) {
      throw new ValueError(`shape must contain non-negative integers or a single -1, got ${describeValue(dims)}`);
    }
  }
  const inferred = dims.indexOf(-1);
  if (inferred !== -1 && dims.indexOf(-1, inferred + 1) !== -1) throw new RuntimeError("only one dimension can be inferred");
  const resolved = [...dims];
  if (inferred !== -1) {
    const known = shapeNumel(dims.filter((_, i) => i !== inferred));
    if (known === 0 || numel % known !== 0) throw new ValueError(`shape '${formatShape(dims)}' is invalid for input of size ${numel}`);
    resolved[inferred] = numel / known;
  }
  if (shapeNumel(resolved) !== numel) throw new ValueError(`shape '${formatShape(dims)}' is invalid for input of size ${numel}`);
  return resolved;
}

/** Same storage, new shape, recorded under `name`. */
function alias(input: Tensor, shape: number[], name: string): Tensor {
  const out = wrap(input.data, shape);
  return recordOp(name, out, [input], (g) => [wrap(g.data, input.shape)]);
}

/**
 * The same storage with another shape; one dimension may be -1 (PyTorch's `Tensor.view`).
 *
 * @example
 * view(arange6, 2, -1).shape; // [2, 3]
 */
export function view(input: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  checkTensor(input, "view");
  return alias(input, resolveShape(sizeArgs(shape), input.numel), "ViewBackward0");
}

/**
 * Same as `view` here: tensors are always contiguous (PyTorch's `torch.reshape`).
 *
 * @example
 * reshape(x, [4, -1]);
 */
export function reshape(input: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  checkTensor(input, "reshape");
  return alias(input, resolveShape(sizeArgs(shape), input.numel), "ViewBackward0");
}

/**
 * Merges dims `startDim..endDim` into one (PyTorch's `torch.flatten`).
 *
 * @example
 * flatten(zeros(2, 3, 4), 1).shape; // [2, 12]
 */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(input, "flatten");
  if (input.ndim === 0) return alias(input, [1], "ViewBackward0");
  const s = normDim(startDim, input.ndim);
  const e = normDim(endDim, input.ndim);
  if (s > e) throw new RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return input;
  const shape = [...input.shape.slice(0, s), shapeNumel(input.shape.slice(s, e + 1)), ...input.shape.slice(e + 1)];
  return alias(input, shape, "ViewBackward0");
}

/**
 * Drops size-1 dimensions: all of them, or only `dim` (PyTorch's `torch.squeeze`).
 *
 * @example
 * squeeze(zeros(2, 1, 3)).shape; // [2, 3]
 */
export function squeeze(input: Tensor, dim?: number): Tensor {
  checkTensor(input, "squeeze");
  if (dim === undefined) return alias(input, input.shape.filter((d) => d !== 1), "SqueezeBackward0");
  const d = normDim(dim, input.ndim);
  const shape = input.shape[d] === 1 ? input.shape.filter((_, i) => i !== d) : [...input.shape];
  return alias(input, shape, "SqueezeBackward1");
}

/**
 * Inserts a size-1 dimension at `dim` (PyTorch's `torch.unsqueeze`).
 *
 * @example
 * unsqueeze(zeros(3), 0).shape; // [1, 3]
 */
export function unsqueeze(input: Tensor, dim: number): Tensor {
  checkTensor(input, "unsqueeze");
  const d = normDim(dim, input.ndim + 1);
  const shape = [...input.shape];
  shape.splice(d, 0, 1);
  return alias(input, shape, "UnsqueezeBackward0");
}

/** Copies `input` with its dims reordered by `perm` (a permutation of 0..ndim-1). */
function permuteData(input: Tensor, perm: readonly number[]): Tensor {
  const nd = perm.length;
  const shape = perm.map((p) => input.shape[p]);
  const out = fresh(shape);
  const src = stridesOf(input.shape);
  const st = perm.map((p) => src[p]);
  const idx = new Array<number>(nd).fill(0);
  const d = input.data;
  const o = out.data;
  if (nd === 2) {
    const [r, c] = shape;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[i * c + j] = d[i * st[0] + j * st[1]];
    return out;
  }
  let s = 0;
  for (let k = 0; k < o.length; k++) {
    o[k] = d[s];
    for (let i = nd - 1; i >= 0; i--) {
      s += st[i];
      if (++idx[i] < shape[i]) break;
      s -= st[i] * shape[i];
      idx[i] = 0;
    }
  }
  return out;
}

/**
 * Reorders the dimensions (PyTorch's `torch.permute`); returns a copy here.
 *
 * @example
 * permute(zeros(2, 3, 4), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(input: Tensor, ...dims: number[] | [readonly number[]]): Tensor {
  checkTensor(input, "permute");
  const raw = sizeArgs(dims);
  if (raw.length !== input.ndim) {
    throw new RuntimeError(`number of dims don't match in permute: input.dim() = ${input.ndim}, len(dims) = ${raw.length}`);
  }
  const perm = raw.map((d) => normDim(d, input.ndim));
  if (new Set(perm).size !== perm.length) throw new RuntimeError("permute(): duplicate dims are not allowed.");
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return recordOp("PermuteBackward0", permuteData(input, perm), [input], (g) => [permuteData(g, inverse)]);
}

/**
 * Swaps two dimensions (PyTorch's `torch.transpose`); returns a copy here.
 *
 * @example
 * transpose(zeros(2, 3), 0, 1).shape; // [3, 2]
 */
export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(input, "transpose");
  if (input.ndim === 0) return input;
  const a = normDim(dim0, input.ndim);
  const b = normDim(dim1, input.ndim);
  const perm = input.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return recordOp("TransposeBackward0", permuteData(input, perm), [input], (g) => [permuteData(g, perm)]);
}

/**
 * Transpose of a tensor with at most 2 dims (PyTorch's `Tensor.t()`).
 *
 * @example
 * t(zeros(2, 3)).shape; // [3, 2]
 */
export function t(input: Tensor): Tensor {
  checkTensor(input, "t");
  if (input.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${input.ndim}D`);
  if (input.ndim < 2) return alias(input, [...input.shape], "TBackward0");
  return recordOp("TBackward0", permuteData(input, [1, 0]), [input], (g) => [permuteData(g, [1, 0])]);
}

/**
 * Broadcasts to a larger shape; -1 keeps a dimension (PyTorch's `Tensor.expand`); a copy here.
 *
 * @example
 * expand(zeros(3, 1), 3, 4).shape; // [3, 4]
 */
export function expand(input: Tensor, ...sizes: number[] | [readonly number[]]): Tensor {
  checkTensor(input, "expand");
  const want = sizeArgs(sizes);
  if (want.length < input.ndim) {
    throw new RuntimeError(`expand(torch.FloatTensor{${formatShape(input.shape)}}, size=${formatShape(want)}): the number of sizes provided (${want.length}) must be greater or equal to the number of dimensions in the tensor (${input.ndim})`);
  }
  const offset = want.length - input.ndim;
  const shape = want.map((w, i) => {
    const have = i >= offset ? input.shape[i - offset] : 1;
    if (w === -1 && i >= offset) return have;
    if (have !== w && have !== 1) {
      throw new RuntimeError(`The expanded size of the tensor (${w}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${formatShape(want)}.  Tensor sizes: ${formatShape(input.shape)}`);
    }
    return w;
  });
  checkShape(shape);
  return recordOp("ExpandBackward0", wrap(expandData(input, shape), shape), [input], (g) => [sumToShape(g, input.shape)]);
}

function checkSequence(tensors: unknown, fn: string): asserts tensors is Tensor[] {
  if (!Array.isArray(tensors)) throw new TypeError(`${fn}(): argument 'tensors' must be tuple of Tensors, not ${describeValue(tensors)}`);
  if (tensors.length === 0) throw new RuntimeError(`${fn}(): expected a non-empty list of Tensors`);
  tensors.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'tensors' must be tuple of Tensors, but found element of type ${describeValue(x)} at pos ${i}`);
  });
}

/**
 * Joins tensors along an existing dimension (PyTorch's `torch.cat`).
 *
 * @example
 * cat([zeros(2, 3), ones(1, 3)], 0).shape; // [3, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkSequence(tensors, "cat");
  const first = tensors[0];
  if (first.ndim === 0) throw new RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated");
  const d = normDim(dim, first.ndim);
  tensors.forEach((x, i) => {
    if (x.ndim !== first.ndim) {
      throw new RuntimeError(`Tensors must have same number of dimensions: got ${first.ndim} and ${x.ndim}`);
    }
    for (let k = 0; k < first.ndim; k++) {
      if (k !== d && x.shape[k] !== first.shape[k]) {
        throw new RuntimeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[k]} but got size ${x.shape[k]} for tensor number ${i} in the list.`);
      }
    }
  });
  const outer = shapeNumel(first.shape.slice(0, d));
  const inner = shapeNumel(first.shape.slice(d + 1));
  const sizes = tensors.map((x) => x.shape[d]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const shape = [...first.shape];
  shape[d] = total;
  const out = fresh(shape);
  let at = 0;
  for (let i = 0; i < tensors.length; i++) {
    const run = sizes[i] * inner;
    for (let o = 0; o < outer; o++) out.data.set(tensors[i].data.subarray(o * run, (o + 1) * run), o * total * inner + at);
    at += run;
  }
  return recordOp("CatBackward0", out, tensors, (g) => {
    let from = 0;
    return tensors.map((x, i) => {
      const run = sizes[i] * inner;
      const start = from;
      from += run;
      if (!x.requiresGrad) return null;
      const gi = fresh(x.shape);
      for (let o = 0; o < outer; o++) gi.data.set(g.data.subarray(o * total * inner + start, o * total * inner + start + run), o * run);
      return gi;
    });
  });
}

/**
 * Joins equally shaped tensors along a new dimension (PyTorch's `torch.stack`).
 *
 * @example
 * stack([zeros(3), ones(3)], 0).shape; // [2, 3]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkSequence(tensors, "stack");
  const first = tensors[0];
  tensors.forEach((x, i) => {
    if (!sameShape(x.shape, first.shape)) {
      throw new RuntimeError(`stack expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ${formatShape(x.shape)} at entry ${i}`);
    }
  });
  const d = normDim(dim, first.ndim + 1);
  const unsqueezed = [...first.shape];
  unsqueezed.splice(d, 0, 1);
  // Plain (unrecorded) aliases: PyTorch records one StackBackward0 node, not Unsqueeze + Cat.
  const out = cat(tensors.map((x) => wrap(x.data, unsqueezed)), d);
  return recordOp("StackBackward0", out, tensors, (g) => {
    const inner = shapeNumel(first.shape.slice(d));
    const outer = shapeNumel(first.shape.slice(0, d));
    const n = tensors.length;
    return tensors.map((x, i) => {
      if (!x.requiresGrad) return null;
      const gi = fresh(x.shape);
      for (let o = 0; o < outer; o++) gi.data.set(g.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), o * inner);
      return gi;
    });
  });
}
