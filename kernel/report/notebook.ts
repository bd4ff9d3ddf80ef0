/**
 * The slice of nbformat 4 that the report runner and exporter read and write.
 *
 * Kept local (rather than importing @jupyterlab/nbformat) so the exporter works on any .ipynb
 * from disk: every field that Jupyter may omit is optional here.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

/** nbformat stores long strings either whole or as a list of lines. */
export type MultilineString = string | string[];

export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Not saved to disk by Jupyter; kept in memory to apply update_display_data. */
  transient?: { display_id?: string };
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell {
  cell_type: "markdown";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell {
  cell_type: "raw";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name?: string; language?: string };
    language_info?: Record<string, unknown>;
    title?: string;
    [key: string]: unknown;
  };
  cells: Cell[];
}

/** Joins nbformat's list-of-lines form into one string. */
export function joinSource(value: MultilineString | undefined): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join("") : String(value);
}

/** Splits text into nbformat's list-of-lines form (each line keeps its "\n"), as Jupyter saves. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/**
 * Text safe to print on a terminal: control characters (ESC, NUL, BEL, ...) and bidi or line
 * separators become \u escapes.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Reads and checks a notebook file; the error names the file and what is wrong. */
export function readNotebook(path: string): Notebook {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read notebook ${printable(path)}: ${printable((err as Error).message)}`);
  }
  // A binary file (an image, an archive) is named as such; its bytes never reach the terminal.
  let text: string;
  try {
    if (bytes.includes(0)) throw new Error("NUL byte");
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${printable(path)} is not a notebook: it is a binary file, not UTF-8 JSON text`);
  }
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new Error(`${printable(path)} is not a notebook: invalid JSON (${printable((err as Error).message)})`);
  }
  return validateNotebook(nb, printable(path));
}

/** Checks the structure the runner relies on (nbformat 4, a cells array of known cell types). */
export function validateNotebook(nb: unknown, path: string): Notebook {
  const obj = nb as Partial<Notebook> | null;
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new Error(`${path} is not a notebook: expected a JSON object, got ${Array.isArray(nb) ? "an array" : typeof nb}`);
  }
  if (obj.nbformat !== 4) {
    throw new Error(`${path}: unsupported nbformat ${JSON.stringify(obj.nbformat)} (expected 4)`);
  }
  if (!Array.isArray(obj.cells)) {
    throw new Error(`${path} is not a notebook: "cells" is missing or not an array`);
  }
  obj.cells.forEach((cell, i) => {
    const type = (cell as Partial<Cell>)?.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      throw new Error(`${path}: cell ${i + 1} has unknown cell_type ${JSON.stringify(type)} (expected "code", "markdown" or "raw")`);
    }
    cell.metadata ??= {};
    if (type === "code") {
      const code = cell as CodeCell;
      code.outputs ??= [];
      code.execution_count ??= null;
    }
  });
  obj.metadata ??= {};
  obj.nbformat_minor ??= 5;
  return obj as Notebook;
}

/** A copy with every code cell's outputs and counts cleared, ready to execute. */
export function clearedCopy(nb: Notebook): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  for (const cell of copy.cells) {
    cell.id ??= randomUUID().slice(0, 8);
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  if (copy.nbformat_minor < 5) copy.nbformat_minor = 5; // cell ids exist from 4.5 on
  return copy;
}

/** Serialises like Jupyter: one-space indent, multiline strings as line lists, trailing newline. */
export function serializeNotebook(nb: Notebook): string {
  const forDisk = JSON.parse(JSON.stringify(nb)) as Notebook;
  for (const cell of forDisk.cells) {
    cell.source = splitLines(joinSource(cell.source));
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs) {
      if (out.output_type === "stream") out.text = splitLines(joinSource(out.text));
      if (out.output_type === "display_data") delete out.transient;
      if (out.output_type === "display_data" || out.output_type === "execute_result") {
        for (const [mime, value] of Object.entries(out.data)) {
          if (typeof value === "string" && (mime.startsWith("text/") || mime === "image/svg+xml")) {
            out.data[mime] = splitLines(value);
          }
        }
      }
    }
  }
  return JSON.stringify(forDisk, null, 1) + "\n";
}

export function writeNotebook(path: string, nb: Notebook): void {
  writeFileSync(path, serializeNotebook(nb));
}
