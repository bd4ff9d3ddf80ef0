/**
 * Command-line parsing for every `paramlab` command (install, kernel, report), on Node's
 * `util.parseArgs`, with one error class and one set of messages: an unknown option, a missing
 * value, a value given to a flag and a repeated option are each named with what was expected.
 */
import { parseArgs } from "node:util";

/** Bad command-line input; the message names what was given and what was expected. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** One option: a flag (`boolean`) or an option with a value (`string`), with an optional one-letter alias. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed values: a string for options with a value, `true` for flags that were given. */
export type ParsedValues<T extends OptionSpecs> = { [K in keyof T]?: T[K]["type"] extends "string" ? string : true };

export interface ParsedArgs<T extends OptionSpecs> {
  values: ParsedValues<T>;
  positionals: string[];
}

/** The messages, shared with the tests. */
export const ARG_MESSAGES = {
  unknownOption: (given: string, known: string[]) => `Unknown option ${given} (expected one of ${known.join(", ")})`,
  unexpectedArgument: (given: string, known: string[]) => `Unexpected argument ${JSON.stringify(given)} (expected one of ${known.join(", ")})`,
  needsValue: (flag: string) => `${flag} needs a value`,
  takesNoValue: (flag: string, value: string) => `${flag} takes no value, got ${JSON.stringify(value)}`,
  givenTwice: (flag: string) => `${flag} was given twice`,
};

/**
 * Parses `args` against `specs` (keys are long names without `--`). Positionals are allowed only
 * when `allowPositionals`; `--` ends the options. A value that looks like an option
 * (`--out --quiet`) is taken as a missing value, not as the value.
 *
 * @example
 * parseCommandArgs(["--out", "dir", "a.ipynb"], { out: { type: "string", short: "o" } }, true);
 * // { values: { out: "dir" }, positionals: ["a.ipynb"] }
 */
export function parseCommandArgs<T extends OptionSpecs>(args: string[], specs: T, allowPositionals = false): ParsedArgs<T> {
  const known = Object.entries(specs).map(([name, spec]) => `--${name}${spec.short ? `/-${spec.short}` : ""}`);
  // strict: false so that every problem is reported with our messages, from the tokens below.
  const { tokens } = parseArgs({ args, options: specs, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (!allowPositionals) throw new UsageError(ARG_MESSAGES.unexpectedArgument(token.value, known));
      positionals.push(token.value);
      continue;
    }
    const spec = specs[token.name];
    const flag = token.rawName;
    if (!spec || (flag.startsWith("--") && flag !== `--${token.name}`)) throw new UsageError(ARG_MESSAGES.unknownOption(flag, known));
    if (token.name in values) throw new UsageError(ARG_MESSAGES.givenTwice(`--${token.name}`));
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(ARG_MESSAGES.takesNoValue(flag, token.value));
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    // parseArgs (non-strict) takes the next word even when it is an option: `--out --quiet`.
    const looksLikeOption = !token.inlineValue && value !== undefined && value.startsWith("-") && value !== "-";
    if (value === undefined || value === "" || looksLikeOption) throw new UsageError(ARG_MESSAGES.needsValue(flag));
    values[token.name] = value;
  }
  return { values: values as ParsedValues<T>, positionals };
}
