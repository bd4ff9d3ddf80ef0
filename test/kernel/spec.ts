/**
 * Message shapes from the Jupyter messaging spec (protocol 5.3,
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html), written down independently of
 * the kernel: required content keys and their JSON types per msg_type.
 */
import assert from "node:assert/strict";
import type { Message } from "../../kernel/wire.js";

type Kind = "string" | "number" | "boolean" | "object" | "array" | "integer|null" | "string|null";

const CONTENT: Record<string, Record<string, Kind>> = {
  status: { execution_state: "string" },
  execute_input: { code: "string", execution_count: "integer|null" },
  stream: { name: "string", text: "string" },
  execute_result: { execution_count: "integer|null", data: "object", metadata: "object" },
  display_data: { data: "object", metadata: "object", transient: "object" },
  update_display_data: { data: "object", metadata: "object", transient: "object" },
  error: { ename: "string", evalue: "string", traceback: "array" },
  clear_output: { wait: "boolean" },
  input_request: { prompt: "string", password: "boolean" },
  kernel_info_reply: {
    status: "string",
    protocol_version: "string",
    implementation: "string",
    implementation_version: "string",
    language_info: "object",
    banner: "string",
  },
  complete_reply: { status: "string", matches: "array", cursor_start: "number", cursor_end: "number", metadata: "object" },
  inspect_reply: { status: "string", found: "boolean", data: "object", metadata: "object" },
  is_complete_reply: { status: "string" },
  comm_info_reply: { status: "string", comms: "object" },
  history_reply: { status: "string", history: "array" },
  shutdown_reply: { status: "string", restart: "boolean" },
  interrupt_reply: { status: "string" },
};

const EXECUTE_REPLY: Record<string, Record<string, Kind>> = {
  ok: { status: "string", execution_count: "number", payload: "array", user_expressions: "object" },
  error: { status: "string", execution_count: "number", ename: "string", evalue: "string", traceback: "array" },
  aborted: { status: "string" },
};

function check(value: unknown, kind: Kind, where: string): void {
  const ok =
    kind === "array" ? Array.isArray(value)
    : kind === "object" ? typeof value === "object" && value !== null && !Array.isArray(value)
    : kind === "integer|null" ? value === null || Number.isInteger(value)
    : kind === "string|null" ? value === null || typeof value === "string"
    : typeof value === kind;
  assert.ok(ok, `${where}: expected ${kind}, got ${JSON.stringify(value)}`);
}

/** Asserts a kernel message has a 5.3 header, a parent and the content its msg_type requires. */
export function assertSpecShape(msg: Message): void {
  const t = msg.header.msg_type;
  for (const k of ["msg_id", "msg_type", "session", "username", "date", "version"] as const) {
    check(msg.header[k], "string", `${t} header.${k}`);
  }
  assert.equal(msg.header.version, "5.3", `${t} header.version`);
  assert.ok(!Number.isNaN(Date.parse(msg.header.date)), `${t} header.date is ISO 8601: ${msg.header.date}`);
  check(msg.metadata, "object", `${t} metadata`);
  let shape = CONTENT[t];
  if (t === "execute_reply") {
    const status = msg.content.status as string;
    assert.ok(status in EXECUTE_REPLY, `execute_reply status ${status}`);
    shape = EXECUTE_REPLY[status];
  }
  assert.ok(shape, `no spec shape for ${t}`);
  for (const [key, kind] of Object.entries(shape)) check(msg.content[key], kind, `${t} content.${key}`);
  if (t === "status") assert.ok(["busy", "idle", "starting"].includes(msg.content.execution_state as string));
  if (t === "stream") assert.ok(["stdout", "stderr"].includes(msg.content.name as string));
  if (t === "update_display_data") check((msg.content.transient as { display_id?: unknown }).display_id, "string", "update_display_data transient.display_id");
  if (t === "error") for (const line of msg.content.traceback as unknown[]) check(line, "string", "traceback line");
}
