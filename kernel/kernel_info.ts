/** The `kernel_info_reply` content (messaging spec 5.3). */
import { PROTOCOL_VERSION } from "./wire.js";

export interface KernelInfo {
  status: "ok";
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    pygments_lexer: string;
    codemirror_mode: Record<string, unknown>;
  };
  banner: string;
  help_links: { text: string; url: string }[];
  debugger: boolean;
}

/** `typescriptVersion` is the compiler cells are checked with (tslab's fork). */
export function kernelInfo(version: string, typescriptVersion: string, tslabVersion: string): KernelInfo {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "paramlab",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: typescriptVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // JupyterLab reads `mode`; the classic notebook reads `name` + `typescript` (tslab's finding).
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
    },
    banner:
      `paramlab ${version}: TypeScript ${typescriptVersion} on Node.js ${process.version} (tslab ${tslabVersion})\n` +
      "nn, optim, tensor, display, ... are preloaded (display plumbing under `jupyter`); `import { optim } from \"paramlab\"` works too.\n" +
      "`await input(\"prompt\")` asks the notebook user for a line; `name?` shows its docs.",
    help_links: [
      { text: "PyTorch optim (the vocabulary paramlab mirrors)", url: "https://pytorch.org/docs/stable/optim.html" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "tslab", url: "https://github.com/yunabe/tslab" },
    ],
    debugger: false,
  };
}
