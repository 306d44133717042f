/**
 * Function summaries: what a call to a function does to its caller's locks. Locks in a summary are
 * written in the callee's terms; `instantiate` maps a parameter-relative lock onto the caller's argument.
 */
import type { LockClass } from './lockClasses';
import type { LockExpr } from './functionFacts';
import type { Range } from './sites';

export interface SummaryLock {
  cls: LockClass;
  expr: LockExpr;
  /** The expression starts from this parameter of the summarised function. */
  paramIndex?: number;
  /** The API that took it, e.g. `spin_lock_irqsave`. */
  api: string;
  kind: string;
  /** Where it was taken: the innermost function's file and range. */
  file: string;
  site: Range;
  /** Functions from the summarised one down to the one that takes the lock. */
  chain: string[];
  /**
   * Classes of the caller's locks that the function had already released when it took this one
   * (`__releases(a)`: unlock a, then lock b). Holding one of those in the caller makes no edge to it.
   */
  releasedBefore?: string[];
  /**
   * Conditions on the state of objects, by struct field (`btrfs_path.skip_locking` false), that held
   * on every path where the function took this lock. A caller known to have set the field otherwise
   * takes nothing; a caller that does not know may or may not, so its order edge is less certain.
   */
  guards?: FieldGuard[];
  /** In `releasesOnEntry`: dropped on some return paths only, so a caller may still hold it. */
  someReturns?: boolean;
}

/** `key` is `struct.field`, or `struct.field:BIT` for a bit tested with `test_bit()`. */
export interface FieldGuard {
  key: string;
  value: boolean;
}

export interface ConditionalAcquire {
  lock: SummaryLock;
  /** What the function returns when it holds the lock. */
  success: 'nonzero' | 'zero';
}

export interface SleepEvidence {
  what: string;
  chain: string[];
  /** Sleeps on every path to a return, not just on some. */
  always: boolean;
  file: string;
  site: Range;
}

export interface FunctionSummary {
  /** Locks taken (not try-taken) while running, directly or in callees. */
  acquires: SummaryLock[];
  /** Held on every return though not on entry: a lock wrapper like `lock_foo()`. */
  returnsHolding: SummaryLock[];
  /** Held on returns with one value and not the other: a trylock wrapper. */
  conditional: ConditionalAcquire[];
  /** Released though never taken here: an unlock wrapper, or a function entered with the lock held. */
  releasesOnEntry: SummaryLock[];
  sleeps: SleepEvidence | null;
}

export const EMPTY_SUMMARY: FunctionSummary = { acquires: [], returnsHolding: [], conditional: [], releasesOnEntry: [], sleeps: null };

/** Transitive acquisitions are capped per function: enough for evidence, bounded in memory. */
export const MAX_SUMMARY_LOCKS = 48;

/**
 * Locks taken deeper than this many calls down are not carried up. Deep chains in real code run
 * through conditions that do not hold in the caller's context, and their reports are mostly noise.
 */
export const MAX_CHAIN_DEPTH = 4;

/** A stable text for change detection: callers are re-analysed only when it changes. */
export function summarySignature(s: FunctionSummary): string {
  const guards = (l: SummaryLock) => (l.guards ? `?${l.guards.map((g) => `${g.value ? '' : '!'}${g.key}`).join('&')}` : '');
  const locks = (list: SummaryLock[]) => list.map((l) => `${l.cls.id}@${l.expr.text}${guards(l)}${l.someReturns ? '~' : ''}`).join(',');
  return [
    locks(s.acquires),
    locks(s.returnsHolding),
    s.conditional.map((c) => `${c.lock.cls.id}:${c.success}`).join(','),
    locks(s.releasesOnEntry),
    s.sleeps ? `${s.sleeps.what}:${s.sleeps.always}` : '',
  ].join('|');
}
