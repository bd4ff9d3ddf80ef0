#!/usr/bin/env node
/**
 * The `paramlab` command:
 *   paramlab install [--user | --sys-prefix | --prefix DIR] [--name paramlab] [--display-name NAME] [--python PY]
 *   paramlab kernel --config-path FILE      (what Jupyter runs)
 *   paramlab report ...                     (notebook reports)
 *   paramlab --version
 */
import path from "node:path";
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

/** Bad command-line input; the message names what was given and what was expected. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Splits `--flag value` / `--flag=value` arguments; flags in `booleans` take no value. */
function parseFlags(args: string[], known: string[], booleans: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new UsageError(`Unexpected argument ${JSON.stringify(arg)} (expected one of ${known.join(", ")})`);
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!known.includes(flag)) throw new UsageError(`Unknown option ${flag} (expected one of ${known.join(", ")})`);
    if (booleans.includes(flag)) {
      if (eq >= 0) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(arg.slice(eq + 1))}`);
      out.set(flag, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`${flag} needs a value`);
    }
    out.set(flag, value);
  }
  return out;
}

async function runInstall(args: string[]): Promise<number> {
  const flags = parseFlags(args, ["--user", "--sys-prefix", "--prefix", "--name", "--display-name", "--python"], ["--user", "--sys-prefix"]);
  const locations = ["--user", "--sys-prefix", "--prefix"].filter((f) => flags.has(f));
  if (locations.length > 1) throw new UsageError(`Choose one of --user, --sys-prefix, --prefix; got ${locations.join(" and ")}`);
  const { install } = await import("./install.js");
  const where = flags.has("--user") ? "user" : flags.has("--sys-prefix") ? "sys-prefix" : flags.has("--prefix") ? "prefix" : "default";
  const prefix = flags.get("--prefix");
  const dir = install({
    where,
    prefix: typeof prefix === "string" ? path.resolve(prefix) : undefined,
    name: String(flags.get("--name") ?? "paramlab"),
    displayName: String(flags.get("--display-name") ?? "TypeScript (paramlab)"),
    python: flags.get("--python") as string | undefined,
  });
  process.stdout.write(`Installed the paramlab kernelspec in ${dir}\n`);
  return 0;
}

async function runKernel(args: string[]): Promise<number> {
  const flags = parseFlags(args, ["--config-path"], []);
  const file = flags.get("--config-path");
  if (typeof file !== "string") throw new UsageError("paramlab kernel needs --config-path FILE (the Jupyter connection file)");
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
    if (code >= 0) process.exitCode = code;
  });
}
