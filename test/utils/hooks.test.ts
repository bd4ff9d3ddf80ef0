import { test } from "node:test";
import assert from "node:assert/strict";
import { addHook, RemovableHandle } from "../../lib/utils/hooks.js";

test("RemovableHandle ids are unique and increasing across tables, as PyTorch's next_id", () => {
  const a = new Map();
  const b = new Map();
  const h1 = addHook(a, () => 1);
  const h2 = addHook(b, () => 2);
  const h3 = addHook(a, () => 3);
  assert.ok(h1.id < h2.id && h2.id < h3.id);
  assert.deepEqual([...a.keys()], [h1.id, h3.id]);
});

test("remove() takes the hook out of its table (and extra tables); a second remove does nothing", () => {
  const main = new Map<number, () => void>();
  const extra = new Map<number, () => void>();
  const h = new RemovableHandle(main, [extra]);
  main.set(h.id, () => {});
  extra.set(h.id, () => {});
  const other = addHook(main, () => {});
  h.remove();
  assert.deepEqual([...main.keys()], [other.id]);
  assert.equal(extra.size, 0);
  h.remove();
  assert.deepEqual([...main.keys()], [other.id]);
  assert.equal(String(h), `RemovableHandle(id=${h.id})`);
});

test("addHook with prepend puts the hook first; others keep their order", () => {
  const d = new Map<number, () => void>();
  const a = addHook(d, () => {});
  const b = addHook(d, () => {});
  const c = addHook(d, () => {}, true);
  assert.deepEqual([...d.keys()], [c.id, a.id, b.id]);
});

test("addHook rejects a hook that is not a function", () => {
  assert.throws(() => addHook(new Map(), 42), (e: unknown) => e instanceof TypeError && /a hook must be a function, got number/.test((e as Error).message));
});
