import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Range } from '../../../server/src/analysis/sites';
import { parseLockdepReport, type LockdepReport, type StackFrame } from '../../../server/src/analysis/lockdep';
import { repoRoot } from '../../repoRoot';

export { repoRoot };


export const FIXTURE_DIR = join(repoRoot(), 'test', 'fixtures', 'lockdep');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURE_DIR, name), 'utf8');
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR).sort();
}

export function parseOk(text: string): LockdepReport {
  const result = parseLockdepReport(text);
  assert.ok(result.ok, 'parse failed: ' + JSON.stringify(result));
  return result;
}

/** The text a single-line range covers. */
export function textAt(text: string, range: Range): string {
  assert.equal(range.start.line, range.end.line, 'range spans lines');
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
}

/** The 0-based line of the only line containing `needle` (fails on none or several). */
export function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const found = lines.flatMap((line, i) => (line.includes(needle) ? [i] : []));
  assert.equal(found.length, 1, `lines containing ${JSON.stringify(needle)}: ${found.join(', ')}`);
  return found[0];
}

/** `func+0x1/0x2 [mod] file.c:3 (inline)`: one frame as a short string, to compare stacks. */
export function frameSummary(f: StackFrame): string {
  let s = (f.unreliable ? '? ' : '') + f.function;
  if (f.offset !== undefined) s += `+0x${f.offset.toString(16)}/0x${(f.size ?? 0).toString(16)}`;
  if (f.module) s += ` [${f.module}]`;
  if (f.file) s += ` ${f.file}:${f.line}`;
  if (f.inline) s += ' (inline)';
  return s;
}
