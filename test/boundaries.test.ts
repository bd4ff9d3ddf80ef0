/**
 * The library's one-way dependencies (CONVENTIONS.md): lib/ never imports the kernel, tslab,
 * ZeroMQ or Jupyter packages, so it loads anywhere Node does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..");
const FORBIDDEN = [/^tslab(\/|$)/, /^zeromq(\/|$)/, /^@jupyterlab\//, /^@jupyter\//, /^@?jupyter/i, /(^|\/)kernel(\/|$)/];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers of static imports / re-exports, dynamic import() and require(). */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

test("the import scanner sees every form of import", () => {
  const src = `import a from "tslab";\nimport { b } from "zeromq/v5-compat";\nexport * from "../../kernel/x.js";\nconst c = await import("@jupyterlab/services");\nconst d = require("node:fs");\nimport type { E } from "./e.js";`;
  assert.deepEqual(specifiers(src).sort(), ["../../kernel/x.js", "./e.js", "@jupyterlab/services", "node:fs", "tslab", "zeromq/v5-compat"].sort());
});

test("lib/ never imports kernel/, tslab, zeromq or Jupyter packages", () => {
  const offenders: string[] = [];
  for (const file of tsFiles(join(ROOT, "lib"))) {
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      if (FORBIDDEN.some((re) => re.test(spec))) offenders.push(`${relative(ROOT, file)} imports "${spec}"`);
    }
  }
  assert.deepEqual(offenders, []);
});
