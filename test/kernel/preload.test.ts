/**
 * What every notebook cell sees (issue 14.4): the public barrel's user vocabulary, the kernel's
 * input() / clearOutput(), and the display plumbing only under the `jupyter` namespace.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import * as ts from "@tslab/typescript-for-tslab";
import { KERNEL_NAMES, preloadDeclarations, preloadNames } from "../../kernel/preload.js";

const ENTRY = path.resolve(__dirname, "..", "..", "dist", "lib", "index.d.ts");

/** The plumbing issue 14.4 names (and its kin), which a cell must not see unqualified. */
const PLUMBING = ["setDisplaySink", "getDisplaySink", "flushDisplays", "setDisplayTimeout", "getDisplayTimeout", "DISPLAY_METADATA", "VEGALITE_MIME", "JUPYTER_DISPLAY", "preloadRenderer", "renderPng", "toMimeBundle", "registerFormatter", "mediaBundle", "plainText", "isScheduleTrace", "downsample", "sameShape", "formatShape", "DisplaySink", "setUpdateRate", "getUpdateRate", "LIVE_DISPLAY", "liveMimeBundle"];
const TORCH_FUNCTIONS = ["add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "clamp", "view", "reshape", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "t", "expand", "cat", "stack", "sum", "mean", "max", "min", "argmax", "argmin", "matmul", "select", "narrow", "indexSelect", "gather", "where", "maskedFill", "noGrad", "enableGrad", "isGradEnabled"];
const VOCABULARY = ["nn", "optim", "tensor", "zeros", "ones", "randn", "manualSeed", "display", "summary", "describeParamGroups", "visualizeOptimizerParamGroups", "plotSchedule", "compareSchedules", "previewSchedule", "Tensor", "ValueError", "setNumThreads"];

test("the preload is the public barrel: vocabulary in, plumbing only under jupyter", () => {
  const names = preloadNames(ts, ENTRY);
  for (const n of VOCABULARY) assert.ok(names.includes(n), `${n} is not preloaded`);
  for (const n of PLUMBING) assert.ok(!names.includes(n), `${n} (plumbing) is preloaded`);
  assert.ok(names.includes("jupyter"), "the jupyter namespace is preloaded");
  // Autograd (issue 9) added PyTorch's tensor functions (torch.add, torch.cat, ...): vocabulary,
  // counted apart so the bound still measures what issue 14.4 removed.
  const rest = names.filter((n) => !TORCH_FUNCTIONS.includes(n));
  assert.ok(rest.length < 73, `${rest.length} names besides the tensor functions (issue 14.4 counted 73 with the plumbing)`);
});

test("the jupyter namespace holds the plumbing the kernel uses", () => {
  const lib = require("../../dist/lib/index.js") as Record<string, Record<string, unknown>>;
  for (const n of ["setDisplaySink", "getDisplaySink", "flushDisplays", "setDisplayTimeout", "setUpdateRate", "getUpdateRate", "toMimeBundle", "liveMimeBundle", "registerFormatter", "mediaBundle", "renderPng", "preloadRenderer"]) {
    assert.equal(typeof lib.jupyter[n], "function", `jupyter.${n}`);
  }
  assert.equal(lib.jupyter.VEGALITE_MIME, "application/vnd.vegalite.v5+json");
  assert.equal(lib.jupyter.JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  assert.equal(lib.jupyter.LIVE_DISPLAY, Symbol.for("paramlab.display.live"));
  for (const n of PLUMBING) assert.equal(n in lib, false, `${n} is still exported at the top level`);
});

test("the preload declarations import the names and declare the kernel's own", () => {
  const decl = preloadDeclarations(["nn", "optim"]);
  assert.match(decl, /^import \{ nn, optim \} from "paramlab";\n/);
  for (const n of KERNEL_NAMES) assert.match(decl, new RegExp(`export declare function ${n}\\(`));
  // The declarations parse as a declaration file.
  const sf = ts.createSourceFile("__prev__.d.ts", decl, ts.ScriptTarget.ES2022, false);
  assert.equal((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length, 0);
});
