/**
 * `nn.Module.fromStateDict(stateDict)`: a module tree built from a checkpoint's names alone, so
 * that a model paramlab has no class for (a Llama, a ViT from timm) can be summarised, given to an
 * optimizer, split into param groups and checked by `describeParamGroups`.
 *
 * `model.layers.0.self_attn.q_proj.weight` becomes nested modules `model` → `layers` (an
 * `nn.ModuleList`, its segments being 0, 1, ...) → `0` → `self_attn` → `q_proj` holding the
 * parameter `weight`. Floating tensors become parameters (shape-only ones stay shape-only);
 * integer and bool tensors (position ids, counters) become buffers, as PyTorch cannot train them.
 * `namedParameters()` lists the parameters in the state dict's order, and `stateDict()` gives the
 * keys back in that order.
 */
import { KeyError, kindOf, ValueError } from "../errors.js";
import { isIntegerDType, makeMeta } from "../tensor/meta.js";
import { Tensor } from "../tensor/tensor.js";
import { ModuleList } from "./container.js";
import { Module as BaseModule, type StateDict } from "./module.js";
import { Parameter } from "./parameter.js";

/** Position of each tensor in the state dict it came from, shared by a tree's modules. */
type Order = WeakMap<Tensor, number>;

const byOrder = (order: Order) => (a: [string, Tensor], b: [string, Tensor]) =>
  (order.get(a[1]) ?? Infinity) - (order.get(b[1]) ?? Infinity);

/**
 * A module of a tree built by `fromStateDict`. Its class name is `Module`, as PyTorch prints a bare
 * `nn.Module()`: the checkpoint does not say which layer type it was.
 */
class Module extends BaseModule {
  #order: Order;
  #members: string[] = [];

  constructor(order: Order) {
    super();
    this.#order = order;
  }

  protected override _memberNames(): string[] {
    return this.#members.filter((n) => Object.prototype.hasOwnProperty.call(this, n));
  }

  /** Adds a member, keeping insertion order (integer-like names included). */
  _add(name: string, value: BaseModule | Parameter | Tensor, buffer: boolean): void {
    if (value instanceof BaseModule) this.registerModule(name, value);
    else if (buffer) this.registerBuffer(name, value);
    else this.registerParameter(name, value as Parameter);
    this.#members.push(name);
  }

  override namedParameters(prefix = "", recurse = true, removeDuplicate = true): Array<[string, Parameter]> {
    return super.namedParameters(prefix, recurse, removeDuplicate).sort(byOrder(this.#order));
  }

  override namedBuffers(prefix = "", recurse = true, removeDuplicate = true): Array<[string, Tensor]> {
    return super.namedBuffers(prefix, recurse, removeDuplicate).sort(byOrder(this.#order));
  }

  override stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const entries = Object.entries(super.stateDict({ ...options, keepVars: true })).sort(byOrder(this.#order));
    const out: StateDict = {};
    for (const [k, t] of entries) out[k] = options.keepVars || !(t instanceof Parameter) || t.isMeta ? t : new Tensor(t.data, t.shape);
    return out;
  }
}

interface Trie {
  children: Map<string, Trie>;
  /** Tensor name, tensor, position in the state dict. */
  leaves: Array<[string, Tensor, number]>;
  /** Full dotted path, for messages. */
  path: string;
}

/** A parameter sharing `t`'s storage (or, for a meta tensor, its shape and dtype). */
function toParameter(t: Tensor, name: string): Parameter {
  if (t instanceof Parameter) return t;
  if (t.isMeta) return makeMeta(new Parameter(new Tensor(new Float32Array(0), [0])), t.shape, t.dtype, name);
  const p = new Parameter(t);
  if (t.dtype !== "float32") Object.defineProperty(p, "dtype", { value: t.dtype, enumerable: true, configurable: true });
  return p;
}

function build(node: Trie, order: Order): BaseModule {
  const keys = [...node.children.keys()];
  const numeric = keys.length > 0 && node.leaves.length === 0 && keys.every((k) => /^(0|[1-9]\d*)$/.test(k));
  if (numeric && keys.map(Number).sort((a, b) => a - b).every((k, i) => k === i)) {
    // Segments 0..n-1: a ModuleList, in index order.
    return new ModuleList(keys.map(Number).sort((a, b) => a - b).map((k) => build(node.children.get(String(k))!, order)));
  }
  const m = new Module(order);
  const members: Array<[string, () => void]> = [];
  for (const [name, t, index] of node.leaves) {
    const full = node.path ? `${node.path}.${name}` : name;
    const buffer = isIntegerDType(t.dtype);
    const value = buffer ? t : toParameter(t, full);
    order.set(value, index);
    members.push([name, () => m._add(name, value, buffer)]);
  }
  for (const [name, child] of node.children) members.push([name, () => m._add(name, build(child, order), false)]);
  for (const [name, add] of members) {
    try {
      add();
    } catch (e) {
      const full = node.path ? `${node.path}.${name}` : name;
      throw new KeyError(`fromStateDict(): cannot use "${full}" as a module member: ${(e as Error).message}`);
    }
  }
  return m;
}

/**
 * A module tree whose parameters are the state dict's tensors under the same names, in the same
 * order (values shared, not copied; shape-only tensors stay shape-only).
 *
 * @example
 * const sd = await safetensors.load("llama/model.safetensors.index.json", { meta: true });
 * const model = nn.Module.fromStateDict(sd);
 * model.namedParameters()[0][0]; // "lm_head.weight" (the file's first key)
 * summary(model);                 // 7B parameters, 32 identical blocks collapsed
 */
export function fromStateDict(stateDict: Record<string, Tensor>): BaseModule {
  if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict) || stateDict instanceof Tensor) {
    throw new TypeError(`fromStateDict() expects a state dict (an object of name -> Tensor), got ${kindOf(stateDict)}`);
  }
  const root: Trie = { children: new Map(), leaves: [], path: "" };
  const order: Order = new WeakMap();
  const leafPaths = new Set<string>();
  let i = 0;
  for (const [key, t] of Object.entries(stateDict)) {
    if (!(t instanceof Tensor)) throw new TypeError(`fromStateDict(): "${key}" must be a Tensor, got ${kindOf(t)}`);
    const parts = key.split(".");
    if (parts.some((p) => p === "")) throw new ValueError(`fromStateDict(): "${key}" has an empty name segment (expected names like "layers.0.weight")`);
    let node = root;
    for (let d = 0; d < parts.length - 1; d++) {
      const seg = parts[d];
      const path = parts.slice(0, d + 1).join(".");
      if (leafPaths.has(path)) throw new ValueError(`fromStateDict(): "${path}" is a tensor and also the module prefix of "${key}"`);
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { children: new Map(), leaves: [], path }));
      node = next;
    }
    const last = parts[parts.length - 1];
    if (node.children.has(last)) throw new ValueError(`fromStateDict(): "${key}" is a tensor and also the module prefix of other keys`);
    node.leaves.push([last, t, i++]);
    leafPaths.add(key);
  }
  // A checkpoint whose top level is a list ("0.weight", "1.weight") gives a ModuleList root.
  return build(root, order);
}

// `nn.Module.fromStateDict(...)`: a static on the base class, declared here so module.ts does not
// import this file (which extends Module).
declare module "./module.js" {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Module {
    /**
     * A module tree whose parameters are the state dict's tensors under the same names, in the
     * same order. See `fromStateDict` in lib/nn/from_state_dict.ts.
     *
     * @example
     * const model = nn.Module.fromStateDict(await safetensors.load("vit.safetensors", { meta: true }));
     */
    let fromStateDict: (stateDict: Record<string, Tensor>) => Module;
  }
}
Object.defineProperty(BaseModule, "fromStateDict", { value: fromStateDict, writable: true, configurable: true, enumerable: false });
