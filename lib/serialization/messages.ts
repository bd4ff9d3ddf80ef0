/**
 * Error messages of the safetensors reader and writer, shared by the code and its tests. Each names
 * the source (file path, URL or "bytes"), the tensor concerned and what was expected.
 */
import { describeValue, kindOf } from "../errors.js";

/** Largest header accepted, as the reference implementation (Rust `safetensors`) allows. */
export const MAX_HEADER_BYTES = 100_000_000;

export const sourceKind = (fn: string, v: unknown) =>
  `${fn} expects a file path, an http(s) URL, a Uint8Array or an ArrayBuffer, got ${kindOf(v)}`;
export const badUrl = (url: string, reason: string) => `invalid URL ${JSON.stringify(url)}: ${reason}`;
export const unsupportedScheme = (url: string, scheme: string) =>
  `unsupported URL scheme "${scheme}" in ${JSON.stringify(url)} (expected http: or https:, or a file path)`;
export const tooSmall = (src: string, size: number) =>
  `${src}: file is ${size} bytes; a safetensors file starts with an 8-byte little-endian header length`;
export const headerPastEnd = (src: string, n: number | bigint, size: number) =>
  `${src}: header length ${n} runs past the end of the file (the file has ${size} bytes, so at most ${Math.max(0, size - 8)} are left for the header)`;
export const headerTooLarge = (src: string, n: number | bigint) =>
  `${src}: header length ${n} is larger than the ${MAX_HEADER_BYTES} bytes a safetensors header may have (is this a safetensors file?)`;
export const headerNotJson = (src: string, why: string) => `${src}: the header is not valid JSON (${why})`;
export const headerNotObject = (src: string, v: unknown) => `${src}: the header must be a JSON object of tensor entries, got ${kindOf(v)}`;
export const metadataNotStrings = (src: string, v: unknown) =>
  `${src}: "__metadata__" must be an object of string values, got ${describeValue(v)}`;
export const entryNotObject = (src: string, name: string, v: unknown) =>
  `${src}: tensor "${name}": expected an object { dtype, shape, data_offsets }, got ${describeValue(v)}`;
export const reservedName = (src: string, name: string) =>
  `${src}: tensor name "${name}" is not supported (a state dict is a plain object, where that key is reserved)`;
export const unknownDType = (src: string, name: string, dtype: unknown, known: readonly string[]) =>
  `${src}: tensor "${name}": unknown dtype ${describeValue(dtype)} (expected one of ${known.join(", ")})`;
export const badShape = (src: string, name: string, shape: unknown) =>
  `${src}: tensor "${name}": shape must be an array of non-negative integers, got ${describeValue(shape)}`;
export const badOffsets = (src: string, name: string, offsets: unknown) =>
  `${src}: tensor "${name}": data_offsets must be [begin, end] with integers 0 <= begin <= end, got ${describeValue(offsets)}`;
export const sizeMismatch = (src: string, name: string, dtype: string, shape: readonly number[], expected: number, got: number) =>
  `${src}: tensor "${name}": data_offsets span ${got} bytes but shape [${shape.join(", ")}] of ${dtype} needs ${expected} bytes`;
export const outOfRange = (src: string, name: string, end: number, dataSize: number) =>
  `${src}: tensor "${name}": data_offsets end at byte ${end} but the data section has only ${dataSize} bytes`;
export const overlap = (src: string, a: string, b: string, at: number) =>
  `${src}: tensors "${a}" and "${b}" overlap (both use data byte ${at}); each tensor needs its own byte range`;
export const gap = (src: string, name: string, expected: number, begin: number) =>
  `${src}: tensor "${name}" starts at data byte ${begin} but the previous tensor ends at ${expected}: the data section must have no holes`;
export const trailing = (src: string, end: number, dataSize: number) =>
  `${src}: the tensors end at data byte ${end} but the data section has ${dataSize} bytes: ${dataSize - end} bytes belong to no tensor`;
export const badBool = (name: string, i: number, b: number) => `tensor "${name}": BOOL element ${i} is byte ${b} (expected 0 or 1)`;
export const inexactInteger = (name: string, i: number, v: string, dtype: string) =>
  `tensor "${name}": ${dtype} element ${i} = ${v} is not exactly representable in paramlab's float32 storage (integers up to ±16777216 always are); load it with { meta: true } for its shape only`;
export const notEncodable = (name: string, i: number, v: number, dtype: string) =>
  `tensor "${name}": element ${i} = ${v} cannot be written as ${dtype}`;
export const httpStatus = (url: string, status: number, statusText: string) =>
  `GET ${url} failed: HTTP ${status}${statusText ? " " + statusText : ""}`;
export const httpShort = (url: string, wanted: number, got: number, offset: number) =>
  `GET ${url}: expected ${wanted} bytes from offset ${offset}, got ${got} (truncated response)`;
export const noRange = (url: string, size: number | undefined) =>
  `GET ${url}: the server ignored the Range request and sent the whole file${size !== undefined ? ` (${size} bytes)` : ""}; paramlab reads large checkpoints only from servers that support Range requests`;
export const readPastEnd = (src: string, offset: number, length: number, size: number) =>
  `${src}: cannot read ${length} bytes at offset ${offset}: the file has ${size} bytes (truncated file?)`;
export const indexNotJson = (src: string, why: string) => `${src}: not a valid safetensors index (${why})`;
export const indexNoWeightMap = (src: string, v: unknown) =>
  `${src}: a safetensors index needs "weight_map": an object of tensor name -> shard file name, got ${describeValue(v)}`;
export const indexBadShard = (src: string, name: string, file: unknown) =>
  `${src}: weight_map["${name}"] must be a file name next to the index (no "/" or ".."), got ${describeValue(file)}`;
export const indexMissingTensor = (src: string, name: string, shard: string) =>
  `${src}: weight_map puts tensor "${name}" in ${shard}, but ${shard} has no such tensor`;
export const indexExtraTensor = (src: string, name: string, shard: string) =>
  `${src}: shard ${shard} has tensor "${name}", which weight_map does not list`;
export const notAStateDict = (v: unknown) => `safetensors.save() expects a state dict (an object of name -> Tensor), got ${kindOf(v)}`;
export const notATensor = (name: string, v: unknown) => `safetensors.save(): "${name}" must be a Tensor, got ${kindOf(v)}`;
export const metaSave = (name: string) =>
  `safetensors.save(): "${name}" is a meta tensor (no values); load the checkpoint without { meta: true } to save it`;
export const badMetadata = (v: unknown) => `safetensors.save(): metadata must be an object of string values, got ${describeValue(v)}`;
export const badOptions = (fn: string, v: unknown) => `${fn}: options must be an object like { meta: true }, got ${kindOf(v)}`;
