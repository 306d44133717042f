/**
 * HTML shells for the lock-graph page (webview/): a self-contained report file for the CLI, and
 * the webview HTML for the VS Code panel. Pure: the caller reads the page's assets
 * (out/webview/graph.js and graph.css) and passes them in.
 *
 * Both pages run under a CSP with no 'unsafe-inline' and no 'unsafe-eval': scripts (and, in the
 * report, the inlined stylesheet) carry a fresh nonce, and the graph travels as JSON data that is
 * never parsed as markup.
 */
import { randomBytes } from 'node:crypto';
import type { GraphJson } from '../analysis/graphJson';

export interface GraphAssets {
  /** The bundled page script (out/webview/graph.js). */
  script: string;
  /** The page stylesheet (out/webview/graph.css). */
  css: string;
}

export interface WebviewHtmlOptions {
  /** `webview.asWebviewUri(...)` of graph.js and graph.css, as strings. */
  scriptUri: string;
  cssUri: string;
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  title: string;
}

/** The id the page reads the embedded graph from (webview/src/main.ts). */
export const GRAPH_DATA_ELEMENT_ID = 'lockorder-data';

const DEFAULT_TITLE = 'Lockorder: lock graph';

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/** One HTML file that shows `graph` in any browser, offline. */
export function renderGraphHtml(graph: GraphJson, assets: GraphAssets, options: { title?: string } = {}): string {
  const nonce = newNonce();
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data: blob:`;
  return page({
    csp,
    title: options.title ?? DEFAULT_TITLE,
    head: `<style nonce="${nonce}">\n${closeProof(assets.css, 'style')}\n</style>`,
    body: [
      `<script type="application/json" id="${GRAPH_DATA_ELEMENT_ID}">${jsonForScript(graph)}</script>`,
      `<script nonce="${nonce}">\n${closeProof(assets.script, 'script')}\n</script>`,
    ].join('\n'),
  });
}

/** The VS Code panel's HTML; the graph arrives later by postMessage, after the page says `ready`. */
export function renderWebviewHtml({ scriptUri, cssUri, cspSource, nonce, title }: WebviewHtmlOptions): string {
  const csp = `default-src 'none'; img-src ${cspSource} data: blob:; style-src ${cspSource}; script-src 'nonce-${nonce}'`;
  return page({
    csp,
    title,
    head: `<link rel="stylesheet" href="${attribute(cssUri)}">`,
    body: `<script nonce="${attribute(nonce)}" src="${attribute(scriptUri)}"></script>`,
  });
}

function page(parts: { csp: string; title: string; head: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(parts.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(parts.title)}</title>
${parts.head}
</head>
<body>
${parts.body}
</body>
</html>
`;
}

/**
 * JSON inside <script type="application/json">. Escaping every `<` (and `>`, `&` for good measure)
 * as a JSON \u escape means no lock name can close the element or open a comment, and
 * JSON.parse gives back the exact text. U+2028/2029 are escaped too, for tools that treat the
 * block as JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Inlined code must not contain its own end tag. In JavaScript the sequence can only occur inside
 * strings, regular expressions or comments, where `<\/` means the same; in CSS `\/` is an escaped `/`.
 */
function closeProof(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

function text(value: string): string {
  return value.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function attribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
