/**
 * The Jupyter wire protocol (messaging spec 5.3): splitting ZeroMQ frames into a message,
 * checking its HMAC signature, and signing and serialising replies.
 *
 * Frames: [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
 * The signature is the hex HMAC of the four JSON frames, keyed by the connection file's `key`.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
export const DELIMITER = Buffer.from("<IDS|MSG>");

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
  [extra: string]: unknown;
}

export interface Message<C = Record<string, unknown>> {
  /** ZeroMQ routing identities of the sender (Router sockets), echoed on replies. */
  identities: Buffer[];
  header: MessageHeader;
  /** The header of the message this one answers, or `{}`. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Why a message was dropped. */
export class WireError extends Error {
  override name = "WireError";
}

/** Signs and verifies messages with the connection file's key and `signature_scheme`. */
export class Signer {
  readonly algorithm: string;
  private readonly key: Buffer;
  /** Recent signatures, to refuse replays (as ipykernel's digest history does). */
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];

  constructor(key: string, scheme = "hmac-sha256") {
    const match = /^hmac-([a-z0-9-]+)$/i.exec(scheme);
    if (!match) {
      throw new WireError(`Unsupported signature_scheme ${JSON.stringify(scheme)} (expected "hmac-<digest>", e.g. "hmac-sha256")`);
    }
    this.algorithm = match[1].toLowerCase().replace("-", "");
    this.key = Buffer.from(key, "utf8");
    // Fails early on a digest Node does not know.
    createHmac(this.algorithm, "probe");
  }

  /** An empty key disables signing, as the spec says. */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(parts: (string | Buffer)[]): string {
    if (!this.enabled) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }

  /** Throws a WireError unless `signature` is the HMAC of `parts` and has not been seen before. */
  verify(signature: string, parts: Buffer[]): void {
    if (!this.enabled) return;
    if (!signature) throw new WireError("unsigned message");
    const expected = Buffer.from(this.sign(parts), "utf8");
    const given = Buffer.from(signature, "utf8");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new WireError(`bad signature ${signature.slice(0, 16)}…`);
    }
    if (this.seen.has(signature)) throw new WireError(`replayed signature ${signature.slice(0, 16)}…`);
    this.seen.add(signature);
    this.seenOrder.push(signature);
    if (this.seenOrder.length > 4096) this.seen.delete(this.seenOrder.shift()!);
  }
}

function parseJsonFrame(frame: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch (err) {
    throw new WireError(`${what} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireError(`${what} must be a JSON object, got ${Array.isArray(value) ? "array" : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** Parses and authenticates a multipart message; throws WireError for anything malformed. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const delim = frames.findIndex((f) => f.equals(DELIMITER));
  if (delim < 0) throw new WireError("no <IDS|MSG> delimiter");
  if (frames.length < delim + 6) {
    throw new WireError(`expected signature and 4 JSON frames after the delimiter, got ${frames.length - delim - 1} frames`);
  }
  const signature = frames[delim + 1].toString("ascii");
  const body = frames.slice(delim + 2, delim + 6);
  // Authenticate before parsing anything else.
  signer.verify(signature, body);
  const header = parseJsonFrame(body[0], "header");
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new WireError("header lacks msg_type or msg_id");
  }
  return {
    identities: frames.slice(0, delim),
    header: header as MessageHeader,
    parent_header: parseJsonFrame(body[1], "parent_header") as Partial<MessageHeader>,
    metadata: parseJsonFrame(body[2], "metadata"),
    content: parseJsonFrame(body[3], "content"),
    buffers: frames.slice(delim + 6),
  };
}

/** Serialises and signs a message into ZeroMQ frames. */
export function encode(msg: Message<unknown>, signer: Signer): Buffer[] {
  const body = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) => Buffer.from(JSON.stringify(part), "utf8"));
  return [...msg.identities, DELIMITER, Buffer.from(signer.sign(body), "ascii"), ...body, ...msg.buffers];
}

/** A new header; `session` is the kernel's session id. */
export function makeHeader(msgType: string, session: string, username = "kernel"): MessageHeader {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username,
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/** A message answering (or published on behalf of) `parent`. */
export function makeMessage<C>(
  msgType: string,
  content: C,
  session: string,
  parent?: Message<unknown>,
  opts: { identities?: Buffer[]; metadata?: Record<string, unknown> } = {},
): Message<C> {
  return {
    identities: opts.identities ?? [],
    header: makeHeader(msgType, session, parent?.header.username ?? "kernel"),
    parent_header: parent ? parent.header : {},
    metadata: opts.metadata ?? {},
    content,
    buffers: [],
  };
}
