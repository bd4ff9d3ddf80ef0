/**
 * Removable hook registrations, as PyTorch's `torch/utils/hooks.py`: a hook lives in an ordered
 * `Map<id, hook>` owned by the object that runs it (an optimizer, a module), and registering one
 * returns a {@link RemovableHandle} whose `remove()` takes it out again.
 */

/** The ordered hook table an object keeps (PyTorch's `OrderedDict[int, Callable]`). */
export type HookDict<H> = Map<number, H>;

let nextId = 0;

/**
 * A handle that removes the hook it was returned for (PyTorch's `RemovableHandle`). Removing twice,
 * or after the owner is gone, does nothing. Hold it to remove the hook later; hooks run in
 * registration order unless registered with `prepend`.
 *
 * @example
 * const handle = optimizer.registerStepPostHook(() => steps++);
 * // ... train ...
 * handle.remove();
 */
export class RemovableHandle {
  /** A process-wide unique id, the hook's key in its table. */
  readonly id: number;
  readonly #dicts: WeakRef<HookDict<unknown>>[];

  /**
   * A handle for the entry `id` of `hooksDict` (and of each `extraDicts` table, for hooks stored
   * in two places, as PyTorch's `extra_dict`). The tables are held weakly.
   */
  constructor(hooksDict: HookDict<unknown>, extraDicts: HookDict<unknown>[] = []) {
    this.id = nextId++;
    this.#dicts = [hooksDict, ...extraDicts].map((d) => new WeakRef(d));
  }

  /** Removes the hook; later calls do nothing. */
  remove(): void {
    for (const ref of this.#dicts) ref.deref()?.delete(this.id);
  }

  toString(): string {
    return `RemovableHandle(id=${this.id})`;
  }
}

/**
 * Registers `hook` in `dict` and returns its handle; with `prepend` it runs before the hooks
 * already there (PyTorch's `move_to_end(handle.id, last=False)`).
 *
 * @example
 * const handle = addHook(this.#stepPreHooks, hook);
 */
export function addHook<H>(dict: HookDict<H>, hook: H, prepend = false): RemovableHandle {
  if (typeof hook !== "function") throw new TypeError(`a hook must be a function, got ${hook === null ? "null" : typeof hook}`);
  const handle = new RemovableHandle(dict as HookDict<unknown>);
  insertHook(dict, handle.id, hook, prepend);
  return handle;
}

/** Puts `hook` under `id` in `dict`: last, or first with `prepend` (the order hooks run in). */
export function insertHook<H>(dict: HookDict<H>, id: number, hook: H, prepend: boolean): void {
  if (!prepend) {
    dict.set(id, hook);
    return;
  }
  const rest = [...dict];
  dict.clear();
  dict.set(id, hook);
  for (const [k, v] of rest) dict.set(k, v);
}
