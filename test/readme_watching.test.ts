import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");

test("the README's 'Watching training' example runs as written and prints its // lines", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Watching training")));
  assert.ok(match, "README has a ```ts block under ## Watching training");
  const code = match[1];
  // The trailing // lines are the output; statsEvery: 10 makes the sampled figures deterministic.
  const lines = code.trimEnd().split("\n");
  const firstOut = lines.findIndex((l) => l.startsWith("// suggested"));
  const promised = lines.slice(firstOut).map((l) => l.slice(3));
  assert.ok(promised.length >= 8);
  const dir = mkdtempSync(path.join(root, ".readme-watching-"));
  try {
    const file = path.join(dir, "watch.ts");
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, ["--import", "tsx", file], { cwd: root, encoding: "utf8", timeout: 60_000 });
    assert.deepEqual(out.trimEnd().split("\n"), promised);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
