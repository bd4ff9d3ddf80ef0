/**
 * Serialised sending on one ZeroMQ socket. zeromq 6 allows a single send in flight per socket, and
 * iopub order matters (every output of a cell before its `status: idle`), so messages queue here
 * and go out one at a time in order. Consecutive writes to the same stream of the same cell are
 * merged while they wait, so a chatty loop becomes a few messages instead of thousands.
 */
import type { Message } from "./wire.js";
import { encode, type Signer } from "./wire.js";

export interface Sendable {
  send(frames: Buffer[]): Promise<void>;
}

export class Outbox {
  private readonly queue: Message<unknown>[] = [];
  private sending = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly socket: Sendable,
    private readonly signer: Signer,
    private readonly log: (line: string) => void,
  ) {}

  push(msg: Message<unknown>): void {
    const last = this.queue[this.queue.length - 1];
    if (last && msg.header.msg_type === "stream" && last.header.msg_type === "stream") {
      const a = last.content as { name: string; text: string };
      const b = msg.content as { name: string; text: string };
      if (a.name === b.name && last.parent_header.msg_id === msg.parent_header.msg_id) {
        a.text += b.text;
        return;
      }
    }
    this.queue.push(msg);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length) {
        const msg = this.queue.shift()!;
        try {
          await this.socket.send(encode(msg, this.signer));
        } catch (err) {
          this.log(`could not send ${msg.header.msg_type}: ${(err as Error).message}`);
        }
      }
    } finally {
      this.sending = false;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when everything pushed so far has been handed to ZeroMQ. */
  flush(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
