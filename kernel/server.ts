/**
 * The Jupyter protocol layer: binds the five channels where the connection file says, drops
 * messages that fail the HMAC check, runs shell requests one at a time, and publishes every
 * output of a cell on iopub before that cell's `status: idle`.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type * as Zmq from "zeromq";
import type { DisplaySink } from "../lib/display/jupyter.js";
import { endpoint, type ConnectionInfo } from "./connection.js";
import { IoThread } from "./io_thread.js";
import { kernelInfo } from "./kernel_info.js";
import { Outbox } from "./outbox.js";
import { loadedLibrary, onLibraryLoaded, packageVersion } from "./resolve.js";
import { displayTimeoutFromEnv, displayTimeoutWarning, Interrupted, Session, type ExecuteOutcome } from "./session.js";
import type { KernelError } from "./traceback.js";
import { routeTslabDisplay } from "./tslab.js";
import { decode, makeMessage, Signer, WireError, type Message } from "./wire.js";

type Content = Record<string, unknown>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `name?` or `?name` alone in a cell: IPython's help, answered with a pager payload. */
const HELP_REQUEST = /^\s*(?:\?\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\?)\s*$/;

/** Thrown by process.exit() / process.abort() in a cell: a cell does not stop the kernel. */
export class SystemExit extends Error {
  override name = "SystemExit";
}

/** The message of SystemExit (shared with the tests). */
export function systemExitMessage(call: string): string {
  return `${call} was called in a cell; a cell cannot stop the kernel (use the notebook's Kernel > Restart or Shut Down instead)`;
}

/** The error of reading process.stdin in a cell (shared with the tests). */
export const STDIN_MESSAGE =
  "process.stdin is not connected in a notebook (reading it would wait forever); use `await input(\"prompt\")` to ask the user for a line";

/** The error of input() when the frontend does not take input (shared with the tests). */
export const NO_STDIN_MESSAGE =
  "input(): this frontend does not accept input (allow_stdin is false for this request, as in nbconvert or paramlab report)";

export interface ServerOptions {
  session?: Session;
  /** Kernel diagnostics (bad signatures, unknown requests); default: the real stderr. */
  log?: (line: string) => void;
  /** Called after a shutdown_request has been answered; default: exit the process. */
  onShutdown?: (restart: boolean) => void;
}

export class KernelServer {
  readonly session: Session;
  private readonly signer: Signer;
  private readonly sessionId = randomUUID();
  private readonly log: (line: string) => void;
  private readonly onShutdown: (restart: boolean) => void;
  private sockets!: { shell: Zmq.Router; control: Zmq.Router; stdin: Zmq.Router; iopub?: Zmq.Publisher; hb?: Zmq.Reply };
  private stdinOut!: Outbox;
  /** IOPub + heartbeat thread; the main thread takes over both if it cannot start. */
  private io: IoThread | null = null;
  private iopub!: { push(msg: Message<unknown>): void; flush(): Promise<void> };
  private shellOut!: Outbox;
  private controlOut!: Outbox;
  private readonly shellQueue: Message[] = [];
  private processing = false;
  /** execute_requests queued when a cell failed with stop_on_error: answered "aborted". */
  private readonly abortIds = new Set<string>();
  private executionCount = 0;
  /** The execute_request whose cell output streams and displays belong to. */
  private outputParent: Message | null = null;
  private readonly history: { count: number; code: string }[] = [];
  private closed = false;
  private restoreHooks: (() => void)[] = [];
  /** The process's own exit, kept for the kernel's shutdown (cells get SystemExit instead). */
  private readonly realExit = process.exit.bind(process);
  /** Unhandled rejections and uncaught exceptions while a cell runs: they belong to it. */
  private cellAsyncErrors: { kind: "rejection" | "exception"; value: unknown }[] | null = null;
  /** The input_request waiting for its input_reply. */
  private pendingInput: { parentId: string; resolve: (v: string) => void; reject: (e: Error) => void } | null = null;
  /** The library's display timeout (ms): PARAMLAB_DISPLAY_TIMEOUT_MS or 10 s. */
  private readonly displayTimeoutMs: number;

  constructor(private readonly conn: ConnectionInfo, opts: ServerOptions = {}) {
    const realStderr = process.stderr.write.bind(process.stderr);
    this.log = opts.log ?? ((line) => void realStderr(`[paramlab kernel] ${line}\n`));
    this.signer = new Signer(conn.key, conn.signature_scheme);
    this.session = opts.session ?? new Session({ log: this.log });
    this.onShutdown = opts.onShutdown ?? (() => this.realExit(0));
    this.displayTimeoutMs = displayTimeoutFromEnv(process.env, this.log);
    this.session.displayTimeoutMs = this.displayTimeoutMs;
    this.session.frontend = {
      input: (prompt, options) => this.requestInput(prompt, options.password),
      clearOutput: (wait) => {
        if (this.outputParent) this.publish("clear_output", { wait }, this.outputParent);
      },
    };
  }

  async start(): Promise<void> {
    const zmq = require("zeromq") as typeof Zmq;
    const shell = new zmq.Router({ linger: 1000 });
    const control = new zmq.Router({ linger: 1000 });
    const stdin = new zmq.Router({ linger: 0 });
    this.sockets = { shell, control, stdin };
    // IOPub and heartbeat bind on the I/O thread while these bind here (PARAMLAB_IO_THREAD=0: main thread).
    if (process.env.PARAMLAB_IO_THREAD === "0") {
      await this.ioFallback(zmq, new Error("PARAMLAB_IO_THREAD=0"));
    } else {
      this.io = new IoThread(this.conn, this.log);
      this.iopub = this.io;
      this.io.ready.catch((err: Error) => void this.ioFallback(zmq, err));
    }
    await Promise.all([
      shell.bind(endpoint(this.conn, "shell")),
      control.bind(endpoint(this.conn, "control")),
      stdin.bind(endpoint(this.conn, "stdin")),
    ]);
    this.shellOut = new Outbox(shell, this.signer, this.log);
    this.controlOut = new Outbox(control, this.signer, this.log);
    this.stdinOut = new Outbox(stdin, this.signer, this.log);
    this.installOutputHooks();
    void this.readLoop(shell, (msg) => {
      this.shellQueue.push(msg);
      void this.pumpShell();
    });
    void this.readLoop(control, (msg) => void this.handleControl(msg));
    // input() sends input_request on stdin; the frontend answers there.
    void this.readLoop(stdin, (msg) => this.onStdin(msg));
    this.publish("status", { execution_state: "starting" });
    // Build the compiler and preload the library once the sockets are up; a request arriving
    // first just waits for it.
    setImmediate(() => {
      try {
        this.session.warm();
      } catch (err) {
        this.log(`warm-up failed: ${(err as Error).stack ?? err}`);
      }
    });
  }

  /** Without the I/O thread: IOPub and heartbeat on the main thread (output then arrives when a blocking cell ends). */
  private async ioFallback(zmq: typeof Zmq, err: Error): Promise<void> {
    if (this.closed) return;
    this.log(`I/O thread unavailable (${err.message}); IOPub and heartbeat run on the main thread`);
    this.io = null;
    const iopub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 0 }); // never drop output (see io_thread.ts)
    const hb = new zmq.Reply({ linger: 0 });
    this.sockets.iopub = iopub;
    this.sockets.hb = hb;
    await Promise.all([iopub.bind(endpoint(this.conn, "iopub")), hb.bind(endpoint(this.conn, "hb"))]);
    this.iopub = new Outbox(iopub, this.signer, this.log);
    void (async () => {
      for await (const frames of hb) await hb.send(frames);
    })().catch(() => undefined);
  }

  private async readLoop(sock: Zmq.Router, handle: (msg: Message) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: Message;
        try {
          msg = decode(frames as Buffer[], this.signer);
        } catch (err) {
          if (err instanceof WireError) {
            this.log(`dropped a message: ${err.message}`);
            continue;
          }
          throw err;
        }
        handle(msg);
      }
    } catch (err) {
      if (!this.closed) this.log(`socket loop ended: ${(err as Error).message}`);
    }
  }

  // ---- sending -------------------------------------------------------------------------------

  private publish(msgType: string, content: Content, parent?: Message): void {
    this.iopub.push(makeMessage(msgType, content, this.sessionId, parent));
  }

  private reply(out: Outbox, parent: Message, msgType: string, content: Content, metadata: Content = {}): void {
    out.push(makeMessage(msgType, content, this.sessionId, parent, { identities: parent.identities, metadata }));
  }

  /** Sends writes to stdout / stderr to the cell that is running (or ran last), as ipykernel does. */
  private installOutputHooks(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      const original = stream.write;
      const write = (chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
        const callback = typeof encoding === "function" ? encoding : cb;
        const parent = this.outputParent;
        if (!parent || this.closed) return original.call(stream, chunk as string, encoding as BufferEncoding, callback as () => void);
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.publish("stream", { name, text }, parent);
        if (typeof callback === "function") process.nextTick(callback as () => void);
        return true;
      };
      stream.write = write as typeof stream.write;
      this.restoreHooks.push(() => (stream.write = original));
    }
    // While a cell runs, they become its error; after it, they go to stderr of the cell running then.
    // A cell still awaiting stops there: its failure is the error.
    const onAsyncError = (kind: "rejection" | "exception", value: unknown) => {
      if (this.cellAsyncErrors) {
        this.cellAsyncErrors.push({ kind, value });
        this.session.interrupt();
      } else {
        process.stderr.write(`${asyncErrorText(kind, this.session.errorOf(value))}\n`);
      }
    };
    const onException = (err: unknown) => onAsyncError("exception", err);
    const onRejection = (reason: unknown) => onAsyncError("rejection", reason);
    // A cell's process.exit() would tear down ZeroMQ under its own threads (SIGABRT, no reply):
    // refuse it, as ipykernel turns sys.exit() into a SystemExit error.
    const { exit, abort } = process;
    process.exit = ((code?: number | string | null) => {
      throw new SystemExit(systemExitMessage(`process.exit(${code === undefined ? "" : String(code)})`));
    }) as typeof process.exit;
    process.abort = (() => {
      throw new SystemExit(systemExitMessage("process.abort()"));
    }) as typeof process.abort;
    // Jupyter gives the kernel a stdin nobody writes to: reading it would hang forever. Each
    // access gets a stream that fails as soon as it is read (a destroyed one would just stay silent).
    const stdinDescriptor = Object.getOwnPropertyDescriptor(process, "stdin");
    Object.defineProperty(process, "stdin", {
      configurable: true,
      enumerable: stdinDescriptor?.enumerable ?? true,
      get: () => {
        const stream: Readable = new Readable({
          read() {
            this.destroy(new Error(STDIN_MESSAGE));
          },
        });
        return Object.assign(stream, { isTTY: false, fd: 0, setRawMode: () => stream });
      },
    });
    const onSigint = () => {
      this.pendingInput?.reject(new Interrupted());
      this.pendingInput = null;
      this.session.interrupt();
    };
    process.on("uncaughtException", onException);
    process.on("unhandledRejection", onRejection);
    process.on("SIGINT", onSigint);
    this.restoreHooks.push(() => {
      process.exit = exit;
      process.abort = abort;
      if (stdinDescriptor) Object.defineProperty(process, "stdin", stdinDescriptor);
      process.off("uncaughtException", onException);
      process.off("unhandledRejection", onRejection);
      process.off("SIGINT", onSigint);
    });
  }

  /** The library's display() sink: display_data / update_display_data for the running cell. */
  private readonly displaySink: DisplaySink = (bundle, opts) => {
    const parent = this.outputParent;
    if (!parent) return;
    const content = {
      data: bundle.data,
      metadata: bundle.metadata ?? {},
      transient: opts.displayId ? { display_id: opts.displayId } : {},
    };
    this.publish(opts.update ? "update_display_data" : "display_data", content, parent);
  };

  private installDisplaySink(): void {
    const { jupyter } = loadedLibrary() ?? (require("../lib/index.js") as typeof import("../lib/index.js"));
    jupyter.setDisplaySink(this.displaySink);
    jupyter.setDisplayTimeout(this.displayTimeoutMs);
    // tslab's own `display` (import * as tslab from "tslab") sends through the same channel.
    routeTslabDisplay((data, update) => {
      const parent = this.outputParent;
      if (parent) this.publish(update ? "update_display_data" : "display_data", { transient: {}, ...data }, parent);
    });
  }

  // ---- shell ---------------------------------------------------------------------------------

  private async pumpShell(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const msg = this.shellQueue.shift();
        if (!msg) break;
        await this.handleShell(msg);
      }
    } finally {
      this.processing = false;
    }
  }

  private async handleShell(msg: Message): Promise<void> {
    const type = msg.header.msg_type;
    this.publish("status", { execution_state: "busy" }, msg);
    try {
      switch (type) {
        case "execute_request":
          await this.onExecute(msg);
          break;
        case "kernel_info_request":
          this.reply(this.shellOut, msg, "kernel_info_reply", this.kernelInfo());
          break;
        case "complete_request":
          this.onComplete(msg);
          break;
        case "inspect_request":
          this.onInspect(msg);
          break;
        case "is_complete_request":
          this.reply(this.shellOut, msg, "is_complete_reply", this.session.isComplete(String(msg.content.code ?? "")));
          break;
        case "comm_info_request":
          // No comm targets are registered: a real reply, with no comms.
          this.reply(this.shellOut, msg, "comm_info_reply", { status: "ok", comms: {} });
          break;
        case "comm_open":
          // No target handles comms: close it at once, as ipykernel does for unknown targets.
          this.publish("comm_close", { comm_id: msg.content.comm_id, data: {} }, msg);
          break;
        case "comm_msg":
        case "comm_close":
          break;
        case "history_request":
          this.reply(this.shellOut, msg, "history_reply", { status: "ok", history: this.historyFor(msg.content) });
          break;
        case "shutdown_request":
          await this.onShutdownRequest(msg, this.shellOut);
          return;
        default:
          this.log(`unsupported shell request ${JSON.stringify(type)} ignored`);
      }
    } catch (err) {
      const e = this.session.errorOf(err);
      this.log(`${type} failed: ${e.traceback.join("\n")}`);
      if (type.endsWith("_request")) {
        this.reply(this.shellOut, msg, type.replace(/_request$/, "_reply"), { status: "error", ...e });
      }
    } finally {
      if (!this.closed) this.publish("status", { execution_state: "idle" }, msg);
    }
  }

  private kernelInfo(): Content {
    const tsVersion = (require("@tslab/typescript-for-tslab/package.json") as { version: string }).version;
    const tslabVersion = (require("tslab/package.json") as { version: string }).version;
    return kernelInfo(packageVersion(), tsVersion, tslabVersion) as unknown as Content;
  }

  private async onExecute(msg: Message): Promise<void> {
    const c = msg.content as { code?: unknown; silent?: boolean; store_history?: boolean; stop_on_error?: boolean };
    const code = typeof c.code === "string" ? c.code : "";
    const silent = c.silent === true;
    const store = !silent && c.store_history !== false;
    const started = new Date().toISOString();
    if (this.abortIds.delete(msg.header.msg_id)) {
      this.reply(this.shellOut, msg, "execute_reply", { status: "aborted", execution_count: this.executionCount }, { status: "aborted", started });
      return;
    }
    if (store) this.executionCount++;
    const count = this.executionCount;
    this.outputParent = msg;
    this.allowStdin = (c as { allow_stdin?: unknown }).allow_stdin === true;
    if (!silent) this.publish("execute_input", { code, execution_count: count }, msg);
    try {
      this.session.warm();
    } catch {
      // session.execute reports why (a broken tslab API) as the cell's error.
    }
    if (!this.displaySinkInstalled) {
      // The library loads on first use; its display() must find the sink from the first call.
      onLibraryLoaded(() => this.installDisplaySink());
      this.displaySinkInstalled = true;
    }
    // Without the I/O thread, hand busy / execute_input to ZeroMQ before a cell that may block.
    if (!this.io) await this.iopub.flush();
    const asyncErrors: { kind: "rejection" | "exception"; value: unknown }[] = [];
    this.cellAsyncErrors = asyncErrors;
    let outcome: ExecuteOutcome;
    const payload: Content[] = [];
    try {
      const help = HELP_REQUEST.exec(code);
      if (help) {
        // `optim.Adam?` (IPython's help syntax): the hover text, shown in the pager.
        const name = help[1] ?? help[2];
        try {
          const info = this.session.inspect(name, [...name].length);
          if (info.found) payload.push({ source: "page", data: { "text/plain": info.text, "text/markdown": info.markdown }, start: 0 });
          else process.stdout.write(`Object \`${name}\` not found.\n`);
          outcome = { status: "ok" };
        } catch (err) {
          outcome = { status: "error", error: this.session.errorOf(err) };
        }
      } else {
        outcome = await this.session.execute(code, count);
      }
      // Displays whose bundles render asynchronously (plots) belong to this cell; the library
      // gives each one the display timeout, so this ends (the margin is for a stuck sink).
      const lib = loadedLibrary();
      if (lib) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = lib.jupyter.getDisplayTimeout();
        const margin = Number.isFinite(timeout) ? timeout + 2000 : 2 ** 31 - 1;
        const late = await Promise.race([
          lib.jupyter.flushDisplays().then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.min(margin, 2 ** 31 - 1)))),
        ]);
        clearTimeout(timer);
        if (late) process.stderr.write(`${displayTimeoutWarning("A display", timeout)}\n`);
      }
      // Rejections nobody handled surface once the microtask queue drains: let them, so the
      // ones this cell started are reported in this cell (before its idle).
      await new Promise((r) => setImmediate(r));
    } finally {
      this.cellAsyncErrors = null;
      this.pendingInput?.reject(new Interrupted());
      this.pendingInput = null;
    }
    // An asynchronous failure stops the cell (as an interrupt would): report the failure itself.
    const stoppedByIt = outcome.status === "error" && outcome.error?.ename === "KeyboardInterrupt" && asyncErrors.length > 0;
    if ((outcome.status === "ok" || stoppedByIt) && asyncErrors.length) {
      const first = asyncErrors.shift()!;
      const error = this.session.errorOf(first.value);
      outcome = { status: "error" as const, result: outcome.result, error: { ...error, traceback: [asyncErrorTitle(first.kind), ...error.traceback] } };
    }
    for (const e of asyncErrors) process.stderr.write(`${asyncErrorText(e.kind, this.session.errorOf(e.value))}\n`);
    if (store) this.history.push({ count, code });
    if (outcome.result && !silent) {
      this.publish("execute_result", { execution_count: count, data: outcome.result.data, metadata: outcome.result.metadata ?? {} }, msg);
    }
    if (outcome.status === "ok") {
      this.reply(this.shellOut, msg, "execute_reply", { status: "ok", execution_count: count, payload, user_expressions: {} }, { status: "ok", started });
      return;
    }
    const err = outcome.error!;
    this.publish("error", { ename: err.ename, evalue: err.evalue, traceback: err.traceback }, msg);
    // stop_on_error: the execute_requests already sent when the cell failed are aborted; ones
    // sent after its reply run (ipykernel). Mark them before the reply goes out.
    if (c.stop_on_error !== false) await this.abortQueued();
    this.reply(
      this.shellOut,
      msg,
      "execute_reply",
      { status: "error", execution_count: count, ename: err.ename, evalue: err.evalue, traceback: err.traceback },
      { status: "error", started },
    );
  }

  /**
   * stop_on_error: the execute_requests already sent when the cell failed are aborted (until the
   * kernel next goes idle); later ones run normally (stock tslab aborted everything for 200 ms).
   * Called before the failed cell's reply, so a request sent in answer to that reply is not one.
   */
  private async abortQueued(): Promise<void> {
    // Requests sent before the error may still be in the socket: let the read loop take them in.
    await sleep(10);
    for (const m of this.shellQueue) if (m.header.msg_type === "execute_request") this.abortIds.add(m.header.msg_id);
  }
  private displaySinkInstalled = false;
  /** Whether the running execute_request allows input_request (its allow_stdin). */
  private allowStdin = false;

  /** Asks the frontend for a line (input_request on stdin, to the identity of the running request). */
  private requestInput(prompt: string, password: boolean): Promise<string> {
    const parent = this.outputParent;
    if (!parent || !this.cellAsyncErrors) return Promise.reject(new Error("input() can only ask for input while its cell runs"));
    if (!this.allowStdin) return Promise.reject(new Error(NO_STDIN_MESSAGE));
    if (this.pendingInput) return Promise.reject(new Error("input(): another input() of this cell is still waiting for its answer"));
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { parentId: parent.header.msg_id, resolve, reject };
      // Output printed before the prompt shows before it.
      void this.iopub.flush().then(() => {
        this.reply(this.stdinOut, parent, "input_request", { prompt, password });
      });
    });
  }

  private onStdin(msg: Message): void {
    if (msg.header.msg_type !== "input_reply") {
      this.log(`unexpected ${JSON.stringify(msg.header.msg_type)} on stdin ignored`);
      return;
    }
    const pending = this.pendingInput;
    if (!pending) {
      this.log("an input_reply arrived with no input() waiting; ignored");
      return;
    }
    this.pendingInput = null;
    const value = msg.content.value;
    if (typeof value === "string") pending.resolve(value);
    else pending.reject(new TypeError(`input(): the frontend answered with ${typeof value}, expected a string`));
  }


  private onComplete(msg: Message): void {
    const code = String(msg.content.code ?? "");
    const cursor = Number(msg.content.cursor_pos ?? [...code].length);
    const r = this.session.complete(code, cursor);
    this.reply(this.shellOut, msg, "complete_reply", {
      status: "ok",
      matches: r.matches,
      cursor_start: r.cursor_start,
      cursor_end: r.cursor_end,
      metadata: { _jupyter_types_experimental: r.types },
    });
  }

  private onInspect(msg: Message): void {
    const code = String(msg.content.code ?? "");
    const cursor = Number(msg.content.cursor_pos ?? [...code].length);
    const r = this.session.inspect(code, cursor);
    this.reply(this.shellOut, msg, "inspect_reply", {
      status: "ok",
      found: r.found,
      data: r.found ? { "text/plain": r.text, "text/markdown": r.markdown } : {},
      metadata: {},
    });
  }

  private historyFor(content: Content): unknown[] {
    const output = content.output === true;
    const entry = (h: { count: number; code: string }) => (output ? [0, h.count, [h.code, null]] : [0, h.count, h.code]);
    switch (content.hist_access_type) {
      case "range": {
        const start = Number(content.start ?? 0);
        const stop = content.stop == null ? Infinity : Number(content.stop);
        return this.history.filter((h) => h.count >= start && h.count < stop).map(entry);
      }
      case "search": {
        const pattern = String(content.pattern ?? "*");
        const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
        let hits = this.history.filter((h) => re.test(h.code));
        if (content.unique === true) {
          // The latest run of each distinct input (IPython's unique search).
          const seen = new Set<string>();
          hits = hits.reverse().filter((h) => !seen.has(h.code) && seen.add(h.code)).reverse();
        }
        const n = content.n == null ? hits.length : Number(content.n);
        return hits.slice(-n).map(entry);
      }
      default: {
        const n = content.n == null ? 1000 : Number(content.n);
        return this.history.slice(-n).map(entry);
      }
    }
  }

  // ---- control -------------------------------------------------------------------------------

  private async handleControl(msg: Message): Promise<void> {
    const type = msg.header.msg_type;
    this.publish("status", { execution_state: "busy" }, msg);
    try {
      switch (type) {
        case "shutdown_request":
          await this.onShutdownRequest(msg, this.controlOut);
          return;
        case "interrupt_request":
          this.pendingInput?.reject(new Interrupted());
          this.pendingInput = null;
          this.session.interrupt();
          this.reply(this.controlOut, msg, "interrupt_reply", { status: "ok" });
          break;
        case "kernel_info_request":
          this.reply(this.controlOut, msg, "kernel_info_reply", this.kernelInfo());
          break;
        default:
          this.log(`unsupported control request ${JSON.stringify(type)} ignored`);
      }
    } finally {
      if (!this.closed) this.publish("status", { execution_state: "idle" }, msg);
    }
  }

  private async onShutdownRequest(msg: Message, out: Outbox): Promise<void> {
    const restart = msg.content.restart === true;
    this.reply(out, msg, "shutdown_reply", { status: "ok", restart });
    this.publish("status", { execution_state: "idle" }, msg);
    await this.close();
    this.onShutdown(restart);
  }

  /** Flushes what is queued, closes every socket and releases the compiler. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.race([Promise.all([this.iopub?.flush(), this.shellOut?.flush(), this.controlOut?.flush()]), sleep(2000)]);
    this.closed = true;
    for (const restore of this.restoreHooks.splice(0)) restore();
    const lib = loadedLibrary();
    if (lib && lib.jupyter.getDisplaySink() === this.displaySink) lib.jupyter.setDisplaySink(null);
    for (const sock of Object.values(this.sockets)) sock?.close();
    await this.io?.close();
    this.session.close();
  }
}

function asyncErrorTitle(kind: "rejection" | "exception"): string {
  return kind === "rejection" ? "Unhandled promise rejection (a Promise was rejected and nothing handled it):" : "Uncaught exception (thrown in a callback):";
}

function asyncErrorText(kind: "rejection" | "exception", e: KernelError): string {
  return [asyncErrorTitle(kind), ...e.traceback].join("\n");
}
