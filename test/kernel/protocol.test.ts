/**
 * Protocol-level tests: a real kernel process on a fresh connection file, driven over ZeroMQ.
 * The kernel runs in a temporary directory outside the repository, as a notebook elsewhere would.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as zmq from "zeromq";
import { Signer, type Message } from "../../kernel/wire.js";
import { KernelClient, resultText, streamText } from "./client.js";
import { assertSpecShape } from "./spec.js";

const ANSI = /\x1b\[[0-9;]*m/;
let k: KernelClient;

const types = (ms: Message[]) => ms.map((m) => m.header.msg_type);
const errorOf = (ms: Message[]) => ms.find((m) => m.header.msg_type === "error")?.content as { ename: string; evalue: string; traceback: string[] } | undefined;

describe("paramlab kernel over ZeroMQ", { timeout: 180_000 }, () => {
  before(async () => {
    k = await KernelClient.spawn();
    await k.ready();
  });
  after(async () => {
    await k?.close();
  });

  test("kernel_info_reply is complete and has a status", async () => {
    const reply = await k.request("kernel_info_request", {});
    assertSpecShape(reply);
    const c = reply.content as Record<string, any>;
    assert.equal(c.status, "ok");
    assert.equal(c.protocol_version, "5.3");
    assert.equal(c.implementation, "paramlab");
    assert.equal(c.language_info.name, "typescript");
    assert.equal(c.language_info.file_extension, ".ts");
    assert.equal(c.language_info.mimetype, "text/typescript");
    assert.match(c.language_info.version, /^\d+\.\d+\.\d+$/);
    assert.equal(typeof c.language_info.codemirror_mode, "object");
    assert.ok(c.help_links.length > 0 && c.help_links.every((l: any) => l.text && l.url));
    assert.ok(c.banner.length > 0);
  });

  test("an execute_request publishes busy, execute_input, outputs, execute_result, then idle", async () => {
    const { reply, id } = await k.execute('console.log("hello"); 6 * 7');
    const all = k.iopubLog.filter((m) => m.parent_header.msg_id === id);
    assert.deepEqual(types(all), ["status", "execute_input", "stream", "execute_result", "status"]);
    assert.equal(all[0].content.execution_state, "busy");
    assert.equal(all[4].content.execution_state, "idle");
    for (const m of [...all, reply]) assertSpecShape(m);
    assert.equal(reply.content.status, "ok");
    assert.equal(all[1].content.execution_count, reply.content.execution_count);
    assert.equal(all[3].content.execution_count, reply.content.execution_count);
    assert.equal(resultText(all), "42");
    assert.equal(streamText(all), "hello\n");
  });

  test("the library is preloaded (typed) and importable as \"paramlab\" from any directory", async () => {
    const a = await k.execute("const w = zeros([2, 3]);\nw.shape");
    assert.equal(a.reply.content.status, "ok", JSON.stringify(errorOf(a.outputs)));
    assert.equal(resultText(a.outputs), "[ 2, 3 ]");
    // Typed: a wrong argument type is a compile error, not a runtime surprise.
    const b = await k.execute('const bad: number = zeros([1]);');
    assert.equal(b.reply.content.status, "error");
    assert.match(errorOf(b.outputs)!.evalue, /Tensor.*not assignable to type 'number'/);
    const c = await k.execute('import { optim as O, nn as N } from "paramlab";\nconst lin = new N.Linear(2, 1);\nnew O.SGD(lin.parameters(), { lr: 0.5 }).paramGroups[0].lr');
    assert.equal(c.reply.content.status, "ok", JSON.stringify(errorOf(c.outputs)));
    assert.equal(resultText(c.outputs), "0.5");
  });

  test("rich results: a module, an optimizer and a schedule come with more than text/plain", async () => {
    await k.execute("manualSeed(0);\nconst model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));\nconst opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });");
    for (const code of ["model", "opt", "new optim.lr_scheduler.StepLR(opt, { step_size: 2, gamma: 0.5 })"]) {
      const r = await k.execute(code);
      assert.equal(r.reply.content.status, "ok", `${code}: ${JSON.stringify(errorOf(r.outputs))}`);
      const res = r.outputs.find((m) => m.header.msg_type === "execute_result")!;
      assertSpecShape(res);
      const data = res.content.data as Record<string, unknown>;
      assert.equal(typeof data["text/plain"], "string", code);
      assert.doesNotMatch(data["text/plain"] as string, ANSI, `${code}: text/plain has ANSI codes`);
      assert.doesNotMatch(data["text/plain"] as string, /\[object Object\]/, code);
      assert.ok(Object.keys(data).length > 1, `${code}: only ${Object.keys(data)}`);
    }
  });

  test("plain values: text without ANSI, undefined sends nothing, trailing ; silences, null shows", async () => {
    const obj = await k.execute('({ a: 1, b: "x" })');
    assert.equal(resultText(obj.outputs), "{ a: 1, b: 'x' }");
    assert.doesNotMatch(resultText(obj.outputs)!, ANSI);
    assert.equal(resultText((await k.execute("undefined")).outputs), undefined);
    assert.equal(resultText((await k.execute("let q = 3;\nq + 1;")).outputs), undefined);
    assert.equal(resultText((await k.execute("q + 1 // no semicolon")).outputs), "4");
    assert.equal(resultText((await k.execute("null")).outputs), "null");
    assert.equal(resultText((await k.execute('"text"')).outputs), "'text'"); // quoted, as Node's REPL shows strings
  });

  test("a Promise result is awaited; a rejected one is an error", async () => {
    const ok = await k.execute("new Promise<number>((r) => setTimeout(() => r(11), 20))");
    assert.equal(resultText(ok.outputs), "11");
    const bad = await k.execute('Promise.reject(new RangeError("nope"))');
    assert.equal(bad.reply.content.status, "error");
    assert.equal(errorOf(bad.outputs)!.ename, "RangeError");
    assert.equal(errorOf(bad.outputs)!.evalue, "nope");
    const tla = await k.execute("const v = await Promise.resolve(5);\nv * 2");
    assert.equal(resultText(tla.outputs), "10");
  });

  test("display() sends display_data and a handle's update() sends update_display_data with the same id", async () => {
    // Every update is sent (updates are throttled to 4 a second by default; see live_display.test.ts).
    const r = await k.execute('jupyter.setUpdateRate(Infinity);\nconst h = display("step 0", { display_id: true });\nfor (let i = 1; i <= 3; i++) h.update(`step ${i}`);\ndisplay(42);\njupyter.setUpdateRate(4);');
    const shown = r.outputs.filter((m) => m.header.msg_type === "display_data");
    const updates = r.outputs.filter((m) => m.header.msg_type === "update_display_data");
    assert.equal(shown.length, 2);
    assert.equal(updates.length, 3);
    for (const m of [...shown, ...updates]) assertSpecShape(m);
    const id = (shown[0].content.transient as { display_id: string }).display_id;
    assert.ok(id);
    assert.ok(updates.every((u) => (u.content.transient as { display_id: string }).display_id === id));
    assert.equal((updates[2].content.data as Record<string, string>)["text/plain"], "step 3");
    assert.deepEqual(shown[1].content.transient, {});
  });

  test("runtime errors carry ename, evalue and a traceback pointing at the cell line", async () => {
    const r = await k.execute('const ok1 = 1;\n\nfunction boom(): never {\n  throw new TypeError("bad thing");\n}\nboom();');
    const err = errorOf(r.outputs)!;
    assertSpecShape(r.outputs.find((m) => m.header.msg_type === "error")!);
    assert.equal(err.ename, "TypeError");
    assert.equal(err.evalue, "bad thing");
    const tb = err.traceback.join("\n");
    assert.match(tb, /Cell In\[\d+\], line 4\n.*\n.*\n----> 4 {3}throw new TypeError\("bad thing"\);/);
    assert.match(tb, /Cell In\[\d+\], line 6/);
    assert.doesNotMatch(tb, /tslab[\\/]dist|node:internal/);
    // The reply carries the same fields.
    assert.equal(r.reply.content.status, "error");
    assert.equal(r.reply.content.ename, "TypeError");
    assert.deepEqual(r.reply.content.traceback, err.traceback);
    // And the next cell runs normally (stock tslab aborted it for 200 ms), seeing the names the
    // failed cell assigned before it threw, as IPython does.
    const next = await k.execute("ok1 + 1");
    assert.equal(next.reply.content.status, "ok", JSON.stringify(errorOf(next.outputs)));
    assert.equal(resultText(next.outputs), "2");
  });

  test("type errors are errors with the cell line and column", async () => {
    const r = await k.execute('let n: number = 1;\nn = "two";');
    const err = errorOf(r.outputs)!;
    assert.equal(err.ename, "TSError");
    assert.match(err.evalue, /Type 'string' is not assignable to type 'number'. \(line 2, column 1\)/);
    assert.match(err.traceback.join("\n"), /----> 2 n = "two";\n\s+\^/);
    assert.equal(r.reply.content.status, "error");
  });

  test("stop_on_error aborts the cells already queued, and only those", async () => {
    const ids = [];
    for (const code of ['throw new Error("first")', "globalThis.ranAfterError = 1", "2"]) {
      ids.push(await k.send(k.message("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true })));
    }
    const replies = await Promise.all(ids.map((id) => k.collect(id)));
    assert.deepEqual(replies.map((r) => r.reply.content.status), ["error", "aborted", "aborted"]);
    for (const r of replies) assertSpecShape(r.reply);
    const later = await k.execute("typeof (globalThis as any).ranAfterError");
    assert.equal(resultText(later.outputs), "'undefined'");
    // stop_on_error: false runs the queued cells.
    const ids2 = [];
    for (const code of ['throw new Error("again")', "3"]) {
      ids2.push(await k.send(k.message("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false })));
    }
    const r2 = await Promise.all(ids2.map((id) => k.collect(id)));
    assert.deepEqual(r2.map((r) => r.reply.content.status), ["error", "ok"]);
    assert.equal(resultText(r2[1].outputs), "3");
  });

  test("SIGINT stops a busy while (true) {}; state survives; heartbeat answers meanwhile", async () => {
    await k.execute("let kept = 123;");
    const id = await k.send(k.message("execute_request", { code: "let spins = 0;\nwhile (true) { spins++; }", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
    await k.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_input");
    await new Promise((r) => setTimeout(r, 300));
    // Heartbeat runs on its own thread.
    const hb = new zmq.Request({ linger: 0, receiveTimeout: 3000 });
    hb.connect(k.hbAddr);
    await hb.send("ping");
    const [pong] = await hb.receive();
    hb.close();
    assert.equal(pong.toString(), "ping");
    k.child.kill("SIGINT");
    const r = await k.collect(id, 15_000);
    assert.equal(r.reply.content.status, "error");
    assert.equal(errorOf(r.outputs)!.ename, "KeyboardInterrupt");
    assert.equal(resultText((await k.execute("kept")).outputs), "123");
  });

  test("interrupt_request on the control channel stops an awaited Promise", async () => {
    const id = await k.send(k.message("execute_request", { code: "await new Promise(() => {});", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
    await k.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_input");
    await new Promise((r) => setTimeout(r, 200));
    const ir = await k.request("interrupt_request", {}, "control");
    assertSpecShape(ir);
    const r = await k.collect(id, 10_000);
    assert.equal(errorOf(r.outputs)!.ename, "KeyboardInterrupt");
    assert.equal(resultText((await k.execute("kept + 1")).outputs), "124");
  });

  test("output and display updates from a blocking cell arrive while it still runs", async () => {
    const code = 'console.log("started");\nconst live = display("0", { display_id: true });\nlet t0 = Date.now();\nwhile (Date.now() - t0 < 800) {}\nlive.update("1");\nt0 = Date.now();\nwhile (Date.now() - t0 < 800) {}';
    const id = await k.send(k.message("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
    const arrival = (type: string) => k.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === type, 10_000, type).then(() => performance.now());
    const [stream, update, reply] = await Promise.all([arrival("stream"), arrival("update_display_data"), arrival("execute_reply")]);
    // The cell blocks its thread for 1.6 s; its output is published meanwhile (I/O thread).
    assert.ok(reply - stream > 1000, `stdout arrived ${Math.round(reply - stream)} ms before the reply`);
    assert.ok(reply - update > 400, `update arrived ${Math.round(reply - update)} ms before the reply`);
    await k.collect(id);
  });

  test("output of timers that fire after a cell goes to the cell running then", async () => {
    await k.execute('setTimeout(() => console.log("late line"), 100);');
    const r = await k.execute("await new Promise((r) => setTimeout(r, 400));");
    assert.equal(streamText(r.outputs), "late line\n");
  });

  test("complete_request and inspect_request on preloaded names", async () => {
    const code = "optim.SG";
    const c = await k.request("complete_request", { code, cursor_pos: code.length });
    assertSpecShape(c);
    assert.ok((c.content.matches as string[]).includes("SGD"), JSON.stringify(c.content.matches));
    assert.equal(c.content.cursor_start, 6);
    assert.equal(c.content.cursor_end, 8);
    const m = await k.request("complete_request", { code: "const mm = new nn.Linear(1, 1);\nmm.", cursor_pos: 36 });
    assert.ok((m.content.matches as string[]).includes("parameters"), JSON.stringify(m.content.matches));
    const i = await k.request("inspect_request", { code: "zeros([2])", cursor_pos: 2, detail_level: 0 });
    assertSpecShape(i);
    assert.equal(i.content.found, true);
    const text = (i.content.data as Record<string, string>)["text/plain"];
    assert.match(text, /zeros\(\.\.\.shape: .*\): Tensor/);
    assert.match(text, /A tensor of zeros/, "the doc comment is part of the hover");
    assert.match((i.content.data as Record<string, string>)["text/markdown"], /^```typescript\n/);
    const none = await k.request("inspect_request", { code: "   ", cursor_pos: 1, detail_level: 0 });
    assert.equal(none.content.found, false);
  });

  test("is_complete, comm_info and history replies", async () => {
    const inc = await k.request("is_complete_request", { code: "function f() {" });
    assertSpecShape(inc);
    assert.equal(inc.content.status, "incomplete");
    assert.equal(typeof inc.content.indent, "string");
    assert.equal((await k.request("is_complete_request", { code: "1 + 1" })).content.status, "complete");
    const ci = await k.request("comm_info_request", { target_name: "jupyter.widget" });
    assert.equal(ci.header.msg_type, "comm_info_reply");
    assertSpecShape(ci);
    const h = await k.request("history_request", { output: false, raw: true, hist_access_type: "tail", n: 2 });
    assertSpecShape(h);
    const hist = h.content.history as [number, number, string][];
    assert.equal(hist.length, 2);
    assert.ok(hist.every((e) => e.length === 3 && typeof e[2] === "string"));
  });

  test("badly signed and unsigned execute_requests are ignored: no reply, not executed", async () => {
    const forged = k.message("execute_request", { code: "(globalThis as any).pwned = 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.send(forged, "shell", new Signer("not-the-key"));
    const unsigned = k.message("execute_request", { code: "(globalThis as any).pwned = 2", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.send(unsigned, "shell", new Signer(""));
    await new Promise((r) => setTimeout(r, 1000));
    const about = (id: string) => [...k.shellLog, ...k.iopubLog].filter((m) => m.parent_header.msg_id === id);
    assert.deepEqual(about(forged.header.msg_id), []);
    assert.deepEqual(about(unsigned.header.msg_id), []);
    assert.equal(resultText((await k.execute("typeof (globalThis as any).pwned")).outputs), "'undefined'");
    assert.match(k.stderr, /dropped a message: bad signature/);
    assert.match(k.stderr, /dropped a message: unsigned message/);
  });

  test("shutdown_request on control answers and the process exits 0", async () => {
    const exited = new Promise<number | null>((r) => k.child.once("exit", (code) => r(code)));
    const reply = await k.request("shutdown_request", { restart: false }, "control");
    assertSpecShape(reply);
    assert.equal(reply.content.restart, false);
    assert.equal(await exited, 0);
  });
});

describe("a fresh kernel whose first cell imports the library explicitly", { timeout: 60_000 }, () => {
  let fresh: KernelClient;
  before(async () => {
    fresh = await KernelClient.spawn();
    await fresh.ready();
  });
  after(async () => {
    await fresh?.close();
  });

  test("display() in that same cell already goes to the notebook (sink installed on load)", async () => {
    const r = await fresh.execute('import { display as show } from "paramlab";\nshow(12);\n"after"');
    assert.equal(r.reply.content.status, "ok", JSON.stringify(errorOf(r.outputs)));
    assert.deepEqual(types(r.outputs), ["execute_input", "display_data", "execute_result"]);
    assert.equal(streamText(r.outputs), "");
    // The preloaded names are the same objects as the imported ones.
    assert.equal(resultText((await fresh.execute("display === show")).outputs), "true");
  });
});
