import { AttributeError, kindOf, KeyError, RuntimeError, ValueError } from "../errors.js";
import { Tensor, type NestedArray } from "../tensor/tensor.js";
import type { RemovableHandle } from "../utils/hooks.js";
import { BUFFERS, NON_PERSISTENT, ORDER, syncMemberOrder } from "./module_members.js";
import { getBufferOf, getParameterOf, getSubmoduleOf } from "./module_lookup.js";
import {
  addModuleHook,
  type ForwardHook,
  type ForwardPreHook,
  type FullBackwardHook,
  type FullBackwardPreHook,
  type HookOptions,
} from "./module_hooks.js";
import { loadStateDictInto, stateDictOf, type IncompatibleKeys, type StateDict } from "./module_state_dict.js";
import { Parameter } from "./parameter.js";
import { trackModule } from "./registry.js";

export type { IncompatibleKeys, StateDict } from "./module_state_dict.js";
export type { ForwardHook, ForwardPreHook, FullBackwardHook, FullBackwardPreHook, HookOptions } from "./module_hooks.js";

/** Name rules PyTorch applies in `register_parameter` / `register_buffer` / `add_module`. */
function checkMemberName(owner: Module, name: unknown, kind: string): asserts name is string {
  if (typeof name !== "string") throw new TypeError(`${kind} name should be a string. Got ${kindOf(name)}`);
  if (name === "") throw new KeyError(`${kind} name can't be empty string ""`);
  if (name.includes(".")) throw new KeyError(`${kind} name can't contain ".", got "${name}"`);
  // PyTorch: `hasattr(self, name) and name not in self._modules` is an error. Here that means a
  // method or accessor of the class, or an own property that is not a module, parameter or tensor.
  const own = Object.prototype.hasOwnProperty.call(owner, name);
  const current = (owner as unknown as Record<string, unknown>)[name];
  const slot = current === undefined || current === null || current instanceof Module || current instanceof Tensor;
  if (name === "training" || (name in owner && !own) || (own && !slot)) {
    throw new KeyError(`attribute '${name}' already exists on ${owner.constructor.name}`);
  }
}

/**
 * Base class of every layer and model: PyTorch's `nn.Module`.
 *
 * Parameters and submodules are found from the instance's own properties in declaration order, so
 * both class fields and constructor assignments register them, as attribute assignment does in
 * PyTorch. Buffers (non-learnable state such as running means) are registered with
 * `registerBuffer`.
 *
 * @example
 * class MyModel extends nn.Module {
 *   base = new nn.Linear(4, 8);
 *   actor = new nn.Linear(8, 2);
 *   critic = new nn.Linear(8, 1);
 * }
 * const model = new MyModel();
 * model.namedParameters().map(([name, p]) => `${name} ${p.shape}`);
 * // ["base.weight 8,4", "base.bias 8", "actor.weight 2,8", ...]
 */
export class Module {
  /** Training mode (`true`) or evaluation mode (`false`); set with `train()` / `eval()`. */
  declare training: boolean;
  declare private [BUFFERS]: Set<string>;
  declare private [NON_PERSISTENT]: Set<string>;
  declare private [ORDER]: string[];

  constructor() {
    // Bookkeeping is non-enumerable so that only user-visible members are discovered.
    Object.defineProperty(this, "training", { value: true, writable: true, enumerable: false });
    Object.defineProperty(this, BUFFERS, { value: new Set<string>(), enumerable: false });
    Object.defineProperty(this, NON_PERSISTENT, { value: new Set<string>(), enumerable: false });
    Object.defineProperty(this, ORDER, { value: [], enumerable: false });
    trackModule(this);
  }

  /** Names of own members in insertion order, integer-like names included (see `syncMemberOrder`). */
  protected _memberNames(): string[] {
    return [...syncMemberOrder(this, this[ORDER])];
  }

  /** Records `name` as the newest member unless it is one already (reassignment keeps its place). */
  #recordMember(name: string): void {
    const order = syncMemberOrder(this, this[ORDER]);
    if (!order.includes(name)) order.push(name);
  }

  /** Own parameters as `[name, parameter]`, in order (PyTorch's `_parameters`). */
  protected _ownParameters(): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const name of this._memberNames()) {
      const v = (this as Record<string, unknown>)[name];
      if (v instanceof Parameter && !this[BUFFERS].has(name)) out.push([name, v]);
    }
    return out;
  }

  /** Own buffers as `[name, tensor]` (PyTorch's `_buffers`, skipping `null`). */
  protected _ownBuffers(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const name of this[BUFFERS]) {
      const v = (this as Record<string, unknown>)[name];
      if (v instanceof Tensor) out.push([name, v]);
    }
    return out;
  }

  /** Direct submodules as `[name, module]` (PyTorch's `_modules`). */
  protected _ownModules(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    for (const name of this._memberNames()) {
      const v = (this as Record<string, unknown>)[name];
      if (v instanceof Module) out.push([name, v]);
    }
    return out;
  }

  /**
   * Adds a parameter under a computed name (`null` removes it).
   *
   * @example
   * for (let i = 0; i < 3; i++) this.registerParameter(`scale_${i}`, new nn.Parameter(ones(1)));
   */
  registerParameter(name: string, param: Parameter | null): void {
    checkMemberName(this, name, "parameter");
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign ${kindOf(param)} object to parameter '${name}' (nn.Parameter or null required)`);
    }
    if (this[BUFFERS].has(name)) throw new KeyError(`attribute '${name}' already exists as a buffer`);
    this.#recordMember(name);
    (this as Record<string, unknown>)[name] = param;
  }

  /**
   * Adds a buffer: a tensor saved in the state dict but not trained, e.g. BatchNorm's running
   * mean. A non-persistent buffer is left out of `stateDict()`.
   *
   * @example
   * this.registerBuffer("mask", ones(4), false); // kept on the module, not saved
   */
  registerBuffer(name: string, value: Tensor | null, persistent = true): void {
    checkMemberName(this, name, "buffer");
    if (value !== null && !(value instanceof Tensor)) {
      throw new TypeError(`cannot assign ${kindOf(value)} object to buffer '${name}' (Tensor or null required)`);
    }
    if (value instanceof Parameter || (this as Record<string, unknown>)[name] instanceof Parameter) {
      throw new KeyError(`attribute '${name}' already exists as a parameter`);
    }
    this[BUFFERS].add(name);
    if (persistent) this[NON_PERSISTENT].delete(name);
    else this[NON_PERSISTENT].add(name);
    this.#recordMember(name);
    (this as Record<string, unknown>)[name] = value;
  }

  /**
   * Adds a submodule under a computed name (`null` removes it).
   *
   * @example
   * layers.forEach((width, i) => this.registerModule(`fc${i}`, new nn.Linear(width, width)));
   */
  registerModule(name: string, module: Module | null): void {
    checkMemberName(this, name, "module");
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`${kindOf(module)} is not a Module subclass`);
    }
    this.#recordMember(name);
    (this as Record<string, unknown>)[name] = module;
  }

  /**
   * Alias of `registerModule` (PyTorch's `add_module`).
   *
   * @example
   * model.addModule("head", new nn.Linear(8, 2));
   */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /**
   * Every module in the tree, this one first, as `[dottedName, module]`; a module reachable twice
   * is listed once.
   *
   * @example
   * model.namedModules().map(([name]) => name); // ["", "base", "actor", "critic"]
   */
  namedModules(prefix = "", removeDuplicate = true, memo: Set<Module> = new Set()): Array<[string, Module]> {
    if (removeDuplicate && memo.has(this)) return [];
    if (removeDuplicate) memo.add(this);
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this._ownModules()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, removeDuplicate, memo));
    }
    return out;
  }

  /**
   * Every module in the tree, this one first.
   *
   * @example
   * model.modules().filter((m) => m instanceof nn.Linear).length;
   */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Direct submodules as `[name, module]`, each once.
   *
   * @example
   * model.namedChildren().map(([name]) => name); // ["base", "actor", "critic"]
   */
  namedChildren(): Array<[string, Module]> {
    const seen = new Set<Module>();
    const out: Array<[string, Module]> = [];
    for (const [name, m] of this._ownModules()) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
    }
    return out;
  }

  /**
   * Direct submodules.
   *
   * @example
   * for (const child of model.children()) console.log(String(child));
   */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * Parameters with dotted names (`base.weight`), in definition order; a parameter shared by two
   * modules is listed once, under its first name.
   *
   * Porting note: returns an array rather than a generator; it iterates the same way.
   *
   * @example
   * for (const [name, p] of model.namedParameters()) console.log(name, p.shape);
   */
  namedParameters(prefix = "", recurse = true, removeDuplicate = true): Array<[string, Parameter]> {
    const modules: Array<[string, Module]> = recurse ? this.namedModules(prefix, removeDuplicate) : [[prefix, this]];
    const seen = new Set<Parameter>();
    const out: Array<[string, Parameter]> = [];
    for (const [modName, mod] of modules) {
      for (const [name, p] of mod._ownParameters()) {
        if (removeDuplicate && seen.has(p)) continue;
        seen.add(p);
        out.push([modName ? `${modName}.${name}` : name, p]);
      }
    }
    return out;
  }

  /**
   * Every parameter, in definition order, each once. Pass it to an optimizer.
   *
   * @example
   * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
   */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters("", recurse).map(([, p]) => p);
  }

  /**
   * Buffers with dotted names, each once.
   *
   * @example
   * new nn.BatchNorm1d(4).namedBuffers().map(([n]) => n); // ["running_mean", "running_var", "num_batches_tracked"]
   */
  namedBuffers(prefix = "", recurse = true, removeDuplicate = true): Array<[string, Tensor]> {
    const modules: Array<[string, Module]> = recurse ? this.namedModules(prefix, removeDuplicate) : [[prefix, this]];
    const seen = new Set<Tensor>();
    const out: Array<[string, Tensor]> = [];
    for (const [modName, mod] of modules) {
      for (const [name, b] of mod._ownBuffers()) {
        if (removeDuplicate && seen.has(b)) continue;
        seen.add(b);
        out.push([modName ? `${modName}.${name}` : name, b]);
      }
    }
    return out;
  }

  /**
   * Every buffer, each once.
   *
   * @example
   * model.buffers().length;
   */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers("", recurse).map(([, b]) => b);
  }

  /**
   * The submodule at a dotted path (`"encoder.layers.0"`); `""` is this module.
   *
   * @example
   * model.getSubmodule("body.0"); // Linear(...)
   */
  getSubmodule(target: string): Module {
    return getSubmoduleOf(this, target);
  }


  /**
   * The parameter at a dotted path (`"base.weight"`).
   *
   * @example
   * model.getParameter("base.weight").shape; // [8, 4]
   */
  getParameter(target: string): Parameter {
    return getParameterOf(this, target);
  }


  /**
   * The buffer at a dotted path (`"bn.running_mean"`).
   *
   * @example
   * model.getBuffer("bn.running_var").tolist();
   */
  getBuffer(target: string): Tensor {
    return getBufferOf(this, target);
  }


  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order (each module's
   * parameters, then its buffers, then its children). Tensors share storage with the module.
   *
   * Porting note: the result is a plain object (it serialises with `JSON.stringify`), so a key
   * that is a bare integer (a root `ParameterDict` with key "10") is listed before the others,
   * JavaScript's rule; dotted keys ("0.weight") keep PyTorch's order.
   *
   * @example
   * const json = JSON.stringify(model.stateDict()); // nested arrays, like tolist()
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    return stateDictOf(this, options);
  }

  /**
   * Copies values from a state dict (tensors or nested number arrays). With `strict` (the default)
   * missing or unexpected keys are an error; shape mismatches always are. Reports keys like PyTorch.
   *
   * @example
   * const { missingKeys, unexpectedKeys } = model.loadStateDict(JSON.parse(json), { strict: false });
   */
  loadStateDict(stateDict: Record<string, Tensor | NestedArray>, options: { strict?: boolean } = {}): IncompatibleKeys {
    return loadStateDictInto(this, stateDict, options);
  }
  /**
   * Sets training mode on this module and every submodule (Dropout drops, BatchNorm uses batch statistics).
   *
   * @example
   * model.train();
   */
  train(mode = true): this {
    if (typeof mode !== "boolean") throw new TypeError(`training mode is expected to be boolean, got ${kindOf(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode (`train(false)`): Dropout is the identity, BatchNorm uses running statistics.
   *
   * @example
   * model.eval().forward(x);
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Freezes (`false`) or unfreezes (`true`) every parameter.
   *
   * @example
   * model.base.requiresGrad_(false); // fine-tune only the heads
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Clears gradients: to `null` (default, as PyTorch 2.x) or to zeros.
   *
   * @example
   * model.zeroGrad();
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad.zero_();
    }
  }

  /**
   * Calls `fn` on every submodule (children first) and then on this module.
   *
   * @example
   * model.apply((m) => { if (m instanceof nn.Linear) nn.init.xavierUniform_(m.weight); });
   */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Number of parameter elements, each shared parameter counted once.
   *
   * @example
   * new nn.Linear(4, 8).numParameters(); // 40
   */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || p.requiresGrad) n += p.numel;
    return n;
  }

  /**
   * The computation; subclasses define it. Call it directly (PyTorch's `model(x)`).
   *
   * @example
   * const y = model.forward(x);
   */
  forward(..._inputs: unknown[]): unknown {
    throw new RuntimeError(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * Registers a hook run before every `forward` call with `(module, args)`; returning an array
   * replaces the arguments (a single value is one argument). PyTorch's `register_forward_pre_hook`.
   *
   * @example
   * const handle = model.registerForwardPreHook((m, [x]) => console.log(m.constructor.name, (x as Tensor).shape));
   * handle.remove();
   */
  registerForwardPreHook(hook: ForwardPreHook<this>, options?: HookOptions): RemovableHandle {
    return addModuleHook(this, "forwardPre", hook, options, "registerForwardPreHook");
  }

  /**
   * Registers a hook run after every `forward` call with `(module, args, output)`; a returned
   * value replaces the output. PyTorch's `register_forward_hook`.
   *
   * @example
   * const acts: Tensor[] = [];
   * const handle = model.body.registerForwardHook((m, args, out) => { acts.push(out as Tensor); });
   */
  registerForwardHook(hook: ForwardHook<this>, options?: HookOptions): RemovableHandle {
    return addModuleHook(this, "forward", hook, options, "registerForwardHook");
  }

  /**
   * Registers a hook run during backward with `(module, gradInput, gradOutput)`: the gradients
   * with respect to the module's positional inputs (`null` where none) and outputs. A returned
   * array replaces `gradInput`. PyTorch's `register_full_backward_hook`.
   *
   * @example
   * const handle = model.head.registerFullBackwardHook((m, gIn, gOut) => console.log(gOut[0]?.norm().item()));
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>, options?: HookOptions): RemovableHandle {
    return addModuleHook(this, "backward", hook, options, "registerFullBackwardHook");
  }

  /**
   * Registers a hook run during backward when the gradients with respect to the module's outputs
   * arrive, with `(module, gradOutput)`; a returned array replaces them. PyTorch's
   * `register_full_backward_pre_hook`.
   *
   * @example
   * const handle = model.head.registerFullBackwardPreHook((m, [g]) => [g!.mul(0.5)]);
   */
  registerFullBackwardPreHook(hook: FullBackwardPreHook<this>, options?: HookOptions): RemovableHandle {
    return addModuleHook(this, "backwardPre", hook, options, "registerFullBackwardPreHook");
  }

  /**
   * Layer arguments shown in `toString()`, in PyTorch's spelling.
   *
   * @example
   * new nn.Linear(4, 8).extraRepr(); // "in_features=4, out_features=8, bias=True"
   */
  extraRepr(): string {
    return "";
  }

  /**
   * PyTorch's printed form: the class name, `extraRepr()` and the children, indented; equal to
   * `print(model)` for the same model.
   *
   * @example
   * String(new nn.Sequential(new nn.Linear(4, 2))); // "Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n)"
   */
  toString(): string {
    const extra = this.extraRepr();
    const lines = extra ? extra.split("\n") : [];
    for (const [name, child] of this._ownModules()) {
      const childText = child.toString().split("\n").join("\n  ");
      lines.push(`(${name}): ${childText}`);
    }
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (lines.length === 1 && this._ownModules().length === 0) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join("\n  ")}\n)`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Checks a layer's size argument: a positive integer (or, with `allowZero`, a non-negative one,
 * as PyTorch allows zero-sized `Linear`). Names the layer, the argument and the value given.
 */
export function checkPositiveInt(value: unknown, what: string, layer: string, allowZero = false): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || (value === 0 && !allowZero)) {
    const expected = allowZero ? "a non-negative integer" : "a positive integer";
    throw new ValueError(`${layer}: ${what} must be ${expected}, got ${value === undefined ? "undefined" : JSON.stringify(value)}`);
  }
  return value;
}
