/** PyTorch's `nn.utils.parameters_to_vector` / `vector_to_parameters`. */
import { kindOf, RuntimeError, ValueError } from "../../errors.js";
import { allocateStorage, Tensor } from "../../tensor/tensor.js";

function list(parameters: Iterable<Tensor>, fn: string): Tensor[] {
  if (!parameters || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${fn}(): parameters must be an iterable of Tensors, got ${kindOf(parameters)}`);
  }
  const out = [...parameters];
  out.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${fn}(): parameters[${i}] must be a Tensor, got ${kindOf(p)}`);
  });
  return out;
}

/**
 * All parameters flattened into one 1-d tensor (a copy), in iteration order.
 *
 * @example
 * nn.utils.parametersToVector(model.parameters()).shape; // [numParameters]
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const ps = list(parameters, "parameters_to_vector");
  const n = ps.reduce((a, p) => a + p.numel, 0);
  const out = allocateStorage(n);
  let at = 0;
  for (const p of ps) {
    out.set(p.data, at);
    at += p.numel;
  }
  return new Tensor(out, [n]);
}

/**
 * Copies slices of the 1-d `vec` into the parameters, in iteration order.
 *
 * @example
 * nn.utils.vectorToParameters(vec, model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${kindOf(vec)}`);
  if (vec.ndim !== 1) throw new ValueError(`vector_to_parameters(): expected a 1-d vector, got shape [${vec.shape.join(", ")}]`);
  const ps = list(parameters, "vector_to_parameters");
  const n = ps.reduce((a, p) => a + p.numel, 0);
  if (n !== vec.numel) throw new RuntimeError(`vector_to_parameters(): the vector has ${vec.numel} elements but the parameters need ${n}`);
  let at = 0;
  for (const p of ps) {
    p.data.set(vec.data.subarray(at, at + p.numel));
    at += p.numel;
  }
}
