import { kindOf } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import "../autograd/index.js";

/**
 * A tensor that is a module's learnable weight: PyTorch's `nn.Parameter`. It shares storage with
 * the tensor it wraps and requires grad by default (`requiresGrad = false` freezes it). The
 * gradient slot (`grad`, shape-checked) is the one every `Tensor` has.
 *
 * @example
 * const w = new nn.Parameter(zeros(3, 4));
 * w.grad = ones(3, 4);   // shape-checked
 * w.requiresGrad = false; // frozen
 */
export class Parameter extends Tensor {
  constructor(t: Tensor, requiresGrad = true) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`Parameter() expects a Tensor, got ${kindOf(t)}`);
    }
    if (typeof requiresGrad !== "boolean") {
      throw new TypeError(`Parameter(): requiresGrad must be a boolean, got ${kindOf(requiresGrad)}`);
    }
    super(t.data, t.shape);
    this.requiresGrad = requiresGrad;
  }

  /** A new parameter with copied storage and the same `requiresGrad`. */
  override clone(): Parameter {
    return new Parameter(super.clone(), this.requiresGrad);
  }

  /** PyTorch's printed form: `Parameter containing:` then the tensor with `requires_grad`. */
  override toString(): string {
    const body = `tensor(${this.detach().toString().slice("tensor(".length, -1)})`;
    const suffix = this.requiresGrad ? ", requires_grad=True)" : ")";
    return `Parameter containing:\n${body.slice(0, -1)}${suffix}`;
  }
}
