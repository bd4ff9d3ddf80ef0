/**
 * Where checkpoint bytes come from: a file (positional reads, nothing else loaded), bytes in
 * memory, or an http(s) URL read through HTTP Range requests (only the bytes asked for cross the
 * network: the 8-byte length, the header, and for a full load the data section).
 */
import { open, stat, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValueError } from "../errors.js";
import * as msg from "./messages.js";

/** What `safetensors.load` / `readHeader` accept. */
export type Source = string | URL | Uint8Array | ArrayBuffer;

/** Random access to the bytes of one file. */
export interface ByteSource {
  /** The file path, URL or `"bytes"`, for messages. */
  readonly label: string;
  readonly kind: "file" | "url" | "bytes";
  /** Total size in bytes, when known (a URL's is known after its first read). */
  size(): number | undefined;
  /** Exactly `length` bytes from `offset`; fails clearly when the file is shorter. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A source resolved to its kind: a local path, an http(s) URL, or bytes. */
export type Location = { kind: "file"; path: string } | { kind: "url"; url: URL } | { kind: "bytes"; bytes: Uint8Array };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
/** Longest body read when a server ignores Range requests (the file is then read whole). */
const NO_RANGE_LIMIT = 256 * 1024 * 1024;
/** Per-request timeout for URLs. */
const HTTP_TIMEOUT_MS = 60_000;

/**
 * Checks an http(s) URL (given as a string or URL) and returns it parsed.
 *
 * @example
 * checkUrl("https://huggingface.co/gpt2/resolve/main/model.safetensors").hostname; // "huggingface.co"
 */
export function checkUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = input instanceof URL ? new URL(input.href) : new URL(input);
  } catch {
    throw new ValueError(msg.badUrl(String(input), "not a parseable URL"));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ValueError(msg.unsupportedScheme(url.href, url.protocol));
  if (url.hostname === "") throw new ValueError(msg.badUrl(url.href, "no host"));
  if (url.username || url.password) throw new ValueError(msg.badUrl(url.href.replace(/\/\/[^@]*@/, "//***@"), "credentials in URLs are not accepted"));
  return url;
}

/** Classifies a source: file path, http(s) URL, or bytes. */
export function locate(source: unknown, fn: string): Location {
  if (source instanceof Uint8Array) return { kind: "bytes", bytes: source };
  if (source instanceof ArrayBuffer) return { kind: "bytes", bytes: new Uint8Array(source) };
  if (source instanceof URL) {
    if (source.protocol === "file:") return { kind: "file", path: fileURLToPath(source) };
    return { kind: "url", url: checkUrl(source) };
  }
  if (typeof source === "string") {
    if (source === "") throw new ValueError(`${fn}: the path is empty`);
    const scheme = SCHEME.exec(source);
    if (scheme) {
      if (scheme[1].toLowerCase() === "file") return { kind: "file", path: fileURLToPath(source) };
      return { kind: "url", url: checkUrl(source) };
    }
    return { kind: "file", path: source };
  }
  throw new TypeError(msg.sourceKind(fn, source));
}

/** A sibling of `base` (a shard next to its index). */
export function sibling(base: Location, file: string): Location {
  if (base.kind === "file") return { kind: "file", path: join(dirname(base.path), file) };
  if (base.kind === "url") return { kind: "url", url: new URL(encodeURIComponent(file), base.url) };
  throw new ValueError(`a sharded checkpoint's index must be read from a path or URL, not bytes (its shards are files next to it)`);
}

/** A human label for a location. */
export function labelOf(loc: Location): string {
  return loc.kind === "file" ? loc.path : loc.kind === "url" ? loc.url.href : "bytes";
}

/** Opens a location for reading. */
export async function openSource(loc: Location): Promise<ByteSource> {
  if (loc.kind === "bytes") return bytesSource(loc.bytes, "bytes");
  if (loc.kind === "file") return fileSource(loc.path);
  return urlSource(loc.url);
}

function bytesSource(bytes: Uint8Array, label: string): ByteSource {
  return {
    label,
    kind: "bytes",
    size: () => bytes.byteLength,
    async read(offset, length) {
      if (offset + length > bytes.byteLength) throw new ValueError(msg.readPastEnd(label, offset, length, bytes.byteLength));
      return bytes.subarray(offset, offset + length);
    },
    async close() {},
  };
}

async function fileSource(path: string): Promise<ByteSource> {
  const info = await stat(path);
  if (!info.isFile()) throw new ValueError(`${path} is not a file`);
  const size = info.size;
  const handle: FileHandle = await open(path, "r");
  return {
    label: path,
    kind: "file",
    size: () => size,
    async read(offset, length) {
      if (offset + length > size) throw new ValueError(msg.readPastEnd(path, offset, length, size));
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new ValueError(msg.readPastEnd(path, offset, length, offset + done));
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

function urlSource(url: URL): ByteSource {
  const href = url.href;
  let size: number | undefined;
  // Set when the server ignored Range and the whole (small) file was read instead.
  let whole: Uint8Array | undefined;
  const source: ByteSource = {
    label: href,
    kind: "url",
    size: () => size,
    async read(offset, length) {
      if (whole) {
        if (offset + length > whole.byteLength) throw new ValueError(msg.readPastEnd(href, offset, length, whole.byteLength));
        return whole.subarray(offset, offset + length);
      }
      if (length === 0) return new Uint8Array(0);
      if (size !== undefined && offset + length > size) throw new ValueError(msg.readPastEnd(href, offset, length, size));
      const res = await fetch(href, {
        headers: { Range: `bytes=${offset}-${offset + length - 1}` },
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
        redirect: "follow",
      });
      const declared = Number(res.headers.get("content-length") ?? NaN);
      if (res.status === 200) {
        if (!(declared <= NO_RANGE_LIMIT)) {
          await res.body?.cancel();
          throw new ValueError(msg.noRange(href, Number.isFinite(declared) ? declared : undefined));
        }
        whole = new Uint8Array(await res.arrayBuffer());
        size = whole.byteLength;
        return source.read(offset, length);
      }
      if (res.status === 416) {
        await res.body?.cancel();
        const total = /\/(\d+)\s*$/.exec(res.headers.get("content-range") ?? "");
        throw new ValueError(msg.readPastEnd(href, offset, length, total ? Number(total[1]) : NaN));
      }
      if (res.status !== 206) {
        await res.body?.cancel();
        throw new ValueError(msg.httpStatus(href, res.status, res.statusText));
      }
      const range = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/.exec(res.headers.get("content-range") ?? "");
      if (range && range[3] !== "*") size = Number(range[3]);
      if (range && Number(range[1]) !== offset) {
        await res.body?.cancel();
        throw new ValueError(`GET ${href}: asked for bytes from ${offset}, the server sent them from ${range[1]}`);
      }
      if (Number.isFinite(declared) && declared > length) {
        await res.body?.cancel();
        throw new ValueError(`GET ${href}: asked for ${length} bytes, the server announced ${declared}`);
      }
      const body = new Uint8Array(await res.arrayBuffer());
      if (body.byteLength < length) throw new ValueError(msg.httpShort(href, length, body.byteLength, offset));
      return body.byteLength === length ? body : body.subarray(0, length);
    },
    async close() {},
  };
  return source;
}
