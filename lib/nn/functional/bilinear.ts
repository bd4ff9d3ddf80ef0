/**
 * Bilinear map: PyTorch's `F.bilinear`, forward and backward over gemm. With the weight viewed as
 * a `(out·in1, in2)` matrix, T = x2 · Wᵀ gives T[r, k, i] = Σ_j W[k, i, j] x2[r, j], so
 * y[r, k] = Σ_i x1[r, i] T[r, k, i]; with U[r, k, i] = gy[r, k] x1[r, i] the gradients are
 * gx1[r, i] = Σ_k gy[r, k] T[r, k, i], gx2 = U · W and gW = Uᵀ · x2.
 */
import { recordOp } from "../../autograd/function.js";
import { RuntimeError } from "../../errors.js";
import { gemm } from "../../tensor/gemm.js";
import { allocateStorage, formatShape, sameShape, Tensor } from "../../tensor/tensor.js";
import { checkInput } from "./_util.js";

/**
 * y_k = x1ᵀ W_k x2 + b_k: inputs `(*, in1)` and `(*, in2)`, weight `(out, in1, in2)`.
 *
 * @example
 * F.bilinear(x1, x2, bilinear.weight, bilinear.bias).shape; // [batch, out]
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkInput(x1, "bilinear");
  checkInput(x2, "bilinear");
  const [outF, in1, in2] = weight.shape;
  if (x1.shape.length !== x2.shape.length) {
    throw new RuntimeError(`bilinear(): input dimensions do not match: got ${x1.shape.length} and ${x2.shape.length}`);
  }
  if (!sameShape(x1.shape.slice(0, -1), x2.shape.slice(0, -1))) {
    throw new RuntimeError(`bilinear(): input batch dimensions do not match: got ${formatShape(x1.shape.slice(0, -1))} and ${formatShape(x2.shape.slice(0, -1))}`);
  }
  if (x1.shape[x1.shape.length - 1] !== in1) {
    throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${x1.shape[x1.shape.length - 1]} but expected ${in1}`);
  }
  if (x2.shape[x2.shape.length - 1] !== in2) {
    throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${x2.shape[x2.shape.length - 1]} but expected ${in2}`);
  }
  const rows = x1.numel / in1;
  const ki = outF * in1;
  const t = new Float32Array(rows * ki);
  gemm(rows, ki, in2, x2.data, 0, false, weight.data, 0, true, t, 0, false);
  const yd = allocateStorage(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outF; k++) {
      let s = 0;
      const to = r * ki + k * in1;
      for (let i = 0; i < in1; i++) s += x1.data[r * in1 + i] * t[to + i];
      yd[r * outF + k] = s + (bias ? bias.data[k] : 0);
    }
  }
  const y = new Tensor(yd, [...x1.shape.slice(0, -1), outF]);
  return recordOp("BilinearBackward0", y, [x1, x2, weight, bias], (gy) => {
    const g = gy.data;
    const g1 = allocateStorage(x1.numel);
    const u = new Float32Array(rows * ki);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < in1; i++) {
        let s = 0;
        for (let k = 0; k < outF; k++) s += g[r * outF + k] * t[r * ki + k * in1 + i];
        g1[r * in1 + i] = s;
      }
      for (let k = 0; k < outF; k++) {
        const gk = g[r * outF + k];
        for (let i = 0; i < in1; i++) u[r * ki + k * in1 + i] = gk * x1.data[r * in1 + i];
      }
    }
    const g2 = allocateStorage(x2.numel);
    gemm(rows, in2, ki, u, 0, false, weight.data, 0, false, g2, 0, false);
    const gw = allocateStorage(weight.numel);
    gemm(ki, in2, rows, u, 0, true, x2.data, 0, false, gw, 0, false);
    let gb: Tensor | null = null;
    if (bias) {
      const acc = new Float64Array(outF);
      for (let r = 0; r < rows; r++) for (let k = 0; k < outF; k++) acc[k] += g[r * outF + k];
      gb = new Tensor(Float32Array.from(acc), bias.shape);
    }
    return [new Tensor(g1, x1.shape), new Tensor(g2, x2.shape), new Tensor(gw, weight.shape), gb];
  });
}
