/**
 * Quick fixes for findings, each verified on a copy of the file before it is offered (see
 * fixes/verify.ts): a fix that does not remove its finding, adds one, touches code outside its
 * function, changes the lock calls beyond what it says, or makes the parse worse is dropped.
 *
 * - reorder (inversions, declared-order violations): take the locks in the established order;
 * - release (unreleased-lock): release before the leaking return;
 * - matching-release (mismatched-unlock): call the release that pairs with the acquisition;
 * - ignore (every finding): a `lockorder-ignore` comment.
 *
 * Pure but for `analyze`, which re-runs the engine on an edited copy of the file (the language
 * server passes one that re-analyses the file in its program).
 */
import type { Finding } from './findings';
import { DEFAULT_CATALOGUE, LockApiCatalogue } from './lockApis';
import { parseC } from './parser';
import type { CodeFix, FixContext, Proposal } from './fixes/candidate';
import { isDeclined } from './fixes/candidate';
import { ignoreFix } from './fixes/ignore';
import { matchingReleaseFix } from './fixes/matchingRelease';
import { releaseFix } from './fixes/release';
import { reorderFixes } from './fixes/reorder';
import { LineIndex } from './fixes/text';
import { Analyze, RejectReason, Verifier } from './fixes/verify';

export type { CodeFix, FixKind } from './fixes/candidate';
export type { TextEdit } from './fixes/text';
export type { Analyze, RejectReason } from './fixes/verify';

/** The fixes for one finding that passed verification, the preferred first. */
export function fixesFor(file: string, text: string, finding: Finding, analyze: Analyze, catalogue: LockApiCatalogue = DEFAULT_CATALOGUE): CodeFix[] {
  return examineFixes(file, text, finding, analyze, catalogue)
    .flatMap((o) => (o.outcome === 'verified' ? [o.fix] : []))
    .sort((a, b) => Number(b.isPreferred) - Number(a.isPreferred));
}

/** What happened to each fix considered for a finding: for benchmarks and tests. */
export type FixOutcome =
  | { outcome: 'verified'; fix: CodeFix; editedText: string }
  | { outcome: 'rejected'; fix: CodeFix; reason: RejectReason }
  | { outcome: 'declined'; kind: CodeFix['kind']; reason: string };

export function examineFixes(file: string, text: string, finding: Finding, analyze: Analyze, catalogue: LockApiCatalogue = DEFAULT_CATALOGUE): FixOutcome[] {
  const ctx: FixContext = { file, text, lines: new LineIndex(text), root: parseC(text).rootNode, catalogue };
  const verifier = new Verifier(ctx, analyze);
  const proposals: [CodeFix['kind'], Proposal][] = [
    ...proposalsFor(ctx, finding),
    ['ignore', ignoreFix(ctx, finding)],
  ];
  return proposals.map(([kind, proposal]): FixOutcome => {
    if (isDeclined(proposal)) return { outcome: 'declined', kind, reason: proposal.declined };
    const verdict = verifier.verify(proposal);
    return verdict.ok
      ? { outcome: 'verified', fix: proposal.fix, editedText: verdict.text }
      : { outcome: 'rejected', fix: proposal.fix, reason: verdict.reason };
  });
}

function proposalsFor(ctx: FixContext, finding: Finding): [CodeFix['kind'], Proposal][] {
  switch (finding.code) {
    case 'lock-order-inversion':
    case 'declared-order-violation':
      return reorderFixes(ctx, finding).map((p) => ['reorder', p]);
    case 'unreleased-lock':
      return [['release', releaseFix(ctx, finding)]];
    case 'mismatched-unlock':
      return [['matching-release', matchingReleaseFix(ctx, finding)]];
    default:
      return [];
  }
}
