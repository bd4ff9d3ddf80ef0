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
import { shapeNumel, Tensor, type GradFn } from "../tensor/tensor.js";
import { isGradEnabled } from "./grad_mode.js";

export { isGradEnabled } from "./grad_mode.js";

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

/** Gradients that only the engine holds (see `gradBuffer`). */
const unshared = new WeakSet<Tensor>();

/**
 * A zeroed gradient tensor for a backward to fill and return at exactly one input. The engine may
 * keep it as a leaf's `.grad` or add into it in place instead of copying (PyTorch's
 * AccumulateGrad steals such buffers too).
 *
 * Always ordinary memory, never the shared wasm memory (storage.ts): wasm blocks are freed only
 * when the event loop turns, so a synchronous training loop that made its gradients there would
 * take fresh memory every step (fresh pages are very slow on some VMs), while ordinary buffers
 * are recycled by the allocator as soon as the garbage collector drops them.
 *
 * @example
 * const gx = gradBuffer(x.shape); // fill gx.data, then return it from the backward
 */
export function gradBuffer(shape: readonly number[]): Tensor {
  const t = new Tensor(new Float32Array(shapeNumel(shape)), shape);
  unshared.add(t);
  return t;
}

/** True for a tensor made by `gradBuffer` that no one has claimed: only the engine holds it. */
export function isGradBuffer(t: Tensor): boolean {
  return unshared.has(t);
}

/** True once for an unclaimed `gradBuffer` tensor: the caller now owns it (e.g. as a `.grad`). */
export function claimGradBuffer(t: Tensor): boolean {
  return unshared.delete(t);
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
