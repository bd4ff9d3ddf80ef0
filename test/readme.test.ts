import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "..");

/** The README's worked example: the first ```ts block under "## One example". */
function readmeExample(): string {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## One example"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match, "README has a ```ts block under ## One example");
  return match[1];
}

test("the README's example runs as written and prints what its comments say", () => {
  const code = readmeExample();
  // Run it from inside the package so that `from "paramlab"` resolves to this checkout
  // (package self-reference through `exports`), as a user's script would resolve the install.
  const dir = mkdtempSync(path.join(root, ".readme-example-"));
  try {
    const file = path.join(dir, "example.ts");
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, ["--import", "tsx", file], { cwd: root, encoding: "utf8", timeout: 60_000 });
    // Every `// ` line after visualizeOptimizerParamGroups is output the README promises. The
    // numbers are the seed tutorial's PyTorch output (lr 1e-3 * sqrt(128 / 64)).
    const promised = code
      .slice(code.indexOf("visualizeOptimizerParamGroups(model"))
      .split("\n")
      .filter((l) => l.startsWith("// ") && l.trim() !== "// ...")
      .map((l) => l.slice(3));
    assert.ok(promised.length >= 7, "the example documents the helper's output");
    const lines = out.split("\n");
    for (const want of promised) assert.ok(lines.includes(want), `README promises the line ${JSON.stringify(want)}; output was:\n${out}`);
    assert.match(out, /^base\.weight \[ 8, 4 \]$/m);
    assert.match(out, /^critic\.bias \[ 1 \]$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
