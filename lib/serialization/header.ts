/**
 * Reading and checking a safetensors header: 8 bytes of little-endian u64 length, then that many
 * bytes of JSON `{ "__metadata__": {...}, name: { dtype, shape, data_offsets: [begin, end] } }`,
 * then the data section. The checks follow the reference implementation (Rust `safetensors`):
 * every tensor's byte range matches shape × dtype size, ranges neither overlap nor leave holes,
 * and together they cover the data section exactly.
 */
import { ValueError } from "../errors.js";
import { DTYPE_SIZE, isSafetensorsDType, type SafetensorsDType } from "./dtypes.js";
import * as msg from "./messages.js";
import type { ByteSource } from "./source.js";

/** One tensor entry of a header, as in the file. */
export interface TensorInfo {
  /** The dtype as written in the file: "F32", "BF16", ... */
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range `[begin, end)` inside the data section. */
  data_offsets: [number, number];
}

/** A parsed, checked header. */
export interface SafetensorsHeader {
  /** Tensor entries in the header's order. */
  tensors: Record<string, TensorInfo>;
  /** The `__metadata__` strings (e.g. `{ format: "pt" }`), or `{}`. */
  metadata: Record<string, string>;
}

/** A header plus where its data section starts. */
export interface ParsedHeader extends SafetensorsHeader {
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
  /** Size of the data section (the end of the last tensor). */
  dataSize: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads and checks the header of `source`. Reads 8 bytes, then the header; nothing else. */
export async function readParsedHeader(source: ByteSource): Promise<ParsedHeader> {
  const src = source.label;
  const known = source.size();
  if (known !== undefined && known < 8) throw new ValueError(msg.tooSmall(src, known));
  const head = await source.read(0, 8).catch((e: Error) => {
    const size = source.size();
    throw size !== undefined && size < 8 ? new ValueError(msg.tooSmall(src, size)) : e;
  });
  const n64 = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(msg.MAX_HEADER_BYTES)) throw new ValueError(msg.headerTooLarge(src, n64));
  const n = Number(n64);
  const size = source.size();
  if (size !== undefined && 8 + n > size) throw new ValueError(msg.headerPastEnd(src, n, size));
  const bytes = await source.read(8, n);
  const parsed = parseHeaderJson(bytes, src);
  const dataStart = 8 + n;
  const total = source.size();
  const dataSize = checkLayout(parsed.tensors, src, total === undefined ? undefined : total - dataStart);
  return { ...parsed, dataStart, dataSize };
}

/** Parses the JSON of a header and checks each entry's form (not yet the byte layout). */
export function parseHeaderJson(bytes: Uint8Array, src: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ValueError(msg.headerNotJson(src, "not UTF-8 text"));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(msg.headerNotJson(src, (e as Error).message));
  }
  if (!isObject(json)) throw new ValueError(msg.headerNotObject(src, json));
  const tensors: Record<string, TensorInfo> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(json)) {
    if (name === "__metadata__") {
      if (entry === null) continue;
      if (!isObject(entry) || !Object.values(entry).every((v) => typeof v === "string")) throw new ValueError(msg.metadataNotStrings(src, entry));
      metadata = entry as Record<string, string>;
      continue;
    }
    // A state dict is a plain object here: "__proto__" cannot be one of its keys.
    if (name === "__proto__") throw new ValueError(msg.reservedName(src, name));
    if (!isObject(entry)) throw new ValueError(msg.entryNotObject(src, name, entry));
    const { dtype, shape, data_offsets: offsets } = entry;
    if (!isSafetensorsDType(dtype)) throw new ValueError(msg.unknownDType(src, name, dtype, Object.keys(DTYPE_SIZE)));
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ValueError(msg.badShape(src, name, shape));
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      (offsets[0] as number) > (offsets[1] as number)
    ) {
      throw new ValueError(msg.badOffsets(src, name, offsets));
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = numel * DTYPE_SIZE[dtype];
    const got = (offsets[1] as number) - (offsets[0] as number);
    if (!Number.isSafeInteger(expected) || expected !== got) throw new ValueError(msg.sizeMismatch(src, name, dtype, shape as number[], expected, got));
    tensors[name] = { dtype, shape: [...(shape as number[])], data_offsets: [offsets[0] as number, offsets[1] as number] };
  }
  return { tensors, metadata };
}

/**
 * Checks that the byte ranges tile the data section: sorted by start, each begins where the
 * previous ended, none reaches past the end, and (when the size is known) nothing is left over.
 * Returns the end of the last tensor.
 */
function checkLayout(tensors: Record<string, TensorInfo>, src: string, dataSize: number | undefined): number {
  const entries = Object.entries(tensors).sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0] || a[1].data_offsets[1] - b[1].data_offsets[1]);
  let end = 0;
  let prev = "";
  for (const [name, info] of entries) {
    const [begin, stop] = info.data_offsets;
    if (dataSize !== undefined && stop > dataSize) throw new ValueError(msg.outOfRange(src, name, stop, dataSize));
    if (begin < end) throw new ValueError(msg.overlap(src, prev, name, begin));
    if (begin > end) throw new ValueError(msg.gap(src, name, end, begin));
    end = stop;
    prev = name;
  }
  if (dataSize !== undefined && end !== dataSize) throw new ValueError(msg.trailing(src, end, dataSize));
  return end;
}
