/** PyTorch's `F.linear` (`F.bilinear` is in bilinear.ts). */
import type { Tensor } from "../../tensor/tensor.js";
import { linear as autogradLinear } from "../../autograd/ops/matmul.js";

/**
 * y = x Wᵀ + b over the last dimension: input `(*, in)`, weight `(out, in)`, output `(*, out)`.
 * Differentiable (one `gemm` forward, two backward); implemented in `lib/autograd/ops/matmul.ts`.
 *
 * @example
 * F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]])).tolist(); // [[1, 2, 3]]
 */
export const linear: (x: Tensor, weight: Tensor, bias?: Tensor | null) => Tensor = autogradLinear;
