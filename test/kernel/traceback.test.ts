import assert from "node:assert/strict";
import { test } from "node:test";
import { compileError, mapJsLine, runtimeError, sourceExcerpt, type CellRecord } from "../../kernel/traceback.js";

// A cell and the JavaScript tslab's converter emits for it (blank lines and types gone, exports added).
const cell: CellRecord = {
  count: 7,
  source: ["const a: number = 1;", "", "// helper", "function f(x: number): number {", "  return x.toFixed(2) as any;", "}", "f(a);"].join("\n"),
  js: ["exports.f = exports.a = void 0;", "const a = 1;", "exports.a = a;", "// helper", "function f(x) {", "    return x.toFixed(2);", "}", "exports.f = f;", "exports.tsLastExpr = f(exports.a);"].join("\n"),
};

test("compiled JavaScript lines map back to the TypeScript cell line by statement text", () => {
  assert.equal(mapJsLine(cell, 2), 1);
  assert.equal(mapJsLine(cell, 6), 5);
  assert.equal(mapJsLine(cell, 9), 7);
});

test("source excerpts mark the line with an arrow and the column with a caret", () => {
  assert.deepEqual(sourceExcerpt("a\nbb\nccc", 2, 2), ["      1 a", "----> 2 bb", "         ^", "      3 ccc"]);
});

test("runtime errors name the class, message and the cell frames", () => {
  const err = new RangeError("too big");
  err.stack = "RangeError: too big\n    at f (In[7]:6:14)\n    at In[7]:9:23\n    at Script.runInThisContext (node:vm:1:1)";
  const e = runtimeError(err, new Map([[7, cell]]));
  assert.equal(e.ename, "RangeError");
  assert.equal(e.evalue, "too big");
  const tb = e.traceback.join("\n");
  assert.match(tb, /Cell In\[7\], line 5\n(.*\n)*----> 5 {3}return x\.toFixed/);
  assert.match(tb, /Cell In\[7\], line 7\n(.*\n)*----> 7 f\(a\);/);
  assert.doesNotMatch(tb, /node:vm/);
});

test("thrown non-Errors still produce a name and value", () => {
  assert.deepEqual(runtimeError("plain string", new Map()).ename, "string");
  assert.equal(runtimeError({ code: 3 }, new Map()).evalue, "{ code: 3 }");
});

test("compile errors are TSError with every diagnostic located in the cell", () => {
  const e = compileError([{ line: 1, column: 7, message: "Type 'string' is not assignable to type 'number'." }], 3, 'const x: number = "s";');
  assert.equal(e.ename, "TSError");
  assert.equal(e.evalue, "Type 'string' is not assignable to type 'number'. (line 1, column 7)");
  assert.deepEqual(e.traceback.slice(2), ["Cell In[3], line 1, column 7: Type 'string' is not assignable to type 'number'.", '----> 1 const x: number = "s";', "              ^"]);
});

test("any thrown value gives string ename / evalue and a traceback of strings, whatever its getters do", () => {
  const named = (name: unknown) => Object.assign(new Error("x"), { name });
  const withGetter = (key: string) => {
    const e = new Error("x");
    Object.defineProperty(e, key, { get() { throw new Error("getter"); } });
    return e;
  };
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cases: [string, unknown, string, string | RegExp][] = [
    ["name is an object", named({}), "Error", "x"],
    ["name is a number", named(7), "7", "x"],
    ["message is an object", Object.assign(new Error("x"), { message: { a: 1 } }), "Error", "{ a: 1 }"],
    ["message getter throws", withGetter("message"), "Error", "(the error's message getter threw)"],
    ["stack getter throws", withGetter("stack"), "Error", "x"],
    ["name getter throws", withGetter("name"), "Error", "x"],
    ["a Proxy whose traps throw", new Proxy({}, { get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } }), "Object", /./],
    ["a revoked Proxy", revoked.proxy, "Object", /./],
    ["a symbol", Symbol("s"), "symbol", "Symbol(s)"],
    ["null", null, "null", "null"],
    ["undefined", undefined, "undefined", "undefined"],
    ["an object without prototype", Object.create(null), "Object", "[Object: null prototype] {}"],
  ];
  for (const [what, value, ename, evalue] of cases) {
    const e = runtimeError(value, new Map());
    assert.equal(typeof e.ename, "string", what);
    assert.equal(typeof e.evalue, "string", what);
    assert.ok(Array.isArray(e.traceback) && e.traceback.every((l) => typeof l === "string"), what);
    assert.equal(e.ename, ename, what);
    if (typeof evalue === "string") assert.equal(e.evalue, evalue, what);
    else assert.match(e.evalue, evalue, what);
  }
});
