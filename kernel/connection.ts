/** Reading and checking a Jupyter connection file (the JSON Jupyter passes as `{connection_file}`). */
import fs from "node:fs";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

const PORTS = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;
export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

/** Reads a connection file, naming the field that is missing or wrong. */
export function readConnectionFile(file: string): ConnectionInfo {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`Cannot read connection file ${JSON.stringify(file)}: ${(err as Error).message}`);
  }
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(raw) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`Connection file ${file} is not JSON: ${(err as Error).message}`);
  }
  const transport = info.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new Error(`Connection file ${file}: transport is ${JSON.stringify(transport)} (expected "tcp" or "ipc")`);
  }
  if (typeof info.ip !== "string" || info.ip === "") {
    throw new Error(`Connection file ${file}: ip is ${JSON.stringify(info.ip)} (expected an address such as "127.0.0.1")`);
  }
  for (const p of PORTS) {
    const v = info[p];
    if (!Number.isInteger(v) || (v as number) <= 0 || (v as number) > 65535) {
      throw new Error(`Connection file ${file}: ${p} is ${JSON.stringify(v)} (expected a port number 1-65535)`);
    }
  }
  if (typeof (info.key ?? "") !== "string") {
    throw new Error(`Connection file ${file}: key must be a string`);
  }
  return {
    ...(info as unknown as ConnectionInfo),
    transport,
    key: (info.key as string | undefined) ?? "",
    signature_scheme: (info.signature_scheme as string | undefined) ?? "hmac-sha256",
  };
}

/** The ZeroMQ endpoint of a channel, exactly where the connection file says. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
