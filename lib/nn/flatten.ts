import { describeValue, RuntimeError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { pyTuple } from "./_repr.js";

/**
 * Merges dimensions `start_dim..end_dim` into one (default: everything after the batch dimension).
 *
 * @example
 * new nn.Flatten().forward(zeros(2, 3, 4)).shape; // [2, 12]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, v] of [["start_dim", startDim], ["end_dim", endDim]] as const) {
      if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`Flatten: ${name} must be an integer, got ${describeValue(v)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(x: Tensor): Tensor {
    return F.flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Python's name for the type of a value, as PyTorch's messages show it. */
function pyTypeName(v: unknown): string {
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (v === null || v === undefined) return "NoneType";
  return Array.isArray(v) ? "list" : typeof v;
}

/**
 * Splits dimension `dim` into `unflattened_size` (one entry may be -1, inferred), the inverse of
 * `Flatten`; PyTorch's `nn.Unflatten`.
 *
 * @example
 * new nn.Unflatten(1, [2, 3]).forward(zeros(4, 6)).shape; // [4, 2, 3]
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];

  constructor(dim: number, unflattenedSize: number[]) {
    super();
    if (typeof dim !== "number" || !Number.isInteger(dim)) throw new TypeError(`invalid argument type for dim parameter (got ${describeValue(dim)})`);
    if (!Array.isArray(unflattenedSize)) throw new TypeError(`unflattened_size must be a list of ints, got ${describeValue(unflattenedSize)}`);
    unflattenedSize.forEach((d, i) => {
      if (typeof d !== "number" || !Number.isInteger(d)) throw new TypeError(`unflattened_size must be tuple of ints, but found element of type ${pyTypeName(d)} at pos ${i}`);
    });
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`Unflatten.forward() expects a Tensor, got ${describeValue(x)}`);
    const nd = x.ndim;
    const d = this.dim < 0 ? this.dim + nd : this.dim;
    if (d < 0 || d >= nd) throw new RangeError(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${this.dim})`);
    const sizes = [...this.unflattenedSize];
    if (sizes.filter((s) => s === -1).length > 1) throw new RuntimeError("unflatten: only one dimension can be inferred");
    const known = sizes.reduce((a, s) => (s === -1 ? a : a * s), 1);
    const inferred = sizes.indexOf(-1);
    if (inferred >= 0 && known > 0 && x.shape[d] % known === 0) sizes[inferred] = x.shape[d] / known;
    if (sizes.some((s) => s < 0) || sizes.reduce((a, s) => a * s, 1) !== x.shape[d]) {
      throw new RuntimeError(`unflatten: Provided sizes [${this.unflattenedSize.join(", ")}] don't multiply up to the size of dim ${this.dim} (${x.shape[d]}) in the input tensor`);
    }
    return x.view([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
