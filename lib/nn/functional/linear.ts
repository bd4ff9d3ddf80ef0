/** Linear maps: PyTorch's `F.linear`, `F.bilinear`. */
import { RuntimeError } from "../../errors.js";
import { formatShape, sameShape, Tensor } from "../../tensor/tensor.js";
import { linear as autogradLinear } from "../../autograd/ops/matmul.js";
import { checkInput, out } from "./_util.js";

/**
 * y = x Wᵀ + b over the last dimension: input `(*, in)`, weight `(out, in)`, output `(*, out)`.
 * Differentiable (one `gemm` forward, two backward); implemented in `lib/autograd/ops/matmul.ts`.
 *
 * @example
 * F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]])).tolist(); // [[1, 2, 3]]
 */
export const linear: (x: Tensor, weight: Tensor, bias?: Tensor | null) => Tensor = autogradLinear;

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
  const y = out([...x1.shape.slice(0, -1), outF]);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outF; k++) {
      let s = 0;
      for (let i = 0; i < in1; i++) {
        const a = x1.data[r * in1 + i];
        if (a === 0) continue;
        let t = 0;
        const wo = (k * in1 + i) * in2;
        for (let j = 0; j < in2; j++) t += weight.data[wo + j] * x2.data[r * in2 + j];
        s += a * t;
      }
      y.data[r * outF + k] = s + (bias ? bias.data[k] : 0);
    }
  }
  return y;
}
