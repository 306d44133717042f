/**
 * Function summaries: what a call to a function does to its caller's locks. Locks in a summary are
 * written in the callee's terms; `instantiate` maps a parameter-relative lock onto the caller's argument.
 */
import type { LockClass } from './lockClasses';
import type { LockExpr, NewObjectFlags } from './functionFacts';
import { elementText } from './lockExpr';
import type { Range } from './sites';

export interface SummaryLock {
  cls: LockClass;
  expr: LockExpr;
  /** The expression starts from this parameter of the summarised function. */
  paramIndex?: number;
  /** The expression starts from a local variable of the summarised function: callers know its class, not its name. */
  local?: boolean;
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
   * For a lock held on return: the steps from the returned pointer to the lock (`->lock` when the
   * function returns `&table[i]` holding `table[i].lock`), so a caller names the lock through the
   * variable that receives the result, as its release wrapper will.
   */
  fromReturn?: string[];
  /**
   * For a lock held on return: return paths hold it in different classes or modes (`if (excl)
   * down_write(); else down_read();`, a `_nested` subclass picked by a switch), so which one a
   * caller gets depends on its arguments.
   */
  varies?: boolean;
  /**
   * For a lock released for the caller: only some return paths release it, so a caller does not
   * pass the release on to its own callers.
   */
  partial?: boolean;
  /** For a lock the function takes itself: it does so on every path to a return. */
  everyPath?: boolean;
  /**
   * Conditions on the state of objects, by struct field (`btrfs_path.skip_locking` false), that held
   * on every path where the function took this lock. A caller known to have set the field otherwise
   * takes nothing; a caller that does not know may or may not, so its order edge is less certain.
   */
  guards?: FieldGuard[];
  /**
   * For a lock released for the caller, known only as maybe released (an assertion dropped on some
   * paths, a release deep in a callee): a caller orders nothing after the call, and may release the
   * lock again without an error.
   */
  someReturns?: boolean;
}

/**
 * A summary lock with every field of `SummaryLock` there, in one order, the optional ones undefined:
 * all summary locks share one hidden class, and the flow applying them at every call stays optimised
 * (spread together with only the fields each needed, they came in thousands of shapes on fs/).
 */
export function summaryLock(l: SummaryLock): SummaryLock {
  return {
    cls: l.cls,
    expr: l.expr,
    paramIndex: l.paramIndex,
    local: l.local,
    api: l.api,
    kind: l.kind,
    file: l.file,
    site: l.site,
    chain: l.chain,
    releasedBefore: l.releasedBefore,
    fromReturn: l.fromReturn,
    varies: l.varies,
    partial: l.partial,
    everyPath: l.everyPath,
    guards: l.guards,
    someReturns: l.someReturns,
  };
}

/**
 * `key` is `struct.field`, `struct.field:BIT` for a bit tested with `test_bit()`, or `arg#N` for the
 * function's parameter N tested as a flag (`if (create)`): a caller passing a constant decides it.
 */
export interface FieldGuard {
  key: string;
  value: boolean;
}

export interface ConditionalAcquire {
  lock: SummaryLock;
  /**
   * What the function returns when it holds the lock: non-zero, zero, or (`valid`) a pointer that
   * is no error value, where an error pointer (`IS_ERR()`) comes back without it.
   */
  success: 'nonzero' | 'zero' | 'valid';
}

export interface SleepEvidence {
  what: string;
  chain: string[];
  /** Sleeps on every path to a return, not just on some. */
  always: boolean;
  file: string;
  site: Range;
  /** Classes of the caller's locks the function had released when it slept (`unlock(hb); schedule();`). */
  releasedBefore?: string[];
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
  /** Returns a zeroed allocation (`return kmem_cache_zalloc(…);`) or NULL: a caller's new object has every field zero. */
  returnsZeroed?: boolean;
  /** A constructor: the flags fields of the new object it returns, each with the only bits that may be set (see newObjects.ts). */
  newObjectFlags?: NewObjectFlags[];
  /** Fields of the running task the function leaves changed (`current->journal_info = tr;`), directly or in callees. */
  taskFields?: TaskFieldEffect[];
}

/**
 * What a function leaves in a field of the running task when it returns: set to an object (non-NULL),
 * cleared, or changed to a value not known here. The task is the caller's as well, so a caller's test
 * of the field after the call reads what the callee stored.
 */
export interface TaskFieldEffect {
  /** As written in a test: `current->journal_info`. */
  field: string;
  /** True: not NULL; false: NULL or zero; null: changed, to what is not known. */
  value: boolean | null;
  /** Only the returns of 0 leave the field so; those of an error leave it as the caller had it (`ret = begin(); if (ret) goto out;`). */
  onSuccess?: boolean;
}

/** A summary with every field of `FunctionSummary` there, in one order, the optional ones undefined (as `summaryLock`). */
export function functionSummary(s: FunctionSummary): FunctionSummary {
  return {
    acquires: s.acquires,
    returnsHolding: s.returnsHolding,
    conditional: s.conditional,
    releasesOnEntry: s.releasesOnEntry,
    sleeps: s.sleeps,
    returnsZeroed: s.returnsZeroed,
    newObjectFlags: s.newObjectFlags,
    taskFields: s.taskFields,
  };
}

/** A summary of a function that takes, holds, releases and sleeps on nothing. */
export function emptySummary(): FunctionSummary {
  return functionSummary({ acquires: [], returnsHolding: [], conditional: [], releasesOnEntry: [], sleeps: null });
}

export function isEmptySummary(s: FunctionSummary): boolean {
  return (
    s.acquires.length === 0 && s.returnsHolding.length === 0 && s.releasesOnEntry.length === 0 && s.conditional.length === 0 && s.sleeps === null && !s.taskFields
  );
}

/** Transitive acquisitions are capped per function: enough for evidence, bounded in memory. */
export const MAX_SUMMARY_LOCKS = 48;

/**
 * Locks taken deeper than this many calls down are not carried up. Deep chains in real code run
 * through conditions that do not hold in the caller's context, and their reports are mostly noise.
 */
export const MAX_CHAIN_DEPTH = 4;

/** A stable text for change detection: callers are re-analysed only when it changes (array indices included). */
export function summarySignature(s: FunctionSummary): string {
  const guards = (l: SummaryLock) => (l.guards ? `?${l.guards.map((g) => `${g.value ? '' : '!'}${g.key}`).join('&')}` : '');
  const lock = (l: SummaryLock) =>
    `${l.cls.id}@${elementText(l.expr)}#${l.paramIndex ?? ''}${l.local ? 'L' : ''}:${l.api}${guards(l)}${l.someReturns ? '~~' : ''}${l.fromReturn ? `^${l.fromReturn.join('')}` : ''}${l.varies ? '~' : ''}${l.partial ? '?' : ''}${l.everyPath ? '!' : ''}${l.releasedBefore ? `-${l.releasedBefore.join('-')}` : ''}<${l.chain.join('<')}`;
  const locks = (list: SummaryLock[]) => list.map(lock).join(',');
  return [
    locks(s.acquires),
    locks(s.returnsHolding),
    s.conditional.map((c) => `${lock(c.lock)}:${c.success}`).join(','),
    locks(s.releasesOnEntry),
    s.sleeps ? `${s.sleeps.what}:${s.sleeps.always}:${s.sleeps.releasedBefore?.join(',') ?? ''}<${s.sleeps.chain.join('<')}` : '',
    s.returnsZeroed ? '0' : '',
    s.newObjectFlags?.map((f) => `${f.field}:${f.bits.join(',')}`).join(';') ?? '',
    (s.taskFields ?? []).map((t) => `${t.field}=${t.value}${t.onSuccess ? '?' : ''}`).join(','),
  ].join('|');
}
