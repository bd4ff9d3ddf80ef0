/**
 * What every cell sees without an import: the library's public barrel (`import { ... } from
 * "paramlab"`), which holds the user's vocabulary only (nn, optim, tensor, display, ...); the
 * kernel's plumbing (display sinks, MIME constants, renderers) sits under its one `jupyter`
 * namespace, as Deno keeps its own under `Deno.jupyter`. New public names flow in by themselves.
 * The kernel adds `input()`, which reads a line through the notebook (the stdin channel), and
 * `clearOutput()`.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { exportedNames, LIBRARY_DTS, PACKAGE_NAME } from "./resolve.js";

/** The names imported into every cell: everything `dist/lib/index.d.ts` exports. */
export function preloadNames(ts: typeof TS, entry = LIBRARY_DTS): string[] {
  return exportedNames(ts, entry);
}

/** The names the kernel itself adds to every cell. */
export const KERNEL_NAMES = ["input", "clearOutput"] as const;

/** The kernel's own `input()` and `clearOutput()`: declared for the type checker (and the hover text). */
export const KERNEL_DECLARATIONS = `/**
 * Asks the notebook user for a line of text (the Jupyter stdin channel), like Python's input().
 * Fails with an error when the frontend does not accept input (e.g. nbconvert, paramlab report).
 *
 * @example
 * const name = await input("Your name? ");
 * const key = await input("API key: ", { password: true });
 */
export declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;
/**
 * Clears the output of the running cell, like IPython's clear_output(); with \`{ wait: true }\` the
 * output is cleared only when the next output arrives (no flicker in a loop).
 *
 * @example
 * for (let step = 0; step < 100; step++) { clearOutput({ wait: true }); console.log(step); }
 */
export declare function clearOutput(options?: { wait?: boolean }): void;
`;

/** The previous-cell declarations of the preload: the import of `names`, and the kernel's own names. */
export function preloadDeclarations(names: string[]): string {
  return `import { ${names.join(", ")} } from "${PACKAGE_NAME}";\n${KERNEL_DECLARATIONS}`;
}
