/** Where Jupyter looks for kernelspecs, to tell whether `paramlab install` has been run. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";

/** The data directories Jupyter searches (JUPYTER_PATH, user, conda / sys.prefix, system), in its order. */
export function jupyterDataDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.JUPYTER_PATH) dirs.push(...process.env.JUPYTER_PATH.split(delimiter).filter(Boolean));
  dirs.push(process.env.JUPYTER_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter"));
  if (process.env.CONDA_PREFIX) dirs.push(join(process.env.CONDA_PREFIX, "share", "jupyter"));
  dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  return dirs;
}

/**
 * The installed kernelspec directory for `name`, or undefined when Jupyter would not find one.
 * `jupyter` is the executable that will run: its environment's share/jupyter is searched too.
 */
export function findInstalledKernelspec(name = "paramlab", jupyter?: string): string | undefined {
  const dirs = jupyterDataDirs();
  if (jupyter) dirs.push(join(dirname(dirname(jupyter)), "share", "jupyter"));
  for (const dir of dirs) {
    const spec = join(dir, "kernels", name, "kernel.json");
    if (existsSync(spec)) return join(dir, "kernels", name);
  }
  return undefined;
}
