/**
 * Runs cells: tslab's converter (its TypeScript 5.0 fork) and executor do the compiling and
 * running; this class adds what stock tslab lacks: the library preloaded in every cell, the last
 * value as a rich MIME bundle instead of text on stdout, errors with name / value / traceback
 * pointing at the cell line, and interrupts that also stop awaited Promises.
 */
import path from "node:path";
import { inspect } from "node:util";
import vm from "node:vm";
import type { Converter, CompletionInfo } from "tslab/dist/converter";
import type { ConverterSet, Executor } from "tslab/dist/executor";
import type * as TS from "@tslab/typescript-for-tslab";
import type { MimeBundle } from "../lib/display/index.js";
import { requireWithCodeCache, saveCodeCaches } from "./code_cache.js";
import { exportedNames, hookRuntimeResolution, hookTypeResolution, LIBRARY_JS, loadedLibrary, PACKAGE_NAME } from "./resolve.js";
import { cellFilename, compileError, runtimeError, type CellDiagnostic, type CellRecord, type KernelError } from "./traceback.js";

export interface ExecuteOutcome {
  status: "ok" | "error";
  /** The last expression's bundle, unless it was `undefined` or silenced with a trailing `;`. */
  result?: MimeBundle;
  error?: KernelError;
}

export interface SessionOptions {
  /** The notebook directory: where relative imports and local .ts modules resolve from. */
  cwd?: string;
  /** Import the library's public API before the first cell (default true). */
  preload?: boolean;
  /** Where the kernel's own diagnostics go (never to a cell's output). */
  log?: (line: string) => void;
}

/** Something thrown by an interrupt while a cell awaits. */
export class Interrupted extends Error {
  override name = "KeyboardInterrupt";
  constructor() {
    super("Execution interrupted by the user");
  }
}

const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";
const KEEP_DECLARATIONS = "/* paramlab: keep the declarations of the cell that failed */";

// tslab's executor runs each cell with vm.runInThisContext(code, { breakOnSigint: true }) and no
// filename. Naming the script after its cell makes stack frames point at "In[n]".
let nextCellFilename: string | null = null;
const originalRunInThisContext = vm.runInThisContext;
vm.runInThisContext = function (code: string, options?: vm.RunningScriptOptions | string) {
  if (nextCellFilename && typeof options === "object" && options?.breakOnSigint) {
    const filename = nextCellFilename;
    nextCellFilename = null;
    return originalRunInThisContext.call(vm, code, { ...options, filename });
  }
  return originalRunInThisContext.call(vm, code, options);
} as typeof vm.runInThisContext;

function utf16Offset(text: string, codePoints: number): number {
  let units = 0;
  let seen = 0;
  for (const ch of text) {
    if (seen >= codePoints) break;
    units += ch.length;
    seen++;
  }
  return units;
}

function codePointOffset(text: string, units: number): number {
  return [...text.slice(0, units)].length;
}

export class Session {
  readonly cwd: string;
  private readonly log: (line: string) => void;
  private readonly preload: boolean;
  private ts!: typeof TS;
  private executor: Executor | null = null;
  private convs: (ConverterSet & { created: Converter[] }) | null = null;
  private readonly cells = new Map<number, CellRecord>();
  private lastConverted: { output?: string; lastExpressionVar?: string; declOutput?: string } = {};
  /** Declarations to adopt through the next convert of KEEP_DECLARATIONS (see adoptDeclarations). */
  private adopt: string | null = null;
  private captured: { value: unknown; hasValue: boolean; errors: unknown[][] } = { value: undefined, hasValue: false, errors: [] };
  private rejectWait: ((e: Error) => void) | null = null;
  /** Names imported into every cell, or [] before warm-up / when preload is off. */
  preloaded: string[] = [];

  constructor(opts: SessionOptions = {}) {
    this.cwd = path.resolve(opts.cwd ?? process.cwd());
    this.preload = opts.preload ?? true;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Creates the compiler (hundreds of ms) and imports the library; idempotent. */
  warm(): void {
    if (this.executor) return;
    hookRuntimeResolution();
    // The compiler is 10 MB of JavaScript: load it through a V8 code cache (saved once warm).
    this.ts = requireWithCodeCache(require.resolve("@tslab/typescript-for-tslab")) as typeof TS;
    hookTypeResolution(this.ts.sys as never, this.cwd);
    const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
    const { createExecutor } = require("tslab/dist/executor") as typeof import("tslab/dist/executor");
    const created: Converter[] = [];
    const record = (conv: Converter): Converter => {
      created.push(conv);
      const convert = conv.convert.bind(conv);
      conv.convert = (prevDecl, src) => {
        if (src === KEEP_DECLARATIONS && this.adopt !== null) {
          // No output: the executor just takes these declarations as the new previous ones.
          const declOutput = this.adopt;
          this.adopt = null;
          return { diagnostics: [], declOutput };
        }
        const r = convert(prevDecl, src);
        this.lastConverted = { output: r.output, lastExpressionVar: r.lastExpressionVar, declOutput: r.declOutput };
        return r;
      };
      return conv;
    };
    let node: Converter | undefined;
    let browser: Converter | undefined;
    this.convs = {
      created,
      get node() {
        return (node ??= record(createConverter({ isJS: false, isBrowser: false })));
      },
      get browser() {
        return (browser ??= record(createConverter({ isJS: false, isBrowser: true })));
      },
      close() {
        for (const c of created) c.close();
      },
    };
    this.convs.node; // The expensive part: lib.es2022 and @types parsed here.
    this.executor = createExecutor(this.cwd, this.convs, {
      log: (value: unknown) => {
        this.captured.value = value;
        this.captured.hasValue = true;
      },
      error: (...args: unknown[]) => {
        this.captured.errors.push(args);
      },
    });
    if (this.preload) this.runPreload();
    setTimeout(saveCodeCaches, 2000).unref();
  }

  private runPreload(): void {
    let names: string[];
    try {
      names = exportedNames(this.ts);
    } catch (err) {
      this.log(`paramlab kernel: could not list the library's exports: ${(err as Error).message}`);
      return;
    }
    if (names.length === 0) {
      this.log(`paramlab kernel: no exports found in ${LIBRARY_JS.replace(/\.js$/, ".d.ts")}; is the package built?`);
      return;
    }
    // Types: the import becomes the cells' previous declarations directly, without compiling or
    // running a cell (the first real cell type-checks against it).
    this.adopt = `import { ${names.join(", ")} } from "${PACKAGE_NAME}";\n`;
    void this.executor!.execute(KEEP_DECLARATIONS);
    this.adopt = null;
    // Values: cells read previous names as `exports.name` (tslab); the library loads on first use.
    // The getters sit on the prototype of tslab's exports object, so a cell's own `const nn = ...`
    // simply shadows them.
    const lazy: Record<string, unknown> = {};
    for (const name of names) {
      Object.defineProperty(lazy, name, {
        configurable: true,
        get() {
          const lib = require(LIBRARY_JS) as Record<string, unknown>;
          return lib[name];
        },
      });
    }
    Object.setPrototypeOf(this.executor!.locals, lazy);
    this.preloaded = names;
  }

  /** Whether the cell's last statement is an expression ending in `;` (IPython's silencing). */
  private silenced(code: string): boolean {
    const sf = this.ts.createSourceFile("cell.ts", code, this.ts.ScriptTarget.ES2022, false, this.ts.ScriptKind.TS);
    const last = sf.statements[sf.statements.length - 1];
    if (!last || !this.ts.isExpressionStatement(last)) return false;
    return code.slice(last.getStart(sf), last.end).trimEnd().endsWith(";");
  }

  /** Runs one cell; never throws. `count` names the cell in tracebacks. */
  async execute(code: string, count: number): Promise<ExecuteOutcome> {
    this.warm();
    const executor = this.executor!;
    this.captured = { value: undefined, hasValue: false, errors: [] };
    this.lastConverted = {};
    const filename = cellFilename(count);
    nextCellFilename = filename;
    let ok: boolean;
    try {
      const running = executor.execute(code);
      nextCellFilename = null;
      if (this.lastConverted.output !== undefined) {
        this.cells.set(count, { count, source: code, js: this.lastConverted.output });
      }
      ok = await running;
    } catch (err) {
      nextCellFilename = null;
      return { status: "error", error: runtimeError(err, this.cells) };
    }
    if (!ok) {
      const error = this.failure(code, count);
      if (error.ename !== "TSError") this.adoptDeclarations();
      return { status: "error", error };
    }
    if (this.captured.errors.length) {
      // Module cells (`//@module`) report diagnostics but still succeed.
      const err = this.failure(code, count);
      return { status: "error", error: err };
    }
    let value: unknown = this.captured.value;
    let has = this.captured.hasValue;
    const lastVar = this.lastConverted.lastExpressionVar;
    if (!has && lastVar && executor.locals[lastVar] === null) {
      // tslab drops a null last value; show it like any other.
      delete executor.locals[lastVar];
      value = null;
      has = true;
    }
    if (!has || this.silenced(code)) return { status: "ok" };
    try {
      if (typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function") {
        value = await this.interruptible(Promise.resolve(value as PromiseLike<unknown>));
      }
      if (value === undefined) return { status: "ok" };
      // Primitives before the library has loaded: the library's plainText rule (util.inspect
      // without colours, strings as they are) without loading it for `1 + 1`.
      const lib = loadedLibrary();
      if (!lib && (typeof value !== "object" || value === null) && typeof value !== "function") {
        const text = typeof value === "string" ? value : inspect(value, { colors: false, depth: 4, maxArrayLength: 50, breakLength: 100 });
        return { status: "ok", result: { data: { "text/plain": text } } };
      }
      const { toMimeBundle } = lib ?? (require("../lib/index.js") as typeof import("../lib/index.js"));
      const result = await this.interruptible(Promise.resolve(toMimeBundle(value)));
      return { status: "ok", result };
    } catch (err) {
      return { status: "error", error: runtimeError(err, this.cells) };
    }
  }

  /**
   * A cell that compiled but threw has already assigned the variables before the throw (as
   * IPython keeps names assigned before an exception); stock tslab forgot their declarations,
   * so later cells could not use them. Keep them.
   */
  private adoptDeclarations(): void {
    if (this.lastConverted.declOutput === undefined) return;
    this.adopt = this.lastConverted.declOutput;
    void this.executor!.execute(KEEP_DECLARATIONS);
    this.adopt = null;
  }

  private interruptible<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.rejectWait = reject;
      p.then(resolve, reject).finally(() => {
        this.rejectWait = null;
      });
    });
  }

  private failure(code: string, count: number): KernelError {
    const diags: CellDiagnostic[] = [];
    let thrown: { value: unknown } | null = null;
    for (const args of this.captured.errors) {
      if (args[0] === DIAGNOSTIC_FORMAT && args.length === 5) {
        const file = String(args[1]).trim();
        diags.push({ fileName: file || undefined, line: Number(args[2]), column: Number(args[3]), message: String(args[4]) });
      } else if (!thrown) {
        thrown = { value: args[0] };
      }
    }
    if (diags.length) return compileError(diags, count, code);
    if (thrown) {
      const v = thrown.value;
      if (v instanceof Error && (v as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
        return runtimeError(Object.assign(new Interrupted(), { stack: v.stack?.replace(/^.*\n/, "KeyboardInterrupt\n") }), this.cells);
      }
      if (v instanceof Error && v.message === "Interrupted asynchronously") return runtimeError(new Interrupted(), this.cells);
      return runtimeError(v, this.cells);
    }
    return { ename: "Error", evalue: "the cell failed without an error message", traceback: ["Error: the cell failed without an error message"] };
  }

  /** Stops awaited Promises of the running cell (blocking code is stopped by SIGINT itself). */
  interrupt(): void {
    this.executor?.interrupt();
    this.rejectWait?.(new Interrupted());
  }

  complete(code: string, cursorPos: number): { matches: string[]; cursor_start: number; cursor_end: number; types: { start: number; end: number; text: string; type: string }[] } {
    this.warm();
    const pos = utf16Offset(code, cursorPos);
    const info: CompletionInfo = this.executor!.complete(code, pos);
    const kinds = new Map<string, string>();
    for (const e of info.original?.entries ?? []) if (!kinds.has(e.name)) kinds.set(e.name, e.kind);
    const start = codePointOffset(code, info.start);
    const end = codePointOffset(code, info.end);
    return {
      matches: info.candidates,
      cursor_start: start,
      cursor_end: end,
      types: info.candidates.map((text) => ({ start, end, text, type: kinds.get(text) ?? "" })),
    };
  }

  /** Hover documentation at the cursor: signature, doc comment and tags. */
  inspect(code: string, cursorPos: number): { found: boolean; text: string; markdown: string } {
    this.warm();
    const info = this.executor!.inspect(code, utf16Offset(code, cursorPos));
    if (!info) return { found: false, text: "", markdown: "" };
    const { printQuickInfo } = require("tslab/dist/inspect") as typeof import("tslab/dist/inspect");
    const text = printQuickInfo(info);
    const signature = (info.displayParts ?? []).map((p) => p.text).join("");
    const docs = (info.documentation ?? []).map((d) => d.text).join("\n");
    const tags = (info.tags ?? [])
      .map((t) => `*@${t.name}* ${(t.text ?? []).map((x) => x.text).join("")}`)
      .join("\n\n");
    const markdown = ["```typescript", signature, "```", docs, tags].filter((s) => s !== "").join("\n");
    return { found: true, text, markdown };
  }

  isComplete(code: string): { status: "complete" | "incomplete"; indent?: string } {
    const { isCompleteCode } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
    const r = isCompleteCode(code);
    return r.completed ? { status: "complete" } : { status: "incomplete", indent: r.indent ?? "" };
  }

  close(): void {
    this.convs?.close();
  }
}
