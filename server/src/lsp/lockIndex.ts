/**
 * Lookups over one analysis snapshot, for hover: which lock is named at a position, what is known
 * about its class, and the orders declared for it.
 */
import { matches } from '../analysis/declaredOrders';
import { rangeContains, type Position, type Range } from '../analysis/sites';
import { unpackReferences, type AnalysisSnapshot, type DeclaredOrderRef, type LockReference, type LockSummary } from './engine/messages';

export class LockIndex {
  constructor(readonly snapshot: AnalysisSnapshot) {}

  /** The innermost lock reference containing the position. */
  referenceAt(uri: string, position: Position): LockReference | undefined {
    let best: LockReference | undefined;
    const references = this.snapshot.references[uri];
    if (!references) return undefined;
    for (const ref of unpackReferences(references)) {
      if (rangeContains(ref.range, position) && (!best || isInside(ref.range, best.range))) best = ref;
    }
    return best;
  }

  /** Undefined for a class never taken in the analysed files. */
  lock(id: string): LockSummary | undefined {
    return this.snapshot.locks[id];
  }

  declaredOrdersOf(id: string): DeclaredOrderRef[] {
    return this.snapshot.declaredOrders.filter((o) => o.locks.some((name) => matches(name, id)));
  }
}

function isInside(inner: Range, outer: Range): boolean {
  return rangeContains(outer, inner.start) && rangeContains(outer, inner.end);
}
