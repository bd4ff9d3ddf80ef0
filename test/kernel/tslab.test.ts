/**
 * The tslab adapter's start-up self-check: the installed tslab passes it, and a tslab in which any
 * one private API changed fails it with a message naming that API and the tslab version.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DIAGNOSTIC_FORMAT, parseConsoleError, PRIVATE_APIS, selfCheck, TSLAB_VERSION, TslabAdapterError, tslabInternals, type TslabInternals } from "../../kernel/tslab.js";

/** A copy of the real internals with one module's exports replaced. */
function withChange(part: keyof TslabInternals, change: (real: Record<string, unknown>) => Record<string, unknown>): TslabInternals {
  const real = tslabInternals();
  return { ...real, [part]: change(real[part] as unknown as Record<string, unknown>) } as TslabInternals;
}

/** An executor module whose createExecutor's source has `from` replaced by `to` (never called: only read). */
function executorWithSource(from: string, to: string): TslabInternals {
  return withChange("executor", (real) => {
    const src = Function.prototype.toString.call(real.createExecutor);
    assert.ok(src.includes(from), `the real createExecutor has no ${from}`);
    return { ...real, createExecutor: new Function(`return ${src.replace(from, to)}`)() as unknown };
  });
}

describe("tslab adapter", () => {
  test("the installed tslab passes the self-check", () => {
    assert.equal(TSLAB_VERSION, "1.0.22");
    assert.doesNotThrow(() => selfCheck());
  });

  test("every private API in the list is checked, and the list names each module the kernel reaches into", () => {
    const names = PRIVATE_APIS.map((a) => a.name).join("\n");
    for (const m of ["tslab/dist/converter", "tslab/dist/executor", "tslab/dist/jupyter", "tslab/dist/inspect", "Module._resolveFilename", "Module._load", "lastWriteDisplayData", "locals", "runInThisContext"]) {
      assert.ok(names.includes(m), `${m} is not in PRIVATE_APIS`);
    }
  });

  const broken: [string, () => TslabInternals, RegExp][] = [
    ["createConverter removed", () => withChange("converter", (r) => ({ ...r, createConverter: undefined })), /tslab\/dist\/converter createConverter\(\): createConverter is not a function/],
    ["isCompleteCode removed", () => withChange("converter", (r) => ({ ...r, isCompleteCode: undefined })), /isCompleteCode\(\): isCompleteCode is not a function/],
    ["createExecutor removed", () => withChange("executor", (r) => ({ ...r, createExecutor: undefined })), /createExecutor\(cwd, convs, console\): createExecutor\(rootDir, convs, console\) is missing/],
    ["diagnostics printed in another format", () => executorWithSource(`console.error("${DIAGNOSTIC_FORMAT}"`, 'console.error("%s(%d,%d): %s"'), /console protocol.*no longer calls console\.error\("%s%d:%d - %s"/],
    ["cells run without breakOnSigint", () => executorWithSource("breakOnSigint: true", "breakOnSigint: false"), /vm\.runInThisContext.*cells no longer run through vm\.runInThisContext with breakOnSigint/],
    ["locals no longer the exports proxy", () => executorWithSource("locals: exports", "locals: {}"), /executor locals.*no longer exposes its exports object/],
    ["lastWriteDisplayData gone", () => withChange("jupyter", () => ({})), /lastWriteDisplayData \(tslab\.display's channel\): lastWriteDisplayData is no longer a writable export/],
    ["printQuickInfo renamed", () => withChange("inspect", () => ({ printQuickInfoV2: () => "" })), /printQuickInfo\(\): printQuickInfo is not a function/],
    ["Module._load gone", () => withChange("loader", (r) => ({ _resolveFilename: r._resolveFilename })), /Module\._resolveFilename \/ Module\._load: .*not a function/],
  ];
  for (const [what, make, message] of broken) {
    test(`self-check fails loudly when ${what}`, () => {
      const m = make();
      assert.throws(() => selfCheck(m, "9.9.9"), (err: unknown) => {
        assert.ok(err instanceof TslabAdapterError);
        assert.match(err.message, /does not work with tslab 9\.9\.9/);
        assert.match(err.message, /\d+ private APIs? it relies on changed/);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test("one changed API is reported alone", () => {
    assert.throws(() => selfCheck(withChange("inspect", () => ({})), "9.9.9"), (err: Error) => {
      assert.match(err.message, /: 1 private API it relies on changed/);
      assert.equal(err.message.split("\n").filter((l) => l.startsWith("  - ")).length, 1);
      return true;
    });
  });

  test("a check that itself throws is reported as broken, not crashing the kernel", () => {
    const m = withChange("converter", () => new Proxy({}, { get() { throw new Error("exploded"); } }));
    assert.throws(() => selfCheck(m, "9.9.9"), /check failed: exploded/);
  });

  test("console.error calls are parsed as tslab prints them", () => {
    assert.deepEqual(parseConsoleError([DIAGNOSTIC_FORMAT, "", 2, 5, "Type 'string' is not assignable"]), { kind: "diagnostic", fileName: undefined, line: 2, column: 5, message: "Type 'string' is not assignable" });
    assert.deepEqual(parseConsoleError([DIAGNOSTIC_FORMAT, "a.ts ", 1, 1, "m"]), { kind: "diagnostic", fileName: "a.ts", line: 1, column: 1, message: "m" });
    const err = new Error("x");
    assert.deepEqual(parseConsoleError([err]), { kind: "thrown", value: err });
  });
});
