import { describeValue, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { pyOption } from "./_options.js";
import { pyBool, pyTuple } from "./_repr.js";

/** An int or a tuple, printed as PyTorch prints what was given. */
function show(v: number | number[]): string {
  return typeof v === "number" ? String(v) : pyTuple(v);
}

function checkSize(v: unknown, what: string, layer: string, min: number): number | number[] {
  const ok = (d: unknown) => typeof d === "number" && Number.isInteger(d) && d >= min;
  if (ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok))) return v as number | number[];
  throw new ValueError(`${layer}: ${what} must be ${min === 0 ? "a non-negative" : "a positive"} integer or a list of them, got ${describeValue(v)}`);
}

/** A boolean option, or PyTorch-like TypeError naming it. */
function checkBool(v: unknown, what: string, layer: string): boolean {
  if (typeof v !== "boolean") throw new TypeError(`${layer}: ${what} must be a boolean, got ${describeValue(v)}`);
  return v;
}

/** Keyword arguments of the max pools, PyTorch's names. */
export interface MaxPoolArgs {
  stride?: number | number[] | null;
  padding?: number | number[];
  dilation?: number | number[];
  /** Round the output size up (default false). */
  ceil_mode?: boolean;
  /** @deprecated Use `ceil_mode` (PyTorch's name). */
  ceilMode?: boolean;
}

abstract class MaxPoolNd extends Module {
  readonly kernelSize: number | number[];
  readonly stride: number | number[];
  readonly padding: number | number[];
  readonly dilation: number | number[];
  readonly ceilMode: boolean;

  constructor(kernelSize: number | number[], args: MaxPoolArgs, layer: string) {
    super();
    this.kernelSize = checkSize(kernelSize, "kernel_size", layer, 1);
    this.stride = args.stride === undefined || args.stride === null ? this.kernelSize : checkSize(args.stride, "stride", layer, 1);
    this.padding = checkSize(args.padding ?? 0, "padding", layer, 0);
    this.dilation = checkSize(args.dilation ?? 1, "dilation", layer, 1);
    this.ceilMode = checkBool(pyOption(args, "ceil_mode", "ceilMode", layer) ?? false, "ceil_mode", layer);
  }

  protected options(): F.PoolOptions {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceil_mode: this.ceilMode };
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * Max over sliding windows of `(N, C, L)`.
 *
 * @example
 * new nn.MaxPool1d(2).forward(randn(1, 4, 10)).shape; // [1, 4, 5]
 */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: number | [number], args: MaxPoolArgs = {}) {
    super(kernelSize, args, "MaxPool1d");
  }

  override forward(x: Tensor): Tensor {
    return F.maxPool1d(x, this.kernelSize, this.options());
  }
}

/**
 * Max over sliding windows of `(N, C, H, W)`.
 *
 * @example
 * new nn.MaxPool2d(2).toString(); // "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: number | [number, number], args: MaxPoolArgs = {}) {
    super(kernelSize, args, "MaxPool2d");
  }

  override forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.options());
  }
}

/** Keyword arguments of the average pools, PyTorch's names. */
export interface AvgPoolArgs {
  stride?: number | number[] | null;
  padding?: number | number[];
  /** Round the output size up (default false). */
  ceil_mode?: boolean;
  /** Count the zero padding in each window's divisor (default true). */
  count_include_pad?: boolean;
  /** @deprecated Use `ceil_mode` (PyTorch's name). */
  ceilMode?: boolean;
  /** @deprecated Use `count_include_pad` (PyTorch's name). */
  countIncludePad?: boolean;
}

/**
 * Mean over sliding windows of `(N, C, L)`.
 *
 * @example
 * new nn.AvgPool1d(3, { stride: 1, padding: 1, count_include_pad: false }).toString(); // "AvgPool1d(kernel_size=(3,), stride=(1,), padding=(1,))"
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: number | [number], args: AvgPoolArgs = {}) {
    super();
    const one = (v: number | number[]) => (typeof v === "number" ? [v] : v);
    this.kernelSize = one(checkSize(kernelSize, "kernel_size", "AvgPool1d", 1));
    this.stride = args.stride === undefined || args.stride === null ? this.kernelSize : one(checkSize(args.stride, "stride", "AvgPool1d", 1));
    this.padding = one(checkSize(args.padding ?? 0, "padding", "AvgPool1d", 0));
    this.ceilMode = checkBool(pyOption(args, "ceil_mode", "ceilMode", "AvgPool1d") ?? false, "ceil_mode", "AvgPool1d");
    this.countIncludePad = checkBool(pyOption(args, "count_include_pad", "countIncludePad", "AvgPool1d") ?? true, "count_include_pad", "AvgPool1d");
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceil_mode: this.ceilMode, count_include_pad: this.countIncludePad });
  }

  override extraRepr(): string {
    // PyTorch stores AvgPool1d's arguments as 1-tuples, so they print as (3,).
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/**
 * Mean over sliding windows of `(N, C, H, W)`.
 *
 * @example
 * new nn.AvgPool2d(2).forward(randn(1, 3, 8, 8)).shape; // [1, 3, 4, 4]
 */
export class AvgPool2d extends Module {
  readonly kernelSize: number | number[];
  readonly stride: number | number[];
  readonly padding: number | number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: number | [number, number], args: AvgPoolArgs = {}) {
    super();
    this.kernelSize = checkSize(kernelSize, "kernel_size", "AvgPool2d", 1);
    this.stride = args.stride === undefined || args.stride === null ? this.kernelSize : checkSize(args.stride, "stride", "AvgPool2d", 1);
    this.padding = checkSize(args.padding ?? 0, "padding", "AvgPool2d", 0);
    this.ceilMode = checkBool(pyOption(args, "ceil_mode", "ceilMode", "AvgPool2d") ?? false, "ceil_mode", "AvgPool2d");
    this.countIncludePad = checkBool(pyOption(args, "count_include_pad", "countIncludePad", "AvgPool2d") ?? true, "count_include_pad", "AvgPool2d");
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceil_mode: this.ceilMode, count_include_pad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/**
 * Averages each channel onto an `outputSize` grid whatever the input size (`null` keeps that
 * dimension); `AdaptiveAvgPool2d(1)` is global average pooling.
 *
 * @example
 * new nn.AdaptiveAvgPool2d([1, 1]).forward(randn(2, 16, 7, 7)).shape; // [2, 16, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | (number | null)[];

  constructor(outputSize: number | [number | null, number | null]) {
    super();
    const ok = (d: unknown) => d === null || (typeof d === "number" && Number.isInteger(d) && d > 0);
    if (!(typeof outputSize === "number" ? ok(outputSize) : Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every(ok))) {
      throw new ValueError(`AdaptiveAvgPool2d: output_size must be a positive integer or a pair of positive integers / null, got ${describeValue(outputSize)}`);
    }
    this.outputSize = outputSize;
  }

  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === "number" ? o : `(${o.map((d) => (d === null ? "None" : String(d))).join(", ")})`}`;
  }
}
