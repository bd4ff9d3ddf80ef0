/**
 * Module hooks, as PyTorch's `Module._call_impl` runs them (torch/nn/modules/module.py) and
 * `BackwardHook` wires the full backward hooks (torch/utils/hooks.py).
 *
 * There is no `__call__` in JavaScript: users call `model.forward(x)`. So the first hook
 * registered on a module installs a wrapper as the instance's own (non-enumerable) `forward`, and
 * removing the last hook takes it away again; a module without hooks pays nothing.
 *
 * Porting note: JavaScript has no keyword arguments, so there is no `with_kwargs` (hooks see the
 * positional arguments as an array) and no `always_call`; there are no global module hooks.
 */
import { RuntimeError } from "../errors.js";
import { recordOp, isGradEnabled } from "../autograd/function.js";
import { allocateStorage, Tensor, zeros } from "../tensor/tensor.js";
import { insertHook, RemovableHandle, type HookDict } from "../utils/hooks.js";
import type { Module } from "./module.js";

/** Runs before `forward`; a returned array replaces the arguments (a non-array is one argument). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/** Runs after `forward`; a returned value other than `undefined` replaces the output. */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;
/**
 * Runs when the gradients with respect to the module's inputs are computed. `gradInput` has one
 * entry per positional argument (`null` for non-tensors and inputs that need no gradient),
 * `gradOutput` one per output. A returned array replaces `gradInput`.
 */
export type FullBackwardHook<M extends Module = Module> = (
  module: M,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | void;
/** Runs when the gradients with respect to the module's outputs arrive; may return replacements. */
export type FullBackwardPreHook<M extends Module = Module> = (module: M, gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

/** Options of the `register*Hook` methods. */
export interface HookOptions {
  /** Run this hook before the ones already registered (default false). */
  prepend?: boolean;
}

interface HookTables {
  forwardPre: HookDict<ForwardPreHook>;
  forward: HookDict<ForwardHook>;
  backward: HookDict<FullBackwardHook>;
  backwardPre: HookDict<FullBackwardPreHook>;
  /** The instance's own `forward` before the wrapper went in (`undefined`: the class's). */
  ownForward: PropertyDescriptor | undefined;
  installed: boolean;
}

const tables = new WeakMap<Module, HookTables>();

type Kind = "forwardPre" | "forward" | "backward" | "backwardPre";

/** A handle that also takes the `forward` wrapper away once the module has no hooks left. */
class ModuleHookHandle extends RemovableHandle {
  readonly #onRemove: () => void;
  constructor(dict: HookDict<unknown>, onRemove: () => void) {
    super(dict);
    this.#onRemove = onRemove;
  }
  override remove(): void {
    super.remove();
    this.#onRemove();
  }
}

/** Registers a module hook of `kind` and installs the `forward` wrapper if needed. */
export function addModuleHook(module: Module, kind: Kind, hook: unknown, options: HookOptions | undefined, method: string): RemovableHandle {
  if (typeof hook !== "function") {
    throw new TypeError(`${method}() expects a hook function, got ${hook === null ? "null" : typeof hook}`);
  }
  if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
    throw new TypeError(`${method}() options must be an object such as { prepend: true }, got ${JSON.stringify(options)}`);
  }
  const prepend = options?.prepend ?? false;
  if (typeof prepend !== "boolean") throw new TypeError(`${method}(): prepend must be a boolean, got ${JSON.stringify(prepend)}`);
  for (const key of Object.keys(options ?? {})) {
    if (key !== "prepend") throw new TypeError(`${method}() got an unexpected option '${key}' (expected: prepend)`);
  }
  let t = tables.get(module);
  if (t === undefined) {
    t = { forwardPre: new Map(), forward: new Map(), backward: new Map(), backwardPre: new Map(), ownForward: undefined, installed: false };
    tables.set(module, t);
  }
  const dict = t[kind] as HookDict<unknown>;
  const handle = new ModuleHookHandle(dict, () => uninstallIfIdle(module));
  insertHook(dict, handle.id, hook, prepend);
  install(module, t);
  return handle;
}

/** Number of hooks of each kind on `module` (for tests and displays). */
export function hookCounts(module: Module): Record<Kind, number> {
  const t = tables.get(module);
  return {
    forwardPre: t?.forwardPre.size ?? 0,
    forward: t?.forward.size ?? 0,
    backward: t?.backward.size ?? 0,
    backwardPre: t?.backwardPre.size ?? 0,
  };
}

function install(module: Module, t: HookTables): void {
  if (t.installed) return;
  t.ownForward = Object.getOwnPropertyDescriptor(module, "forward");
  const inner = module.forward;
  const wrapper = function forward(this: Module, ...args: unknown[]): unknown {
    return callWithHooks(module, t, inner, args);
  };
  Object.defineProperty(module, "forward", { value: wrapper, writable: true, configurable: true, enumerable: false });
  t.installed = true;
}

function uninstallIfIdle(module: Module): void {
  const t = tables.get(module);
  if (t === undefined || !t.installed) return;
  if (t.forwardPre.size + t.forward.size + t.backward.size + t.backwardPre.size > 0) return;
  if (t.ownForward !== undefined) Object.defineProperty(module, "forward", t.ownForward);
  else delete (module as { forward?: unknown }).forward;
  t.installed = false;
  t.ownForward = undefined;
}

/** PyTorch's `_call_impl`: pre-hooks, backward-hook set-up, forward, forward hooks, output set-up. */
function callWithHooks(module: Module, t: HookTables, inner: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  for (const hook of [...t.forwardPre.values()]) {
    const result = hook(module, args);
    if (result !== undefined && result !== null) args = Array.isArray(result) ? result : [result];
  }
  let bw: BackwardHookState | null = null;
  if (t.backward.size > 0 || t.backwardPre.size > 0) {
    bw = new BackwardHookState(module, [...t.backward.values()], [...t.backwardPre.values()]);
    args = bw.setupInputHook(args);
  }
  let result = inner.apply(module, args);
  for (const hook of [...t.forward.values()]) {
    const r = hook(module, args, result);
    if (r !== undefined && r !== null) result = r;
  }
  if (bw !== null) {
    const ok = result instanceof Tensor || (Array.isArray(result) && result.some((r) => r instanceof Tensor));
    if (!ok) {
      process.emitWarning(
        `For backward hooks to be called, module output should be a Tensor or an array of Tensors but received ${result === null ? "null" : typeof result}`,
        "UserWarning",
      );
    } else result = bw.setupOutputHook(result as Tensor | unknown[]);
  }
  return result;
}

/** Indices of the tensors among `values`. */
function tensorIndices(values: unknown[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] instanceof Tensor) out.push(i);
  return out;
}

/**
 * Passes `tensors` (each requiring grad) through an identity op named
 * `BackwardHookFunctionBackward` whose backward calls `onBackward` with the gradients of all of
 * them at once (PyTorch's `BackwardHookFunction`). The engine's nodes have one output, so several
 * tensors are packed into one flat node and each is a slice of it; the slices' gradients meet in
 * the packed node. A slice no gradient reached is `null`, as PyTorch's hook sees it.
 */
function hookIdentity(tensors: Tensor[], onBackward: (grads: (Tensor | null)[]) => (Tensor | null)[]): Tensor[] {
  const name = "BackwardHookFunctionBackward";
  if (tensors.length === 1) {
    const t = tensors[0];
    const out = new Tensor(t.data, t.shape);
    recordOp(name, out, [t], (g) => onBackward([g]));
    return [out];
  }
  const offsets: number[] = [];
  let total = 0;
  for (const t of tensors) {
    offsets.push(total);
    total += t.numel;
  }
  const packedData = allocateStorage(total);
  tensors.forEach((t, i) => packedData.set(t.data, offsets[i]));
  const packed = new Tensor(packedData, [total]);
  const reached = tensors.map(() => false);
  recordOp(name, packed, tensors, (g) => {
    const grads = tensors.map((t, i) => (reached[i] ? new Tensor(g.data.subarray(offsets[i], offsets[i] + t.numel), t.shape) : null));
    return onBackward(grads);
  });
  return tensors.map((t, i) => {
    const out = new Tensor(packedData.subarray(offsets[i], offsets[i] + t.numel), t.shape);
    recordOp(name, out, [packed], (g) => {
      reached[i] = true;
      const full = allocateStorage(total);
      full.set(g.data, offsets[i]);
      return [new Tensor(full, [total])];
    });
    return out;
  });
}

/** Checks a hook's replacement gradients: an array of the expected length. */
function checkReplacement(result: unknown, expected: number, what: string): (Tensor | null)[] {
  if (!Array.isArray(result) || result.length !== expected) {
    const got = Array.isArray(result) ? result.length : result === null ? "null" : typeof result;
    throw new RuntimeError(`${what} returned an invalid number of ${what.includes("pre") ? "grad_output" : "grad_input"}, got ${got}, but expected ${expected}`);
  }
  for (const g of result) {
    if (g !== null && !(g instanceof Tensor)) throw new TypeError(`${what} must return Tensors or null, got ${typeof g}`);
  }
  return result as (Tensor | null)[];
}

/** One forward call's backward-hook wiring (PyTorch's `BackwardHook`). */
class BackwardHookState {
  gradOutputs: (Tensor | null)[] | null = null;
  nInputs = 0;
  inputIndex: number[] | null = null;
  nOutputs = 0;
  outputIndex: number[] | null = null;

  constructor(
    readonly module: Module,
    readonly hooks: FullBackwardHook[],
    readonly preHooks: FullBackwardPreHook[],
  ) {}

  setupInputHook(args: unknown[]): unknown[] {
    this.nInputs = args.length;
    const idx = tensorIndices(args);
    if (!isGradEnabled() || !idx.some((i) => (args[i] as Tensor).requiresGrad)) return args;
    this.inputIndex = idx;
    // Only inputs that require grad go through the hook op (PyTorch marks the others
    // non-differentiable); the hook sees zeros for those, as PyTorch's materialised gradients.
    const live = idx.filter((i) => (args[i] as Tensor).requiresGrad);
    const wrapped = hookIdentity(
      live.map((i) => args[i] as Tensor),
      (grads) => {
        if (this.gradOutputs === null) return grads; // the gradient reached the input without passing the output
        const res: (Tensor | null)[] = new Array(this.nInputs).fill(null);
        for (const i of idx) res[i] = zeros((args[i] as Tensor).shape);
        live.forEach((i, k) => (res[i] = grads[k] ?? zeros((args[i] as Tensor).shape)));
        let out = res;
        for (const hook of this.hooks) {
          const r = hook(this.module, out, this.gradOutputs);
          if (r === undefined || r === null) continue;
          out = checkReplacement(r, out.length, "Backward hook");
        }
        this.gradOutputs = null;
        return live.map((i) => out[i]);
      },
    );
    const out = [...args];
    live.forEach((i, k) => (out[i] = wrapped[k]));
    return out;
  }

  setupOutputHook(result: Tensor | unknown[]): Tensor | unknown[] {
    const isArray = Array.isArray(result);
    const outs = isArray ? result : [result];
    this.nOutputs = outs.length;
    const idx = tensorIndices(outs);
    const live = idx.filter((i) => (outs[i] as Tensor).requiresGrad);
    if (!isGradEnabled() || live.length === 0) return result;
    this.outputIndex = idx;
    const wrapped = hookIdentity(
      live.map((i) => outs[i] as Tensor),
      (grads) => {
        this.gradOutputs = new Array(this.nOutputs).fill(null);
        live.forEach((i, k) => (this.gradOutputs![i] = grads[k]));
        for (const pre of this.preHooks) {
          const r = pre(this.module, this.gradOutputs);
          if (r === undefined || r === null) continue;
          this.gradOutputs = checkReplacement(r, this.nOutputs, "Backward pre hook");
        }
        const local = this.gradOutputs;
        if (this.inputIndex === null) {
          const gradInputs: (Tensor | null)[] = new Array(this.nInputs).fill(null);
          for (const hook of this.hooks) {
            const r = hook(this.module, gradInputs, local);
            if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((g) => g === null || g === undefined))) {
              throw new RuntimeError("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
            }
          }
          this.gradOutputs = null;
        }
        return live.map((i) => local[i]);
      },
    );
    const out = [...outs];
    live.forEach((i, k) => (out[i] = wrapped[k]));
    return isArray ? out : (out[0] as Tensor);
  }
}
