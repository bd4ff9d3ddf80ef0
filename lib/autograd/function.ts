/**
 * The autograd graph: a `Node` per recorded op, made by `recordOp`. Each op file calls
 * `recordOp(name, output, inputs, backward)` right after computing its output, with the backward
 * beside the forward (micrograd's shape); `engine.ts` walks the nodes in topological order.
 *
 * Porting note: every node frees its backward after running it (unless `retain_graph`), so a
 * second backward fails even through ops that saved nothing (PyTorch fails only where saved
 * tensors are needed). There are no version counters: changing a saved tensor in place between
 * forward and backward is not detected.
 */
import { RuntimeError } from "../errors.js";
import type { GradFn, Tensor } from "../tensor/tensor.js";
import { isGradEnabled } from "./grad_mode.js";

export { isGradEnabled } from "./grad_mode.js";
export { gradBuffer } from "./grad_buffer.js";

/** One gradient per input, shaped like that input; `null` = no gradient flows there. */
export type BackwardFn = (gradOutput: Tensor) => readonly (Tensor | null)[];

/** PyTorch's message for a backward through a graph whose saved tensors were freed. */
export const SECOND_BACKWARD_MESSAGE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
  "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
  "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

/**
 * A recorded op (PyTorch's `grad_fn`). `edges[i]` is where input i's gradient goes: the node that
 * computed that input, the input itself when it is a leaf that requires grad, or `null`.
 */
export class Node implements GradFn {
  readonly #name: string;
  /** Where each input's gradient goes (fixed when the op is recorded, as in PyTorch). */
  readonly edges: (Node | Tensor | null)[];
  /** Shape of the tensor this node computed: the shape of the gradient it receives. */
  readonly shape: readonly number[];
  retained: Tensor | null = null;
  #backward: BackwardFn | null;

  constructor(name: string, shape: readonly number[], inputs: readonly (Tensor | null)[], backward: BackwardFn) {
    this.#name = name;
    this.shape = shape;
    this.#backward = backward;
    this.edges = inputs.map((t) => (t === null || !t.requiresGrad ? null : t.gradFn === null ? t : (t.gradFn as Node)));
  }

  /** PyTorch's node name, e.g. `"AddmmBackward0"`. */
  name(): string {
    return this.#name;
  }

  /** Gradients of the inputs; frees the closure (and what it saved) unless `retainGraph`. */
  apply(gradOutput: Tensor, retainGraph: boolean): readonly (Tensor | null)[] {
    const backward = this.#backward;
    if (backward === null) throw new RuntimeError(SECOND_BACKWARD_MESSAGE);
    if (!retainGraph) this.#backward = null;
    return backward(gradOutput);
  }

  toString(): string {
    return `<${this.#name}>`;
  }
}

/**
 * Records `output = op(inputs)` in the graph when grad mode is on and any input requires grad;
 * returns `output` (with `gradFn` set, `requiresGrad` true) — otherwise returns it untouched.
 * `backward(gradOutput)` returns one gradient per input, shaped like that input (null = none);
 * it runs without recording (no double backward).
 *
 * @example
 * const y = recordOp("NegBackward0", negated, [x], (g) => [neg(g)]);
 */
export function recordOp(
  name: string,
  output: Tensor,
  inputs: readonly (Tensor | null)[],
  backward: (gradOutput: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (!isGradEnabled()) return output;
  let needed = false;
  for (const t of inputs) if (t !== null && t.requiresGrad) { needed = true; break; }
  if (!needed) return output;
  output.gradFn = new Node(name, output.shape, inputs, backward);
  return output;
}
