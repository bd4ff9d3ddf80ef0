/**
 * A minimal Jupyter client over ZeroMQ for protocol tests and the benchmark: spawns a kernel on
 * a fresh connection file (random ports and key) and talks the wire protocol directly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { decode, encode, makeHeader, Signer, type Message } from "../../kernel/wire.js";

export const ROOT = path.resolve(__dirname, "..", "..");
export const PARAMLAB_ARGV = [process.execPath, path.join(ROOT, "dist", "kernel", "cli.js"), "kernel", "--config-path"];
export const TSLAB_ARGV = [process.execPath, path.join(ROOT, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path"];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface SpawnOptions {
  /** Kernel command up to and including "--config-path" (default: paramlab). */
  argv?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

type Waiter = { match: (m: Message) => boolean; resolve: (m: Message) => void };

export class KernelClient {
  readonly iopubLog: Message[] = [];
  readonly shellLog: Message[] = [];
  /** input_requests the kernel sent on the stdin channel. */
  readonly stdinLog: Message[] = [];
  stderr = "";
  private waiters: Waiter[] = [];
  private readonly session = randomUUID();
  private closed = false;

  private constructor(
    readonly child: ChildProcess,
    readonly connectionFile: string,
    readonly signer: Signer,
    readonly shell: zmq.Dealer,
    readonly control: zmq.Dealer,
    readonly iopub: zmq.Subscriber,
    readonly stdin: zmq.Dealer,
    readonly hbAddr: string,
    readonly tmp: string,
  ) {}

  static async spawn(opts: SpawnOptions = {}): Promise<KernelClient> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "paramlab-kernel-test-"));
    const ports = { shell_port: 0, iopub_port: 0, stdin_port: 0, control_port: 0, hb_port: 0 };
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    const key = randomUUID();
    const conn = { ...ports, ip: "127.0.0.1", transport: "tcp", signature_scheme: "hmac-sha256", key, kernel_name: "paramlab" };
    const file = path.join(tmp, "kernel.json");
    fs.writeFileSync(file, JSON.stringify(conn));
    const argv = [...(opts.argv ?? PARAMLAB_ARGV), file];
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd ?? tmp, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    // One identity on shell and stdin, as jupyter_client does: the kernel sends input_request to
    // the identity of the shell request that asked for input.
    const routingId = `client-${randomUUID()}`;
    const shell = new zmq.Dealer({ linger: 0, routingId });
    const stdin = new zmq.Dealer({ linger: 0, routingId });
    const control = new zmq.Dealer({ linger: 0 });
    const iopub = new zmq.Subscriber({ linger: 0 });
    shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
    control.connect(`tcp://127.0.0.1:${ports.control_port}`);
    iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
    stdin.connect(`tcp://127.0.0.1:${ports.stdin_port}`);
    iopub.subscribe();
    const client = new KernelClient(child, file, new Signer(key), shell, control, iopub, stdin, `tcp://127.0.0.1:${ports.hb_port}`, tmp);
    child.stderr!.on("data", (d: Buffer) => (client.stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => (client.stderr += d.toString()));
    void client.pump(iopub, client.iopubLog);
    void client.pump(shell, client.shellLog);
    void client.pump(control, client.shellLog);
    void client.pump(stdin, client.stdinLog);
    return client;
  }

  /** Answers an input_request on the stdin channel. */
  async inputReply(request: Message, value: string): Promise<void> {
    const msg = this.message("input_reply", { value });
    msg.parent_header = request.header;
    await this.stdin.send(encode(msg, this.signer));
  }

  /**
   * Spawns a kernel and waits until it is ready, trying again on fresh ports when one was taken
   * between choosing it and the kernel binding it ("Address already in use").
   */
  static async started(opts: SpawnOptions = {}, attempts = 3): Promise<KernelClient> {
    for (let attempt = 1; ; attempt++) {
      const k = await KernelClient.spawn(opts);
      try {
        await k.ready();
        return k;
      } catch (err) {
        await k.close();
        if (attempt >= attempts || !/Address already in use|EADDRINUSE/.test(k.stderr)) throw err;
      }
    }
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, log: Message[]): Promise<void> {
    try {
      for await (const frames of sock) {
        const msg = decode(frames as Buffer[], new Signer(""));
        log.push(msg);
        for (const w of [...this.waiters]) {
          if (w.match(msg)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(msg);
          }
        }
      }
    } catch {
      // socket closed
    }
  }

  /** Resolves with the first message (seen already or later) matching `match`. */
  waitFor(match: (m: Message) => boolean, timeoutMs = 30_000, what = "message"): Promise<Message> {
    const seen = [...this.shellLog, ...this.iopubLog, ...this.stdinLog].find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; kernel stderr:\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Builds a request message (unsent). */
  message(msgType: string, content: Record<string, unknown>): Message {
    return {
      identities: [],
      header: { ...makeHeader(msgType, this.session, "test") },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  async send(msg: Message, channel: "shell" | "control" = "shell", signer: Signer = this.signer): Promise<string> {
    await (channel === "shell" ? this.shell : this.control).send(encode(msg, signer));
    return msg.header.msg_id;
  }

  async request(msgType: string, content: Record<string, unknown>, channel: "shell" | "control" = "shell", timeoutMs = 30_000): Promise<Message> {
    const id = await this.send(this.message(msgType, content), channel);
    return this.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type.endsWith("_reply"), timeoutMs, `${msgType} reply`);
  }

  /** Waits until the kernel answers kernel_info and iopub is connected (no lost first outputs). */
  async ready(timeoutMs = 60_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    const exited = new Promise<never>((_, reject) => {
      const fail = () => reject(new Error(`the kernel exited before it was ready; stderr:\n${this.stderr}`));
      if (this.child.exitCode !== null || this.child.signalCode !== null) fail();
      else this.child.once("exit", fail);
    });
    exited.catch(() => undefined);
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) await exited;
      const id = await this.send(this.message("kernel_info_request", {}));
      try {
        const reply = await Promise.race([exited, this.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "kernel_info_reply", Math.min(20_000, deadline - Date.now()))]);
        // The idle status for this request proves the iopub subscription is live.
        const idle = await this.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "status" && m.content.execution_state === "idle", 500).catch(() => null);
        if (idle) return reply;
      } catch (err) {
        if (Date.now() > deadline || this.child.exitCode !== null || this.child.signalCode !== null) throw err;
      }
      if (Date.now() > deadline) throw new Error(`kernel not ready in ${timeoutMs} ms; stderr:\n${this.stderr}`);
    }
  }

  /** Runs `code`; resolves with the reply and the iopub messages of the request, up to its idle. */
  async execute(code: string, content: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<{ reply: Message; outputs: Message[]; id: string }> {
    const id = await this.send(this.message("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...content }));
    return this.collect(id, timeoutMs);
  }

  async collect(id: string, timeoutMs = 30_000): Promise<{ reply: Message; outputs: Message[]; id: string }> {
    const reply = await this.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_reply", timeoutMs, "execute_reply");
    await this.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "status" && m.content.execution_state === "idle", timeoutMs, "idle");
    const outputs = this.iopubLog.filter((m) => m.parent_header.msg_id === id && m.header.msg_type !== "status");
    return { reply, outputs, id };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      try {
        await this.send(this.message("shutdown_request", { restart: false }), "control");
      } catch {
        // socket gone
      }
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    for (const s of [this.shell, this.control, this.iopub, this.stdin]) s.close();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** `text/plain` of the execute_result among outputs, or undefined. */
export function resultText(outputs: Message[]): string | undefined {
  const r = outputs.find((m) => m.header.msg_type === "execute_result");
  return r ? ((r.content as { data: Record<string, string> }).data["text/plain"]) : undefined;
}

export function streamText(outputs: Message[], name = "stdout"): string {
  return outputs
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => m.content.text as string)
    .join("");
}
