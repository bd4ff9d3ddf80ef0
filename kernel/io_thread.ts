/**
 * The IOPub and heartbeat sockets live on their own thread (as ipykernel's IOPub thread does), so
 * output written while a cell blocks the main thread (a synchronous training loop printing or
 * updating a display) reaches the notebook live, and heartbeats are answered during long cells.
 *
 * The main thread posts message objects; this thread signs, serialises and sends them in order,
 * merging consecutive writes to one stream of one cell while a send is in flight.
 */
import { Worker } from "node:worker_threads";
import type { ConnectionInfo } from "./connection.js";
import { endpoint } from "./connection.js";
import type { Message } from "./wire.js";

const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const zmq = require(workerData.zmq);
const { encode, Signer } = require(workerData.wire);
const signer = new Signer(workerData.key, workerData.scheme);
const queue = [];
let pub = null;
let hb = null;
let sending = false;
async function pump() {
  if (sending || !pub) return;
  sending = true;
  while (queue.length) {
    const item = queue.shift();
    if (item.ack !== undefined) { parentPort.postMessage({ ack: item.ack }); continue; }
    try { await pub.send(encode(item.msg, signer)); }
    catch (err) { parentPort.postMessage({ log: "could not send " + item.msg.header.msg_type + ": " + err.message }); }
  }
  sending = false;
}
parentPort.on("message", (m) => {
  if (m.close) {
    if (pub) pub.close();
    if (hb) hb.close();
    parentPort.close();
    return;
  }
  if (m.ack !== undefined) { queue.push({ ack: m.ack }); pump(); return; }
  const msg = m.msg;
  msg.identities = [];
  msg.buffers = [];
  const last = queue[queue.length - 1];
  if (last && last.msg && msg.header.msg_type === "stream" && last.msg.header.msg_type === "stream" &&
      last.msg.content.name === msg.content.name && last.msg.parent_header.msg_id === msg.parent_header.msg_id) {
    last.msg.content.text += msg.content.text;
    return;
  }
  queue.push({ msg });
  pump();
});
(async () => {
  // No high-water mark: a PUB socket silently drops messages past it (1000 by default), so a
  // cell printing 100,000 lines lost some whenever the frontend lagged.
  const publisher = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 0 });
  await publisher.bind(workerData.iopub);
  pub = publisher;
  hb = new zmq.Reply({ linger: 0 });
  await hb.bind(workerData.hb);
  parentPort.postMessage({ ready: true });
  pump();
  try { for await (const frames of hb) await hb.send(frames); } catch {}
})().catch((err) => parentPort.postMessage({ error: String(err && err.message) }));
`;

export class IoThread {
  private readonly worker: Worker;
  private nextAck = 0;
  private readonly acks = new Map<number, () => void>();
  /** Resolves once both sockets are bound; rejects if the thread cannot start. */
  readonly ready: Promise<void>;
  private exited = false;

  constructor(conn: ConnectionInfo, log: (line: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        zmq: require.resolve("zeromq"),
        wire: require.resolve("./wire.js"),
        key: conn.key,
        scheme: conn.signature_scheme,
        iopub: endpoint(conn, "iopub"),
        hb: endpoint(conn, "hb"),
      },
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on("message", (m: { ready?: boolean; error?: string; ack?: number; log?: string }) => {
        if (m.ready) resolve();
        else if (m.error !== undefined) reject(new Error(m.error));
        else if (m.log) log(m.log);
        else if (m.ack !== undefined) {
          this.acks.get(m.ack)?.();
          this.acks.delete(m.ack);
        }
      });
      this.worker.once("error", reject);
      this.worker.once("exit", () => {
        this.exited = true;
        for (const done of this.acks.values()) done();
        this.acks.clear();
        reject(new Error("the I/O thread exited"));
      });
    });
    this.ready.catch(() => undefined);
    this.worker.unref();
  }

  push(msg: Message<unknown>): void {
    if (this.exited) return;
    // Identities and buffers are empty on iopub; the rest is plain JSON.
    this.worker.postMessage({ msg: { header: msg.header, parent_header: msg.parent_header, metadata: msg.metadata, content: msg.content } });
  }

  /** Resolves when everything pushed so far has been handed to ZeroMQ. */
  flush(): Promise<void> {
    if (this.exited) return Promise.resolve();
    const id = this.nextAck++;
    return new Promise((resolve) => {
      this.acks.set(id, resolve);
      this.worker.postMessage({ ack: id });
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.worker.once("exit", r));
    this.worker.postMessage({ close: true });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1500))]);
    if (!this.exited) await this.worker.terminate();
  }
}
