/**
 * Makes `import ... from "paramlab"` work in a notebook in any directory: the kernel process
 * resolves "paramlab" to this package, both at run time (Node's CommonJS resolver) and for types
 * (tslab's TypeScript fork, which resolves modules like Node 10 from the notebook directory).
 *
 * It also lists the library's public names, which the kernel imports before the first cell so that
 * every cell sees them without an import.
 */
import fs from "node:fs";
import path from "node:path";
import { hookModuleLoader } from "./tslab.js";

/** The package root: the nearest directory above this file whose package.json is paramlab's. */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "paramlab") return dir;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) return path.resolve(from, "..", "..");
  }
}

/** The package root (from dist/kernel/ when built, kernel/ when run from source). */
export const PACKAGE_ROOT = findPackageRoot(__dirname);
export const LIBRARY_JS = path.join(PACKAGE_ROOT, "dist", "lib", "index.js");
export const LIBRARY_DTS = path.join(PACKAGE_ROOT, "dist", "lib", "index.d.ts");
export const PACKAGE_NAME = "paramlab";

/** The package version from package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

let runtimeHooked = false;
const loadListeners: (() => void)[] = [];
let libraryLoaded = false;

/** The library module if something has loaded it already, else null (does not load it). */
export function loadedLibrary(): typeof import("../lib/index.js") | null {
  const cached = require.cache[LIBRARY_JS];
  return cached?.loaded ? (cached.exports as typeof import("../lib/index.js")) : null;
}

/** Calls `fn` once the library has been loaded, by any path (at once if it already is). */
export function onLibraryLoaded(fn: () => void): void {
  if (libraryLoaded || loadedLibrary()) {
    libraryLoaded = true;
    fn();
  } else {
    loadListeners.push(fn);
  }
}

function checkLoaded(): void {
  if (libraryLoaded || !loadedLibrary()) return;
  libraryLoaded = true;
  for (const fn of loadListeners.splice(0)) fn();
}

/**
 * Resolves `require("paramlab")` to this package from anywhere in this process, and tells
 * onLibraryLoaded listeners (the kernel's display sink) as soon as the library has loaded,
 * before any cell code can call into it.
 */
export function hookRuntimeResolution(): void {
  if (runtimeHooked) return;
  runtimeHooked = true;
  hookModuleLoader(PACKAGE_NAME, LIBRARY_JS, () => {
    if (!libraryLoaded) checkLoaded();
  });
}

/** The subset of `ts.sys` the TypeScript fork reads files through. */
interface TsSys {
  fileExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  directoryExists(p: string): boolean;
  realpath?(p: string): string;
  getDirectories(p: string): string[];
  watchFile?(p: string, cb: (fileName: string, kind: number) => void, interval?: number, options?: unknown): { close(): void };
}

/**
 * Shows the package to TypeScript as `<cwd>/node_modules/paramlab`, so that Node-10 resolution of
 * "paramlab" finds its package.json `types` (dist/lib/index.d.ts) from the notebook directory.
 * The fork's converter reads every file through `ts.sys`, which is patched here, before the
 * converter is created.
 */
export function hookTypeResolution(sys: TsSys, cwd: string): void {
  const fake = path.join(cwd, "node_modules", PACKAGE_NAME);
  const toReal = (p: string): string | null => {
    const n = path.normalize(p);
    if (n === fake) return PACKAGE_ROOT;
    if (n.startsWith(fake + path.sep)) return PACKAGE_ROOT + n.slice(fake.length);
    return null;
  };
  const { fileExists, readFile, directoryExists, realpath, getDirectories, watchFile } = sys;
  sys.fileExists = (p) => fileExists.call(sys, toReal(p) ?? p);
  sys.readFile = (p, enc) => readFile.call(sys, toReal(p) ?? p, enc);
  sys.directoryExists = (p) => directoryExists.call(sys, toReal(p) ?? p) || path.normalize(p) === path.dirname(fake);
  sys.getDirectories = (p) => getDirectories.call(sys, toReal(p) ?? p);
  if (realpath) sys.realpath = (p) => toReal(p) ?? realpath.call(sys, p);
  if (watchFile) {
    sys.watchFile = (p, cb, interval, options) => {
      const real = toReal(p);
      if (real === null) return watchFile.call(sys, p, cb, interval, options);
      return watchFile.call(sys, real, (_f, kind) => cb(p, kind), interval, options);
    };
  }
}

/**
 * The names `dist/lib/index.d.ts` exports (values and types), following `export *` into the
 * curated barrels. Parsed syntactically: no type checker, a few milliseconds.
 */
export function exportedNames(ts: typeof import("@tslab/typescript-for-tslab"), entry = LIBRARY_DTS): string[] {
  const names = new Set<string>();
  const visited = new Set<string>();
  const visit = (file: string): void => {
    if (visited.has(file) || !fs.existsSync(file)) return;
    visited.add(file);
    const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, false);
    for (const stmt of sf.statements) {
      if (ts.isExportDeclaration(stmt)) {
        const clause = stmt.exportClause;
        if (!clause && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) {
          const spec = stmt.moduleSpecifier.text.replace(/\.js$/, ".d.ts");
          visit(path.resolve(path.dirname(file), spec));
        } else if (clause && ts.isNamespaceExport(clause)) {
          names.add(clause.name.text);
        } else if (clause && ts.isNamedExports(clause)) {
          for (const el of clause.elements) names.add(el.name.text);
        }
        continue;
      }
      const mods = ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) : undefined;
      if (!mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (ts.isVariableStatement(stmt)) {
        for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
      } else if (
        (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) ||
          ts.isTypeAliasDeclaration(stmt) || ts.isEnumDeclaration(stmt)) && stmt.name
      ) {
        names.add(stmt.name.text);
      }
    }
  };
  visit(entry);
  names.delete("default");
  return [...names].sort();
}
