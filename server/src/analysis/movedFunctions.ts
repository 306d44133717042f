/**
 * Functions that only moved: a line added or removed above a function changes none of its text but
 * every line it names. Its analysis is then the old one moved by the same number of lines, as long
 * as what it calls is unchanged: positions inside the function move, positions its callees' summaries
 * brought in (in other files, or elsewhere in this one) stay where they were.
 */
import type { FlowResult } from './flow';
import type { FunctionFacts } from './functionFacts';
import { movedFrom } from './functionReuse';

/** How many lines `after` lies below `before` when it is the same function moved by whole lines (not 0). */
export function lineShift(before: FunctionFacts, after: FunctionFacts): number | undefined {
  const delta = after.range.start.line - before.range.start.line;
  if (delta === 0 || before.file !== after.file) return undefined;
  // The language server's extraction moves the facts of an unchanged function itself, and says so.
  const origin = movedFrom(after);
  if (origin) return origin.facts === before && origin.delta === delta ? delta : undefined;
  return sameMovedBy(before, after, delta) ? delta : undefined;
}

function sameMovedBy(a: unknown, b: unknown, delta: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameMovedBy(a[i], b[i], delta)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (isPosition(x)) return isPosition(y) && y.line === x.line + delta && y.character === x.character;
  let keys = 0;
  for (const key in x) {
    keys++;
    if (!(key in y) || !sameMovedBy(x[key], y[key], delta)) return false;
  }
  for (const _ in y) keys--;
  return keys === 0;
}

/**
 * The result of `fn` (as it was analysed, at its old place) moved `delta` lines down: a position is
 * the function's own when it is in its file and within its old lines. Other positions (callees' locks
 * and sleeps, with their own file) are kept, and so are the maps of the result (names and signatures).
 */
export function movedResult(result: FlowResult, fn: FunctionFacts, delta: number): FlowResult {
  const first = fn.range.start.line;
  const last = fn.range.end.line;
  // Objects with nothing to move inside are shared with the old result, not copied.
  const move = (value: unknown, file: string): unknown => {
    if (typeof value !== 'object' || value === null || value instanceof Map || value instanceof Set) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const moved = move(value[i], file);
        if (moved !== value[i]) (out ??= value.slice())[i] = moved;
      }
      return out ?? value;
    }
    const source = value as Record<string, unknown>;
    if (isPosition(source)) {
      const own = file === fn.file && source.line >= first && source.line <= last;
      return own ? { line: source.line + delta, character: source.character } : source;
    }
    // A `file` names where the positions beside it are; `innerFile` where `innerSite` is.
    const here = typeof source.file === 'string' ? source.file : file;
    let out: Record<string, unknown> | undefined;
    for (const key in source) {
      const at = key === 'innerSite' && typeof source.innerFile === 'string' ? source.innerFile : here;
      const moved = move(source[key], at);
      if (moved !== source[key]) (out ??= { ...source })[key] = moved;
    }
    return out ?? source;
  };
  return move(result, fn.file) as FlowResult;
}

/** `{ line, character }` and nothing else. */
function isPosition(value: Record<string, unknown>): value is { line: number; character: number } {
  if (typeof value.line !== 'number' || typeof value.character !== 'number') return false;
  let keys = 0;
  for (const _ in value) keys++;
  return keys === 2;
}
