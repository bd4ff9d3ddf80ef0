/**
 * Runs cells: tslab's converter (its TypeScript 5.0 fork) and executor do the compiling and
 * running; this class adds what stock tslab lacks: the library preloaded in every cell, the last
 * value as a rich MIME bundle instead of text on stdout, errors with name / value / traceback
 * pointing at the cell line, and interrupts that also stop awaited Promises.
 */
import path from "node:path";
import { inspect } from "node:util";
import type * as TS from "@tslab/typescript-for-tslab";
import type { MimeBundle } from "../lib/display/index.js";
import { requireWithCodeCache, saveCodeCaches } from "./code_cache.js";
import { KERNEL_NAMES, preloadDeclarations, preloadNames } from "./preload.js";
import { hookRuntimeResolution, hookTypeResolution, LIBRARY_JS, loadedLibrary } from "./resolve.js";
import { compileError, cellFilename, runtimeError, type CellDiagnostic, type CellRecord, type KernelError } from "./traceback.js";
import {
  createTslabExecutor,
  isCompleteCode,
  nameNextCell,
  parseConsoleError,
  printQuickInfo,
  selfCheck,
  setLocalsPrototype,
  type CompletionInfo,
  type TslabExecutor,
} from "./tslab.js";

export interface ExecuteOutcome {
  status: "ok" | "error";
  /** The last expression's bundle, unless it was `undefined` or silenced with a trailing `;`. */
  result?: MimeBundle;
  error?: KernelError;
}

/** What cells reach the notebook through, besides their outputs (the kernel provides it). */
export interface Frontend {
  /** Asks for a line of text (input_request on the stdin channel). */
  input(prompt: string, options: { password: boolean }): Promise<string>;
  /** Clears the running cell's output (clear_output). */
  clearOutput(wait: boolean): void;
}

export interface SessionOptions {
  /** The notebook directory: where relative imports and local .ts modules resolve from. */
  cwd?: string;
  /** Import the library's public API before the first cell (default true). */
  preload?: boolean;
  /** Where the kernel's own diagnostics go (never to a cell's output). */
  log?: (line: string) => void;
  /** Warnings meant for the user (shown in the running cell's stderr); default: process.stderr. */
  warn?: (line: string) => void;
}

/** Something thrown by an interrupt while a cell awaits. */
export class Interrupted extends Error {
  override name = "KeyboardInterrupt";
  constructor() {
    super("Execution interrupted by the user");
  }
}

/** Environment variable: how long (ms) a display's bundle may take before the cell moves on. */
export const DISPLAY_TIMEOUT_ENV = "PARAMLAB_DISPLAY_TIMEOUT_MS";
/** The default display timeout: long enough for a big PNG on a busy machine, short enough to notice. */
export const DEFAULT_DISPLAY_TIMEOUT_MS = 10_000;

/** The display timeout from the environment (PARAMLAB_DISPLAY_TIMEOUT_MS), or the default. */
export function displayTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = () => undefined): number {
  const raw = env[DISPLAY_TIMEOUT_ENV];
  if (raw === undefined || raw === "") return DEFAULT_DISPLAY_TIMEOUT_MS;
  const ms = Number(raw);
  if (!(ms > 0)) {
    warn(`${DISPLAY_TIMEOUT_ENV}=${JSON.stringify(raw)} is not a positive number of milliseconds; using ${DEFAULT_DISPLAY_TIMEOUT_MS}`);
    return DEFAULT_DISPLAY_TIMEOUT_MS;
  }
  return ms;
}

/** The warning shown when a result's or display's bundle does not arrive in time. */
export function displayTimeoutWarning(what: string, ms: number): string {
  return `${what} did not arrive within ${+(ms / 1000).toFixed(3)} s; showing its text instead (set ${DISPLAY_TIMEOUT_ENV} or call jupyter.setDisplayTimeout(ms) to wait longer)`;
}

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
  private readonly warn: (line: string) => void;
  private readonly preload: boolean;
  private ts!: typeof TS;
  private tslab: TslabExecutor | null = null;
  /** Why the kernel cannot run cells (a broken tslab private API), or null. */
  private broken: Error | null = null;
  private readonly cells = new Map<number, CellRecord>();
  private captured: { value: unknown; hasValue: boolean; errors: unknown[][] } = { value: undefined, hasValue: false, errors: [] };
  private rejectWait: ((e: Error) => void) | null = null;
  /** Names imported into every cell, or [] before warm-up / when preload is off. */
  preloaded: string[] = [];
  /** How a cell's `input()` and `clearOutput()` reach the notebook; null outside a kernel (they then fail). */
  frontend: Frontend | null = null;
  /** How long a result's bundle may take (ms); the kernel keeps it equal to the library's display timeout. */
  displayTimeoutMs = DEFAULT_DISPLAY_TIMEOUT_MS;

  constructor(opts: SessionOptions = {}) {
    this.cwd = path.resolve(opts.cwd ?? process.cwd());
    this.preload = opts.preload ?? true;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.warn = opts.warn ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Creates the compiler (hundreds of ms) and imports the library; idempotent. Throws if tslab is incompatible. */
  warm(): void {
    if (this.broken) throw this.broken;
    if (this.tslab) return;
    try {
      selfCheck();
    } catch (err) {
      this.broken = err as Error;
      this.log((err as Error).message);
      throw err;
    }
    hookRuntimeResolution();
    // The compiler is 10 MB of JavaScript: load it through a V8 code cache (saved once warm).
    this.ts = requireWithCodeCache(require.resolve("@tslab/typescript-for-tslab")) as typeof TS;
    hookTypeResolution(this.ts.sys as never, this.cwd);
    this.tslab = createTslabExecutor(this.cwd, {
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
      names = preloadNames(this.ts);
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
    this.tslab!.adoptDeclarations(preloadDeclarations(names));
    // Values: cells read previous names as `exports.name` (tslab); the library loads on first use.
    // The getters sit on the prototype of tslab's exports object, so a cell's own `const nn = ...`
    // simply shadows them; the setters let `import { nn } from "paramlab"` (which tslab turns
    // into an assignment) define the cell's own binding.
    const lazy: Record<string, unknown> = {};
    const own = (target: object, name: string, value: unknown) =>
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: true });
    for (const name of names) {
      Object.defineProperty(lazy, name, {
        configurable: true,
        get() {
          const lib = require(LIBRARY_JS) as Record<string, unknown>;
          return lib[name];
        },
        set(this: object, value: unknown) {
          own(this, name, value);
        },
      });
    }
    const kernelNames: Record<string, unknown> = { input: this.input, clearOutput: this.clearOutput };
    for (const [name, value] of Object.entries(kernelNames)) {
      Object.defineProperty(lazy, name, {
        configurable: true,
        get: () => value,
        set(this: object, v: unknown) {
          own(this, name, v);
        },
      });
    }
    setLocalsPrototype(this.tslab!.executor, lazy);
    this.preloaded = [...names, ...KERNEL_NAMES];
  }

  /** `input(prompt)` as cells see it: a line from the frontend (input_request), or a clear error. */
  private readonly input = (prompt: unknown = "", options: { password?: unknown } = {}): Promise<string> => {
    if (typeof prompt !== "string") return Promise.reject(new TypeError(`input() expects a prompt string, got ${typeof prompt}`));
    if (options === null || typeof options !== "object") return Promise.reject(new TypeError(`input() options must be an object like { password: true }, got ${options === null ? "null" : typeof options}`));
    if (!this.frontend) return Promise.reject(new Error("input() needs a Jupyter frontend: this session is not running in a kernel"));
    return this.frontend.input(prompt, { password: options.password === true });
  };

  /** `clearOutput()` as cells see it (IPython's clear_output). */
  private readonly clearOutput = (options: { wait?: unknown } = {}): void => {
    if (options === null || typeof options !== "object") throw new TypeError(`clearOutput() options must be an object like { wait: true }, got ${options === null ? "null" : typeof options}`);
    if (!this.frontend) throw new Error("clearOutput() needs a Jupyter frontend: this session is not running in a kernel");
    this.frontend.clearOutput(options.wait === true);
  };

  /** Whether the cell's last statement is an expression ending in `;` (IPython's silencing). */
  private silenced(code: string): boolean {
    const sf = this.ts.createSourceFile("cell.ts", code, this.ts.ScriptTarget.ES2022, false, this.ts.ScriptKind.TS);
    const last = sf.statements[sf.statements.length - 1];
    if (!last || !this.ts.isExpressionStatement(last)) return false;
    return code.slice(last.getStart(sf), last.end).trimEnd().endsWith(";");
  }

  /** Runs one cell; never throws. `count` names the cell in tracebacks. */
  async execute(code: string, count: number): Promise<ExecuteOutcome> {
    try {
      this.warm();
    } catch (err) {
      return { status: "error", error: this.errorOf(err) };
    }
    const tslab = this.tslab!;
    const executor = tslab.executor;
    this.captured = { value: undefined, hasValue: false, errors: [] };
    tslab.lastConverted = {};
    nameNextCell(cellFilename(count));
    let ok: boolean;
    try {
      const running = executor.execute(code);
      nameNextCell(null);
      if (tslab.lastConverted.output !== undefined) {
        this.cells.set(count, { count, source: code, js: tslab.lastConverted.output });
      }
      ok = await running;
    } catch (err) {
      nameNextCell(null);
      return { status: "error", error: this.errorOf(err) };
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
    const lastVar = tslab.lastConverted.lastExpressionVar;
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
      // Strings are quoted, as Node's REPL and Deno show them: the string "42" is not the number 42.
      if (typeof value === "string") {
        return { status: "ok", result: { data: { "text/plain": inspect(value, { colors: false, breakLength: Infinity, maxStringLength: Infinity }) } } };
      }
      // Other primitives before the library has loaded: the library's plainText rule (util.inspect
      // without colours) without loading it for `1 + 1`.
      const lib = loadedLibrary();
      if (!lib && (typeof value !== "object" || value === null) && typeof value !== "function") {
        return { status: "ok", result: { data: { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 50, breakLength: 100 }) } } };
      }
      const { jupyter } = lib ?? (require(LIBRARY_JS) as typeof import("../lib/index.js"));
      const bundle = jupyter.toMimeBundle(value);
      const result = bundle instanceof Promise ? await this.interruptible(this.withTimeout(bundle, value)) : bundle;
      return { status: "ok", result };
    } catch (err) {
      return { status: "error", error: this.errorOf(err) };
    }
  }

  /** A result bundle that does not arrive in time becomes its text, with a warning. */
  private withTimeout(bundle: Promise<MimeBundle>, value: unknown): Promise<MimeBundle> {
    // The library's timeout, which a cell may have changed (jupyter.setDisplayTimeout).
    const ms = loadedLibrary()?.jupyter.getDisplayTimeout() ?? this.displayTimeoutMs;
    if (!Number.isFinite(ms)) return bundle;
    return new Promise<MimeBundle>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.warn(displayTimeoutWarning("The result's display", ms));
        let text: string;
        try {
          text = inspect(value, { colors: false, depth: 2 });
        } catch {
          text = Object.prototype.toString.call(value);
        }
        resolve({ data: { "text/plain": text } });
      }, ms);
      bundle.then(
        (b) => {
          clearTimeout(timer);
          resolve(b);
        },
        (err) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** Any thrown value as a valid Jupyter error, with frames in cells pointing at cell lines. */
  errorOf(value: unknown): KernelError {
    return runtimeError(value, this.cells);
  }

  /**
   * A cell that compiled but threw has already assigned the variables before the throw (as
   * IPython keeps names assigned before an exception); stock tslab forgot their declarations,
   * so later cells could not use them. Keep them.
   */
  private adoptDeclarations(): void {
    const decl = this.tslab!.lastConverted.declOutput;
    if (decl === undefined) return;
    this.tslab!.adoptDeclarations(decl);
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
      const e = parseConsoleError(args);
      if (e.kind === "diagnostic") diags.push({ fileName: e.fileName, line: e.line, column: e.column, message: e.message });
      else if (!thrown) thrown = { value: e.value };
    }
    if (diags.length) return compileError(diags, count, code);
    if (thrown) {
      const v = thrown.value;
      if (isError(v) && safeGet(v, "code") === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
        const stack = safeGet(v, "stack");
        return this.errorOf(Object.assign(new Interrupted(), { stack: typeof stack === "string" ? stack.replace(/^.*\n/, "KeyboardInterrupt\n") : undefined }));
      }
      if (isError(v) && safeGet(v, "message") === "Interrupted asynchronously") return this.errorOf(new Interrupted());
      return this.errorOf(v);
    }
    return { ename: "Error", evalue: "the cell failed without an error message", traceback: ["Error: the cell failed without an error message"] };
  }

  /** Stops awaited Promises of the running cell (blocking code is stopped by SIGINT itself). */
  interrupt(): void {
    this.tslab?.executor.interrupt();
    this.rejectWait?.(new Interrupted());
  }

  complete(code: string, cursorPos: number): { matches: string[]; cursor_start: number; cursor_end: number; types: { start: number; end: number; text: string; type: string }[] } {
    this.warm();
    const pos = utf16Offset(code, cursorPos);
    const info: CompletionInfo = this.tslab!.executor.complete(code, pos);
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

  /**
   * Hover documentation at the cursor: signature, doc comment and tags. Inside a call's
   * parentheses (`new optim.Adam(` or `f(a, `) where nothing is under the cursor, the callee's.
   */
  inspect(code: string, cursorPos: number): { found: boolean; text: string; markdown: string } {
    this.warm();
    const executor = this.tslab!.executor;
    const pos = utf16Offset(code, cursorPos);
    let info = executor.inspect(code, pos);
    if (!info) {
      const callee = this.calleeAt(code, pos);
      if (callee !== null) {
        info = executor.inspect(code, callee.at);
        if (info && !info.documentation?.length) {
          // `new Adam(` shows the constructor, whose docs are the class's: ask for those alone.
          const alone = executor.inspect(callee.text, callee.text.length - 1);
          if (alone?.documentation?.length) info = { ...info, documentation: alone.documentation, tags: info.tags?.length ? info.tags : alone.tags };
        }
      }
    }
    if (!info) return { found: false, text: "", markdown: "" };
    const text = printQuickInfo(info);
    const signature = (info.displayParts ?? []).map((p) => p.text).join("");
    const docs = (info.documentation ?? []).map((d) => d.text).join("\n");
    const tags = (info.tags ?? [])
      .map((t) => `*@${t.name}* ${(t.text ?? []).map((x) => x.text).join("")}`)
      .join("\n\n");
    const markdown = ["```typescript", signature, "```", docs, tags].filter((s) => s !== "").join("\n");
    return { found: true, text, markdown };
  }

  /** The callee of the innermost call or `new` whose argument list holds `pos`: its name's position and its text. */
  private calleeAt(code: string, pos: number): { at: number; text: string } | null {
    const ts = this.ts;
    const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    let best: TS.CallExpression | TS.NewExpression | null = null;
    // An unfinished call (`f(a, `) ends before the blanks the cursor may stand after.
    const reach = (node: TS.Node): number => node.end + (/^\s*/.exec(code.slice(node.end))?.[0].length ?? 0);
    const visit = (node: TS.Node): void => {
      if (pos < node.getFullStart() || pos > reach(node)) return;
      if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
        const open = node.arguments.pos; // just after "("
        const closed = code[node.end - 1] === ")" && node.end > open;
        if (pos >= open && (closed ? pos < node.end : true)) best = node;
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (!best) return null;
    const expression: TS.Node = (best as TS.CallExpression | TS.NewExpression).expression;
    const name = ts.isPropertyAccessExpression(expression) ? expression.name : expression;
    return { at: Math.max(name.end - 1, name.getStart(sf)), text: code.slice(expression.getStart(sf), expression.end) };
  }

  /** Whether a cell is ready to run: incomplete (more lines expected), invalid (a syntax error), or complete. */
  isComplete(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
    const r = isCompleteCode(code);
    if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
    this.warm();
    const { diagnostics } = this.ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { target: this.ts.ScriptTarget.ES2022, module: this.ts.ModuleKind.ESNext } });
    return diagnostics && diagnostics.length > 0 ? { status: "invalid" } : { status: "complete" };
  }

  close(): void {
    this.tslab?.close();
  }
}

function isError(v: unknown): boolean {
  try {
    return v instanceof Error;
  } catch {
    return false;
  }
}

function safeGet(v: unknown, key: string): unknown {
  try {
    return (v as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
