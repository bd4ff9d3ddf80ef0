/**
 * Escaping for what a report places in HTML. Text and attribute values use the library's
 * `escapeHtml` (lib/display/html.ts; one implementation for displays and reports).
 */
export { escapeHtml } from "../../lib/display/html.js";

/**
 * JSON for an inline `<script type="application/json">`: `<`, `>` and `&` become \u escapes so
 * no string inside can close the script element, and U+2028/2029 cannot break older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * JavaScript source safe to place inside a `<script>` element: `</script` and `<!--` can only
 * appear in strings, templates or regexes there, where `<\/` and `\x3C` mean the same characters.
 */
export function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "\\x3C!--");
}
