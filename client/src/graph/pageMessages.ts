/**
 * What the lock-graph page may ask of the extension, and the checks every request passes first.
 * The page runs web content built from analysed source text; if it were ever subverted, these
 * checks are what stands between it and the user's files. So a message is trusted for nothing:
 * its shape is checked, a site must lie in the workspace (or be a document already open), and
 * exported data must be what its format says.
 *
 * Pure (no `vscode`), so that it is tested in plain Node. The message types are the page's own
 * (webview/src/protocol.ts); test/client/graphContract.test.ts runs the real page and feeds what it
 * posts through here.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ExportFormat, HostMessage, PageMessage, Parsed } from '../../../webview/src/protocol';

export type { ExportFormat, HostMessage, PageMessage, Parsed };

/** Longer "file names" are not file names. */
const MAX_FILE_CHARS = 4096;
/** A full-size PNG of a big graph is tens of megabytes as a data URL; this is far above that. */
const MAX_EXPORT_CHARS = 256 * 1024 * 1024;

const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** An SVG document: an optional XML declaration, then the root element. */
const SVG_START = /^\s*(?:<\?xml[^>]*>\s*)?<svg[\s>]/;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

export function parsePageMessage(data: unknown): Parsed<PageMessage> {
  if (!isObject(data)) return fail('message is not an object');
  switch (data.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'openSite': {
      const { file, line, column } = data;
      if (typeof file !== 'string' || file.length === 0 || file.length > MAX_FILE_CHARS) return fail('openSite: bad file');
      if (!isPositiveInteger(line) || !isPositiveInteger(column)) return fail('openSite: line and column must be positive integers');
      return { ok: true, value: { type: 'openSite', file, line, column } };
    }
    case 'export': {
      const { format, data: content } = data;
      if (format !== 'svg' && format !== 'png' && format !== 'json') return fail(`export: unknown format ${JSON.stringify(format)}`);
      if (typeof content !== 'string') return fail('export: data must be a string');
      if (content.length > MAX_EXPORT_CHARS) return fail('export: data is too large');
      return { ok: true, value: { type: 'export', format, data: content } };
    }
    default:
      return fail(`unknown message type ${JSON.stringify(data.type)}`);
  }
}

/** A site the extension may open: a file on disk, or a document the editor already has open. */
export type SiteTarget = { kind: 'path'; path: string } | { kind: 'uri'; uri: string };

export interface SiteScope {
  /** File system paths of the workspace folders. */
  folders: readonly string[];
  /** File system paths of the `file:` documents open in the editor. */
  openPaths: readonly string[];
  /** URIs of the other open documents (`untitled:` and the like), as the server spells them. */
  openUris: readonly string[];
}

/**
 * Where a site's `file` may be opened, or why not. The language server names files by `file:`
 * URI; a plain absolute path is accepted too. A file must lie inside a workspace folder, unless it
 * is open already (a single file opened without a folder), which reveals nothing new. A relative
 * path is refused: there is no telling which folder it is relative to.
 */
export function siteTarget(file: string, scope: SiteScope, paths: path.PlatformPath = path): Parsed<SiteTarget> {
  let filePath: string;
  if (file.startsWith('file:')) {
    try {
      filePath = fileURLToPath(file);
    } catch {
      return fail(`not a usable file URI: ${file}`);
    }
  } else if (paths.isAbsolute(file)) {
    filePath = file;
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(file)) {
    return scope.openUris.includes(file) ? { ok: true, value: { kind: 'uri', uri: file } } : fail(`not an open document: ${file}`);
  } else {
    return fail(`not an absolute path: ${file}`);
  }
  filePath = paths.normalize(filePath);
  const allowed = scope.folders.some((folder) => isInside(folder, filePath, paths)) || scope.openPaths.some((open) => samePath(open, filePath, paths));
  return allowed ? { ok: true, value: { kind: 'path', path: filePath } } : fail(`outside the workspace: ${filePath}`);
}

function isInside(folder: string, file: string, paths: path.PlatformPath): boolean {
  const rel = paths.relative(folder, file);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + paths.sep) && !paths.isAbsolute(rel);
}

function samePath(a: string, b: string, paths: path.PlatformPath): boolean {
  return paths.relative(a, b) === '';
}

/**
 * A 1-based site as a 0-based editor position inside the document as it is now: the file may have
 * changed since it was analysed, so a site past its end lands on the last line or line end.
 */
export function positionInDocument(
  line: number,
  column: number,
  lineCount: number,
  lineLength: (line: number) => number,
): { line: number; character: number } {
  const line0 = Math.min(line, Math.max(lineCount, 1)) - 1;
  const character = Math.min(column - 1, lineLength(line0));
  return { line: line0, character };
}

/** The bytes to write for an export, once the data is shown to be what its format says. */
export function exportContent(format: ExportFormat, data: string): Parsed<Uint8Array> {
  switch (format) {
    case 'json':
      try {
        JSON.parse(data);
      } catch {
        return fail('export: the JSON export is not JSON');
      }
      return { ok: true, value: Buffer.from(data, 'utf8') };
    case 'svg':
      if (!SVG_START.test(data.slice(0, 1024))) return fail('export: the SVG export is not an SVG document');
      return { ok: true, value: Buffer.from(data, 'utf8') };
    case 'png': {
      if (!data.startsWith(PNG_DATA_URL_PREFIX)) return fail('export: the PNG export is not a PNG data URL');
      const base64 = data.slice(PNG_DATA_URL_PREFIX.length);
      if (!BASE64.test(base64)) return fail('export: the PNG data URL is not base64');
      const bytes = Buffer.from(base64, 'base64');
      if (!PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return fail('export: the PNG export is not a PNG image');
      return { ok: true, value: bytes };
    }
  }
}

/** What the save dialog offers for each format. */
export const EXPORT_FILES: Record<ExportFormat, { name: string; filter: string }> = {
  svg: { name: 'lockorder-graph.svg', filter: 'SVG image' },
  png: { name: 'lockorder-graph.png', filter: 'PNG image' },
  json: { name: 'lockorder-graph.json', filter: 'Lock graph JSON' },
};

/**
 * The editor column a site opens in: the first, unless the graph itself is there. Numbers are
 * VS Code's `ViewColumn`s.
 */
export function siteColumn(graphColumn: number | undefined): number {
  return graphColumn === 1 ? 2 : 1;
}
