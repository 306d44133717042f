/**
 * Checks that every position the engine reports lies inside its document: line below the line
 * count, character at most that line's length in UTF-16 units, never between the two halves of a
 * surrogate pair, and ranges that do not end before they start.
 *
 * Lines are split at `\r\n`, `\n` and a lone `\r`, as an editor does (and the engine, which reads
 * a lone `\r` as `\n`); the engine's way also flags a position between the halves of a `\r\n`.
 */
import type { Finding } from '../../server/src/analysis/findings';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import type { Position, Range } from '../../server/src/analysis/sites';

export type LineBreaks = 'engine' | 'lsp';

export class Lines {
  private readonly lines: string[];
  /** Lines ended by `\r\n` (engine line breaks only). */
  private readonly crlf = new Set<number>();

  constructor(text: string, breaks: LineBreaks = 'engine') {
    if (breaks === 'lsp') {
      this.lines = text.split(/\r\n|\r|\n/);
      return;
    }
    // The engine breaks lines where an editor does (it reads a lone `\r` as `\n`); it also knows
    // which lines end in `\r\n`, so that a position between the two halves is caught.
    this.lines = [];
    const breaksAt = /\r\n|\r|\n/g;
    let from = 0;
    for (let m = breaksAt.exec(text); m; m = breaksAt.exec(text)) {
      if (m[0] === '\r\n') this.crlf.add(this.lines.length);
      this.lines.push(text.slice(from, m.index));
      from = m.index + m[0].length;
    }
    this.lines.push(text.slice(from));
  }

  /** Why the position is not inside the document, or undefined when it is. */
  problemWith(pos: Position): string | undefined {
    if (!Number.isInteger(pos.line) || !Number.isInteger(pos.character) || pos.line < 0 || pos.character < 0) return 'not a position';
    if (pos.line >= this.lines.length) return `line ${pos.line} of ${this.lines.length}`;
    const line = this.lines[pos.line];
    if (pos.character === line.length + 1 && this.crlf.has(pos.line)) return `character ${pos.character} is between the \\r and \\n ending a line of ${line.length} UTF-16 units`;
    if (pos.character > line.length) return `character ${pos.character} on a line of ${line.length} UTF-16 units`;
    const before = line.charCodeAt(pos.character - 1);
    const after = line.charCodeAt(pos.character);
    if (isHighSurrogate(before) && isLowSurrogate(after)) return `character ${pos.character} splits a surrogate pair`;
    return undefined;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Finds position problems in findings and the graph JSON; `texts` maps each file key to its text. */
export class PositionChecker {
  readonly problems: string[] = [];
  private readonly lines = new Map<string, Lines>();

  constructor(
    private readonly texts: ReadonlyMap<string, string>,
    private readonly breaks: LineBreaks = 'engine',
  ) {}

  findings(findings: readonly Finding[]): this {
    for (const f of findings) {
      const what = `${f.code} in ${f.function}()`;
      this.range(f.file, f.range, what);
      for (const r of f.related) this.range(r.file, r.range, `${what}, related "${r.message}"`);
      for (const s of f.sites ?? []) this.range(s.file, s.range, `${what}, site in ${s.function}()`);
      const detail = f.detail;
      if (detail?.kind === 'inversion') this.range(f.file, detail.heldRange, `${what}, held range`);
      if (detail?.kind === 'mismatch') {
        this.range(f.file, detail.releaseRange, `${what}, release range`);
        this.range(f.file, detail.calleeRange, `${what}, callee range`);
      }
    }
    return this;
  }

  /** Graph sites are 1-based, as people count. */
  graph(graph: GraphJson): this {
    for (const edge of graph.edges) {
      for (const site of edge.sites) this.position(site.file, { line: site.line - 1, character: site.column - 1 }, `graph edge ${edge.id}`);
    }
    return this;
  }

  range(file: string, range: Range, what: string): this {
    this.position(file, range.start, `${what}, start`);
    this.position(file, range.end, `${what}, end`);
    if (before(range.end, range.start)) this.problems.push(`${file}: ${what}: range ends before it starts ${JSON.stringify(range)}`);
    return this;
  }

  private position(file: string, pos: Position, what: string): void {
    const text = this.texts.get(file);
    if (text === undefined) return void this.problems.push(`${file}: ${what}: a file that was not analysed`);
    let lines = this.lines.get(file);
    if (!lines) this.lines.set(file, (lines = new Lines(text, this.breaks)));
    const problem = lines.problemWith(pos);
    if (problem) this.problems.push(`${file}: ${what}: ${problem} (${pos.line}:${pos.character})`);
  }
}
