/**
 * Functions that only moved: a line added or removed above a function changes none of its text but
 * every line it names. Its analysis is then the old one moved by the same number of lines, as long
 * as what it calls is unchanged: positions inside the function move, positions its callees' summaries
 * brought in (in other files, or elsewhere in this one) stay where they were.
 */
import type { FlowResult } from './flow';
import { rangeOfSpan, type Range, type Span } from './sites';
import type { SummaryLock } from './summaries';
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
    if (!(key in y)) return false;
    // A statement's site is a number (see `Span`), known by its key.
    const same = key === 'site' ? sameMovedBy(rangeOfSpan(x[key] as Span), rangeOfSpan(y[key] as Span), delta) : sameMovedBy(x[key], y[key], delta);
    if (!same) return false;
  }
  for (const _ in y) keys--;
  return keys === 0;
}

/** Where a function was when it was analysed: what moving its analysis needs to know of it. */
export type FunctionPlace = Pick<FunctionFacts, 'name' | 'file' | 'range'>;

/**
 * Where a position of `fn`'s analysis (made at its old place) is once the function is `delta` lines
 * further down. A position is the function's own when it is in its file and within its old lines: the
 * sites of its acquisitions and edges, and the summary's locks and sleep where they are its own; those
 * its callees brought in (in other files, or elsewhere in this one) stay. An unmoved range is returned
 * as it is.
 */
export function rangeMover(fn: FunctionPlace, delta: number): (range: Range, file: string) => Range {
  const own = ownPlace(fn);
  return (r, file) => {
    if (!own(r, file)) return r;
    return { start: { line: r.start.line + delta, character: r.start.character }, end: { line: r.end.line + delta, character: r.end.character } };
  };
}

/** Whether a position of `fn`'s analysis is its own: in its file, starting within its lines. */
function ownPlace(fn: FunctionPlace): (range: Range, file: string) => boolean {
  const first = fn.range.start.line;
  const last = fn.range.end.line;
  return (r, file) => file === fn.file && r.start.line >= first && r.start.line <= last;
}

/**
 * The result of `fn` (as it was analysed, at its old place) moved `delta` lines down (see
 * `rangeMover`). Objects without a position to move are shared with the old result. Only results
 * without local findings are moved (their messages name lines), so it has none.
 */
export function movedResult(result: FlowResult, fn: FunctionPlace, delta: number): FlowResult {
  if (result.findings.length > 0) throw new Error(`${fn.name}() has local findings: it must be analysed again, not moved`);
  const range = rangeMover(fn, delta);
  const lock = (l: SummaryLock): SummaryLock => {
    const site = range(l.site, l.file);
    return site === l.site ? l : { ...l, site };
  };
  const locks = (list: SummaryLock[]) => list.map(lock);
  const { summary } = result;
  const sleepSite = summary.sleeps && range(summary.sleeps.site, summary.sleeps.file);
  return {
    ...result,
    edges: result.edges.map((e) => ({
      ...e,
      site: range(e.site, fn.file),
      heldSite: range(e.heldSite, fn.file),
      ...(e.innerSite && { innerSite: range(e.innerSite, e.innerFile ?? fn.file) }),
    })),
    acquisitions: result.acquisitions.map((a) => ({ ...a, site: range(a.site, fn.file) })),
    summary: {
      ...summary,
      acquires: locks(summary.acquires),
      returnsHolding: locks(summary.returnsHolding),
      conditional: summary.conditional.map((c) => ({ ...c, lock: lock(c.lock) })),
      releasesOnEntry: locks(summary.releasesOnEntry),
      sleeps: summary.sleeps && sleepSite !== summary.sleeps.site ? { ...summary.sleeps, site: sleepSite! } : summary.sleeps,
    },
  };
}

/**
 * Whether moving `fn` moves a place of its summary (one of its own): callers copy those places into
 * their edges, so they are analysed again.
 */
export function movesSummary(result: FlowResult, fn: FunctionPlace): boolean {
  const ownRange = ownPlace(fn);
  const own = (l: { file: string; site: Range }) => ownRange(l.site, l.file);
  const { summary } = result;
  return (
    summary.acquires.some(own) ||
    summary.returnsHolding.some(own) ||
    summary.conditional.some((c) => own(c.lock)) ||
    summary.releasesOnEntry.some(own) ||
    (!!summary.sleeps && own(summary.sleeps))
  );
}

/** `{ line, character }` and nothing else. */
function isPosition(value: Record<string, unknown>): value is { line: number; character: number } {
  if (typeof value.line !== 'number' || typeof value.character !== 'number') return false;
  let keys = 0;
  for (const _ in value) keys++;
  return keys === 2;
}
