/**
 * Runs a PyTorch baseline script the two ways every paramlab benchmark must: plainly, and with
 * glibc told to keep freed memory (`MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_`). On this
 * VM touching freshly mapped pages is very slow, and PyTorch allocates temporaries every step, so
 * the plain figure flatters paramlab; an ordinary machine (or jemalloc) behaves like "reuse".
 * Headline ratios use the faster of the two.
 */
import { execFileSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

/** The two allocator settings a PyTorch baseline runs under. */
export const TORCH_ENVS: Record<"plain" | "reuse", NodeJS.ProcessEnv> = {
  plain: {},
  reuse: { MALLOC_MMAP_THRESHOLD_: "4294967296", MALLOC_TRIM_THRESHOLD_: "68719476736" },
};

/** Runs `python args` under one allocator setting and parses its JSON stdout; `{ error }` on failure. */
export function runTorchJson<T extends object>(args: string[], env: keyof typeof TORCH_ENVS): T | { error: string } {
  try {
    const out = execFileSync(PYTHON, args, {
      encoding: "utf8",
      maxBuffer: 1 << 24,
      env: { ...process.env, ...TORCH_ENVS[env] },
    });
    return JSON.parse(out) as T;
  } catch (e) {
    return { error: `${PYTHON} failed: ${(e as Error).message.split("\n")[0]}` };
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
