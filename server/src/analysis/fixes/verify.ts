/**
 * Every fix is applied to a copy and checked before it is offered:
 * - nothing outside its function changes;
 * - the parse has no more ERROR/MISSING nodes than before;
 * - the lock API calls are the same, but for exactly the ones the fix says it removes and adds;
 * - re-analysed, the finding it targets is gone, and no finding appears that was not there.
 */
import type { Finding } from '../findings';
import { countErrorNodes, parseC } from '../parser';
import type { Position } from '../sites';
import type { Candidate, FixContext } from './candidate';
import { lockCallCounts, rangeOfNode } from './syntax';
import { LineIndex, applyEdits, mapPosition, offsetsOf } from './text';

export type RejectReason =
  | 'overlapping-edits'
  | 'changed-outside-function'
  | 'more-syntax-errors'
  | 'lock-calls-changed'
  | 'finding-remains'
  | 'new-finding';

export type Verdict = { ok: true; text: string } | { ok: false; reason: RejectReason };

export type Analyze = (file: string, text: string) => Finding[];

export class Verifier {
  private baseline?: { errors: number; calls: Map<string, number>; findings: Finding[] };

  constructor(
    private readonly ctx: FixContext,
    private readonly analyze: Analyze,
  ) {}

  verify(candidate: Candidate): Verdict {
    const { ctx } = this;
    let text: string;
    try {
      text = applyEdits(ctx.lines, candidate.fix.edits);
    } catch {
      return { ok: false, reason: 'overlapping-edits' };
    }
    if (!sameOutside(ctx, candidate, text)) return { ok: false, reason: 'changed-outside-function' };
    const before = this.before();
    const root = parseC(text).rootNode;
    if (countErrorNodes(root) > before.errors) return { ok: false, reason: 'more-syntax-errors' };
    const expected = new Map(before.calls);
    for (const key of candidate.removedCalls) expected.set(key, (expected.get(key) ?? 0) - 1);
    for (const key of candidate.addedCalls) expected.set(key, (expected.get(key) ?? 0) + 1);
    if (!sameCounts(expected, lockCallCounts(root, ctx.catalogue))) return { ok: false, reason: 'lock-calls-changed' };

    const after = this.analyze(ctx.file, text).filter((f) => touchesFile(f, ctx.file));
    const edited = new LineIndex(text);
    const moved = (pos: Position) => mapPosition(ctx.lines, candidate.fix.edits, pos, edited);
    if (candidate.stillReported(before.findings, after, moved)) return { ok: false, reason: 'finding-remains' };
    if (hasNewFinding(before.findings, after)) return { ok: false, reason: 'new-finding' };
    return { ok: true, text };
  }

  private before(): NonNullable<Verifier['baseline']> {
    if (!this.baseline) {
      const { ctx } = this;
      this.baseline = {
        errors: countErrorNodes(ctx.root),
        calls: lockCallCounts(ctx.root, ctx.catalogue),
        findings: this.analyze(ctx.file, ctx.text).filter((f) => touchesFile(f, ctx.file)),
      };
    }
    return this.baseline;
  }
}

/**
 * The text before the function's start and after its end is what it was, and no edit lies on the
 * boundary (text appended after the closing brace is outside the function too).
 */
function sameOutside(ctx: FixContext, candidate: Candidate, text: string): boolean {
  const { start, end } = offsetsOf(ctx.lines, rangeOfNode(candidate.fn));
  const inside = candidate.fix.edits.every((e) => {
    const edit = offsetsOf(ctx.lines, e.range);
    return edit.start >= start && edit.start < end && edit.end <= end;
  });
  return inside && text.startsWith(ctx.text.slice(0, start)) && text.endsWith(ctx.text.slice(end));
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const key of keys) if ((a.get(key) ?? 0) !== (b.get(key) ?? 0)) return false;
  return true;
}

function touchesFile(f: Finding, file: string): boolean {
  return f.file === file || (f.sites ?? []).some((s) => s.file === file);
}

/**
 * Findings by code, function and locks (positions move with an edit, these do not). A cycle is one
 * finding whichever of its sites is the primary, so its function is left out.
 */
function findingKeys(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const key = `${f.code}|${f.cycleId ? '' : f.function}|${[...f.locks].sort().join(',')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function hasNewFinding(before: Finding[], after: Finding[]): boolean {
  const was = findingKeys(before);
  for (const [key, count] of findingKeys(after)) if (count > (was.get(key) ?? 0)) return true;
  return false;
}
