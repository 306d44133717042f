/**
 * The parts of a parsed lockdep report that the editor points into the sources: every lock name
 * where it is printed, and every stack frame with the lock its stack took, where the report says
 * which. Names are mapped to the engine's classes the way the merge maps them (lockdepMerge/).
 */
import type { LockName, LockOccurrence, LockdepReport, LockdepSplat, StackFrame } from '../../analysis/lockdep';
import { mapLockName, type LockMapping, type Workspace } from '../../analysis/lockdepMerge';
import { collectTakingStacks } from '../../analysis/lockdepMerge/observations';
import type { Range } from '../../analysis/sites';

export interface NamedLock {
  name: LockName;
  range: Range;
}

export interface FrameOfLock {
  frame: StackFrame;
  /** The lock the frame's stack took; absent for stacks that are about no one lock. */
  lock?: LockName;
}

/** Lock names mapped to classes with every report's stacks, as `mergeLockdep` does; each name once. */
export class LockNames {
  private readonly stacks = new Map<string, StackFrame[][]>();
  private readonly mappings = new Map<string, LockMapping>();

  constructor(
    readonly ws: Workspace,
    reports: readonly LockdepReport[],
  ) {
    for (const report of reports) collectTakingStacks(report, this.stacks);
  }

  map(name: LockName): LockMapping {
    let mapping = this.mappings.get(name.raw);
    if (!mapping) this.mappings.set(name.raw, (mapping = mapLockName(this.ws, name, this.stacks.get(name.raw) ?? [])));
    return mapping;
  }

  /** The class a name maps onto, else the name as printed. */
  label(name: LockName): string {
    const mapping = this.map(name);
    return mapping.rule ? mapping.classId : mapping.name;
  }
}

/** Every lock of a report with a place of its own in the text. */
export function lockOccurrences(splat: LockdepSplat): LockOccurrence[] {
  const named = [splat.acquiring, splat.held, splat.releasing, splat.other, splat.newDependency?.held, splat.newDependency?.taken];
  return [
    ...named.filter((l): l is LockOccurrence => l !== undefined),
    ...splat.chain.map((c) => c.lock),
    ...splat.heldLocks.map((h) => h.lock),
    ...splat.irqDependencyPath.map((s) => s.lock),
  ];
}

/** The lock names a splat prints: its locks, and those of its scenario. */
export function splatLockNames(splat: LockdepSplat): NamedLock[] {
  const found: NamedLock[] = lockOccurrences(splat).map((l) => ({ name: l.name, range: l.range }));
  found.push(...(splat.scenario?.chainExists ?? []));
  for (const step of splat.scenario?.steps ?? []) if (step.lock) found.push(step.lock);
  return found;
}

/** Every lock name of the report, /proc files included, in the order of the text. */
export function namedLocks(report: LockdepReport): NamedLock[] {
  const found = report.splats.flatMap(splatLockNames);
  for (const cls of report.classes) {
    found.push({ name: cls.name, range: cls.nameRange });
    for (const dep of cls.dependencies) found.push({ name: dep.name, range: dep.nameRange });
  }
  for (const chain of report.chains) for (const lock of chain.locks) found.push({ name: lock.name, range: lock.range });
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/**
 * Every frame of the report. A lock's `at:` frames, a dependency entry's stack and the traces of
 * an irq dependency step took that lock; the stack backtrace is the acquisition being reported.
 * Other labelled traces (`{HARDIRQ-ON-W} state was registered at:`) are left without a lock.
 */
export function framesOf(report: LockdepReport): FrameOfLock[] {
  const found: FrameOfLock[] = [];
  const add = (frames: readonly StackFrame[], lock?: LockName) => {
    for (const frame of frames) found.push({ frame, lock });
  };
  for (const splat of report.splats) {
    for (const lock of lockOccurrences(splat)) add([...(lock.inlinedAt ?? []), ...(lock.at ? [lock.at] : [])], lock.name);
    for (const entry of splat.chain) add(entry.frames, entry.lock.name);
    for (const step of splat.irqDependencyPath) {
      for (const trace of step.usageTraces) add(trace.frames, step.lock.name);
      add(step.acquiredAt, step.lock.name);
    }
    for (const trace of splat.traces) add(trace.frames);
    add(splat.backtrace, splat.acquiring?.name);
  }
  return found;
}
