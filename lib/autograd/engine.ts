/**
 * The backward pass: one topological walk over the recorded nodes, from the output back to the
 * leaves, summing the gradients that meet at a node and accumulating into each leaf's `.grad`.
 */
import { RuntimeError } from "../errors.js";
import { formatShape, sameShape, Tensor } from "../tensor/tensor.js";
import { Node } from "./function.js";
import { claimGradBuffer, gradBuffer, isGradBuffer, recycleGradBuffer } from "./grad_buffer.js";
import { withGradMode } from "./grad_mode.js";

/** Options of `Tensor.backward`, PyTorch's keyword names. */
export interface BackwardOptions {
  /** Keep the graph's saved values so backward can run through it again. Default false. */
  retain_graph?: boolean;
}

/** Nodes reachable from `root`, each after every node that feeds it a gradient. */
function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>([root]);
  // Iterative post-order DFS: deep graphs (long training loops) must not overflow the stack.
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.edges.length) {
      top[1] = i + 1;
      const next = node.edges[i];
      if (next instanceof Node && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/** Whether two tensors may share storage (the same array, or views of one buffer). */
function sharesStorage(a: Tensor, b: Tensor): boolean {
  return a.data === b.data || a.data.buffer === b.data.buffer;
}

/**
 * `a + b` for gradients meeting at a node: into `a` when only the engine holds it, else into fresh
 * storage (never touching a tensor someone else may hold).
 */
function sumGrads(a: Tensor, b: Tensor): Tensor {
  const x = a.data;
  const y = b.data;
  if (isGradBuffer(a)) {
    for (let i = 0; i < x.length; i++) x[i] += y[i];
    recycleGradBuffer(b);
    return a;
  }
  const out = gradBuffer(a.shape);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + y[i];
  recycleGradBuffer(b);
  return out;
}

/**
 * Adds `g` into `t.grad` (PyTorch's AccumulateGrad): the first time `g` itself when only the
 * engine holds it (`gradBuffer`), else a copy; in place after.
 */
function accumulate(t: Tensor, g: Tensor): void {
  const current = t.grad;
  if (current === null) {
    if (claimGradBuffer(g)) {
      t.grad = g;
      return;
    }
    // Ordinary memory, as gradBuffer explains.
    t.grad = new Tensor(Float32Array.from(g.data), t.shape);
    return;
  }
  const d = current.data;
  const s = g.data;
  for (let i = 0; i < d.length; i++) d[i] += s[i];
}

/**
 * Computes the gradient of `root` with respect to every leaf that requires grad, accumulating into
 * the leaves' `.grad` (PyTorch's `tensor.backward(gradient, retain_graph=...)`).
 */
export function runBackward(root: Tensor, gradient: Tensor | null | undefined, options: BackwardOptions = {}): void {
  if (!(root instanceof Tensor)) throw new TypeError(`backward() expects a Tensor`);
  if (!root.requiresGrad) throw new RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn");
  let g: Tensor;
  if (gradient === undefined || gradient === null) {
    if (root.numel !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
    g = gradBuffer(root.shape);
    g.data[0] = 1;
  } else {
    if (!(gradient instanceof Tensor)) throw new TypeError(`backward(): gradient must be a Tensor or null, got ${typeof gradient}`);
    if (!sameShape(gradient.shape, root.shape)) {
      throw new RuntimeError(
        `Mismatch in shape: grad_output[0] has a shape of torch.Size(${formatShape(gradient.shape)}) and output[0] has a shape of torch.Size(${formatShape(root.shape)}).`,
      );
    }
    g = gradient;
  }
  const retainGraph = options.retain_graph ?? false;
  if (typeof retainGraph !== "boolean") throw new TypeError(`backward(): retain_graph must be a boolean, got ${typeof retainGraph}`);
  withGradMode(false, () => {
    if (root.gradFn === null) {
      accumulate(root, g);
      return;
    }
    const start = root.gradFn as Node;
    const pending = new Map<Node, Tensor>([[start, g]]);
    for (const node of topologicalOrder(start)) {
      const gradOut = pending.get(node);
      if (gradOut === undefined) continue;
      pending.delete(node);
      if (node.retained !== null) accumulate(node.retained, gradOut);
      const grads = node.apply(gradOut, retainGraph);
      // gradOut is dead now unless passed on (AddBackward's g, a reshape's view): then its holder
      // changes and it is not recycled. One buffer returned at two inputs has two holders: unmark it.
      const own = isGradBuffer(gradOut);
      let passedOn = false;
      for (let i = 0; i < grads.length; i++) {
        const gi = grads[i];
        if (gi === null || gi === undefined) continue;
        if (own && !passedOn && sharesStorage(gi, gradOut)) passedOn = true;
        if (!isGradBuffer(gi)) continue;
        for (let j = 0; j < grads.length; j++) {
          const gj = grads[j];
          if (j !== i && gj !== null && gj !== undefined && sharesStorage(gi, gj)) claimGradBuffer(gi);
        }
      }
      if (own && !passedOn) recycleGradBuffer(gradOut);
      for (let i = 0; i < node.edges.length; i++) {
        const edge = node.edges[i];
        const gi = grads[i];
        if (edge === null || gi === null || gi === undefined) continue;
        if (!sameShape(gi.shape, edge.shape)) {
          throw new RuntimeError(
            `Function ${node.name()} returned an invalid gradient at index ${i} - got ${formatShape(gi.shape)} but expected shape compatible with ${formatShape(edge.shape)}`,
          );
        }
        if (edge instanceof Node) {
          const prev = pending.get(edge);
          pending.set(edge, prev === undefined ? gi : sumGrads(prev, gi));
        } else if (edge.requiresGrad) {
          accumulate(edge, gi);
          recycleGradBuffer(gi); // unless it became the .grad
        }
      }
    }
  });
}
