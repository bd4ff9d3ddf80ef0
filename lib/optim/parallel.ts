/**
 * Optimizer kernels: an element-wise update declared once (`defineKernel`) with one or more
 * implementations (plain JavaScript reference; WebAssembly SIMD in `kernels/`), and `runKernel`,
 * which picks one and runs it on the worker pool (`lib/tensor/parallel.ts`) when the parameter is
 * large and its storage shared: each chunk runs the same code, so the result is bit-identical to
 * a single-threaded run.
 */
import { isShared, runThreaded } from "../tensor/parallel.js";

/**
 * The arrays a kernel updates, by name: the parameter, its gradient, and each state array under
 * its PyTorch key (`exp_avg`, `momentum_buffer`, ...), `null` where the group does not use it.
 */
export type KernelArrays<A extends string = string> = { param: Float32Array; grad: Float32Array } & {
  [K in A]: Float32Array | null;
};

/** A kernel's scalars, by name (`lr`, `beta1`, `step_size`, ...); flags are 0 or 1. */
export type KernelScalars<S extends string = string> = { readonly [K in S]: number };

/**
 * One implementation of an element-wise kernel: updates elements `[start, end)` of its arrays.
 * A `threaded` implementation must be self-contained (it may use globals such as `Math`, nothing
 * from its module), because worker threads compile its source text and run chunks of the call.
 */
export type KernelFunction<A extends string = string, S extends string = string> = (
  arrays: KernelArrays<A>,
  scalars: KernelScalars<S>,
  start: number,
  end: number,
) => void;

/** One way to run a kernel (plain JavaScript, or later WebAssembly SIMD). */
export interface KernelImplementation<A extends string = string, S extends string = string> {
  /** Short name, e.g. `"js"` or `"wasm-simd"`; `runKernel`'s `implementation` option selects by it. */
  readonly name: string;
  readonly run: KernelFunction<A, S>;
  /** Whether worker threads may run chunks of a call (the function's source is self-contained). */
  readonly threaded: boolean;
  /** Whether this implementation takes this call (feature detection, sizes); absent: every call. */
  readonly accepts?: (arrays: KernelArrays<A>, n: number) => boolean;
}

/**
 * An optimizer's element-wise update, declared once with the names of its state arrays and
 * scalars. Implementations are tried in order and the first that accepts a call runs it; the
 * last is the plain JavaScript reference, which accepts every call. Every implementation must
 * give bit-identical results (the parity and threading tests hold each one to the reference).
 */
export interface Kernel<A extends string = string, S extends string = string> {
  readonly name: string;
  /** State arrays by PyTorch key, in a fixed order (what a WebAssembly version packs by position). */
  readonly state: readonly A[];
  /** Scalar names, in a fixed order. */
  readonly scalars: readonly S[];
  readonly implementations: readonly KernelImplementation<A, S>[];
}

/**
 * Declares a kernel from its plain JavaScript implementation (self-contained, so threaded).
 *
 * @example
 * const sgdKernel = defineKernel("sgd", ["momentum_buffer"], ["lr", "momentum"], (a, s, start, end) => { ... });
 */
export function defineKernel<A extends string, S extends string>(
  name: string,
  state: readonly A[],
  scalars: readonly S[],
  js: KernelFunction<A, S>,
): Kernel<A, S> {
  return { name, state, scalars, implementations: [{ name: "js", run: js, threaded: true }] };
}

/**
 * Adds a faster implementation in front of a kernel's existing ones (it must give the reference's
 * results bit for bit). Returns a function that takes it out again.
 *
 * @example
 * const undo = addKernelImplementation(adamKernel, { name: "wasm-simd", run, threaded: false });
 */
export function addKernelImplementation<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  implementation: KernelImplementation<A, S>,
): () => void {
  const list = kernel.implementations as KernelImplementation<A, S>[];
  list.unshift(implementation);
  return () => {
    const i = list.indexOf(implementation);
    if (i >= 0 && i < list.length - 1) list.splice(i, 1);
  };
}

// The worker pool itself lives in lib/tensor/parallel.ts (matmul uses it too).
export { getNumThreads, PARALLEL_MIN_ELEMENTS, setNumThreads } from "../tensor/parallel.js";

function isFloat32OrNull(a: unknown): a is Float32Array | null {
  return a === null || a instanceof Float32Array;
}

const NO_OPTIONS: { implementation?: string } = {};

/** The implementation that runs this call: the one named, or the first that accepts it. */
function choose<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  arrays: KernelArrays<A>,
  n: number,
  name: string | undefined,
): KernelImplementation<A, S> {
  if (name !== undefined) {
    const chosen = kernel.implementations.find((impl) => impl.name === name);
    if (!chosen) {
      throw new RangeError(`kernel '${kernel.name}' has no implementation '${name}' (has ${kernel.implementations.map((i) => i.name).join(", ")})`);
    }
    return chosen;
  }
  for (const impl of kernel.implementations) if (!impl.accepts || impl.accepts(arrays, n)) return impl;
  return kernel.implementations[kernel.implementations.length - 1];
}

/**
 * Runs `kernel` over all elements of `arrays` (same length), on several threads when it pays and
 * the chosen implementation allows. `scalars` must hold every name the kernel declares.
 * Returns the number of threads that took part (1: one plain call).
 *
 * @example
 * runKernel(sgdKernel, { param: p.data, grad: g.data, momentum_buffer: null }, { lr: 0.1, ... });
 */
export function runKernel<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  arrays: KernelArrays<A>,
  scalars: KernelScalars<S>,
  options: { implementation?: string } = NO_OPTIONS,
): number {
  const n = arrays.param.length;
  const named = arrays as Record<string, unknown>;
  // Plain loops, no arrays made: this runs once per parameter per step.
  for (let i = -2; i < kernel.state.length; i++) {
    const key = i === -2 ? "param" : i === -1 ? "grad" : kernel.state[i];
    const a = named[key];
    if (!isFloat32OrNull(a) || (a !== null && a.length !== n) || (a === null && i < 0)) {
      throw new RangeError(`kernel '${kernel.name}': array '${key}' must be a Float32Array of length ${n}${i < 0 ? "" : " or null"}`);
    }
  }
  for (let i = 0; i < kernel.scalars.length; i++) {
    const key = kernel.scalars[i];
    if (typeof scalars[key] !== "number") throw new TypeError(`kernel '${kernel.name}': scalar '${key}' must be a number, got ${typeof scalars[key]}`);
  }
  const impl = choose(kernel, arrays, n, options.implementation);
  const run = impl.run;
  let shared = impl.threaded && isShared(arrays.param) && isShared(arrays.grad);
  for (let i = 0; shared && i < kernel.state.length; i++) shared = isShared(named[kernel.state[i]] as Float32Array | null);
  if (!shared) {
    run(arrays, scalars, 0, n);
    return 1;
  }
  return runThreaded(run, [arrays, scalars], n);
}
