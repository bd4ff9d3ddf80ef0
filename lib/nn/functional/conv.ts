/** Convolutions: PyTorch's `F.conv1d`, `F.conv2d`, with `zeros` / `reflect` / `replicate` / `circular` padding. */
import { describeValue, RuntimeError, ValueError } from "../../errors.js";
import { formatShape, Tensor } from "../../tensor/tensor.js";
import { checkInput, out } from "./_util.js";

/** Padding modes of the conv layers, PyTorch's names. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/**
 * Pads the last two dimensions of `(N, C, H, W)` by `[top, bottom, left, right]`
 * (`reflect`, `replicate` or `circular`; zeros are handled inside the convolution).
 */
function padSpatial(x: Tensor, [pt, pb, pl, pr]: number[], mode: Exclude<PaddingMode, "zeros">): Tensor {
  const [n, c, h, w] = x.shape;
  if (mode === "reflect" && (pt >= h || pb >= h || pl >= w || pr >= w) && (pt || pb || pl || pr)) {
    throw new RuntimeError(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${pl}, ${pr}) at dimension 3 of input ${formatShape(x.shape)}`);
  }
  if (mode === "circular" && (pt > h || pb > h || pl > w || pr > w)) {
    throw new RuntimeError(`Padding value causes wrapping around more than once (input ${formatShape(x.shape)}).`);
  }
  const H = h + pt + pb;
  const W = w + pl + pr;
  const y = out([n, c, H, W]);
  const src = (i: number, len: number): number => {
    if (mode === "replicate") return Math.min(Math.max(i, 0), len - 1);
    if (mode === "circular") return ((i % len) + len) % len;
    // reflect, without repeating the edge
    let k = i;
    while (k < 0 || k >= len) k = k < 0 ? -k : 2 * (len - 1) - k;
    return k;
  };
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < H; i++) {
      const si = src(i - pt, h);
      for (let j = 0; j < W; j++) y.data[(p * H + i) * W + j] = x.data[(p * h + si) * w + src(j - pl, w)];
    }
  }
  return y;
}

/** Arguments of `conv1d` / `conv2d` after normalisation (2-d form). */
interface Conv2dArgs {
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

function conv2dCore(x: Tensor, weight: Tensor, bias: Tensor | null, a: Conv2dArgs, fn: string, dims: number): Tensor {
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  const [sh, sw] = a.stride;
  const [pt, , pl] = a.padding;
  const [dh, dw] = a.dilation;
  const g = a.groups;
  if (c !== cg * g) {
    const shown = dims === 1 ? [n, c, w] : [n, c, h, w];
    const wShown = dims === 1 ? [o, cg, kw] : [o, cg, kh, kw];
    throw new RuntimeError(
      `Given groups=${g}, weight of size ${formatShape(wShown)}, expected input${formatShape(shown)} to have ${cg * g} channels, but got ${c} channels instead`,
    );
  }
  const hp = h + a.padding[0] + a.padding[1];
  const wp = w + a.padding[2] + a.padding[3];
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  if (hp < ekh || wp < ekw) {
    const padded = dims === 1 ? `${wp}` : `${hp} x ${wp}`;
    const kernel = dims === 1 ? `${ekw}` : `${ekh} x ${ekw}`;
    throw new RuntimeError(`Calculated padded input size per channel: (${padded}). Kernel size: (${kernel}). Kernel size can't be greater than actual input size`);
  }
  const oh = Math.floor((hp - ekh) / sh) + 1;
  const ow = Math.floor((wp - ekw) / sw) + 1;
  const y = out([n, o, oh, ow]);
  const og = o / g;
  const xd = x.data;
  const wd = weight.data;
  const yd = y.data;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const grp = Math.floor(oc / og);
      const base = bias ? bias.data[oc] : 0;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let s = base;
          for (let ic = 0; ic < cg; ic++) {
            const xc = ((b * c + grp * cg + ic) * h) * w;
            const wc = ((oc * cg + ic) * kh) * kw;
            for (let u = 0; u < kh; u++) {
              const yi = i * sh - pt + u * dh;
              if (yi < 0 || yi >= h) continue;
              for (let v = 0; v < kw; v++) {
                const xj = j * sw - pl + v * dw;
                if (xj < 0 || xj >= w) continue;
                s += xd[xc + yi * w + xj] * wd[wc + u * kw + v];
              }
            }
          }
          yd[((b * o + oc) * oh + i) * ow + j] = s;
        }
      }
    }
  }
  return y;
}

/** Options of `conv1d` / `conv2d`, PyTorch's arguments; `padding` may be `"valid"` or `"same"`. */
export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[] | "valid" | "same";
  dilation?: number | number[];
  groups?: number;
  paddingMode?: PaddingMode;
}

function tuple(v: number | number[] | undefined, n: number, dflt: number, what: string): number[] {
  if (v === undefined) return new Array(n).fill(dflt);
  const arr = typeof v === "number" ? new Array(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((d) => typeof d !== "number" || !Number.isInteger(d))) {
    throw new ValueError(`${what} must be an integer or a list of ${n} integers, got ${describeValue(v)}`);
  }
  return arr;
}

/**
 * Padding per side `[before, after]` for each spatial dimension; `"same"` splits odd totals PyTorch's way.
 *
 * @example
 * F.convPadding("same", [4], [1]); // [[1, 2]]
 */
export function convPadding(padding: ConvOptions["padding"], kernel: number[], dilation: number[]): number[][] {
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      const left = Math.floor(total / 2);
      return [left, total - left];
    });
  }
  return tuple(padding as number | number[] | undefined, kernel.length, 0, "padding").map((p) => [p, p]);
}

function convNd(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions, dims: 1 | 2): Tensor {
  const fn = `conv${dims}d`;
  checkInput(x, fn);
  if (x.shape.length !== dims + 1 && x.shape.length !== dims + 2) {
    const names = dims === 1 ? ["2D", "3D"] : ["3D", "4D"];
    throw new RuntimeError(`Expected ${names[0]} (unbatched) or ${names[1]} (batched) input to ${fn}, but got input of size: ${formatShape(x.shape)}`);
  }
  const unbatched = x.shape.length === dims + 1;
  const kernel = weight.shape.slice(2);
  const stride = tuple(options.stride, dims, 1, "stride");
  const dilation = tuple(options.dilation, dims, 1, "dilation");
  const groups = options.groups ?? 1;
  const pads = convPadding(options.padding, kernel, dilation);
  let x4 = x.view([...(unbatched ? [1] : []), ...x.shape]);
  if (dims === 1) x4 = x4.view(x4.shape[0], x4.shape[1], 1, x4.shape[2]);
  let pad4 = dims === 1 ? [0, 0, pads[0][0], pads[0][1]] : [pads[0][0], pads[0][1], pads[1][0], pads[1][1]];
  const mode = options.paddingMode ?? "zeros";
  if (mode !== "zeros" && pad4.some((p) => p > 0)) {
    x4 = padSpatial(x4, pad4, mode);
    pad4 = [0, 0, 0, 0];
  }
  const w4 = dims === 1 ? weight.view(weight.shape[0], weight.shape[1], 1, weight.shape[2]) : weight;
  const args: Conv2dArgs = {
    stride: dims === 1 ? [1, stride[0]] : [stride[0], stride[1]],
    padding: pad4 as [number, number, number, number],
    dilation: dims === 1 ? [1, dilation[0]] : [dilation[0], dilation[1]],
    groups,
  };
  const y = conv2dCore(x4, w4, bias, args, fn, dims);
  const shape = dims === 1 ? [y.shape[0], y.shape[1], y.shape[3]] : y.shape;
  return y.view(unbatched ? shape.slice(1) : shape);
}

/**
 * 1-d convolution: input `(N, C_in, L)` or `(C_in, L)`, weight `(C_out, C_in / groups, k)`.
 *
 * @example
 * F.conv1d(randn(2, 4, 10), conv.weight, conv.bias, { stride: 2, padding: 1 }).shape;
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, options, 1);
}

/**
 * 2-d convolution: input `(N, C_in, H, W)` or `(C_in, H, W)`, weight `(C_out, C_in / groups, kH, kW)`.
 *
 * @example
 * F.conv2d(randn(1, 3, 8, 8), conv.weight, null, { padding: "same" }).shape; // [1, C_out, 8, 8]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(x, weight, bias, options, 2);
}
