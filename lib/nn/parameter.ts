import { kindOf, ValueError } from "../errors.js";
import { formatShape, sameShape, Tensor } from "../tensor/tensor.js";

/**
 * A tensor that is a module's learnable weight: PyTorch's `nn.Parameter`. It shares storage with
 * the tensor it wraps, carries a gradient slot and a `requiresGrad` flag (false = frozen).
 *
 * @example
 * const w = new nn.Parameter(zeros(3, 4));
 * w.grad = ones(3, 4);   // shape-checked
 * w.requiresGrad = false; // frozen
 */
export class Parameter extends Tensor {
  /** Whether the optimizer should train this parameter (`false` = frozen). */
  requiresGrad: boolean;
  #grad: Tensor | null = null;

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

  /** The gradient, or `null` when none was computed (the optimizer then skips this parameter). */
  get grad(): Tensor | null {
    return this.#grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) {
      throw new TypeError(`assigned grad expected to be a Tensor or null, got ${kindOf(g)}`);
    }
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new ValueError(
        `assigned grad has data of a different size: got shape ${formatShape(g.shape)}, expected ${formatShape(this.shape)}`,
      );
    }
    this.#grad = g;
  }

  /** Sets `requiresGrad` in place and returns this parameter (PyTorch's `requires_grad_()`). */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** A new parameter with copied storage and the same `requiresGrad`. */
  override clone(): Parameter {
    return new Parameter(super.clone(), this.requiresGrad);
  }

  /** PyTorch's printed form: `Parameter containing:` then the tensor with `requires_grad`. */
  override toString(): string {
    const body = super.toString();
    const suffix = this.requiresGrad ? ", requires_grad=True)" : ")";
    return `Parameter containing:\n${body.slice(0, -1)}${suffix}`;
  }
}
