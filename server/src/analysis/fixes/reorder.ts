/**
 * Reorder: `lock(B); lock(A); … unlock(A); unlock(B);` becomes `lock(A); lock(B); … unlock(B);
 * unlock(A);` when A-before-B is the established order. Only offered when nothing can observe the
 * change: the two acquisitions are neighbouring statements of one block (comments and inert
 * declarations may sit between them), and so are the two releases later in that block. Code
 * between the releases would run under the other lock, so there must be none; when the outer lock
 * is already released first, the releases stay as they are.
 */
import type { Finding } from '../findings';
import type { SyntaxNode } from '../parser';
import type { Range, Site } from '../sites';
import { compareSites } from '../sites';
import { FixContext, Proposal, declined } from './candidate';
import { LockCall, callAt, callOfStatement, containsJump, enclosing, lockCallOf, rangeOfNode, statementOf } from './syntax';
import type { TextEdit } from './text';

export function reorderFixes(ctx: FixContext, finding: Finding): Proposal[] {
  const detail = finding.detail;
  if (detail?.kind === 'inversion') {
    if (finding.file !== ctx.file) return [];
    const title = `Acquire ${detail.takenClass} before ${detail.heldClass}, ${support(finding, detail.orderSupport, detail.declared)}`;
    return [reorderAt(ctx, finding, finding, detail.heldRange, title, true)];
  }
  // No established order: the directions are evenly split (or the odd one out goes through a
  // call). Each direct site may adopt the other direction; verification keeps a fix only when it
  // removes the cycle, which one edit does when there is one site each way. The preferred fix
  // adopts the order that comes first in file order.
  if (finding.code !== 'lock-order-inversion' || finding.locks.length !== 2) return [];
  const sites = [...(finding.sites ?? [finding])].sort(compareSites);
  const tieTitle = (taken: string, held: string) =>
    `Acquire ${displayName(taken, finding.locks)} before ${displayName(held, finding.locks)}, ${support(finding, sites.length / 2, false)}`;
  return sites.filter((site) => site.file === ctx.file).map((site) => reorderAt(ctx, finding, site, null, tieTitle, site !== sites[0]));
}

type Title = string | ((takenText: string, heldText: string) => string);

function support(finding: Finding, count: number, declared: boolean): string {
  if (declared) {
    const where = finding.related.find((r) => r.message === 'order declared here');
    return where ? `as declared (${where.file.replace(/^.*[\\/]/, '')}:${where.range.start.line + 1})` : 'as declared';
  }
  return `as in ${count} other place${count === 1 ? '' : 's'}`;
}

/** A lock argument as its class is displayed, when the text names one of the cycle's classes. */
function displayName(lockText: string, classes: string[]): string {
  const bare = lockText.replace(/^&/, '');
  const field = bare.replace(/^.*(?:->|\.)/, '');
  const byField = classes.filter((c) => c === bare || c.replace(/\/[^/]*$/, '').endsWith(`.${field}`));
  return byField.length === 1 ? byField[0] : bare;
}

function reorderAt(ctx: FixContext, finding: Finding, at: Site, heldRange: Range | null, title: Title, isPreferred: boolean): Proposal {
  const fnName = at.function;
  const taken = lockCallOf(callAt(ctx.root, at.range), ctx.catalogue);
  if (!taken || taken.api.role !== 'acquire') return declined('acquisition-not-a-call');
  const takenStmt = statementOf(taken);
  if (!takenStmt) return declined('acquisition-not-a-statement');
  const fn = enclosing(takenStmt, 'function_definition');
  if (!fn) return declined('outside-function');

  const heldStmt = heldRange ? heldStatement(ctx, heldRange) : previousStatement(takenStmt);
  const held = heldStmt && lockCallOf(callOfStatement(heldStmt), ctx.catalogue);
  if (!heldStmt || !held || held.api.role !== 'acquire') return declined('held-not-a-statement');
  if (heldStmt.parent?.id !== takenStmt.parent?.id || heldStmt.startIndex >= takenStmt.startIndex) return declined('different-blocks');
  const between = statementsBetween(heldStmt, takenStmt);
  if (between.some(containsJump)) return declined('jump-between');
  if (!between.every((s) => isInertDeclaration(s, [taken, held]))) return declined('code-between');
  if (taken.api.handleArg !== undefined || held.api.handleArg !== undefined) return declined('handle-release');
  // The outer acquisition's interrupt state covers the inner lock: swapping `spin_lock_irqsave(b)`
  // and `spin_lock(a)` would take `a` with interrupts on.
  if (taken.api.ctx !== held.api.ctx) return declined('irq-context-differs');

  const releases = findReleases(ctx, takenStmt, taken, held);
  if (typeof releases === 'string') return declined(releases);

  const edits = swap(ctx, heldStmt, takenStmt);
  if (releases.swap) edits.push(...swap(ctx, releases.first, releases.second));
  const involvingHere = (findings: Finding[]) => involving(findings, finding, ctx.file, fnName);
  return {
    fix: {
      title: typeof title === 'string' ? title : title(taken.lockText, held.lockText),
      isPreferred,
      kind: 'reorder',
      edits,
    },
    fn,
    removedCalls: [],
    addedCalls: [],
    stillReported: (before, after) => involvingHere(after) >= involvingHere(before),
  };
}

/** Findings of the same code and locks that this function takes part in. */
function involving(findings: Finding[], target: Finding, file: string, fnName: string): number {
  const locks = [...target.locks].sort().join(',');
  return findings.filter(
    (f) =>
      f.code === target.code &&
      [...f.locks].sort().join(',') === locks &&
      [f, ...(f.sites ?? [])].some((s) => s.file === file && s.function === fnName),
  ).length;
}

function heldStatement(ctx: FixContext, range: Range): SyntaxNode | null {
  const call = callAt(ctx.root, range);
  return call && statementOf(call);
}

/** The statement before, passing over comments and declarations (whether they are inert is checked later). */
function previousStatement(stmt: SyntaxNode): SyntaxNode | null {
  for (let s = stmt.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type !== 'comment' && s.type !== 'declaration') return s;
  }
  return null;
}

function statementsBetween(first: SyntaxNode, last: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let s = first.nextNamedSibling; s && s.id !== last.id; s = s.nextNamedSibling) if (s.type !== 'comment') out.push(s);
  return out;
}

/** Named node types a constant initialiser is made of. */
const CONSTANT_PARTS = new Set([
  'number_literal', 'char_literal', 'string_literal', 'concatenated_string', 'string_content', 'escape_sequence',
  'null', 'true', 'false', 'unary_expression', 'binary_expression', 'parenthesized_expression',
  'initializer_list', 'initializer_pair', 'field_designator', 'field_identifier', 'subscript_designator',
]);

const MACRO_CONSTANT = /^[A-Z_][A-Z0-9_]*$/;

/**
 * A declaration that nothing can observe moving past: no initialiser, or a constant one, and it
 * declares no name either lock argument uses (moving a call past it would change what it means).
 */
function isInertDeclaration(stmt: SyntaxNode, calls: LockCall[]): boolean {
  if (stmt.type !== 'declaration') return false;
  const used = new Set(calls.flatMap((c) => c.args.flatMap((a) => [a, ...a.descendantsOfType('identifier')]).filter((n) => n.type === 'identifier').map((n) => n.text)));
  for (const declarator of stmt.childrenForFieldName('declarator')) {
    const init = declarator.type === 'init_declarator' ? declarator : null;
    const named = (init ? init.childForFieldName('declarator') : declarator)!;
    const names = [named, ...named.descendantsOfType('identifier')].filter((n) => n.type === 'identifier');
    if (names.some((n) => used.has(n.text))) return false;
    const value = init?.childForFieldName('value');
    if (value && !isConstant(value)) return false;
  }
  return true;
}

function isConstant(node: SyntaxNode): boolean {
  if (node.type === 'identifier') return MACRO_CONSTANT.test(node.text);
  if (!CONSTANT_PARTS.has(node.type)) return false;
  return node.namedChildren.every(isConstant);
}

interface ReleasePair {
  first: SyntaxNode;
  second: SyntaxNode;
  /** Inner lock released first: swap them so that the new inner lock goes first. */
  swap: boolean;
}

/** The first release of each lock later in the same block. */
function findReleases(ctx: FixContext, takenStmt: SyntaxNode, taken: LockCall, held: LockCall): ReleasePair | string {
  let ofTaken: SyntaxNode | null = null;
  let ofHeld: SyntaxNode | null = null;
  for (let s = takenStmt.nextNamedSibling; s && !(ofTaken && ofHeld); s = s.nextNamedSibling) {
    const release = lockCallOf(callOfStatement(s), ctx.catalogue);
    if (!release || release.api.role !== 'release') continue;
    if (!ofTaken && release.lockText === taken.lockText) ofTaken = s;
    else if (!ofHeld && release.lockText === held.lockText) ofHeld = s;
  }
  if (!ofTaken || !ofHeld) return 'releases-not-in-block';
  const ctxOf = (stmt: SyntaxNode) => lockCallOf(callOfStatement(stmt), ctx.catalogue)?.api.ctx;
  if (ctxOf(ofTaken) !== ctxOf(ofHeld)) return 'irq-context-differs';
  if (ofHeld.startIndex < ofTaken.startIndex) return { first: ofHeld, second: ofTaken, swap: false };
  if (statementsBetween(ofTaken, ofHeld).length > 0) return 'code-between-releases';
  return { first: ofTaken, second: ofHeld, swap: true };
}

/**
 * Exchanges two statements' texts. A comment after a statement on its line goes with it; the
 * indentation stays where it was.
 */
function swap(ctx: FixContext, a: SyntaxNode, b: SyntaxNode): TextEdit[] {
  // A `//` comment's node runs to the end of the line, `\r` included in a CRLF file: keep every
  // range inside its lines so that an editor applies exactly the edit that was verified.
  const inLines = (r: Range): Range => ({ start: ctx.lines.positionAt(ctx.lines.offsetAt(r.start)), end: ctx.lines.positionAt(ctx.lines.offsetAt(r.end)) });
  const ra = inLines(unitRange(a));
  const rb = inLines(unitRange(b));
  const textOf = (r: Range) => ctx.text.slice(ctx.lines.offsetAt(r.start), ctx.lines.offsetAt(r.end));
  return [
    { range: ra, newText: textOf(rb) },
    { range: rb, newText: textOf(ra) },
  ];
}

function unitRange(stmt: SyntaxNode): Range {
  const range = rangeOfNode(stmt);
  const next = stmt.nextSibling;
  if (next && next.type === 'comment' && next.startPosition.row === stmt.endPosition.row && next.endPosition.row === next.startPosition.row) {
    range.end = rangeOfNode(next).end;
  }
  return range;
}

