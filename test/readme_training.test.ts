import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");

test("the README's training loop runs as written and prints PyTorch's losses (its // lines)", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Training")));
  assert.ok(match, "README has a ```ts block under ## Training");
  const code = match[1];
  // The // lines at the end were printed by the same script under torch 1.13.
  const promised = code.split("\n").filter((l) => /^\/\/ (\d+ tensor|misclassified)/.test(l)).map((l) => l.slice(3));
  assert.equal(promised.length, 5);
  const dir = mkdtempSync(path.join(root, ".readme-training-"));
  try {
    const file = path.join(dir, "train.ts");
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, ["--import", "tsx", file], { cwd: root, encoding: "utf8", timeout: 60_000 });
    assert.deepEqual(out.trim().split("\n"), promised);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
