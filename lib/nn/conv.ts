import { describeValue, ValueError } from "../errors.js";
import { Tensor, zeros } from "../tensor/tensor.js";
import * as F from "./functional.js";
import * as init from "./init.js";
import { checkPositiveInt, Module } from "./module.js";
import { pyOption } from "./_options.js";
import { Parameter } from "./parameter.js";
import { pyStr, pyTuple } from "./_repr.js";

const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"] as const;

/** Keyword arguments of `Conv1d` / `Conv2d`, PyTorch's names. */
export interface ConvArgs {
  stride?: number | number[];
  /** An int, one int per dimension, `"valid"` (no padding) or `"same"` (output size = input size). */
  padding?: number | number[] | "valid" | "same";
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  /** How the input is padded: `"zeros"` (default), `"reflect"`, `"replicate"` or `"circular"`. */
  padding_mode?: F.PaddingMode;
  /** @deprecated Use `padding_mode` (PyTorch's name). */
  paddingMode?: F.PaddingMode;
}

function toTuple(v: unknown, n: number, what: string, layer: string, min: number): number[] {
  const arr = typeof v === "number" ? new Array(n).fill(v) : Array.isArray(v) ? [...v] : null;
  if (!arr || arr.length !== n || arr.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < min)) {
    const expected = min === 0 ? "non-negative" : "positive";
    throw new ValueError(`${layer}: ${what} must be a ${expected} integer or a list of ${n} ${expected} integers, got ${describeValue(v)}`);
  }
  return arr;
}

/**
 * Shared part of the convolution layers (PyTorch's `_ConvNd`): argument checks with PyTorch's
 * messages, parameters, initialisation and `extraRepr`.
 *
 * @example
 * model.modules().filter((m) => m instanceof nn.ConvNd).length; // number of conv layers
 */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "valid" | "same";
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: F.PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(dims: number, inChannels: number, outChannels: number, kernelSize: number | number[], args: ConvArgs) {
    super();
    const layer = `Conv${dims}d`;
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = args;
    const paddingMode = pyOption(args, "padding_mode", "paddingMode", layer) ?? "zeros";
    this.inChannels = checkPositiveInt(inChannels, "in_channels", layer);
    this.outChannels = checkPositiveInt(outChannels, "out_channels", layer);
    if (typeof groups !== "number" || !Number.isInteger(groups) || groups <= 0) {
      throw new ValueError(`groups must be a positive integer (got ${describeValue(groups)})`);
    }
    if (inChannels % groups !== 0) throw new ValueError(`in_channels must be divisible by groups (got in_channels=${inChannels}, groups=${groups})`);
    if (outChannels % groups !== 0) throw new ValueError(`out_channels must be divisible by groups (got out_channels=${outChannels}, groups=${groups})`);
    this.kernelSize = toTuple(kernelSize, dims, "kernel_size", layer, 1);
    this.stride = toTuple(stride, dims, "stride", layer, 1);
    this.dilation = toTuple(dilation, dims, "dilation", layer, 1);
    if (typeof padding === "string") {
      if (padding !== "valid" && padding !== "same") {
        throw new ValueError(`Invalid padding string ${pyStr(padding)}, should be one of {'valid', 'same'}`);
      }
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new ValueError("padding='same' is not supported for strided convolutions");
      }
      this.padding = padding;
    } else {
      this.padding = toTuple(padding, dims, "padding", layer, 0);
    }
    if (!(PADDING_MODES as readonly string[]).includes(paddingMode)) {
      throw new ValueError(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode=${pyStr(String(paddingMode))}`);
    }
    this.groups = groups;
    this.paddingMode = paddingMode;
    if (typeof bias !== "boolean") throw new TypeError(`${layer}: bias must be a boolean, got ${describeValue(bias)}`);
    this.weight = new Parameter(zeros(outChannels, inChannels / groups, ...this.kernelSize));
    this.bias = bias ? new Parameter(zeros(outChannels)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default initialisation (Kaiming uniform, a = √5). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  protected convOptions(): F.ConvOptions {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, padding_mode: this.paddingMode };
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 1-d convolution over `(N, C_in, L)` (or unbatched `(C_in, L)`), PyTorch's `nn.Conv1d`.
 *
 * @example
 * const conv = new nn.Conv1d(4, 8, 3, { padding: 1, padding_mode: "reflect" });
 * conv.forward(randn(2, 4, 10)).shape; // [2, 8, 10]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number], args: ConvArgs = {}) {
    super(1, inChannels, outChannels, kernelSize, args);
  }

  override forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, this.convOptions());
  }
}

/**
 * 2-d convolution over `(N, C_in, H, W)` (or unbatched `(C_in, H, W)`), PyTorch's `nn.Conv2d`.
 *
 * @example
 * const conv = new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1 });
 * conv.toString(); // "Conv2d(3, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))"
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], args: ConvArgs = {}) {
    super(2, inChannels, outChannels, kernelSize, args);
  }

  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, this.convOptions());
  }
}
