/**
 * Use the matching release: `spin_lock_irqsave(&l, flags) … spin_unlock(&l)` becomes `…
 * spin_unlock_irqrestore(&l, flags)`. Switching to an `_irqrestore` needs the acquisition's flags
 * (it is not offered when they cannot be found); switching away from one drops them. Not offered
 * where the mismatch looks deliberate: the release pairs with another acquisition of the lock, or
 * another lock hands the interrupt or bottom-half state over the other way.
 */
import type { Finding } from '../findings';
import type { IrqContext, LockApi } from '../lockApis';
import type { SyntaxNode } from '../parser';
import { FixContext, Proposal, declined, reportedAt } from './candidate';
import { LockCall, callAt, callKey, callOf, enclosing, lockCallOf, rangeOfNode } from './syntax';
import { SAVED_VALUE_RELEASES } from './release';
import type { TextEdit } from './text';

export function matchingReleaseFix(ctx: FixContext, finding: Finding): Proposal {
  const detail = finding.detail;
  if (detail?.kind !== 'mismatch') return declined('no-detail');
  if (finding.file !== ctx.file) return declined('finding-in-other-file');
  const expected = ctx.catalogue.get(detail.expectedRelease);
  if (!expected || expected.role !== 'release') return declined('release-unknown');
  const release = lockCallOf(callAt(ctx.root, detail.releaseRange), ctx.catalogue);
  if (!release || release.api.role !== 'release') return declined('release-not-a-call');
  if (release.api.handleArg !== undefined || expected.handleArg !== undefined) return declined('handle-release');
  if (SAVED_VALUE_RELEASES.has(release.name) !== SAVED_VALUE_RELEASES.has(expected.name)) return declined('saved-value-unknown');
  const fn = enclosing(release.node, 'function_definition');
  if (!fn) return declined('outside-function');
  if (pairsWithAnotherAcquisition(ctx, fn, release)) return declined('pairs-with-another-acquisition');
  if (handsOverContext(ctx, fn, release, release.api.ctx, expected.ctx)) return declined('context-handed-over');

  const oldArgs = release.args.map((a) => a.text);
  let newArgs = oldArgs;
  if (expected.ctx === 'irqsave' && release.api.ctx !== 'irqsave') {
    const flags = flagsOf(ctx, finding, fn, release, expected);
    if (!flags) return declined('flags-unknown');
    newArgs = [oldArgs[release.api.lockArg], flags];
  } else if (release.api.ctx === 'irqsave' && expected.ctx !== 'irqsave') {
    newArgs = [oldArgs[release.api.lockArg]];
  }
  const edit: TextEdit =
    newArgs === oldArgs
      ? { range: rangeOfNode(release.nameNode), newText: expected.name }
      : { range: rangeOfNode(release.node), newText: `${expected.name}(${newArgs.join(', ')})` };
  return {
    fix: { title: `Release with \`${expected.name}\``, isPreferred: true, kind: 'matching-release', edits: [edit] },
    fn,
    removedCalls: [callKey(release.name, oldArgs)],
    addedCalls: [callKey(expected.name, newArgs)],
    stillReported: (_before, after, moved) => reportedAt(after, finding, moved),
  };
}

/**
 * The release already matches another acquisition of the same lock in this function, as in
 * `down_read(); … up_read(); down_write(); … up_write();` on paths the engine could not tell
 * apart: renaming it would break the path it is right for.
 */
function pairsWithAnotherAcquisition(ctx: FixContext, fn: SyntaxNode, release: LockCall): boolean {
  return fn.descendantsOfType('call_expression').some((node) => {
    const call = lockCallOf(callOf(node), ctx.catalogue);
    return call !== null && call.api.role !== 'release' && call.lockText === release.lockText && ctx.catalogue.expectedRelease(call.api)?.name === release.name;
  });
}

/**
 * Another lock of this function is taken in context `from` and released in context `to`: the
 * interrupt or bottom-half state passes from one lock to the other on purpose
 * (`read_lock_bh(a); spin_lock(b); read_unlock(a); … spin_unlock_bh(b);`), and renaming one of the
 * releases would leave the section twice.
 */
function handsOverContext(ctx: FixContext, fn: SyntaxNode, release: LockCall, from: IrqContext, to: IrqContext): boolean {
  const enteredWith = new Set<string>();
  const leftWith = new Set<string>();
  for (const node of fn.descendantsOfType('call_expression')) {
    const call = lockCallOf(callOf(node), ctx.catalogue);
    if (!call || call.lockText === release.lockText) continue;
    if (call.api.role !== 'release' && call.api.ctx === from) enteredWith.add(call.lockText);
    if (call.api.role === 'release' && call.api.ctx === to) leftWith.add(call.lockText);
  }
  return [...enteredWith].some((lock) => leftWith.has(lock));
}

/**
 * The flags an irqsave acquisition of this lock saved into: from the finding's "taken here" site,
 * else the nearest such acquisition of the same lock text earlier in the function.
 */
function flagsOf(ctx: FixContext, finding: Finding, fn: SyntaxNode, release: LockCall, expected: LockApi): string | undefined {
  const savesFlags = (call: LockCall | null): call is LockCall =>
    call !== null && call.api.ctx === 'irqsave' && call.api.role !== 'release' && call.lockText === release.lockText && ctx.catalogue.expectedRelease(call.api)?.name === expected.name;
  for (const site of finding.related) {
    const call = lockCallOf(callAt(ctx.root, site.range), ctx.catalogue);
    if (savesFlags(call)) return call.args[1]?.text;
  }
  let nearest: LockCall | undefined;
  for (const node of fn.descendantsOfType('call_expression')) {
    if (node.startIndex >= release.node.startIndex) break;
    const call = lockCallOf(callOf(node), ctx.catalogue);
    if (savesFlags(call)) nearest = call;
  }
  return nearest?.args[1]?.text;
}
