/**
 * Ignore on this line: `/* lockorder-ignore: CODE *\/` at the end of the finding's line, or on a line
 * of its own above it when the line already ends in a comment. The engine honours the directive on
 * the finding's line and on the line before.
 */
import type { Finding } from '../findings';
import { FixContext, Proposal, declined, reportedAt } from './candidate';
import { commentsOnLine, functionAt } from './syntax';

export function ignoreFix(ctx: FixContext, finding: Finding): Proposal {
  if (finding.file !== ctx.file) return declined('finding-in-other-file');
  const line = finding.range.start.line;
  const fn = functionAt(ctx.root, finding.range.start);
  if (!fn) return declined('outside-function');
  // Inside a multi-line macro a comment would end the macro early.
  if (/\\\s*$/.test(ctx.lines.lineText(line)) || (line > 0 && /\\\s*$/.test(ctx.lines.lineText(line - 1)))) {
    return declined('macro-continuation');
  }
  const directive = `/* lockorder-ignore: ${finding.code} */`;
  const text = ctx.lines.lineText(line);
  const comments = commentsOnLine(ctx.root, line);
  if (comments.some((c) => c.startPosition.row < line)) return declined('comment-spans-line');
  const end = { line, character: text.replace(/\s+$/, '').length };
  // On the line of a function's closing brace, text at the end would lie outside the function.
  const fnEnd = fn.endPosition;
  const endsFunction = fnEnd.row === line && fnEnd.column <= end.character;
  const edit = comments.length > 0 || endsFunction
    ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${ctx.lines.indentation(line)}${directive}${ctx.lines.eol}` }
    : { range: { start: end, end }, newText: ` ${directive}` };
  return {
    fix: { title: `Ignore \`${finding.code}\` on this line`, isPreferred: false, kind: 'ignore', edits: [edit] },
    fn,
    removedCalls: [],
    addedCalls: [],
    stillReported: (_before, after, moved) => reportedAt(after, finding, moved),
  };
}
