/**
 * Notebook cells are type-checked by tslab's TypeScript fork (5.0.4, lib capped at ES2022, Node-10
 * resolution), not by the TypeScript that builds the library. The library's emitted declarations
 * must therefore check cleanly under that compiler, or every cell would see errors from them.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import * as ts from "@tslab/typescript-for-tslab";
import { exportedNames } from "../../kernel/resolve.js";

const ROOT = path.resolve(__dirname, "..", "..");
const ENTRY = path.join(ROOT, "dist", "lib", "index.d.ts");

function check(rootNames: string[], host?: ts.CompilerHost): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ["node"],
    typeRoots: [path.join(ROOT, "node_modules", "@types")],
  };
  const program = ts.createProgram({ rootNames, options, host });
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => !d.file || !d.file.fileName.includes("/node_modules/"))
    .map((d) => {
      const where = d.file && d.start !== undefined ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
      return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    });
}

test("tslab's compiler is the pinned fork", () => {
  assert.equal(ts.version, "5.0.4");
});

test("dist/lib/*.d.ts type-check under tslab's TypeScript 5.0.4 (skipLibCheck off)", { timeout: 120_000 }, () => {
  assert.ok(fs.existsSync(ENTRY), `${ENTRY} is missing: run \`npm run build\` first`);
  const diags = check([ENTRY]);
  assert.deepEqual(diags, [], `declarations fail under TS ${ts.version}:\n${diags.slice(0, 20).join("\n")}`);
});

test("a notebook-style file using the preloaded names type-checks under TS 5.0.4", { timeout: 120_000 }, () => {
  const names = exportedNames(ts, ENTRY);
  for (const n of ["nn", "optim", "tensor", "zeros", "randn", "manualSeed", "display", "describeParamGroups", "visualizeOptimizerParamGroups"]) {
    assert.ok(names.includes(n), `${n} is not exported by dist/lib/index.d.ts`);
  }
  const cell = path.join(ROOT, "__cell__.ts");
  const source = [
    `import { ${names.join(", ")} } from "./dist/lib/index.js";`,
    "manualSeed(0);",
    "const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU());",
    "const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });",
    "const sched = new optim.lr_scheduler.StepLR(opt, { step_size: 10, gamma: 0.5 });",
    "const x: number[] = randn(2, 3).shape;",
    "display(describeParamGroups(model, opt));",
    "sched.step();",
    "export const lr: number = opt.paramGroups[0].lr;",
  ].join("\n");
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === cell ? source : readFile(f));
  host.fileExists = (f) => f === cell || fileExists(f);
  host.getSourceFile = (f, lang, onError, create) => (f === cell ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, onError, create));
  const diags = check([cell], host);
  assert.deepEqual(diags, []);
});
