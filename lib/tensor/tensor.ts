import { describeValue, kindOf, RuntimeError, ValueError } from "../errors.js";
import { formatTensorData } from "./format.js";
import { bernoulliFill, normalFill, uniformFill, type RandomOptions } from "./random.js";

/**
 * Element types, in PyTorch's names. Values are always stored as float32 (PyTorch's default
 * float dtype); the other names tag tensors loaded from checkpoints (see lib/tensor/meta.ts).
 */
export type DType = "float32" | "float64" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

/** Nested arrays of numbers, as `Tensor.tolist()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

// Storage placement (ordinary, shared wasm or SharedArrayBuffer memory) lives in storage.ts.
export { allocateStorage, SHARED_STORAGE_MIN_ELEMENTS } from "./storage.js";
import { allocateStorage } from "./storage.js";

/** Checks a shape: an array of non-negative integers. Returns a copy. */
export function checkShape(shape: unknown, what = "shape"): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${what} must be an array of non-negative integers, got ${kindOf(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new ValueError(`${what} must contain non-negative integers, got ${describeValue(shape)}`);
    }
  }
  return [...shape];
}

/** Number of elements of a shape. */
export function shapeNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Formats a shape as PyTorch's `torch.Size([8, 4])` does inside the brackets: `[8, 4]`.
 *
 * @example
 * formatShape([8, 4]); // "[8, 4]"
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * A node of the autograd graph: the function that made a tensor (`lib/autograd/function.ts`
 * implements it). PyTorch's `grad_fn`.
 */
export interface GradFn {
  /** PyTorch's node name, e.g. `"AddmmBackward0"`. */
  name(): string;
  /** The tensor whose `.grad` this node fills in during backward (set by `retainGrad()`). */
  retained: Tensor | null;
}

/** PyTorch's message for changing `requires_grad` of a computed tensor. */
export const NON_LEAF_REQUIRES_GRAD_MESSAGE =
  "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().";

/**
 * A dense, contiguous float32 array with a shape: what PyTorch calls a tensor. Autograd state
 * (`requiresGrad`, `grad`, `gradFn`) lives here; the graph and the differentiable ops live in
 * `lib/autograd`, which adds `backward()`, `add()`, `matmul()`, ... to this class.
 *
 * @example
 * const t = tensor([1, 2, 3, 4], [2, 2]);
 * t.shape; // [2, 2]
 * t.toString(); // "tensor([[1., 2.],\n        [3., 4.]])"
 */
export class Tensor {
  /** The elements in row-major (C) order. Writes through this array change the tensor. */
  readonly data: Float32Array;
  /** Size of each dimension, outermost first. */
  readonly shape: number[];
  /** `"float32"`, unless the tensor was loaded from a checkpoint with another dtype (lib/tensor/meta.ts). */
  readonly dtype: DType = "float32";
  /**
   * The graph node that computed this tensor (PyTorch's `grad_fn`), or `null` for a leaf. Set by
   * the autograd ops; printed as `grad_fn=<AddmmBackward0>`.
   */
  gradFn: GradFn | null = null;
  #requiresGrad = false;
  #grad: Tensor | null = null;

  constructor(data: Float32Array, shape: readonly number[]) {
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`Tensor data must be a Float32Array, got ${kindOf(data)}`);
    }
    const checked = checkShape(shape);
    const numel = shapeNumel(checked);
    if (numel !== data.length) {
      throw new ValueError(
        `shape ${formatShape(checked)} is invalid for input of size ${data.length} (expected ${numel} elements)`,
      );
    }
    this.data = data;
    this.shape = checked;
  }

  /**
   * Whether autograd records operations on this tensor and computes its gradient. Computed tensors
   * (with a `gradFn`) always require grad; on a leaf it is settable (`false` = frozen).
   *
   * @example
   * const w = randn(3).requiresGrad_();
   * w.requiresGrad; // true
   */
  get requiresGrad(): boolean {
    return this.#requiresGrad || this.gradFn !== null;
  }

  set requiresGrad(flag: boolean) {
    if (typeof flag !== "boolean") throw new TypeError(`requires_grad must be a boolean, got ${kindOf(flag)}`);
    if (this.gradFn !== null && !flag) throw new RuntimeError(NON_LEAF_REQUIRES_GRAD_MESSAGE);
    this.#requiresGrad = flag;
  }

  /** Sets `requiresGrad` in place and returns this tensor (PyTorch's `requires_grad_()`). */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** True for a tensor not computed by a recorded op (PyTorch's `is_leaf`). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * The gradient accumulated by `backward()`, or `null` when none was computed (an optimizer then
   * skips the tensor). Assignments are shape-checked.
   *
   * @example
   * w.grad = ones(3); // must have w's shape
   */
  get grad(): Tensor | null {
    return this.#grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) {
      throw new TypeError(`assigned grad expected to be a Tensor or null, got ${kindOf(g)}`);
    }
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new ValueError(
        `assigned grad has data of a different size: got shape ${formatShape(g.shape)}, expected ${formatShape(this.shape)}`,
      );
    }
    this.#grad = g;
  }
  // ---- Shape-only (meta) tensors: see lib/tensor/meta.ts (models helper) ----
  /**
   * True for a shape-only tensor (PyTorch's device "meta"): shape and dtype, no storage.
   *
   * @example
   * (await safetensors.load("model.safetensors", { meta: true }))["lm_head.weight"].isMeta; // true
   */
  get isMeta(): boolean {
    return false;
  }
  // ---- end meta ----

  /** Number of elements. */
  get numel(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of dimensions (PyTorch's `dim()`). */
  dim(): number {
    return this.shape.length;
  }

  /** The shape, or the size of one dimension (negative counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    const d = dim < 0 ? dim + this.shape.length : dim;
    if (!Number.isInteger(d) || d < 0 || d >= this.shape.length) {
      throw new RangeError(
        `Dimension out of range (expected to be in range of [${-this.shape.length}, ${this.shape.length - 1}], but got ${dim})`,
      );
    }
    return this.shape[d];
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) {
      throw new ValueError(`a Tensor with ${this.numel} elements cannot be converted to a number`);
    }
    return this.data[0];
  }

  /** A copy with its own storage (not recorded by autograd: a new leaf). */
  clone(): Tensor {
    const out = allocateStorage(this.numel);
    out.set(this.data);
    return new Tensor(out, this.shape);
  }

  /** Fills with one value, in place. */
  fill_(value: number): this {
    this.data.fill(value);
    return this;
  }

  /** Fills with zeros, in place. */
  zero_(): this {
    this.data.fill(0);
    return this;
  }

  /**
   * Fills with uniform samples in [from, to), in place; same draws as PyTorch's `uniform_`.
   *
   * @example
   * zeros(3).uniform_(-1, 1);
   */
  uniform_(from = 0, to = 1, options?: RandomOptions): this {
    uniformFill(this.data, from, to, options);
    return this;
  }

  /**
   * Fills with normal samples N(mean, std²), in place; same draws as PyTorch's `normal_`.
   *
   * @example
   * zeros(4, 4).normal_(0, 0.02);
   */
  normal_(mean = 0, std = 1, options?: RandomOptions): this {
    normalFill(this.data, mean, std, options);
    return this;
  }

  /**
   * Fills with 1 (probability `p`) or 0, in place; same draws as PyTorch's `bernoulli_(p)`.
   *
   * @example
   * zeros(8).bernoulli_(0.3);
   */
  bernoulli_(p = 0.5, options?: RandomOptions): this {
    bernoulliFill(this.data, p, options);
    return this;
  }

  /** Copies another tensor's values into this one (shapes must match), in place. */
  copy_(src: Tensor): this {
    if (!(src instanceof Tensor)) throw new TypeError(`copy_() expects a Tensor, got ${kindOf(src)}`);
    if (!sameShape(src.shape, this.shape)) {
      throw new ValueError(
        `copy_(): source shape ${formatShape(src.shape)} does not match destination shape ${formatShape(this.shape)}`,
      );
    }
    this.data.set(src.data);
    return this;
  }

  /** True when both tensors have the same shape and the same values. */
  equal(other: Tensor): boolean {
    if (!sameShape(this.shape, other.shape)) return false;
    for (let i = 0; i < this.data.length; i++) if (this.data[i] !== other.data[i]) return false;
    return true;
  }

  /** The values as nested arrays (PyTorch's `tolist()`); a 0-d tensor gives a number. */
  tolist(): NestedArray {
    const build = (dim: number, offset: number, stride: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const n = this.shape[dim];
      const inner = stride / (n || 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * inner, inner));
      return out;
    };
    return build(0, 0, this.numel);
  }

  /** JSON form: nested arrays, as PyTorch's `tolist()` gives, so state dicts serialise. */
  toJSON(): NestedArray {
    return this.tolist();
  }

  /** PyTorch's printed form, e.g. `tensor([0.1000, 0.2000], grad_fn=<AddBackward0>)`. */
  toString(): string {
    const suffix = this.gradFn !== null ? `, grad_fn=<${this.gradFn.name()}>` : this.#requiresGrad ? ", requires_grad=True" : "";
    return `tensor(${formatTensorData(this.data, this.shape, "tensor(".length)}${suffix})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * True when two shapes are equal.
 *
 * @example
 * sameShape([2, 3], [2, 3]); // true
 */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Shape of nested arrays, checking that they are rectangular. */
function nestedShape(values: NestedArray, path = "values"): number[] {
  if (typeof values === "number") return [];
  if (!Array.isArray(values)) throw new TypeError(`${path} must be a number or an array, got ${kindOf(values)}`);
  if (values.length === 0) return [0];
  const inner = nestedShape(values[0], `${path}[0]`);
  for (let i = 1; i < values.length; i++) {
    const s = nestedShape(values[i], `${path}[${i}]`);
    if (!sameShape(s, inner)) {
      throw new ValueError(
        `expected sequence of length ${inner[0] ?? "scalar"} at ${path}[${i}] (got ${s[0] ?? "a scalar"}): nested arrays must be rectangular`,
      );
    }
  }
  return [values.length, ...inner];
}

/**
 * Makes a tensor from numbers. Flat values take an optional `shape` (default: 1-d); nested arrays
 * give their own shape.
 *
 * @example
 * tensor([1, 2, 3, 4, 5, 6], [2, 3]).shape; // [2, 3]
 * tensor([[1, 2], [3, 4]]).shape;           // [2, 2]
 */
export function tensor(values: NestedArray | Float32Array | readonly number[], shape?: readonly number[]): Tensor {
  let flat: Float32Array;
  let inferred: number[];
  if (values instanceof Float32Array) {
    flat = allocateStorage(values.length);
    flat.set(values);
    inferred = [values.length];
  } else if (typeof values === "number" || Array.isArray(values)) {
    inferred = nestedShape(values as NestedArray);
    const flatValues = typeof values === "number" ? [values] : (values as NestedArray[]).flat(Infinity as 1);
    flat = allocateStorage(flatValues.length);
    for (let i = 0; i < flatValues.length; i++) {
      const v = flatValues[i];
      if (typeof v !== "number") throw new TypeError(`tensor(): values must be numbers, got ${describeValue(v)} at index ${i}`);
      flat[i] = v;
    }
  } else {
    throw new TypeError(`tensor() expects a number, an array of numbers or a Float32Array, got ${kindOf(values)}`);
  }
  if (shape !== undefined) {
    const target = checkShape(shape);
    if (shapeNumel(target) !== flat.length) {
      throw new ValueError(
        `tensor(): shape ${formatShape(target)} needs ${shapeNumel(target)} values, got ${flat.length}`,
      );
    }
    return new Tensor(flat, target);
  }
  return new Tensor(flat, inferred);
}

/** Accepts `f(2, 3)` and `f([2, 3])` alike. */
function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return checkShape(args[0]);
  return checkShape(args);
}

/**
 * A tensor of zeros: `zeros(2, 3)` or `zeros([2, 3])`.
 *
 * @example
 * zeros(2, 3).shape; // [2, 3]
 */
export function zeros(...shape: number[] | [readonly number[]]): Tensor {
  const s = shapeArgs(shape);
  return new Tensor(allocateStorage(shapeNumel(s)), s);
}

/**
 * A tensor of ones: `ones(2, 3)` or `ones([2, 3])`.
 *
 * @example
 * ones(3).tolist(); // [1, 1, 1]
 */
export function ones(...shape: number[] | [readonly number[]]): Tensor {
  return full(shapeArgs(shape), 1);
}

/**
 * A tensor filled with `value`.
 *
 * @example
 * full([2, 2], 0.5).tolist(); // [[0.5, 0.5], [0.5, 0.5]]
 */
export function full(shape: readonly number[], value: number): Tensor {
  if (typeof value !== "number") throw new TypeError(`full(): fill value must be a number, got ${kindOf(value)}`);
  const s = checkShape(shape);
  const t = new Tensor(allocateStorage(shapeNumel(s)), s);
  return t.fill_(value);
}

/**
 * Zeros with the shape of `t`.
 *
 * @example
 * zerosLike(weight).shape; // weight.shape
 */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape);
}
