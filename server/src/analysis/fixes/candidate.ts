/** What every fix builder gets and gives back. */
import type { Finding } from '../findings';
import type { LockApiCatalogue } from '../lockApis';
import type { SyntaxNode } from '../parser';
import type { Position } from '../sites';
import type { LineIndex, TextEdit } from './text';

export type FixKind = 'reorder' | 'ignore' | 'release' | 'matching-release';

export interface CodeFix {
  title: string;
  isPreferred: boolean;
  kind: FixKind;
  edits: TextEdit[];
}

/** The file a fix is built for, parsed once. */
export interface FixContext {
  file: string;
  text: string;
  lines: LineIndex;
  root: SyntaxNode;
  catalogue: LockApiCatalogue;
}

/**
 * A fix before verification, with what it promises: the lock calls it removes and adds (as
 * `name(args)` keys), the function it stays inside, and how to tell that its finding is gone.
 */
export interface Candidate {
  fix: CodeFix;
  /** The function_definition the edits lie in; nothing outside it may change. */
  fn: SyntaxNode;
  removedCalls: string[];
  addedCalls: string[];
  /** Given the findings before and after the edit, is the finding this fix targets still reported? */
  stillReported(before: Finding[], after: Finding[], moved: MovedPosition): boolean;
}

/** Maps a position of the original text into the edited text. */
export type MovedPosition = (pos: Position) => Position;

/** A fix that was not built, and why: the corpus script counts these. */
export interface Declined {
  declined: string;
}

export type Proposal = Candidate | Declined;

export function isDeclined(p: Proposal): p is Declined {
  return 'declined' in p;
}

export function declined(reason: string): Declined {
  return { declined: reason };
}

/** A finding at the same place (after the edit moved it) with the same code and function. */
export function reportedAt(after: Finding[], finding: Finding, moved: MovedPosition): boolean {
  const at = moved(finding.range.start);
  return after.some(
    (f) => f.code === finding.code && f.function === finding.function && f.range.start.line === at.line && f.range.start.character === at.character,
  );
}
