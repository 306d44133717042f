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

/**
 * Where a statement is, packed into one number: a kernel tree's facts hold a statement site for
 * every call, and as objects (a range and its two positions) they were half of all the objects the
 * facts are made of, which the worker threads serialise and the main thread parses, copies while
 * they are young and keeps. From the high bits: start line (22 bits), start column (11), the lines
 * the range spans (9), end column (11), 53 bits in all, which a double holds exactly. A range that
 * does not fit (a column past 2047, a statement of more than 511 lines) stays a `Range`.
 */
export type Span = number | Range;

const COLUMNS = 2 ** 11;
const SPANNED_LINES = 2 ** 9;
const MAX_LINE = 2 ** 22;
/** What one line adds to a packed span. */
const LINE = COLUMNS * SPANNED_LINES * COLUMNS;

export function spanOf(range: Range): Span {
  return spanAt(range.start.line, range.start.character, range.end.line, range.end.character);
}

/** The span from one line and column to another. */
export function spanAt(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Span {
  const lines = endLine - startLine;
  if (startLine >= MAX_LINE || startCharacter >= COLUMNS || endCharacter >= COLUMNS || lines < 0 || lines >= SPANNED_LINES) {
    return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
  }
  return startLine * LINE + ((startCharacter * SPANNED_LINES + lines) * COLUMNS + endCharacter);
}

export function rangeOfSpan(span: Span): Range {
  if (typeof span !== 'number') return span;
  const line = Math.floor(span / LINE);
  let rest = span - line * LINE;
  const endCharacter = rest % COLUMNS;
  rest = (rest - endCharacter) / COLUMNS;
  const lines = rest % SPANNED_LINES;
  const startCharacter = (rest - lines) / SPANNED_LINES;
  return { start: { line, character: startCharacter }, end: { line: line + lines, character: endCharacter } };
}

/** The span `lines` lines further down. */
export function spanMovedBy(span: Span, lines: number): Span {
  if (typeof span === 'number') {
    const line = Math.floor(span / LINE) + lines;
    if (line >= 0 && line < MAX_LINE) return span + lines * LINE;
  }
  const { start, end } = rangeOfSpan(span);
  return spanOf({ start: { line: start.line + lines, character: start.character }, end: { line: end.line + lines, character: end.character } });
}
