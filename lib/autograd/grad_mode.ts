/** Grad mode: whether ops record the graph (PyTorch's `torch.no_grad` / `torch.enable_grad`). */

let enabled = true;

/**
 * Whether ops currently record the autograd graph (PyTorch's `torch.is_grad_enabled()`).
 *
 * @example
 * noGrad(() => isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with grad mode set to `mode`, restoring the previous mode afterwards (also on throw). */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`expected a function to run, got ${typeof fn}`);
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording the graph: results do not require grad (PyTorch's
 * `with torch.no_grad():`). Returns what `fn` returns.
 *
 * @example
 * const preds = noGrad(() => model.forward(x)); // preds.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` with recording on, even inside `noGrad` (PyTorch's `with torch.enable_grad():`).
 *
 * @example
 * noGrad(() => enableGrad(() => w.mul(2))).requiresGrad; // true when w requires grad
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
