/**
 * Integration: Debian's real `jupyter server` runs the paramlab kernelspec, and the kernel is
 * driven with @jupyterlab/services, the client JupyterLab itself uses.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";
import { hasJupyter, KERNEL_NAME, startJupyterServer, type RunningServer } from "./jupyter.js";

// Node 20 has no global WebSocket; @jupyterlab/services depends on `ws` (no @types installed).
const WebSocket = require("ws") as typeof globalThis.WebSocket;

const skip = hasJupyter("server") ? false : "jupyter server is not installed";

interface Run {
  reply: KernelMessage.IExecuteReplyMsg;
  iopub: KernelMessage.IIOPubMessage[];
}

async function run(kernel: Kernel.IKernelConnection, code: string, timeoutMs = 30_000): Promise<Run> {
  const iopub: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code, stop_on_error: true });
  future.onIOPub = (msg) => {
    iopub.push(msg);
  };
  let timer: NodeJS.Timeout | undefined;
  const reply = (await Promise.race([
    future.done,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(code)} in ${timeoutMs} ms`)), timeoutMs))),
  ])) as KernelMessage.IExecuteReplyMsg;
  clearTimeout(timer);
  return { reply, iopub };
}

const outputsOf = (r: Run) => r.iopub.filter((m) => !["status", "execute_input"].includes(m.header.msg_type));
const resultData = (r: Run) => (r.iopub.find((m) => m.header.msg_type === "execute_result")?.content as { data: Record<string, unknown> } | undefined)?.data;

describe("paramlab kernel under jupyter server + @jupyterlab/services", { skip, timeout: 240_000 }, () => {
  let server: RunningServer;
  let manager: KernelManager;
  let kernel: Kernel.IKernelConnection;

  before(async () => {
    server = await startJupyterServer();
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: server.baseUrl,
      wsUrl: server.wsUrl,
      token: server.token,
      appendToken: true,
      WebSocket,
    });
    manager = new KernelManager({ serverSettings });
    await manager.ready;
    kernel = await manager.startNew({ name: KERNEL_NAME });
    const info = await kernel.info;
    assert.equal(info.implementation, "paramlab");
  });

  after(async () => {
    try {
      await kernel?.shutdown();
    } catch {
      // already gone
    }
    manager?.dispose();
    await server?.stop();
  });

  test("preloaded library and rich results for a module, an optimizer and a schedule", async () => {
    const setup = await run(kernel, "manualSeed(1);\nconst net = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1));\nconst sgd = new optim.SGD([{ params: net.get(0).parameters(), lr: 0.01 }, { params: net.get(2).parameters() }], { lr: 0.1 });");
    assert.equal(setup.reply.content.status, "ok", JSON.stringify(setup.iopub.map((m) => m.content)));
    for (const code of ["net", "sgd", "new optim.lr_scheduler.CosineAnnealingLR(sgd, { T_max: 10 })", "describeParamGroups(net, sgd)"]) {
      const r = await run(kernel, code);
      assert.equal(r.reply.content.status, "ok", `${code}: ${JSON.stringify(outputsOf(r).map((m) => m.content))}`);
      const data = resultData(r);
      assert.ok(data, `${code}: no execute_result`);
      assert.equal(typeof data["text/plain"], "string");
      assert.ok(Object.keys(data).some((k) => k !== "text/plain"), `${code}: only ${Object.keys(data)}`);
    }
  });

  test("display updates arrive as update_display_data for the same display_id", async () => {
    // Every update is sent (updates are throttled to 4 a second by default; see live_display.test.ts).
    const r = await run(kernel, 'jupyter.setUpdateRate(Infinity);\nconst bar = display("0%", { display_id: true });\nfor (const p of [25, 50, 100]) { bar.update(`${p}%`); await new Promise((r) => setTimeout(r, 5)); }\njupyter.setUpdateRate(4);');
    const kinds = outputsOf(r).map((m) => m.header.msg_type);
    assert.deepEqual(kinds, ["display_data", "update_display_data", "update_display_data", "update_display_data"]);
    const ids = outputsOf(r).map((m) => (m.content as { transient: { display_id: string } }).transient.display_id);
    assert.ok(ids.every((id) => id === ids[0]));
  });

  test("errors and recovery", async () => {
    // As in IPython, names assigned before the exception are kept (types included).
    const bad = await run(kernel, 'const z = 1;\n(undefined as any).boom;');
    assert.equal(bad.reply.content.status, "error");
    const err = bad.iopub.find((m) => m.header.msg_type === "error")!.content as KernelMessage.IErrorMsg["content"];
    assert.equal(err.ename, "TypeError");
    assert.match(err.traceback.join("\n"), /Cell In\[\d+\], line 2/);
    const good = await run(kernel, "z + 1");
    assert.equal(good.reply.content.status, "ok");
    assert.equal(resultData(good)!["text/plain"], "2");
  });

  test("interrupt through the server stops a busy loop and keeps state", async () => {
    await run(kernel, "const before = 'kept';");
    const future = kernel.requestExecute({ code: "while (true) {}" });
    let sawInput = false;
    future.onIOPub = (m) => {
      if (m.header.msg_type === "execute_input") sawInput = true;
    };
    const started = Date.now();
    while (!sawInput && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    await kernel.interrupt();
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    assert.equal(reply.content.status, "error");
    assert.equal((reply.content as KernelMessage.IReplyErrorContent).ename, "KeyboardInterrupt");
    const after = await run(kernel, "before");
    assert.equal(resultData(after)!["text/plain"], "'kept'");
  });

  test("completion and inspection", async () => {
    const code = "optim.lr_scheduler.Step";
    const c = await kernel.requestComplete({ code, cursor_pos: code.length });
    assert.equal(c.content.status, "ok");
    assert.ok((c.content as { matches: string[] }).matches.includes("StepLR"));
    const i = await kernel.requestInspect({ code: "manualSeed(0)", cursor_pos: 3, detail_level: 0 });
    assert.equal(i.content.status, "ok");
    assert.equal((i.content as { found: boolean }).found, true);
  });

  test("restart gives a fresh kernel that still has the library preloaded", async () => {
    await run(kernel, "const beforeRestart = 1;");
    await kernel.restart();
    const gone = await run(kernel, "typeof (globalThis as any).beforeRestart === 'undefined' ? 'fresh' : 'stale'");
    assert.equal(resultData(gone)!["text/plain"], "'fresh'");
    const lib = await run(kernel, "zeros(2).shape");
    assert.equal(resultData(lib)!["text/plain"], "[ 2 ]");
    const redefine = await run(kernel, "const beforeRestart = 2;\nbeforeRestart");
    assert.equal(resultData(redefine)!["text/plain"], "2");
  });
});
