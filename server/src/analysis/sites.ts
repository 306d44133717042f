/**
 * Places in source files. Every position in the engine is 0-based, with columns in UTF-16 code
 * units (what tree-sitter's Node binding and LSP both use). Front ends convert at the edge: the CLI
 * prints 1-based lines and columns.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A place in a file, with the function it lies in (empty outside functions). */
export interface Site {
  /** The file's key as the caller of the engine named it: a path for the CLI, a URI for the server. */
  file: string;
  range: Range;
  function: string;
}

export function compareSites(a: Site, b: Site): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  return a.range.start.character - b.range.start.character;
}

export function siteKey(site: Site): string {
  return `${site.file}:${site.range.start.line}:${site.range.start.character}`;
}

export function rangeContains(range: Range, pos: Position): boolean {
  const afterStart =
    pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd =
    pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}
