/**
 * Gradient buffers that only the engine holds. An op's backward makes the gradients it returns
 * with `gradBuffer`; the engine then keeps such a buffer as a leaf's `.grad` without copying
 * (PyTorch's AccumulateGrad steals it too), sums gradients meeting at a node into it in place, and
 * once the node it flowed into has run, hands its storage to the next `gradBuffer` of that size
 * (what PyTorch's allocator does when the last reference goes). A buffer loses its mark as soon as
 * anyone else may hold it: `.grad`, `retainGrad()`, or passed on unchanged by a backward.
 *
 * Always ordinary memory, never the shared wasm memory (storage.ts): wasm blocks are freed only
 * when the event loop turns, so a synchronous training loop that made its gradients there would
 * take fresh memory every step (fresh pages are very slow on some VMs), while ordinary buffers are
 * recycled by the allocator as soon as the garbage collector drops them.
 */
import { shapeNumel, Tensor } from "../tensor/tensor.js";

const unshared = new WeakSet<Tensor>();

/** Recycled storage by length; emptied whenever the event loop turns, so it never outlives a burst of work. */
const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let clearScheduled = false;
const POOL_MAX_BYTES = 16 << 20;
const POOL_PER_SIZE = 4;

/**
 * A zeroed gradient tensor for a backward to fill and return at exactly one input, keeping no
 * other reference to it.
 *
 * @example
 * const gx = gradBuffer(x.shape); // fill gx.data, then return it from the backward
 */
export function gradBuffer(shape: readonly number[]): Tensor {
  const n = shapeNumel(shape);
  const reused = pool.get(n)?.pop();
  let data: Float32Array;
  if (reused !== undefined) {
    pooledBytes -= 4 * n;
    data = reused.fill(0);
  } else data = new Float32Array(n);
  const t = new Tensor(data, shape);
  unshared.add(t);
  return t;
}

/** True for a `gradBuffer` tensor no one has claimed: only the engine holds it. */
export function isGradBuffer(t: Tensor): boolean {
  return unshared.has(t);
}

/** True once for an unclaimed `gradBuffer` tensor: the caller now owns it (e.g. as a `.grad`). */
export function claimGradBuffer(t: Tensor): boolean {
  return unshared.delete(t);
}

/**
 * Takes back an unclaimed `gradBuffer` tensor that nothing uses any more, for the next
 * `gradBuffer` of its size. Does nothing for any other tensor.
 */
export function recycleGradBuffer(t: Tensor): void {
  if (!unshared.delete(t)) return;
  const data = t.data;
  const bytes = data.byteLength;
  // Tiny arrays live inside V8's heap and cost nothing to make; views of a larger buffer stay out.
  if (data.length < 16 || data.byteOffset !== 0 || data.buffer.byteLength !== bytes) return;
  if (pooledBytes + bytes > POOL_MAX_BYTES) return;
  let list = pool.get(data.length);
  if (list === undefined) pool.set(data.length, (list = []));
  if (list.length >= POOL_PER_SIZE) return;
  list.push(data);
  pooledBytes += bytes;
  if (!clearScheduled) {
    clearScheduled = true;
    setImmediate(() => {
      pool.clear();
      pooledBytes = 0;
      clearScheduled = false;
    }).unref();
  }
}
