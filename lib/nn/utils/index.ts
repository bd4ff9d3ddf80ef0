/**
 * PyTorch's `torch.nn.utils`: gradient clipping and flat parameter vectors.
 *
 * @example
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 */
export { clipGradNorm_, clipGradValue_ } from "./clip_grad.js";
export type { ClipGradNormOptions, TensorOrTensors } from "./clip_grad.js";
export { parametersToVector, vectorToParameters } from "./convert_parameters.js";
