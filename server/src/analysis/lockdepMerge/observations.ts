/**
 * What a parsed report says happened, in the shape the merge needs: "`taken` was acquired while
 * `held` was held" with the stack that did it, and every stack that acquired each lock (which is
 * how a lock name finds its function, and the held end of an edge its site).
 */
import type { EdgeEvidence, LockName, LockOccurrence, LockdepReport, LockdepSplat, StackFrame } from '../lockdep';
import type { Range } from '../sites';

/** Splat edges say how they were proven; /proc files say only that the dependency exists. */
export type RuntimeEvidence = EdgeEvidence | 'proc-lockdep' | 'proc-lockdep-chains';

export interface Observation {
  held: LockName;
  taken: LockName;
  /** The stack that took `taken`, innermost first; empty for /proc files. */
  frames: StackFrame[];
  /** The frame of the call that took it, to name when the stack never reaches the sources. */
  siteFrame?: StackFrame;
  evidence: RuntimeEvidence;
  /** Where the report names `taken` for this edge. */
  at: Range;
}

export function observationsOf(report: LockdepReport): Observation[] {
  const found: Observation[] = [];
  for (const splat of report.splats) {
    for (const edge of splat.edges) {
      found.push({ held: edge.held.name, taken: edge.taken.name, frames: edge.frames, siteFrame: edge.site, evidence: edge.evidence, at: edge.taken.range });
    }
  }
  for (const cls of report.classes) {
    for (const dep of cls.dependencies) found.push({ held: cls.name, taken: dep.name, frames: [], evidence: 'proc-lockdep', at: dep.nameRange });
  }
  for (const chain of report.chains) {
    // Held together, outermost first: each lock was taken while the one before it was held.
    for (let i = 1; i < chain.locks.length; i++) {
      const [held, taken] = [chain.locks[i - 1], chain.locks[i]];
      found.push({ held: held.name, taken: taken.name, frames: [], evidence: 'proc-lockdep-chains', at: taken.range });
    }
  }
  return found;
}

/** A busy log repeats the same stacks; a few per name are enough to find its function. */
const MAX_STACKS_PER_NAME = 8;

/** Adds to `stacks` (by raw name) every stack in the report that acquired a lock. */
export function collectTakingStacks(report: LockdepReport, stacks: Map<string, StackFrame[][]>): void {
  const add = (name: LockName, frames: StackFrame[]) => {
    if (frames.length === 0) return;
    let list = stacks.get(name.raw);
    if (!list) stacks.set(name.raw, (list = []));
    if (list.length < MAX_STACKS_PER_NAME) list.push(frames);
  };
  for (const splat of report.splats) {
    for (const lock of occurrences(splat)) if (lock.at) add(lock.name, [...(lock.inlinedAt ?? []), lock.at]);
    for (const edge of splat.edges) add(edge.taken.name, edge.frames);
    for (const step of splat.irqDependencyPath) for (const trace of step.usageTraces) add(step.lock.name, trace.frames);
  }
}

function occurrences(splat: LockdepSplat): LockOccurrence[] {
  const all = [splat.acquiring, splat.held, splat.releasing, splat.other, splat.newDependency?.held, splat.newDependency?.taken];
  return [
    ...all.filter((l): l is LockOccurrence => l !== undefined),
    ...splat.heldLocks.map((h) => h.lock),
    ...splat.chain.map((c) => c.lock),
    ...splat.irqDependencyPath.map((s) => s.lock),
  ];
}
