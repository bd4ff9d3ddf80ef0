// Compiles each AssemblyScript source in wasm/ (gemm.ts, adam.ts, ...) to dist/wasm/<name>.wasm
// with the pinned assemblyscript devDependency: `npm run build` runs this after tsc. Helpers the
// modules import and inline (wasm/shared/*.ts) are not modules of their own. Every module
// imports one shared memory (env.memory: threads + SIMD, up to 4 GiB) and must not carry data
// segments of its own, since all modules and threads share that memory; the build checks this.
"use strict";
const { readdirSync, mkdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const here = __dirname;
const out = join(here, "..", "dist", "wasm");

/** Fails when the binary has a data section (id 11), i.e. static data the shared memory would collide on. */
function checkNoData(file) {
  const b = readFileSync(file);
  let pos = 8;
  const leb = () => {
    let result = 0, shift = 0, byte;
    do { byte = b[pos++]; result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    return result >>> 0;
  };
  while (pos < b.length) {
    const id = b[pos++];
    const size = leb();
    if (id === 11) throw new Error(`${file}: has a data section; kernels must not keep static data`);
    pos += size;
  }
}

async function main() {
  const asc = await import("assemblyscript/asc");
  mkdirSync(out, { recursive: true });
  const sources = readdirSync(here).filter((f) => f.endsWith(".ts")).sort();
  for (const src of sources) {
    const name = src.slice(0, -3);
    const wasm = join(out, `${name}.wasm`);
    const { error, stderr } = await asc.main([
      join(here, src),
      "--outFile", wasm,
      "-O3", "--noAssert", "--runtime", "stub", "--use", "abort=",
      "--importMemory", "--sharedMemory", "--initialMemory", "1", "--maximumMemory", "65536",
      "--enable", "simd,threads", "--noExportMemory",
    ]);
    if (error) {
      process.stderr.write(stderr.toString());
      throw error;
    }
    checkNoData(wasm);
  }
  process.stdout.write(`wasm: ${sources.length} module(s) -> ${out}\n`);
}

main().catch((e) => {
  process.stderr.write(`wasm build failed: ${e && e.message}\n`);
  process.exit(1);
});
