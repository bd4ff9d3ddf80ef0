/**
 * The safetensors format (Hugging Face's checkpoint format): `load` a state dict from a file, bytes
 * or an http(s) URL — with values, or shape-only (`{ meta: true }`) — `readHeader` without reading
 * any tensor data, and `save` a state dict. Sharded checkpoints load through their
 * `model.safetensors.index.json`.
 *
 * Porting note: values are float32 in paramlab. F64 / F16 / BF16 load as float32; integer and bool
 * tensors keep their values exactly (tagged with their dtype, e.g. `t.dtype === "int64"`), and an
 * integer float32 cannot hold exactly is an error naming the tensor. With `{ meta: true }` every
 * tensor keeps the checkpoint's dtype and no values are read.
 */
import { readFile, stat } from "node:fs/promises";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValueError, kindOf } from "../errors.js";
import { metaTensor, withDType } from "../tensor/meta.js";
import { allocateStorage, Tensor } from "../tensor/tensor.js";
import { decodeInto, encode, FILE_DTYPE, TORCH_DTYPE, type SafetensorsDType } from "./dtypes.js";
import { readParsedHeader, type SafetensorsHeader, type TensorInfo } from "./header.js";
import * as msg from "./messages.js";
import { labelOf, locate, openSource, sibling, type Location, type Source } from "./source.js";

export type { SafetensorsHeader, TensorInfo } from "./header.js";
export type { SafetensorsDType } from "./dtypes.js";
export type { Source } from "./source.js";
export { checkUrl } from "./source.js";

/** Options of `load`. */
export interface LoadOptions {
  /** Shape-only tensors (PyTorch's device "meta"): read the header, no values. Default `false`. */
  meta?: boolean;
}

/** A header entry of a sharded checkpoint also says which shard holds the tensor. */
export interface ShardedTensorInfo extends TensorInfo {
  file?: string;
}

/** What `readHeader` returns. */
export interface Header {
  /** Tensor entries in the file's order: `{ dtype: "BF16", shape: [4096, 4096], data_offsets: [0, 33554432] }`. */
  tensors: Record<string, ShardedTensorInfo>;
  /** `__metadata__` (or the index's `metadata`), e.g. `{ format: "pt" }`. */
  metadata: Record<string, string>;
}

const INDEX_SUFFIX = ".json";
const INDEX_NAME = "model.safetensors.index.json";
const SINGLE_NAME = "model.safetensors";
/** Largest index file read. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

function checkOptions(fn: string, options: unknown): LoadOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new TypeError(msg.badOptions(fn, options));
  const { meta } = options as LoadOptions;
  if (meta !== undefined && typeof meta !== "boolean") throw new TypeError(`${fn}: meta must be a boolean, got ${kindOf(meta)}`);
  return options as LoadOptions;
}

/** A directory holding `model.safetensors.index.json` or `model.safetensors` resolves to it. */
async function resolveDirectory(loc: Location): Promise<Location> {
  if (loc.kind !== "file") return loc;
  const info = await stat(loc.path).catch(() => undefined);
  if (!info?.isDirectory()) return loc;
  for (const name of [INDEX_NAME, SINGLE_NAME]) {
    const path = join(loc.path, name);
    if (await stat(path).then((s) => s.isFile(), () => false)) return { kind: "file", path };
  }
  throw new ValueError(`${loc.path} is a directory without ${INDEX_NAME} or ${SINGLE_NAME}`);
}

function isIndex(loc: Location): boolean {
  return (loc.kind === "file" && loc.path.endsWith(INDEX_SUFFIX)) || (loc.kind === "url" && loc.url.pathname.endsWith(INDEX_SUFFIX));
}

/** The shards of an index, in the order of `weight_map`, with the tensors each must hold. */
async function readIndex(loc: Location): Promise<{ metadata: Record<string, string>; shards: Map<string, string[]>; order: string[] }> {
  const src = labelOf(loc);
  let bytes: Uint8Array;
  if (loc.kind === "file") {
    const info = await stat(loc.path);
    if (info.size > MAX_INDEX_BYTES) throw new ValueError(msg.indexNotJson(src, `${info.size} bytes is too large for an index`));
    bytes = await readFile(loc.path);
  } else {
    const res = await fetch(src, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new ValueError(msg.httpStatus(src, res.status, res.statusText));
    }
    const declared = Number(res.headers.get("content-length") ?? NaN);
    if (declared > MAX_INDEX_BYTES) {
      await res.body?.cancel();
      throw new ValueError(msg.indexNotJson(src, `${declared} bytes is too large for an index`));
    }
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ValueError(msg.indexNotJson(src, (e as Error).message));
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ValueError(msg.indexNotJson(src, `expected a JSON object, got ${kindOf(json)}`));
  const { weight_map: map, metadata } = json as Record<string, unknown>;
  if (typeof map !== "object" || map === null || Array.isArray(map)) throw new ValueError(msg.indexNoWeightMap(src, map));
  const shards = new Map<string, string[]>();
  const order: string[] = [];
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    if (name === "__proto__") throw new ValueError(msg.reservedName(src, name));
    if (typeof file !== "string" || file === "" || file.includes("/") || file.includes("\\") || file === "." || file === "..") {
      throw new ValueError(msg.indexBadShard(src, name, file));
    }
    if (!shards.has(file)) shards.set(file, []);
    shards.get(file)!.push(name);
    order.push(name);
  }
  const meta: Record<string, string> = {};
  if (typeof metadata === "object" && metadata !== null) {
    for (const [k, v] of Object.entries(metadata)) meta[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { metadata: meta, shards, order };
}

/** Checks a shard's tensors against the names the index gives it. */
function checkShard(src: string, file: string, expected: readonly string[], got: readonly string[]): void {
  const have = new Set(got);
  for (const name of expected) if (!have.has(name)) throw new ValueError(msg.indexMissingTensor(src, name, file));
  const want = new Set(expected);
  for (const name of got) if (!want.has(name)) throw new ValueError(msg.indexExtraTensor(src, name, file));
}

/** Loads one (unsharded) file. */
async function loadFile(loc: Location, meta: boolean): Promise<Record<string, Tensor>> {
  const source = await openSource(loc);
  try {
    const header = await readParsedHeader(source);
    const out: Record<string, Tensor> = {};
    if (meta) {
      for (const [name, info] of Object.entries(header.tensors)) out[name] = metaTensor(info.shape, TORCH_DTYPE[info.dtype], name);
      return out;
    }
    // A URL is read in one Range request for the whole data section; files tensor by tensor.
    const data = source.kind === "file" ? undefined : await source.read(header.dataStart, header.dataSize);
    for (const [name, info] of Object.entries(header.tensors)) {
      const [begin, end] = info.data_offsets;
      const bytes = data ? data.subarray(begin, end) : await source.read(header.dataStart + begin, end - begin);
      out[name] = decodeTensor(bytes, info, name);
    }
    return out;
  } finally {
    await source.close();
  }
}

function decodeTensor(bytes: Uint8Array, info: TensorInfo, name: string): Tensor {
  const numel = info.shape.reduce((a, b) => a * b, 1);
  const storage = allocateStorage(numel);
  decodeInto(storage, bytes, info.dtype, name);
  const t = new Tensor(storage, info.shape);
  const dtype = TORCH_DTYPE[info.dtype];
  // Floats become float32 values; integer and bool tensors keep their dtype tag.
  return dtype === "float64" || dtype === "float16" || dtype === "bfloat16" ? t : withDType(t, dtype);
}

/**
 * Loads a safetensors checkpoint as a state dict (name → Tensor, in the file's order): from a file
 * path, a directory holding `model.safetensors(.index.json)`, a `model.safetensors.index.json`
 * (sharded), bytes, or an http(s) URL (read with HTTP Range requests). With `{ meta: true }` only
 * the header is read and every tensor is shape-only.
 *
 * @example
 * const sd = await safetensors.load("gpt2/model.safetensors");
 * model.loadStateDict(sd);
 * const big = await safetensors.load("llama/model.safetensors.index.json", { meta: true });
 * big["model.embed_tokens.weight"].dtype; // "bfloat16"
 */
export async function load(source: Source, options?: LoadOptions): Promise<Record<string, Tensor>> {
  const { meta = false } = checkOptions("safetensors.load()", options);
  const loc = await resolveDirectory(locate(source, "safetensors.load()"));
  if (!isIndex(loc)) return loadFile(loc, meta);
  const index = await readIndex(loc);
  const parts: Record<string, Tensor> = {};
  for (const [file, names] of index.shards) {
    const shard = await loadFile(sibling(loc, file), meta);
    checkShard(labelOf(loc), file, names, Object.keys(shard));
    Object.assign(parts, shard);
  }
  const out: Record<string, Tensor> = {};
  for (const name of index.order) out[name] = parts[name];
  return out;
}

/**
 * Reads only the header: each tensor's dtype (as in the file: "BF16"), shape and byte range, and
 * the metadata. For a sharded checkpoint, the entries of every shard, each with its `file`.
 *
 * @example
 * const { tensors, metadata } = await safetensors.readHeader("model.safetensors");
 * tensors["lm_head.weight"]; // { dtype: "F32", shape: [50257, 768], data_offsets: [0, 154389504] }
 */
export async function readHeader(source: Source): Promise<Header> {
  const loc = await resolveDirectory(locate(source, "safetensors.readHeader()"));
  if (!isIndex(loc)) {
    const s = await openSource(loc);
    try {
      const { tensors, metadata } = await readParsedHeader(s);
      return { tensors, metadata };
    } finally {
      await s.close();
    }
  }
  const index = await readIndex(loc);
  const parts: Record<string, ShardedTensorInfo> = {};
  for (const [file, names] of index.shards) {
    const s = await openSource(sibling(loc, file));
    try {
      const { tensors } = await readParsedHeader(s);
      checkShard(labelOf(loc), file, names, Object.keys(tensors));
      for (const [name, info] of Object.entries(tensors)) parts[name] = { ...info, file };
    } finally {
      await s.close();
    }
  }
  const tensors: Record<string, ShardedTensorInfo> = {};
  for (const name of index.order) tensors[name] = parts[name];
  return { tensors, metadata: index.metadata };
}

/**
 * The bytes of a safetensors file holding `stateDict` (float tensors as F32, integer and bool
 * tensors in their dtype), with optional string `metadata`.
 *
 * @example
 * const bytes = safetensors.serialize(model.stateDict(), { format: "pt" });
 * (await safetensors.load(bytes))["0.weight"].shape; // [8, 4]
 */
export function serialize(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict)) throw new TypeError(msg.notAStateDict(stateDict));
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || Array.isArray(metadata) || !Object.values(metadata).every((v) => typeof v === "string"))) {
    throw new TypeError(msg.badMetadata(metadata));
  }
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = { ...metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(stateDict)) {
    if (!(t instanceof Tensor)) throw new TypeError(msg.notATensor(name, t));
    if (t.isMeta) throw new ValueError(msg.metaSave(name));
    const dtype: SafetensorsDType = t.dtype === "float64" || t.dtype === "float16" || t.dtype === "bfloat16" ? "F32" : FILE_DTYPE[t.dtype];
    const bytes = encode(t.data, dtype, name);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces to a multiple of 8 bytes, as the reference writer does.
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Writes `stateDict` to `path` as a safetensors file (PyTorch's `safetensors.torch.save_file`).
 *
 * @example
 * safetensors.save(model.stateDict(), "model.safetensors", { format: "pt" });
 */
export function save(stateDict: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  if (typeof path !== "string" || path === "") throw new TypeError(`safetensors.save() expects a file path string, got ${kindOf(path)}`);
  writeFileSync(path, serialize(stateDict, metadata));
}
