/**
 * Turns what went wrong in a cell into Jupyter's `ename` / `evalue` / `traceback`, pointing at the
 * cell line as IPython does ("Cell In[3], line 2" and the source with an arrow).
 *
 * Cells run as compiled JavaScript (tslab's converter drops types and blank lines), so a runtime
 * stack frame's line is mapped back to the TypeScript cell line by matching the statement text.
 */
import { inspect } from "node:util";

export interface KernelError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A compiled cell kept for mapping stack frames: its number, TypeScript source and JavaScript. */
export interface CellRecord {
  count: number;
  source: string;
  js: string;
}

/** The script filename given to cell number `count`; stack frames show it. */
export function cellFilename(count: number): string {
  return `In[${count}]`;
}

const CELL_FRAME = /In\[(\d+)\]:(\d+):(\d+)/;
const WORD = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const NOISE = new Set(["exports", "const", "let", "var", "await", "this", "return", "void", "0"]);

function tokens(line: string): string[] {
  return (line.match(WORD) ?? []).filter((t) => !NOISE.has(t));
}

/** Maps a 1-based line of a cell's compiled JavaScript to the best-matching 1-based cell line. */
export function mapJsLine(cell: CellRecord, jsLine: number): number {
  const jsText = cell.js.split("\n")[jsLine - 1] ?? "";
  const want = tokens(jsText);
  const lines = cell.source.split("\n");
  if (want.length === 0) return Math.min(Math.max(jsLine, 1), lines.length);
  const wantSet = new Set(want);
  const jsLines = Math.max(cell.js.split("\n").length, 1);
  let best = 1;
  let bestScore = -Infinity;
  lines.forEach((text, i) => {
    const have = tokens(text.replace(/\/\/.*$/, ""));
    if (have.length === 0) return;
    let shared = 0;
    for (const t of new Set(have)) if (wantSet.has(t)) shared++;
    // Prefer lines sharing most tokens; break ties by relative position in the cell.
    const closeness = 1 - Math.abs(i / lines.length - (jsLine - 1) / jsLines);
    const score = shared / Math.max(wantSet.size, 1) + 0.01 * closeness;
    if (shared > 0 && score > bestScore) {
      bestScore = score;
      best = i + 1;
    }
  });
  return best;
}

/** IPython-style source excerpt: two lines of context, an arrow at `line`, a caret under `column`. */
export function sourceExcerpt(source: string, line: number, column?: number): string[] {
  const lines = source.split("\n");
  const out: string[] = [];
  const width = String(Math.min(lines.length, line + 2)).length;
  for (let i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 2); i++) {
    const marker = i === line ? "----> " : "      ";
    out.push(`${marker}${String(i).padStart(width)} ${lines[i - 1]}`);
    if (i === line && column !== undefined && column > 0) {
      out.push(`${" ".repeat(6 + width + 1 + column - 1)}^`);
    }
  }
  return out;
}

/** `fn()`, or `fallback` if it throws (getters, Proxy traps and revoked Proxies all can). */
function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Text of any value for an error message: a string as it is, anything else inspected. */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  return attempt(() => inspect(value, { colors: false, depth: 2, breakLength: Infinity }), attempt(() => Object.prototype.toString.call(value), "<unprintable value>"));
}

function isError(err: unknown): err is Error {
  return attempt(() => err instanceof Error, false);
}

/** A name for the thrown value: the error's `name` when it is usable, else its class. */
function errorName(err: unknown): string {
  if (err === null) return "null";
  if (typeof err !== "object" && typeof err !== "function") return typeof err;
  const ctor = attempt(() => {
    const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : undefined;
  }, undefined);
  if (!isError(err)) return ctor ?? "Object";
  const name = attempt(() => (err as { name?: unknown }).name, undefined);
  if (typeof name === "string" && name !== "" && name !== "Error") return name;
  if (typeof name === "number" || typeof name === "boolean" || typeof name === "bigint") return String(name);
  return ctor ?? "Error";
}

const GETTER_THREW = Symbol("getter threw");

/** The message of the thrown value, always a string. */
function errorValue(err: unknown): string {
  if (!isError(err)) return describe(err);
  const message = attempt<unknown>(() => (err as { message?: unknown }).message, GETTER_THREW);
  if (message === GETTER_THREW) return "(the error's message getter threw)";
  if (message === undefined) return "";
  return describe(message);
}

/** The error of a runtime exception, with frames inside cells mapped to cell lines. */
export function runtimeError(err: unknown, cells: Map<number, CellRecord>): KernelError {
  const ename = attempt(() => errorName(err), "Error");
  const evalue = attempt(() => errorValue(err), "<unprintable value>");
  const traceback: string[] = [`${ename}: ${evalue}`];
  const rawStack = isError(err) ? attempt(() => (err as { stack?: unknown }).stack, undefined) : undefined;
  const stack = typeof rawStack === "string" ? rawStack.split("\n") : [];
  let shownCell = false;
  let lastShown = "";
  const rest: string[] = [];
  for (const frame of stack.slice(1)) {
    const m = CELL_FRAME.exec(frame);
    if (m) {
      const cell = cells.get(Number(m[1]));
      if (cell) {
        const line = mapJsLine(cell, Number(m[2]));
        const title = `Cell In[${cell.count}], line ${line}`;
        // The cell wrapper and its body report the same line; show it once.
        if (title !== lastShown) traceback.push("", title, ...sourceExcerpt(cell.source, line));
        lastShown = title;
        shownCell = true;
        continue;
      }
    }
    // Frames of the kernel itself (tslab's executor, node internals) are noise to the user.
    if (/tslab[\\/]dist[\\/]|node:internal|node:vm|dist[\\/]kernel[\\/]|runInThisContext/.test(frame)) continue;
    if (/^\s+at /.test(frame)) {
      rest.push(frame);
      lastShown = "";
    }
  }
  if (rest.length) traceback.push("", ...rest.map((f) => f.trimEnd()));
  if (!shownCell && traceback.length === 1 && !isError(err)) {
    traceback.push("(a non-Error value was thrown)");
  }
  return { ename, evalue, traceback };
}

/** One TypeScript diagnostic as tslab's executor reports it. */
export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
  fileName?: string;
}

/** The error of a cell that does not compile (type errors, syntax errors). */
export function compileError(diags: CellDiagnostic[], count: number, source: string): KernelError {
  const first = diags[0];
  const where = (d: CellDiagnostic) => (d.fileName ? `${d.fileName} ` : "") + `line ${d.line}, column ${d.column}`;
  const evalue = diags.length === 1 ? `${first.message} (${where(first)})` : `${diags.length} errors; first: ${first.message} (${where(first)})`;
  const traceback: string[] = [`TSError: ${evalue}`];
  for (const d of diags) {
    traceback.push("");
    if (d.fileName) {
      traceback.push(`${d.fileName}, line ${d.line}, column ${d.column}: ${d.message}`);
    } else {
      traceback.push(`Cell In[${count}], line ${d.line}, column ${d.column}: ${d.message}`, ...sourceExcerpt(source, d.line, d.column));
    }
  }
  return { ename: "TSError", evalue, traceback };
}
