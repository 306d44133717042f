/**
 * Release before this return: `unreleased-lock` points at a return (or the end of the function)
 * reached holding a lock that other returns release. The fix inserts the release written the way
 * the acquisition wrote its lock (`&x->lock`, with the flags of an irqsave), braces an unbraced `if`
 * body, and gives up when an argument the release needs is unknown, or when the code gives reason
 * to doubt the finding (fixes/releaseSafety.ts).
 */
import type { Finding } from '../findings';
import type { LockApi } from '../lockApis';
import type { SyntaxNode } from '../parser';
import type { Position } from '../sites';
import { FixContext, Proposal, declined, reportedAt } from './candidate';
import { whyNotRelease } from './releaseSafety';
import { LockCall, callAt, callKey, commentsOnLine, enclosing, lockCallOf, nodeAt, rangeOfNode } from './syntax';
import type { TextEdit } from './text';

/** Releases that take, besides the lock, the value whose address the acquisition was given. */
export const SAVED_VALUE_RELEASES: ReadonlySet<string> = new Set(['KeReleaseSpinLock']);

export function releaseFix(ctx: FixContext, finding: Finding): Proposal {
  const detail = finding.detail;
  if (detail?.kind !== 'unreleased') return declined('no-detail');
  if (finding.file !== ctx.file) return declined('finding-in-other-file');
  const release = ctx.catalogue.get(detail.releaseCall);
  if (!release || release.role !== 'release') return declined('release-unknown');
  const takenAt = finding.related[0];
  const acquisition = takenAt && lockCallOf(callAt(ctx.root, takenAt.range), ctx.catalogue);
  if (!acquisition) return declined('acquisition-not-a-call');
  const args = releaseArguments(acquisition, release);
  if (typeof args === 'string') return declined(args);
  const statement = `${release.name}(${args.join(', ')});`;

  const ret = nodeAt(ctx.root, finding.range, 'return_statement');
  const fn = enclosing(ret ?? acquisition.node, 'function_definition');
  if (!fn) return declined('outside-function');
  // The return, or the closing brace of a function that falls off its end.
  const exit = ret ?? fn.childForFieldName('body')?.lastChild ?? null;
  if (!exit) return declined('not-at-return');
  const distrust = whyNotRelease(ctx, fn, acquisition, release, exit);
  if (distrust) return declined(distrust);
  const edits = ret ? beforeReturn(ctx, ret, statement, fn) : beforeClosingBrace(ctx, fn, finding.range.start, statement);
  if (typeof edits === 'string') return declined(edits);
  return {
    fix: { title: `Release \`${acquisition.lockText}\` before returning`, isPreferred: true, kind: 'release', edits },
    fn,
    removedCalls: [],
    addedCalls: [callKey(release.name, args)],
    stillReported: (_before, after, moved) => reportedAt(after, finding, moved),
  };
}

function releaseArguments(acquisition: LockCall, release: LockApi): string[] | string {
  const lock = acquisition.args[acquisition.api.lockArg].text;
  if (release.handleArg !== undefined) {
    const handle = acquisition.api.handleArg === undefined ? undefined : acquisition.args[acquisition.api.handleArg];
    return handle ? [handle.text] : 'handle-unknown';
  }
  if (release.ctx === 'irqsave') {
    const flags = acquisition.api.ctx === 'irqsave' ? acquisition.args[1] : undefined;
    return flags ? [lock, flags.text] : 'flags-unknown';
  }
  if (SAVED_VALUE_RELEASES.has(release.name)) {
    const saved = acquisition.args[1]?.text;
    return saved?.startsWith('&') ? [lock, saved.slice(1)] : 'saved-value-unknown';
  }
  return [lock];
}

/** Statements whose body may be a lone statement: the return is wrapped in braces there. */
const BODY_OWNERS = new Set(['if_statement', 'else_clause', 'for_statement', 'while_statement', 'do_statement']);
const STATEMENT_LISTS = new Set(['compound_statement', 'case_statement', 'labeled_statement']);

function beforeReturn(ctx: FixContext, ret: SyntaxNode, statement: string, fn: SyntaxNode): TextEdit[] | string {
  const parent = ret.parent;
  if (!parent) return 'return-in-unexpected-place';
  const eol = ctx.lines.eol;
  const start = rangeOfNode(ret).start;
  const startsLine = ctx.lines.indentation(start.line).length === start.character;
  if (STATEMENT_LISTS.has(parent.type)) {
    return [insert(start, `${statement}${eol}${ctx.lines.indentation(start.line)}`)];
  }
  if (!BODY_OWNERS.has(parent.type)) return 'return-in-unexpected-place';
  const before = ret.previousSibling;
  if (!before || before.type === 'comment') return 'comment-before-return';
  const ownerIndent = ctx.lines.indentation(parent.startPosition.row);
  const close = insert(endWithTrailingComment(ctx, ret), `${eol}${ownerIndent}}`);
  const afterBefore = rangeOfNode(before).end;
  if (startsLine) {
    return [insert(afterBefore, ' {'), insert(start, `${statement}${eol}${ctx.lines.indentation(start.line)}`), close];
  }
  const inner = ownerIndent + indentUnit(ctx, fn);
  return [{ range: { start: afterBefore, end: start }, newText: ` {${eol}${inner}${statement}${eol}${inner}` }, close];
}

/** An unbraced body's closing brace goes after a comment that ends its line. */
function endWithTrailingComment(ctx: FixContext, node: SyntaxNode): Position {
  let end = rangeOfNode(node).end;
  for (const comment of commentsOnLine(ctx.root, end.line)) {
    const range = rangeOfNode(comment);
    if (range.start.line === end.line && range.end.line === end.line && range.start.character >= end.character) end = range.end;
  }
  return end;
}

/** Falling off the end of the function: the release goes on a line of its own before the `}`. */
function beforeClosingBrace(ctx: FixContext, fn: SyntaxNode, at: Position, statement: string): TextEdit[] | string {
  const body = fn.childForFieldName('body');
  const brace = body?.lastChild;
  if (!body || !brace || brace.type !== '}') return 'not-at-return';
  const braceRange = rangeOfNode(brace);
  const atBrace = at.line === braceRange.start.line && (at.character === braceRange.start.character || at.character === braceRange.end.character);
  if (!atBrace) return 'not-at-return';
  if (ctx.lines.indentation(braceRange.start.line).length !== braceRange.start.character) return 'brace-not-on-own-line';
  const indent = ctx.lines.indentation(braceRange.start.line) + indentUnit(ctx, fn);
  return [insert({ line: braceRange.start.line, character: 0 }, `${indent}${statement}${ctx.lines.eol}`)];
}

/** One level of indentation as this function writes it (the kernel's tab when it cannot tell). */
function indentUnit(ctx: FixContext, fn: SyntaxNode): string {
  const first = fn.childForFieldName('body')?.firstNamedChild;
  const fnIndent = ctx.lines.indentation(fn.startPosition.row);
  if (first && first.startPosition.row !== fn.startPosition.row) {
    const bodyIndent = ctx.lines.indentation(first.startPosition.row);
    if (bodyIndent.startsWith(fnIndent) && bodyIndent.length > fnIndent.length) return bodyIndent.slice(fnIndent.length);
  }
  return '\t';
}

function insert(at: Position, newText: string): TextEdit {
  return { range: { start: at, end: at }, newText };
}
