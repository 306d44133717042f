/**
 * Text positions and edits for quick fixes. Positions are the engine's (0-based lines, UTF-16
 * columns); a JavaScript string index is a UTF-16 offset, so converting is line start + column.
 */
import type { Position, Range } from '../sites';

export interface TextEdit {
  range: Range;
  newText: string;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  /** The file's line break, for the lines a fix adds (Windows sources often use CRLF). */
  readonly eol: string;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.eol = this.starts.length > 1 && text[this.starts[1] - 2] === '\r' ? '\r\n' : '\n';
  }

  get lineCount(): number {
    return this.starts.length;
  }

  offsetAt(pos: Position): number {
    const line = Math.min(Math.max(pos.line, 0), this.starts.length - 1);
    return Math.min(this.starts[line] + pos.character, this.lineEnd(line));
  }

  positionAt(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low] };
  }

  /** The line without its line break (a `\r` before the `\n` is kept out too). */
  lineText(line: number): string {
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }

  /** The leading blanks of a line: what a statement inserted beside it copies. */
  indentation(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }

  private lineEnd(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    if (end > this.starts[line] && this.text[end - 1] === '\r') end--;
    return end;
  }
}

interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

function toOffsets(lines: LineIndex, edits: readonly TextEdit[]): OffsetEdit[] {
  return edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Applies non-overlapping edits; overlapping ones are a bug in the fix that made them. */
export function applyEdits(lines: LineIndex, edits: readonly TextEdit[]): string {
  const sorted = toOffsets(lines, edits);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error('overlapping edits');
    out += lines.text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return out + lines.text.slice(at);
}

/**
 * Where a position of the old text lies in the edited text. Text inserted exactly at the position
 * pushes it along; a position inside replaced text moves to where the replacement starts.
 */
export function mapPosition(lines: LineIndex, edits: readonly TextEdit[], pos: Position, edited: LineIndex): Position {
  const offset = lines.offsetAt(pos);
  let shift = 0;
  for (const edit of toOffsets(lines, edits)) {
    const insertion = edit.start === edit.end;
    if (edit.end < offset || (edit.end === offset && (insertion || edit.start < offset))) {
      shift += edit.newText.length - (edit.end - edit.start);
    } else if (edit.start < offset) {
      return edited.positionAt(edit.start + shift);
    }
  }
  return edited.positionAt(offset + shift);
}

/** Offset range of a range, for comparing text around a function. */
export function offsetsOf(lines: LineIndex, range: Range): { start: number; end: number } {
  return { start: lines.offsetAt(range.start), end: lines.offsetAt(range.end) };
}
