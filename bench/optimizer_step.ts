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

/**
 * Milliseconds of `repeats` steps on `threads` threads, after two warm-up steps (state allocation,
 * JIT, worker start), and the thread count the pool actually used. `afterWarmUp` runs between the
 * warm-up and the timed steps (e.g. to copy the parameter and check later that the steps moved it).
 */
export function timeSteps(opt: { step(): unknown }, threads: number, repeats: number, afterWarmUp?: () => void): { times: number[]; threads: number } {
  const previous = setNumThreads(threads);
  try {
    for (let i = 0; i < 2; i++) opt.step();
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
