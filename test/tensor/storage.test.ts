import { test } from "node:test";
import assert from "node:assert/strict";
import { zeros } from "../../lib/index.js";
import { allocateStorage, SHARED_STORAGE_MIN_ELEMENTS, setWasmStorageBudget } from "../../lib/tensor/storage.js";
import { wasmAddress, wasmAlloc, wasmFree, wasmHeap } from "../../lib/tensor/wasm.js";

const N = SHARED_STORAGE_MIN_ELEMENTS + 3;

test("large storage lives in the shared wasm memory, small storage in ordinary memory", () => {
  assert.ok(wasmAddress(allocateStorage(N)) >= 0);
  assert.ok(wasmAddress(zeros(N).data) >= 0);
  const small = allocateStorage(100);
  assert.equal(wasmAddress(small), -1);
  assert.ok(!(small.buffer instanceof SharedArrayBuffer));
});

test("storage is zero even where scratch memory was written before", () => {
  // Dirty a large block of scratch, release it, then allocate storage over it.
  const bytes = 4 * 4 * N;
  const ptr = wasmAlloc(bytes)!;
  wasmHeap().fill(7, ptr >> 2, (ptr + bytes) >> 2);
  wasmFree(ptr);
  for (let r = 0; r < 4; r++) {
    const a = allocateStorage(N);
    assert.ok(a.every((x) => x === 0), "zeroed");
    a.fill(3);
  }
});

test("over the budget, large storage falls back to a SharedArrayBuffer of its own", () => {
  const previous = setWasmStorageBudget(0);
  try {
    const a = allocateStorage(N);
    assert.equal(wasmAddress(a), -1);
    assert.ok(a.buffer instanceof SharedArrayBuffer && a.buffer.byteLength === 4 * N);
    assert.ok(a.every((x) => x === 0));
  } finally {
    setWasmStorageBudget(previous);
  }
  assert.throws(() => setWasmStorageBudget(-1), /expected a non-negative integer number of bytes, got -1/);
});

test("blocks of collected tensors are reused (FinalizationRegistry)", async () => {
  const { execFileSync } = await import("node:child_process");
  // A child with --expose-gc: allocate and drop 40 x 4 MB, collecting between tasks; the memory
  // must not grow by anything like 160 MB.
  const script = `
    const { allocateStorage } = require("./lib/tensor/storage.ts");
    const { wasmMemory } = require("./lib/tensor/wasm.ts");
    (async () => {
      allocateStorage(1 << 20);
      const before = wasmMemory().buffer.byteLength;
      for (let i = 0; i < 40; i++) {
        allocateStorage(1 << 20).fill(1);
        global.gc();
        await new Promise((r) => setTimeout(r, 1));
      }
      console.log(wasmMemory().buffer.byteLength - before);
    })();`;
  const grown = Number(execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "-e", script], { encoding: "utf8", cwd: `${__dirname}/../..` }).trim());
  assert.ok(grown < 40 * 4 * (1 << 20) / 4, `memory grew by ${grown} bytes`);
});
