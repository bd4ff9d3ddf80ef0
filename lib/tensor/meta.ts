/**
 * Shape-only ("meta") tensors and dtype tags.
 *
 * A meta tensor has a shape and a dtype but no storage, like a PyTorch tensor on device "meta":
 * it is what `safetensors.load(path, { meta: true })` returns, so that the parameter groups,
 * summaries and memory estimates of a 7-billion-parameter checkpoint can be explored without
 * reading (or allocating) its 13 GB of values. Anything that needs values — `data`, printing
 * values, `clone()`, `copy_()`, arithmetic — throws a `RuntimeError` naming the tensor.
 *
 * Porting note: paramlab stores every value as float32. A tensor loaded from a checkpoint with
 * another dtype carries that dtype as a tag (`t.dtype === "int64"`), and its values are exact:
 * floats are rounded to float32 on load, and integers that float32 cannot represent exactly are
 * rejected by the loader. Operations return float32 tensors.
 */
import { describeValue, RuntimeError, ValueError } from "../errors.js";
import { formatTensorData } from "./format.js";
import { checkShape, formatShape, shapeNumel, Tensor, type DType } from "./tensor.js";

/** Bytes per element of each dtype (PyTorch's `element_size()`). */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** True for the integer and bool dtypes (their values are kept exactly). */
export function isIntegerDType(dtype: DType): boolean {
  return dtype !== "float32" && dtype !== "float64" && dtype !== "float16" && dtype !== "bfloat16";
}

/** Checks a dtype name. */
export function checkDType(dtype: unknown): DType {
  if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES)) {
    throw new ValueError(`unknown dtype ${describeValue(dtype)} (expected one of ${Object.keys(DTYPE_BYTES).join(", ")})`);
  }
  return dtype as DType;
}

/**
 * Bytes a tensor takes in its own dtype: `numel × element size` (a meta tensor included).
 *
 * @example
 * tensorBytes(metaTensor([4096, 4096], "bfloat16")); // 33554432
 */
export function tensorBytes(t: Tensor): number {
  return t.numel * DTYPE_BYTES[t.dtype];
}

/** The message for a value access on a meta tensor. */
export function metaAccessMessage(name: string, shape: readonly number[], dtype: DType, what = "the values"): string {
  return (
    `Cannot read ${what} of meta tensor ${name ? `"${name}"` : "(unnamed)"} (shape ${formatShape(shape)}, dtype ${dtype}): ` +
    `it has a shape but no storage (loaded with { meta: true }). Load the checkpoint without meta to get values.`
  );
}

/** PyTorch's `_add_suffixes` (torch/_tensor_str.py): `, suffix` or a new line past 80 columns. */
function addSuffixes(head: string, suffixes: readonly string[], indent: number): string {
  const parts = [head];
  let last = head.length - head.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (last + suffix.length + 2 > 80) {
      parts.push(",\n" + " ".repeat(indent) + suffix);
      last = indent + suffix.length;
    } else {
      parts.push(", " + suffix);
      last += suffix.length + 2;
    }
  }
  return parts.join("") + ")";
}

/**
 * Turns `t` (a fresh tensor or parameter) into a meta tensor of `shape` and `dtype`, in place.
 * `name` is used in error messages. Returns `t`.
 */
export function makeMeta<T extends Tensor>(t: T, shape: readonly number[], dtype: DType, name = ""): T {
  const checked = checkShape(shape);
  checkDType(dtype);
  const numel = shapeNumel(checked);
  Object.defineProperty(t, "data", {
    get(): never {
      throw new RuntimeError(metaAccessMessage(name, checked, dtype));
    },
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(t, "shape", { value: checked, enumerable: true, configurable: true, writable: false });
  Object.defineProperty(t, "dtype", { value: dtype, enumerable: true, configurable: true, writable: false });
  Object.defineProperty(t, "numel", { value: numel, enumerable: false, configurable: true, writable: false });
  Object.defineProperty(t, "isMeta", { value: true, enumerable: false, configurable: true, writable: false });
  // PyTorch: `tensor(..., device='meta', size=(4, 3), dtype=torch.bfloat16)`; a parameter adds
  // "Parameter containing:" and requires_grad, as `print(nn.Parameter(meta))` does.
  Object.defineProperty(t, "toString", {
    value(this: Tensor & { requiresGrad?: boolean }): string {
      const suffixes = [`device='meta'`, `size=(${checked.join(", ")}${checked.length === 1 ? "," : ""})`];
      if (dtype !== "float32") suffixes.push(`dtype=torch.${dtype}`);
      const isParam = typeof this.requiresGrad === "boolean" && this.constructor.name === "Parameter";
      if (isParam && this.requiresGrad) suffixes.push("requires_grad=True");
      const body = addSuffixes("tensor(...", suffixes, "tensor(".length);
      return isParam ? `Parameter containing:\n${body}` : body;
    },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return t;
}

/**
 * A shape-only tensor: PyTorch's `torch.empty(shape, dtype=dtype, device="meta")`.
 *
 * @example
 * const w = metaTensor([4096, 11008], "bfloat16", "mlp.up_proj.weight");
 * w.numel;  // 45088768
 * w.data;   // throws: Cannot read its values of meta tensor "mlp.up_proj.weight" ...
 */
export function metaTensor(shape: readonly number[], dtype: DType = "float32", name = ""): Tensor {
  return makeMeta(new Tensor(new Float32Array(0), [0]), shape, dtype, name);
}

/**
 * Tags a tensor that holds values with the dtype it was loaded as (`"int64"`, ...), in place.
 *
 * @example
 * withDType(tensor([0, 1, 2]), "int64").dtype; // "int64"
 */
export function withDType<T extends Tensor>(t: T, dtype: DType): T {
  checkDType(dtype);
  if (dtype !== "float32") Object.defineProperty(t, "dtype", { value: dtype, enumerable: true, configurable: true, writable: false });
  if (isIntegerDType(dtype)) {
    // PyTorch prints integers without a decimal point (`tensor([0, 1])`), bools as True / False,
    // and names every integer dtype but int64 (the default) in a suffix.
    Object.defineProperty(t, "toString", {
      value(this: Tensor): string {
        let body = formatTensorData(this.data, this.shape, "tensor(".length);
        body = dtype === "bool" ? body.replace(/([01])\./g, (_, d: string) => (d === "1" ? " True" : "False")) : body.replace(/(\d)\.(?=[\s,\]]|$)/g, "$1");
        return addSuffixes(`tensor(${body}`, dtype === "int64" || dtype === "bool" ? [] : [`dtype=torch.${dtype}`], "tensor(".length);
      },
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return t;
}
