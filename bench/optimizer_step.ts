/**
 * What bench/adam.ts and bench/optimizers.ts both time: one parameter of `numel` float32
 * elements with a fixed gradient (the same values as the PyTorch scripts), and the timed steps.
 */
import { nn, zeros } from "../lib/index.js";
import { getNumThreads, setNumThreads } from "../lib/optim/parallel.js";

/** A parameter of `numel` elements, sin(i), with gradient cos(0.7 i). */
export function benchParameter(numel: number): nn.Parameter {
  const p = new nn.Parameter(zeros(numel));
  const grad = zeros(numel);
  for (let i = 0; i < numel; i++) {
    p.data[i] = Math.sin(i);
    grad.data[i] = Math.cos(i * 0.7);
  }
  p.grad = grad;
  return p;
}

/** Warm-up before timed steps: at least this many steps, and at least WARM_UP_MS of them. */
export const WARM_UP_STEPS = 2;
/**
 * A worker thread takes tens of milliseconds to start, and until it runs the calling thread does
 * its share: without this, the first timed steps after a thread-count change measure one thread.
 * (The PyTorch scripts warm up by the same rule.)
 */
export const WARM_UP_MS = 200;

/**
 * Milliseconds of `repeats` steps on `threads` threads, after the warm-up (state allocation, JIT,
 * worker start; see WARM_UP_MS), and the thread count the pool actually used. `afterWarmUp` runs
 * between the warm-up and the timed steps (e.g. to copy the parameter and check later that the
 * steps moved it).
 */
export function timeSteps(opt: { step(): unknown }, threads: number, repeats: number, afterWarmUp?: () => void): { times: number[]; threads: number } {
  const previous = setNumThreads(threads);
  try {
    const start = performance.now();
    for (let i = 0; i < WARM_UP_STEPS || performance.now() - start < WARM_UP_MS; i++) opt.step();
    afterWarmUp?.();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      opt.step();
      times.push(performance.now() - t0);
    }
    return { times, threads: getNumThreads() };
  } finally {
    setNumThreads(previous);
  }
}
