/**
 * Runs a notebook's code cells on a Jupyter kernel through @jupyterlab/services (the client
 * JupyterLab itself uses) and collects the outputs the way JupyterLab's output area does: stream
 * chunks merge, `clear_output` (with `wait`) clears, `update_display_data` rewrites every output
 * with that display id, even in earlier cells.
 */
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { stripAnsi } from "./ansi.js";
import { joinSource, type CodeCell, type DisplayDataOutput, type ErrorOutput, type Notebook, type Output } from "./notebook.js";

export interface CellEvent {
  /** 1-based index among all cells, and among the code cells that run. */
  cellNumber: number;
  codeCellNumber: number;
  codeCellCount: number;
  status: "ok" | "error" | "timeout" | "skipped" | "lost";
  seconds: number;
  error?: ErrorOutput;
}

export interface ExecuteOptions {
  /** Per-cell limit; on expiry the kernel is interrupted and the cell counts as failed. */
  timeoutMs: number;
  /** Keep running after a failing cell (its error stays in the outputs). */
  allowErrors: boolean;
  onCell?: (event: CellEvent) => void;
}

export interface ExecuteResult {
  notebook: Notebook;
  failures: CellEvent[];
}

const sleep = (ms: number) => new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms).unref?.());

/** Applies an update (or a re-display) to every output that shows its display id, in any cell. */
function updateDisplays(displays: Map<string, DisplayDataOutput[]>, msg: KernelMessage.IIOPubMessage): void {
  const content = msg.content as Record<string, unknown>;
  const id = (content.transient as { display_id?: string } | undefined)?.display_id;
  for (const out of (id && displays.get(id)) || []) {
    out.data = (content.data as Record<string, unknown>) ?? {};
    out.metadata = (content.metadata as Record<string, unknown>) ?? {};
  }
}

/**
 * The notice a Jupyter server writes to a cell's stderr when it starts dropping that kernel's
 * output ("IOPub data rate exceeded." / "IOPub message rate exceeded.", jupyter_server's
 * `_limit_rate`). After it, outputs are missing from the notebook.
 */
export const RATE_LIMIT_NOTICE = /^IOPub (data|message) rate exceeded\.\s*\nThe Jupyter server will temporarily stop sending output/;

/** The error a cell gets when the server dropped some of its output. */
export function outputLostError(notice: string): ErrorOutput {
  const which = /^IOPub (data|message) rate/.exec(notice)?.[1] ?? "data";
  const option = which === "data" ? "iopub_data_rate_limit" : "iopub_msg_rate_limit";
  return {
    output_type: "error",
    ename: "OutputLostError",
    evalue:
      `the Jupyter server dropped output of this cell (IOPub ${which} rate exceeded), so the report would be incomplete; ` +
      `start that server with --ServerApp.${option}=0 (or let paramlab report start its own server)`,
    traceback: [],
  };
}

/** Collects one cell's outputs from its iopub messages. */
class OutputCollector {
  private clearPending = false;
  /** The server's rate-limit notice, when it dropped output of this cell. */
  lostNotice: string | undefined;
  constructor(
    private readonly cell: CodeCell,
    private readonly displays: Map<string, DisplayDataOutput[]>,
  ) {}

  private push(output: Output): void {
    if (this.clearPending) {
      this.cell.outputs.length = 0;
      this.clearPending = false;
    }
    const last = this.cell.outputs[this.cell.outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = joinSource(last.text) + joinSource(output.text);
      return;
    }
    this.cell.outputs.push(output);
  }

  handle(msg: KernelMessage.IIOPubMessage): void {
    const content = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case "execute_input":
        this.cell.execution_count = (content.execution_count as number | undefined) ?? this.cell.execution_count;
        break;
      case "stream":
        if (typeof content.text === "string" && RATE_LIMIT_NOTICE.test(content.text)) this.lostNotice ??= content.text;
        this.push({ output_type: "stream", name: content.name === "stderr" ? "stderr" : "stdout", text: String(content.text ?? "") });
        break;
      case "display_data": {
        const out: DisplayDataOutput = {
          output_type: "display_data",
          data: (content.data as Record<string, unknown>) ?? {},
          metadata: (content.metadata as Record<string, unknown>) ?? {},
        };
        const id = (content.transient as { display_id?: string } | undefined)?.display_id;
        if (id) {
          // Showing an id again also refreshes its earlier outputs, as JupyterLab does.
          updateDisplays(this.displays, msg);
          out.transient = { display_id: id };
          this.displays.set(id, [...(this.displays.get(id) ?? []), out]);
        }
        this.push(out);
        break;
      }
      case "execute_result":
        this.push({
          output_type: "execute_result",
          execution_count: (content.execution_count as number | null) ?? this.cell.execution_count,
          data: (content.data as Record<string, unknown>) ?? {},
          metadata: (content.metadata as Record<string, unknown>) ?? {},
        });
        break;
      case "error":
        this.push({
          output_type: "error",
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
        break;
      case "clear_output":
        if (content.wait) this.clearPending = true;
        else this.cell.outputs.length = 0;
        break;
    }
  }
}

/** A short one-line description of a cell error, without ANSI codes. */
export function describeError(error: ErrorOutput | undefined): string {
  if (!error) return "unknown error";
  return stripAnsi(`${error.ename}: ${error.evalue}`).trim();
}

/**
 * Executes `nb` (already cleared) on `kernel`, in place. Stops at the first failing cell unless
 * `allowErrors`; a cell that exceeds the timeout is interrupted and reported as failing.
 */
export async function executeNotebook(nb: Notebook, kernel: Kernel.IKernelConnection, options: ExecuteOptions): Promise<ExecuteResult> {
  const displays = new Map<string, DisplayDataOutput[]>();
  const failures: CellEvent[] = [];
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  let codeNumber = 0;
  // One listener for the whole notebook rather than per-request futures: @jupyterlab/services
  // routes update_display_data to the future of the cell that first showed the display, which
  // is finished by then; and late output of an earlier cell still finds its cell.
  const collectors = new Map<string, OutputCollector>();
  const listener = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
    if (msg.header.msg_type === "update_display_data") {
      updateDisplays(displays, msg);
      return;
    }
    const parent = (msg.parent_header as { msg_id?: string } | undefined)?.msg_id;
    if (parent) collectors.get(parent)?.handle(msg);
  };
  kernel.iopubMessage.connect(listener);
  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      codeNumber++;
      const base = { cellNumber: index + 1, codeCellNumber: codeNumber, codeCellCount: codeCells.length };
      const code = joinSource(cell.source);
      // Like nbclient: an empty cell is not sent to the kernel.
      if (!code.trim()) {
        options.onCell?.({ ...base, status: "skipped", seconds: 0 });
        continue;
      }
      const started = performance.now();
      const collector = new OutputCollector(cell, displays);
      const future = kernel.requestExecute({
        code,
        silent: false,
        store_history: true,
        allow_stdin: false,
        stop_on_error: !options.allowErrors,
      });
      collectors.set(future.msg.header.msg_id, collector);
      const reply = await Promise.race([
        future.done.catch((err: unknown) => ({ lost: err instanceof Error ? err.message : String(err) })),
        sleep(options.timeoutMs),
      ]);
      let status: CellEvent["status"];
      let error: ErrorOutput | undefined;
      if (reply === "timeout") {
        status = "timeout";
        await kernel.interrupt().catch(() => undefined);
        await Promise.race([future.done.catch(() => undefined), sleep(10_000)]);
        error = {
          output_type: "error",
          ename: "CellTimeoutError",
          evalue: `cell ${index + 1} did not finish within ${options.timeoutMs / 1000} s (the kernel was interrupted; raise --timeout to allow more)`,
          traceback: [],
        };
        cell.outputs.push(error);
      } else if ("lost" in reply) {
        // The kernel died or the connection dropped before the cell finished.
        status = "error";
        error = { output_type: "error", ename: "KernelError", evalue: `the kernel stopped while running this cell (${reply.lost})`, traceback: [] };
        cell.outputs.push(error);
      } else {
        const content = reply.content as KernelMessage.IExecuteReplyMsg["content"];
        if (typeof content.execution_count === "number") cell.execution_count = content.execution_count;
        if (content.status === "ok") {
          status = "ok";
        } else {
          status = "error";
          error = [...cell.outputs].reverse().find((o): o is ErrorOutput => o.output_type === "error");
          if (!error) {
            const c = content as { ename?: string; evalue?: string; traceback?: string[] };
            error = {
              output_type: "error",
              ename: c.ename ?? (content.status === "aborted" ? "Aborted" : "Error"),
              evalue: c.evalue ?? `the kernel replied with status "${content.status}"`,
              traceback: c.traceback ?? [],
            };
            cell.outputs.push(error);
          }
        }
      }
      future.dispose();
      if (collector.lostNotice !== undefined) {
        // Missing output is never acceptable in a report, --allow-errors or not.
        status = "lost";
        error = outputLostError(collector.lostNotice);
        cell.outputs.push(error);
      }
      const event: CellEvent = { ...base, status, seconds: (performance.now() - started) / 1000, error };
      options.onCell?.(event);
      if (status !== "ok") {
        failures.push(event);
        if (!options.allowErrors || status === "lost") break;
      }
    }
  } finally {
    kernel.iopubMessage.disconnect(listener);
  }
  // Saved notebooks do not keep transient display ids.
  for (const outs of displays.values()) for (const out of outs) delete out.transient;
  return { notebook: nb, failures };
}
