import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { decode, DELIMITER, encode, makeMessage, Signer, WireError } from "../../kernel/wire.js";

const body = (o: unknown[]) => o.map((x) => Buffer.from(JSON.stringify(x)));
const header = { msg_id: "m1", msg_type: "execute_request", session: "s", username: "u", date: "2020-01-01T00:00:00Z", version: "5.3" };

test("signature is the hex HMAC-SHA256 of header, parent, metadata and content", () => {
  const parts = body([header, {}, {}, { code: "1" }]);
  // Independent computation with the key, as the messaging spec describes.
  const expected = createHmac("sha256", "secret").update(Buffer.concat(parts)).digest("hex");
  assert.equal(new Signer("secret").sign(parts), expected);
});

test("decode accepts a correctly signed message with routing identities and buffers", () => {
  const parts = body([header, {}, {}, { code: "1" }]);
  const sig = createHmac("sha256", "k").update(Buffer.concat(parts)).digest("hex");
  const msg = decode([Buffer.from("id1"), DELIMITER, Buffer.from(sig), ...parts, Buffer.from("buf")], new Signer("k"));
  assert.equal(msg.header.msg_type, "execute_request");
  assert.deepEqual(msg.identities.map(String), ["id1"]);
  assert.deepEqual(msg.buffers.map(String), ["buf"]);
});

test("decode rejects bad, missing and replayed signatures", () => {
  const parts = body([header, {}, {}, { code: "1" }]);
  const signer = new Signer("k");
  assert.throws(() => decode([DELIMITER, Buffer.from("0".repeat(64)), ...parts], signer), WireError);
  assert.throws(() => decode([DELIMITER, Buffer.from(""), ...parts], signer), /unsigned/);
  const good = [DELIMITER, Buffer.from(signer.sign(parts)), ...parts];
  decode(good, signer);
  assert.throws(() => decode(good, signer), /replayed/);
});

test("decode rejects frames without delimiter or with non-object JSON", () => {
  const s = new Signer("");
  assert.throws(() => decode([Buffer.from("x")], s), /delimiter/);
  assert.throws(() => decode([DELIMITER, Buffer.from(""), ...body([[], {}, {}, {}])], s), /header must be a JSON object/);
});

test("an empty key disables signing (spec: auth off)", () => {
  const s = new Signer("");
  assert.equal(s.sign(body([{}])), "");
  const msg = decode([DELIMITER, Buffer.from(""), ...body([header, {}, {}, {}])], s);
  assert.equal(msg.header.msg_id, "m1");
});

test("unknown signature schemes are refused naming the scheme", () => {
  assert.throws(() => new Signer("k", "rsa"), /Unsupported signature_scheme "rsa"/);
});

test("encode then decode round-trips and replies carry the parent header", () => {
  const s = new Signer("key");
  const parent = decode([DELIMITER, Buffer.from(s.sign(body([header, {}, {}, {}]))), ...body([header, {}, {}, {}])], s);
  const reply = makeMessage("execute_reply", { status: "ok" }, "kernel-session", parent, { identities: [Buffer.from("id")] });
  const back = decode(encode(reply, s), new Signer("key"));
  assert.equal(back.parent_header.msg_id, "m1");
  assert.equal(back.header.version, "5.3");
  assert.deepEqual(back.content, { status: "ok" });
});
