/**
 * The lock orderings a report proves: `held` was held while `taken` was acquired.
 *
 * A circular report prints its chain "in reverse order": `-> #N` down to `-> #0`. Entry #0 is the
 * lock being acquired now, with the current stack; each entry #k above it was taken while #k-1
 * was held, and its stack is where that happened. The entry with the highest number is the lock
 * the task already holds, which closes the cycle into #0.
 */
import { acquisitionSite } from './frames';
import type { EdgeEvidence, LockdepSplat, LockEdge, LockOccurrence, StackFrame } from './types';

export function deriveEdges(splat: LockdepSplat): LockEdge[] {
  const edges = new EdgeList();
  switch (splat.kind) {
    case 'circular':
      cycleEdges(splat, edges);
      heldWhileAcquiring(splat, edges);
      break;
    case 'recursive':
    case 'invalid-wait-context':
      heldWhileAcquiring(splat, edges);
      break;
    case 'irq-safe-unsafe':
      if (splat.newDependency) {
        edges.add(splat.newDependency.held, splat.newDependency.taken, splat.backtrace, 'new-dependency');
      }
      heldWhileAcquiring(splat, edges);
      break;
    case 'irq-inversion':
      irqPathEdges(splat, edges);
      break;
    case 'inconsistent':
    case 'bad-unlock':
      // About irq state and unlocking: these prove no ordering.
      break;
  }
  return edges.list;
}

/** Entry #k was taken while #k-1 was held; #0 while the highest entry was held. */
function cycleEdges(splat: LockdepSplat, edges: EdgeList): void {
  const byIndex = new Map(splat.chain.map((entry) => [entry.index, entry]));
  if (byIndex.size < 2) return;
  const top = Math.max(...byIndex.keys());
  for (let k = 0; k <= top; k++) {
    const taken = byIndex.get(k);
    const held = byIndex.get(k === 0 ? top : k - 1);
    if (taken && held) edges.add(held.lock, taken.lock, taken.frames, 'dependency-chain');
  }
}

/** Every lock the task held (or, if the list was lost, the one it said it held) came before the new one. */
function heldWhileAcquiring(splat: LockdepSplat, edges: EdgeList): void {
  if (!splat.acquiring) return;
  const holders = splat.heldLocks.length > 0 ? splat.heldLocks.map((h) => h.lock) : splat.held ? [splat.held] : [];
  for (const held of holders) edges.add(held, splat.acquiring, splat.backtrace, 'held-while-acquiring');
}

/**
 * The shortest path is printed from the other lock (deepest) back to the lock whose state just
 * changed; each step's `acquired at` stack belongs to the dependency between it and the next
 * step printed. Searching forwards (`took another ... lock`) the next step was held; searching
 * backwards (`was taken by another ... lock`) the step itself was.
 */
function irqPathEdges(splat: LockdepSplat, edges: EdgeList): void {
  const path = splat.irqDependencyPath;
  for (let i = 0; i + 1 < path.length; i++) {
    const step = path[i];
    const toward = path[i + 1];
    if (splat.irqDirection === 'forwards') edges.add(toward.lock, step.lock, step.acquiredAt, 'irq-dependency');
    else if (splat.irqDirection === 'backwards') edges.add(step.lock, toward.lock, step.acquiredAt, 'irq-dependency');
  }
}

/** Edges in the order found, each pair of lock names once. */
class EdgeList {
  readonly list: LockEdge[] = [];
  private readonly seen = new Set<string>();

  add(held: LockOccurrence, taken: LockOccurrence, frames: StackFrame[], evidence: EdgeEvidence): void {
    const key = `${held.name.raw}\u0000${taken.name.raw}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const edge: LockEdge = { held, taken, frames, evidence };
    const site = acquisitionSite(frames);
    if (site) edge.site = site;
    this.list.push(edge);
  }
}
