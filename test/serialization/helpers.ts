/**
 * Test helpers for safetensors: a local HTTP server (127.0.0.1 only) that serves files with Range
 * support and logs every request, a hand-written file builder (independent of `serialize`), and
 * the Llama-2-7B header (names and shapes of meta-llama/Llama-2-7b-hf, 291 tensors, BF16).
 */
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface LoggedRequest {
  path: string;
  range?: string;
  /** Body bytes sent. */
  sent: number;
  status: number;
}

export interface RangeServer {
  base: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

/**
 * Serves files from `root` (and in-memory `extra` files) on 127.0.0.1. `noRange` paths answer
 * 200 with the whole file, as a server without Range support does.
 */
export async function startRangeServer(root: string, extra: Record<string, Uint8Array> = {}, noRange: string[] = []): Promise<RangeServer> {
  const log: LoggedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let body: Uint8Array;
    try {
      body = extra[path] ?? readFileSync(join(root, path));
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      log.push({ path, range: req.headers.range, sent: 9, status: 404 });
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (!range || noRange.includes(path)) {
      res.writeHead(200, { "content-length": body.byteLength, "accept-ranges": "none" });
      res.end(body);
      log.push({ path, range: req.headers.range, sent: body.byteLength, status: 200 });
      return;
    }
    const start = Number(range[1]);
    const end = Math.min(range[2] === "" ? body.byteLength - 1 : Number(range[2]), body.byteLength - 1);
    if (start >= body.byteLength) {
      res.writeHead(416, { "content-range": `bytes */${body.byteLength}` });
      res.end();
      log.push({ path, range: req.headers.range, sent: 0, status: 416 });
      return;
    }
    const part = body.subarray(start, end + 1);
    res.writeHead(206, { "content-length": part.byteLength, "content-range": `bytes ${start}-${end}/${body.byteLength}` });
    res.end(part);
    log.push({ path, range: req.headers.range, sent: part.byteLength, status: 206 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A safetensors file from a header object and a data section, written by hand. */
export function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = typeof header === "string" ? new TextEncoder().encode(header) : new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

/** Llama-2-7B's tensors (meta-llama/Llama-2-7b-hf config: 32 layers, hidden 4096, MLP 11008, vocab 32000), in sorted order. */
export function llama7bShapes(): Array<[string, number[]]> {
  const d = 4096;
  const ff = 11008;
  const out: Array<[string, number[]]> = [
    ["lm_head.weight", [32000, d]],
    ["model.embed_tokens.weight", [32000, d]],
    ["model.norm.weight", [d]],
  ];
  for (let i = 0; i < 32; i++) {
    const p = `model.layers.${i}.`;
    out.push(
      [p + "input_layernorm.weight", [d]],
      [p + "mlp.down_proj.weight", [d, ff]],
      [p + "mlp.gate_proj.weight", [ff, d]],
      [p + "mlp.up_proj.weight", [ff, d]],
      [p + "post_attention_layernorm.weight", [d]],
      [p + "self_attn.k_proj.weight", [d, d]],
      [p + "self_attn.o_proj.weight", [d, d]],
      [p + "self_attn.q_proj.weight", [d, d]],
      [p + "self_attn.v_proj.weight", [d, d]],
    );
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The header object of a BF16 Llama-2-7B file, and the size of its data section. */
export function llama7bHeader(): { header: Record<string, unknown>; dataSize: number } {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (const [name, shape] of llama7bShapes()) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: "BF16", shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return { header, dataSize: offset };
}
