/**
 * One dialect for layer options: PyTorch's keyword names (`padding_mode`, `padding_idx`,
 * `count_include_pad`, ...). The camelCase spellings paramlab accepted before still work, with a
 * one-time `DeprecationWarning` per spelling.
 */
import { ValueError } from "../errors.js";

/** Message of the deprecation warning for an old option spelling (shared with the tests). */
export function deprecatedOptionMessage(oldName: string, newName: string, where: string): string {
  return `${where}: option '${oldName}' is deprecated; use '${newName}' (PyTorch's keyword name)`;
}

/** Message when both spellings of one option are given. */
export function conflictingOptionMessage(oldName: string, newName: string, where: string): string {
  return `${where}: got both '${newName}' and its deprecated spelling '${oldName}'; pass only '${newName}'`;
}

const warned = new Set<string>();

/**
 * Reads option `name` (PyTorch's keyword) from `options`, falling back to the deprecated
 * camelCase `oldName` with a one-time `DeprecationWarning`. Giving both is a `ValueError`.
 *
 * @example
 * pyOption({ paddingMode: "reflect" }, "padding_mode", "paddingMode", "Conv2d"); // "reflect" (warns once)
 */
export function pyOption<O extends object, K extends keyof O, L extends keyof O>(options: O, name: K, oldName: L, where: string): O[K] | undefined {
  const opts = options as Record<PropertyKey, unknown>;
  const hasOld = opts[oldName as PropertyKey] !== undefined;
  if (!hasOld) return options[name];
  if (opts[name as PropertyKey] !== undefined) throw new ValueError(conflictingOptionMessage(String(oldName), String(name), where));
  const key = `${String(oldName)}->${String(name)}`;
  if (!warned.has(key)) {
    warned.add(key);
    process.emitWarning(deprecatedOptionMessage(String(oldName), String(name), where), "DeprecationWarning");
  }
  return options[oldName] as unknown as O[K];
}

/** Forgets which deprecation warnings were shown (for tests). */
export function resetOptionWarnings(): void {
  warned.clear();
}
