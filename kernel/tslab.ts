/**
 * The one place the kernel touches private APIs: tslab's internals (its converter, executor,
 * display hook and console protocol) and Node's CommonJS loader. Every use is listed in
 * PRIVATE_APIS with a check; `selfCheck()` runs them all when the kernel warms up and fails
 * loudly, naming the broken API and the tslab version, instead of letting a tslab upgrade turn
 * into cells that silently lose their results or errors.
 *
 * Private APIs used (tslab 1.0.22):
 *  1. tslab/dist/converter: createConverter({ isJS, isBrowser }) -> { convert(prevDecl, src), close() },
 *     convert's result { output, declOutput, lastExpressionVar, diagnostics }; isCompleteCode(src).
 *  2. tslab/dist/executor: createExecutor(cwd, convs, console) -> { execute, complete, inspect,
 *     interrupt, close, locals }; it runs cells with vm.runInThisContext(code, { breakOnSigint: true })
 *     and no filename (patched here to name the script "In[n]").
 *  3. The executor's console protocol: console.log(lastValue); console.error("%s%d:%d - %s", file,
 *     line, column, message) per TypeScript diagnostic; console.error(thrown) for an exception.
 *  4. The executor's `locals`: the Proxy over the object cells read previous names from
 *     (`exports.name`); its prototype is swapped for lazily loaded preloaded names.
 *  5. A sentinel source passed through the converter: convert(prevDecl, SENTINEL) answers with
 *     given declarations, so the executor adopts them as the previous cells' declarations.
 *  6. tslab/dist/jupyter's mutable export `lastWriteDisplayData`, which `tslab.display` sends through.
 *  7. tslab/dist/inspect: printQuickInfo(quickInfo).
 *  8. node:module's Module._resolveFilename and Module._load (resolve "paramlab" from anywhere;
 *     notice when the library has loaded).
 */
import Module from "node:module";
import vm from "node:vm";
import type { CompletionInfo, Converter } from "tslab/dist/converter";
import type { ConverterSet, Executor } from "tslab/dist/executor";

export type { CompletionInfo, Converter, ConverterSet, Executor };

/** The tslab version installed next to the kernel. */
export const TSLAB_VERSION: string = (require("tslab/package.json") as { version: string }).version;

/** A TypeScript diagnostic as tslab's executor prints it (private API 3). */
export const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

type ConverterModule = typeof import("tslab/dist/converter");
type ExecutorModule = typeof import("tslab/dist/executor");
type InspectModule = typeof import("tslab/dist/inspect");
interface JupyterModule {
  lastWriteDisplayData: unknown;
}
interface LoaderInternals {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
  _load: (request: string, ...rest: unknown[]) => unknown;
}

/** The tslab modules (and loader internals) the adapter reaches into. */
export interface TslabInternals {
  converter: ConverterModule;
  executor: ExecutorModule;
  inspect: InspectModule;
  jupyter: JupyterModule;
  loader: LoaderInternals;
}

let internals: TslabInternals | null = null;

/** Loads tslab's internal modules (once). */
export function tslabInternals(): TslabInternals {
  return (internals ??= {
    converter: require("tslab/dist/converter") as ConverterModule,
    executor: require("tslab/dist/executor") as ExecutorModule,
    inspect: require("tslab/dist/inspect") as InspectModule,
    jupyter: require("tslab/dist/jupyter") as JupyterModule,
    loader: Module as unknown as LoaderInternals,
  });
}

/** One private API: what it is, and a check returning what is wrong with it (null: fine). */
export interface PrivateApi {
  name: string;
  check: (m: TslabInternals) => string | null;
}

const isFn = (v: unknown): boolean => typeof v === "function";
/** The source of a function, or "" (checks of the executor's behaviour read it: no cell is run). */
const source = (fn: unknown): string => (typeof fn === "function" ? Function.prototype.toString.call(fn) : "");

export const PRIVATE_APIS: readonly PrivateApi[] = [
  {
    name: "tslab/dist/converter createConverter()",
    check: (m) => (isFn(m.converter.createConverter) ? null : "createConverter is not a function"),
  },
  {
    name: "tslab/dist/converter convert() result { output, declOutput, lastExpressionVar, diagnostics }",
    check: (m) => {
      const src = source(m.converter.createConverter);
      const missing = ["declOutput", "lastExpressionVar", "diagnostics", "function convert(prevDecl, src)"].filter((w) => !src.includes(w));
      return missing.length ? `createConverter no longer mentions ${missing.join(", ")}` : null;
    },
  },
  {
    name: "tslab/dist/converter isCompleteCode()",
    check: (m) => (isFn(m.converter.isCompleteCode) ? null : "isCompleteCode is not a function"),
  },
  {
    name: "tslab/dist/executor createExecutor(cwd, convs, console)",
    check: (m) => (isFn(m.executor.createExecutor) && m.executor.createExecutor.length === 3 ? null : "createExecutor(rootDir, convs, console) is missing or takes other arguments"),
  },
  {
    name: "tslab/dist/executor runs cells with vm.runInThisContext(code, { breakOnSigint: true })",
    check: (m) => (/runInThisContext\([^)]*breakOnSigint: true/s.test(source(m.executor.createExecutor)) ? null : "cells no longer run through vm.runInThisContext with breakOnSigint"),
  },
  {
    name: "tslab/dist/executor console protocol (console.log(value), console.error(\"%s%d:%d - %s\", ...), console.error(thrown))",
    check: (m) => {
      const src = source(m.executor.createExecutor);
      const missing = [`console.error("${DIAGNOSTIC_FORMAT}"`, "console.error(e)", "console.log(ret)"].filter((w) => !src.includes(w));
      return missing.length ? `the executor no longer calls ${missing.join(", ")}` : null;
    },
  },
  {
    name: "tslab/dist/executor locals (the exports Proxy cells read previous names from)",
    check: (m) => (/locals: exports/.test(source(m.executor.createExecutor)) && /defineProperty: \(_target, prop, attrs\)/.test(source(m.executor.createExecutor)) ? null : "the executor no longer exposes its exports object as locals"),
  },
  {
    name: "tslab/dist/executor passes every source through convs.node.convert(prevDecl, src) (the declarations sentinel)",
    check: (m) => (/convs\.node\.convert\(prevDecl, src\)/.test(source(m.executor.createExecutor)) && /prevDecl = converted\.declOutput/.test(source(m.executor.createExecutor)) ? null : "the executor no longer converts through convs.node.convert and adopts declOutput"),
  },
  {
    name: "tslab/dist/jupyter lastWriteDisplayData (tslab.display's channel)",
    check: (m) => (Object.prototype.hasOwnProperty.call(m.jupyter, "lastWriteDisplayData") && Object.getOwnPropertyDescriptor(m.jupyter, "lastWriteDisplayData")?.writable ? null : "lastWriteDisplayData is no longer a writable export"),
  },
  {
    name: "tslab/dist/inspect printQuickInfo()",
    check: (m) => (isFn(m.inspect.printQuickInfo) ? null : "printQuickInfo is not a function"),
  },
  {
    name: "node:module Module._resolveFilename / Module._load",
    check: (m) => (isFn(m.loader._resolveFilename) && isFn(m.loader._load) ? null : "Module._resolveFilename or Module._load is not a function"),
  },
];

/** A tslab (or Node) change broke a private API the kernel relies on. */
export class TslabAdapterError extends Error {
  override name = "TslabAdapterError";
}

/**
 * Checks every private API in PRIVATE_APIS; throws a TslabAdapterError naming each broken one and
 * the tslab version. Cheap (no cell is compiled): the kernel runs it on warm-up.
 */
export function selfCheck(m: TslabInternals = tslabInternals(), version = TSLAB_VERSION): void {
  const broken: string[] = [];
  for (const api of PRIVATE_APIS) {
    let problem: string | null;
    try {
      problem = api.check(m);
    } catch (err) {
      problem = `check failed: ${(err as Error)?.message ?? String(err)}`;
    }
    if (problem) broken.push(`  - ${api.name}: ${problem}`);
  }
  if (broken.length) {
    throw new TslabAdapterError(
      `paramlab's kernel does not work with tslab ${version}: ${broken.length} private API${broken.length > 1 ? "s" : ""} it relies on changed ` +
        `(kernel/tslab.ts lists them; paramlab is tested with tslab 1.0.22):\n${broken.join("\n")}`,
    );
  }
}

// ---- 2. naming cell scripts ---------------------------------------------------------------------

let nextCellFilename: string | null = null;
let vmPatched = false;

/**
 * Names the script of the next cell tslab runs (stack frames then point at "In[n]"): the executor
 * calls vm.runInThisContext(code, { breakOnSigint: true }) without a filename.
 */
export function nameNextCell(filename: string | null): void {
  if (!vmPatched) {
    vmPatched = true;
    const original = vm.runInThisContext;
    vm.runInThisContext = function (code: string, options?: vm.RunningScriptOptions | string) {
      if (nextCellFilename && typeof options === "object" && options?.breakOnSigint) {
        const name = nextCellFilename;
        nextCellFilename = null;
        return original.call(vm, code, { ...options, filename: name });
      }
      return original.call(vm, code, options);
    } as typeof vm.runInThisContext;
  }
  nextCellFilename = filename;
}

// ---- 1, 2, 5. converters and the executor -------------------------------------------------------

/** What the last real convert() produced (the cell's JavaScript and declarations). */
export interface Converted {
  output?: string;
  lastExpressionVar?: string;
  declOutput?: string;
}

const ADOPT_SENTINEL = "/* paramlab: adopt these declarations */";

export interface TslabExecutor {
  executor: Executor;
  /** What the last convert() of a cell produced. */
  lastConverted: Converted;
  /** Makes `declarations` the previous cells' declarations, without compiling or running anything. */
  adoptDeclarations(declarations: string): void;
  close(): void;
}

/** Creates tslab's converters (the node one at once: the expensive part) and its executor. */
export function createTslabExecutor(cwd: string, console: { log: (value: unknown) => void; error: (...args: unknown[]) => void }): TslabExecutor {
  const { converter, executor: executorModule } = tslabInternals();
  let adopt: string | null = null;
  const created: Converter[] = [];
  const state: TslabExecutor = {
    executor: null as unknown as Executor,
    lastConverted: {},
    adoptDeclarations(declarations: string) {
      adopt = declarations;
      try {
        void state.executor.execute(ADOPT_SENTINEL);
      } finally {
        adopt = null;
      }
    },
    close() {
      for (const c of created) c.close();
    },
  };
  const record = (conv: Converter): Converter => {
    created.push(conv);
    const convert = conv.convert.bind(conv);
    conv.convert = (prevDecl, src) => {
      if (src === ADOPT_SENTINEL && adopt !== null) {
        // No output: the executor just takes these declarations as the new previous ones.
        return { diagnostics: [], declOutput: adopt };
      }
      const r = convert(prevDecl, src);
      state.lastConverted = { output: r.output, lastExpressionVar: r.lastExpressionVar, declOutput: r.declOutput };
      return r;
    };
    return conv;
  };
  let node: Converter | undefined;
  let browser: Converter | undefined;
  const convs: ConverterSet = {
    get node() {
      return (node ??= record(converter.createConverter({ isJS: false, isBrowser: false })));
    },
    get browser() {
      return (browser ??= record(converter.createConverter({ isJS: false, isBrowser: true })));
    },
    close() {
      state.close();
    },
  };
  void convs.node; // lib.es2022 and @types are parsed here.
  state.executor = executorModule.createExecutor(cwd, convs, console);
  return state;
}

/** What one console.error call of the executor reported (private API 3). */
export type ConsoleError =
  | { kind: "diagnostic"; fileName?: string; line: number; column: number; message: string }
  | { kind: "thrown"; value: unknown };

export function parseConsoleError(args: unknown[]): ConsoleError {
  if (args[0] === DIAGNOSTIC_FORMAT && args.length === 5) {
    const file = String(args[1]).trim();
    return { kind: "diagnostic", fileName: file || undefined, line: Number(args[2]), column: Number(args[3]), message: String(args[4]) };
  }
  return { kind: "thrown", value: args[0] };
}

/** Sets the prototype of the executor's locals (private API 4): names every cell sees unless it shadows them. */
export function setLocalsPrototype(executor: Executor, proto: object): void {
  if (!Reflect.setPrototypeOf(executor.locals, proto)) {
    throw new TslabAdapterError(`tslab ${TSLAB_VERSION}: the executor's locals refused a new prototype`);
  }
}

// ---- 6, 7. display and inspect ------------------------------------------------------------------

/** Sends `tslab.display` output (import * as tslab from "tslab") through `write` (private API 6). */
export function routeTslabDisplay(write: (data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean) => void): void {
  tslabInternals().jupyter.lastWriteDisplayData = write;
}

export function printQuickInfo(info: Parameters<InspectModule["printQuickInfo"]>[0]): string {
  return tslabInternals().inspect.printQuickInfo(info);
}

export function isCompleteCode(code: string): { completed: boolean; indent?: string } {
  return tslabInternals().converter.isCompleteCode(code);
}

// ---- 8. Node's module loader --------------------------------------------------------------------

/**
 * Routes `require(request)` of one bare name to `file` from anywhere in the process, and calls
 * `afterLoad` after every module load (Module._resolveFilename / Module._load, private API 8).
 */
export function hookModuleLoader(request: string, file: string, afterLoad: () => void): void {
  const loader = tslabInternals().loader;
  const originalResolve = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, req: string, ...rest: unknown[]): string {
    if (req === request) return file;
    return originalResolve.call(this, req, ...rest);
  };
  const originalLoad = loader._load;
  loader._load = function (this: unknown, req: string, ...rest: unknown[]): unknown {
    const exports = originalLoad.call(this, req, ...rest);
    afterLoad();
    return exports;
  };
}
