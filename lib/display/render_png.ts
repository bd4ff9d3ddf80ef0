/**
 * In-process PNG rendering of a Vega-Lite spec, with no browser: vega-lite compiles the spec,
 * vega's headless view renders SVG, and @resvg/resvg-js rasterises it with the system fonts.
 *
 * vega and vega-lite are ESM-only (vega uses top-level await) while paramlab compiles to
 * CommonJS, so they are loaded with dynamic `import()` (kept as is by TypeScript's node16
 * module mode) on first use and cached.
 */

/** A rendered image. */
export interface RenderedPng {
  png: Buffer;
  /** Size in pixels of the PNG. */
  pixelWidth: number;
  pixelHeight: number;
  /** Size at which to show it (CSS pixels): the pixel size divided by `scale`. */
  width: number;
  height: number;
}

/** Options of `renderPng`. */
export interface RenderOptions {
  /** Pixels per CSS pixel (2 gives sharp images on high-density screens). Default 2. */
  scale?: number;
  /** Background colour; the notebook's vega renderer themes the spec, the PNG needs one. */
  background?: string;
  /**
   * `"dark"`: light text and grid on a transparent background, for dark notebook themes (the
   * colours of vega-themes' dark theme). Default `"light"` (Vega's defaults on white).
   */
  theme?: "light" | "dark";
}

/** Vega-Lite config of the dark rendering (values from vega-themes' `dark`). */
const DARK_CONFIG = {
  view: { stroke: "#888" },
  title: { color: "#fff", subtitleColor: "#fff" },
  style: { "guide-label": { fill: "#fff" }, "guide-title": { fill: "#fff" } },
  axis: { domainColor: "#fff", gridColor: "#888", tickColor: "#fff" },
};

/** The spec with the dark config merged over its own. */
function darken(spec: object): object {
  const s = spec as { config?: Record<string, Record<string, unknown>> };
  const config: Record<string, unknown> = { ...(s.config ?? {}) };
  for (const [k, v] of Object.entries(DARK_CONFIG)) config[k] = { ...((config[k] as object) ?? {}), ...v };
  return { ...spec, config };
}

// Dynamic imports keep these ESM-only packages loadable from CommonJS output.
const importVega = () => import("vega");
const importVegaLite = () => import("vega-lite");
const importResvg = () => import("@resvg/resvg-js");
type VegaModule = Awaited<ReturnType<typeof importVega>>;
type VegaLiteModule = Awaited<ReturnType<typeof importVegaLite>>;
type ResvgModule = Awaited<ReturnType<typeof importResvg>>;

let modules: Promise<[VegaModule, VegaLiteModule, ResvgModule]> | null = null;

function load(): Promise<[VegaModule, VegaLiteModule, ResvgModule]> {
  modules ??= Promise.all([importVega(), importVegaLite(), importResvg()]).catch((err) => {
    modules = null; // let a later call retry
    throw err;
  });
  return modules;
}

/** The fonts vega's SVG asks for ("sans-serif") map to DejaVu Sans, installed by setup. */
const FONT_OPTIONS = {
  loadSystemFonts: true,
  defaultFontFamily: "DejaVu Sans",
  sansSerifFamily: "DejaVu Sans",
  serifFamily: "DejaVu Serif",
  monospaceFamily: "DejaVu Sans Mono",
};

/** Compiles a Vega-Lite spec and renders it to SVG text. */
export async function renderSvg(spec: object, background = "white"): Promise<string> {
  const [vega, vl] = await load();
  const compiled = vl.compile(spec as Parameters<VegaLiteModule["compile"]>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  view.background(background);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite spec to PNG.
 *
 * @example
 * const { png, width, height } = await renderPng(spec);
 */
export async function renderPng(spec: object, options: RenderOptions = {}): Promise<RenderedPng> {
  const { scale = 2, theme = "light" } = options;
  const background = options.background ?? (theme === "dark" ? "transparent" : "white");
  if (!(typeof scale === "number" && scale > 0 && scale <= 8)) throw new RangeError(`renderPng(): scale must be in (0, 8], got ${scale}`);
  // XML 1.0 has no NUL or other C0 controls but TAB/LF/CR: resvg refuses an SVG holding one, so a
  // name with a NUL in any spec would cost the whole image. They are drawn as U+FFFD instead.
  const svg = (await renderSvg(theme === "dark" ? darken(spec) : spec, background)).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");
  const [, , { Resvg }] = await load();
  const image = new Resvg(svg, { font: FONT_OPTIONS, fitTo: { mode: "zoom", value: scale } }).render();
  const png = image.asPng();
  return {
    png,
    pixelWidth: image.width,
    pixelHeight: image.height,
    width: Math.round(image.width / scale),
    height: Math.round(image.height / scale),
  };
}

/**
 * Loads vega, vega-lite and resvg now (about half a second, once per process) so that the first
 * plot displays without that delay. A kernel may call it at start-up; failures are reported by the
 * returned promise only.
 */
export function preloadRenderer(): Promise<void> {
  return load().then(() => undefined);
}
