/** Shared helpers of the display tests: Vega-Lite 5.6.1 schema and compiler, PNG size, stdout capture. */
import Ajv, { type ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse, type HTMLElement } from "node-html-parser";

const fixtures = join(__dirname, "fixtures");

let validator: ValidateFunction | null = null;

/** Validates against the vega-lite 5.6.1 JSON schema; returns the errors (empty when valid). */
export function vegaLiteSchemaErrors(spec: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(gunzipSync(readFileSync(join(fixtures, "vega-lite-5.6.1.schema.json.gz"))).toString("utf8"));
    validator = new Ajv({ strict: false, allErrors: false, validateFormats: false }).compile(schema);
  }
  if (validator(spec)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

interface VegaLite56 {
  version: string;
  compile(spec: unknown, opts: { logger: unknown }): { spec: Record<string, unknown> };
}

let vl56: Promise<VegaLite56> | null = null;

/** Vega-Lite 5.6.1's compiler (the published UMD build), given vega 6 as its `vega` dependency. */
export function vegaLite56(): Promise<VegaLite56> {
  vl56 ??= import("vega").then((vega) => {
    const code = gunzipSync(readFileSync(join(fixtures, "vega-lite-5.6.1.min.js.gz"))).toString("utf8");
    const exports: Record<string, unknown> = {};
    const req = (name: string) => {
      if (name === "vega") return vega;
      throw new Error(`unexpected require(${name})`);
    };
    new Function("exports", "require", "module", code)(exports, req, {});
    return exports as unknown as VegaLite56;
  });
  return vl56;
}

/** Compiles with Vega-Lite 5.6.1 and returns its warnings and errors. */
export async function vegaLite56Warnings(spec: unknown): Promise<string[]> {
  const vl = await vegaLite56();
  const messages: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => (messages.push(a.join(" ")), logger),
    error: (...a: unknown[]) => (messages.push(`error: ${a.join(" ")}`), logger),
    info: () => logger,
    debug: () => logger,
  };
  vl.compile(spec, { logger });
  return messages;
}

/** Width and height from a PNG's IHDR chunk (after checking the signature). */
export function pngSize(png: Buffer): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => png[i] === b)) throw new Error("not a PNG");
  if (png.toString("ascii", 12, 16) !== "IHDR") throw new Error("PNG without IHDR first");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Runs `fn` with process.stdout.write captured; returns what was written. */
export function captureStdout(fn: () => void): string {
  const chunks: string[] = [];
  const orig = process.stdout.write;
  process.stdout.write = ((s: string | Uint8Array) => {
    chunks.push(typeof s === "string" ? s : Buffer.from(s).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = orig;
  }
  return chunks.join("");
}

/** Parses an HTML bundle and checks it is self-contained (no scripts, links or remote URLs). */
export function parseHtml(html: string): HTMLElement {
  const root = parse(html);
  if (root.querySelectorAll("script, link, iframe").length) throw new Error("HTML output contains script/link/iframe");
  if (/\b(?:src|href)\s*=\s*["']?(?:https?:|\/\/)/i.test(html)) throw new Error("HTML output references a remote URL");
  if (/@import|url\(\s*["']?https?:/i.test(html)) throw new Error("HTML output imports remote CSS");
  return root;
}

/** Text of an element with whitespace collapsed. */
export function textOf(el: HTMLElement | null | undefined): string {
  return (el?.text ?? "").replace(/\s+/g, " ").trim();
}

/** Texts of a row's cells joined by single spaces (empty cells dropped). */
export function rowText(tr: HTMLElement | null | undefined): string {
  return (tr?.querySelectorAll("td, th") ?? []).map(textOf).filter(Boolean).join(" ");
}
