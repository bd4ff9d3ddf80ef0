/**
 * The math of the layers, as free functions: PyTorch's `torch.nn.functional` (`F`), each
 * differentiable (its backward recorded beside its forward). Inputs are float32 tensors; sums accumulate in double and round once to float32,
 * so results agree with PyTorch to float32 precision (PyTorch's BLAS sums in another order).
 *
 * @example
 * const F = nn.functional;
 * F.relu(F.linear(x, fc.weight, fc.bias));
 */
export { linear } from "./functional/linear.js";
export { bilinear } from "./functional/bilinear.js";
export { conv1d, conv2d, convPadding } from "./functional/conv.js";
export type { ConvOptions, PaddingMode } from "./functional/conv.js";
export { embedding, toIndices } from "./functional/sparse.js";
export type { EmbeddingOptions } from "./functional/sparse.js";
export { layerNorm, batchNorm } from "./functional/normalization.js";
export type { BatchNormOptions } from "./functional/normalization.js";
export { dropout, checkDropoutP } from "./functional/dropout.js";
export { relu, gelu, tanh, sigmoid, silu, leakyRelu, elu, softmax, logSoftmax } from "./functional/activation.js";
export type { GeluApproximate } from "./functional/activation.js";
export { flatten } from "./functional/shape.js";
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool2d } from "./functional/pooling.js";
export type { PoolOptions } from "./functional/pooling.js";
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
} from "./functional/loss.js";
export type {
  Reduction, ReductionOptions, SmoothL1Options, HuberOptions, NLLOptions, CrossEntropyOptions, BCEOptions, BCEWithLogitsOptions,
} from "./functional/loss.js";
