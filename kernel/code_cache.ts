/**
 * Loads a large CommonJS module (tslab's 10 MB TypeScript fork) with a V8 code cache, so that a
 * kernel start does not recompile the parser, binder and checker from source. The cache is
 * written after warm-up (it then holds the lazily compiled functions too) and is keyed by file,
 * size, mtime, Node version and V8 flags; a rejected or missing cache just compiles normally.
 * Node 20 has no module.enableCompileCache(); this is the same idea (v8-compile-cache) in 60 lines.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { PACKAGE_ROOT } from "./resolve.js";

interface Loaded {
  script: vm.Script;
  cacheFile: string;
  hadCache: boolean;
}

const loaded: Loaded[] = [];

function cacheDir(): string | null {
  for (const dir of [process.env.PARAMLAB_CACHE_DIR, path.join(PACKAGE_ROOT, "node_modules", ".cache", "paramlab"), path.join(os.tmpdir(), `paramlab-cache-${process.getuid?.() ?? "user"}`)]) {
    if (!dir) continue;
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch {
      // try the next one
    }
  }
  return null;
}

/** Requires `file` (an absolute .js path) through the code cache; falls back to plain require. */
export function requireWithCodeCache(file: string): unknown {
  if (require.cache[file]) return require.cache[file]!.exports;
  const dir = process.env.PARAMLAB_NO_CODE_CACHE ? null : cacheDir();
  if (!dir) return require(file);
  const stat = fs.statSync(file);
  const key = createHash("sha256").update([file, stat.size, stat.mtimeMs, process.version, process.arch, process.execArgv.join(" ")].join("\0")).digest("hex").slice(0, 24);
  const cacheFile = path.join(dir, `${path.basename(file)}.${key}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = fs.readFileSync(file, "utf8");
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(file));
  const fn = script.runInThisContext() as (e: unknown, r: NodeRequire, m: Module, f: string, d: string) => void;
  require.cache[file] = mod;
  try {
    fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  } catch (err) {
    delete require.cache[file];
    throw err;
  }
  mod.loaded = true;
  loaded.push({ script, cacheFile, hadCache: cachedData !== undefined && !script.cachedDataRejected });
  return mod.exports;
}

/** Writes code caches that were missing or stale; call once the kernel is warm (and idle). */
export function saveCodeCaches(): void {
  for (const entry of loaded.splice(0)) {
    if (entry.hadCache) continue;
    try {
      const tmp = `${entry.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, entry.script.createCachedData());
      fs.renameSync(tmp, entry.cacheFile);
    } catch {
      // A cache is an optimisation only.
    }
  }
}
