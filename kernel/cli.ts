#!/usr/bin/env node
/**
 * The `paramlab` command:
 *   paramlab install [--user | --sys-prefix | --prefix DIR] [--name paramlab] [--display-name NAME] [--python PY]
 *   paramlab kernel --config-path FILE      (what Jupyter runs)
 *   paramlab report ...                     (notebook reports)
 *   paramlab --version
 */
import path from "node:path";
import { parseCommandArgs, UsageError } from "./args.js";
import { packageVersion } from "./resolve.js";

export const USAGE = `Usage:
  paramlab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME] [--python PY]
      Install the Jupyter kernelspec (default name "paramlab", display name "TypeScript (paramlab)").
      Without a location flag: system-wide as root, --user otherwise.
  paramlab kernel --config-path FILE
      Start the kernel on a Jupyter connection file (Jupyter runs this).
  paramlab report ...
      Render notebooks as reports (see \`paramlab report --help\`).
  paramlab --version | --help`;

export { UsageError } from "./args.js";

async function runInstall(args: string[]): Promise<number> {
  const { values: flags } = parseCommandArgs(args, {
    user: { type: "boolean" },
    "sys-prefix": { type: "boolean" },
    prefix: { type: "string" },
    name: { type: "string" },
    "display-name": { type: "string" },
    python: { type: "string" },
  });
  const locations = (["user", "sys-prefix", "prefix"] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`);
  if (locations.length > 1) throw new UsageError(`Choose one of --user, --sys-prefix, --prefix; got ${locations.join(" and ")}`);
  const { install } = await import("./install.js");
  const where = flags.user ? "user" : flags["sys-prefix"] ? "sys-prefix" : flags.prefix !== undefined ? "prefix" : "default";
  const dir = install({
    where,
    prefix: flags.prefix !== undefined ? path.resolve(flags.prefix) : undefined,
    name: flags.name ?? "paramlab",
    displayName: flags["display-name"] ?? "TypeScript (paramlab)",
    python: flags.python,
  });
  process.stdout.write(`Installed the paramlab kernelspec in ${dir}\n`);
  return 0;
}

async function runKernel(args: string[]): Promise<number> {
  const file = parseCommandArgs(args, { "config-path": { type: "string" } }).values["config-path"];
  if (file === undefined) throw new UsageError("paramlab kernel needs --config-path FILE (the Jupyter connection file)");
  const { readConnectionFile } = await import("./connection.js");
  const { KernelServer } = await import("./server.js");
  const server = new KernelServer(readConnectionFile(file));
  await server.start();
  return -1; // Keeps running until a shutdown_request.
}

async function runReport(args: string[]): Promise<number> {
  // The report CLI lives in kernel/report (another module); loaded only when asked for.
  const mod = require(path.join(__dirname, "report", "cli.js")) as { runReportCli?: (argv: string[]) => Promise<number> };
  if (typeof mod.runReportCli !== "function") throw new Error("kernel/report/cli.js does not export runReportCli(argv)");
  return mod.runReportCli(args);
}

/** Runs the CLI; resolves to the exit code (-1: keep the process running). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "--version":
      case "-V":
      case "version":
        process.stdout.write(`paramlab ${packageVersion()}\n`);
        return 0;
      case "--help":
      case "-h":
      case "help":
        process.stdout.write(`${USAGE}\n`);
        return 0;
      case "install":
        return await runInstall(rest);
      case "kernel":
        return await runKernel(rest);
      case "report":
        return await runReport(rest);
      case undefined:
        throw new UsageError("No command given (expected install, kernel, report or --version)");
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)} (expected install, kernel, report or --version)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`paramlab: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`paramlab: ${(err as Error).message ?? err}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code < 0) return;
    process.exitCode = code;
    // A finished command must not linger on a handle it left open (e.g. a websocket of a
    // Jupyter server that went away during a report).
    setTimeout(() => process.exit(code), 3000).unref();
  });
}
