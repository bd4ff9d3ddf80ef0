/**
 * Files a report inlines: the vega / vega-lite / vega-embed browser builds from node_modules
 * (never a CDN, so reports work offline), and paramlab's version for the page footer.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { scriptSafe } from "./escape.js";

/** Directories to search upward from: this file's (source or dist) and the working directory. */
function* ancestors(start: string): Generator<string> {
  let dir = resolve(start);
  for (;;) {
    yield dir;
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** The paramlab package root (the directory whose package.json is named "paramlab"). */
export function packageRoot(): string {
  for (const dir of ancestors(__dirname)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "paramlab") return dir;
      } catch {
        // not ours; keep looking
      }
    }
  }
  throw new Error(`cannot find paramlab's package.json above ${__dirname}`);
}

export function paramlabVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

function findModuleFile(relative: string): string {
  const starts = [__dirname, process.cwd()];
  for (const start of starts) {
    for (const dir of ancestors(start)) {
      const candidate = join(dir, "node_modules", relative);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(`cannot find node_modules/${relative} (run npm install)`);
}

export interface VegaBundle {
  /** The three browser builds in load order, each safe to place inside a <script> element. */
  scripts: { name: string; version: string; code: string }[];
}

let cached: VegaBundle | undefined;

/** The vega, vega-lite and vega-embed UMD builds, read once per process. */
export function vegaBundle(): VegaBundle {
  if (cached) return cached;
  const read = (pkg: string, file: string) => {
    const path = findModuleFile(`${pkg}/build/${file}`);
    const version = (JSON.parse(readFileSync(join(path, "..", "..", "package.json"), "utf8")) as { version: string }).version;
    // Drop the source-map comment: the .map file is not part of a self-contained page.
    const code = readFileSync(path, "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "");
    return { name: pkg, version, code: scriptSafe(code) };
  };
  cached = {
    scripts: [read("vega", "vega.min.js"), read("vega-lite", "vega-lite.min.js"), read("vega-embed", "vega-embed.min.js")],
  };
  return cached;
}
