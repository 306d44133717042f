/**
 * Use the matching release: `spin_lock_irqsave(&l, flags) … spin_unlock(&l)` becomes `…
 * spin_unlock_irqrestore(&l, flags)`. Switching to an `_irqrestore` needs the acquisition's flags
 * (it is not offered when they cannot be found); switching away from one drops them. Not offered
 * where the mismatch looks deliberate: the release pairs with another acquisition of the lock, or
 * the function already leaves every interrupt or bottom-half section it enters.
 */
import type { Finding } from '../findings';
import { ATOMIC_OPS, AtomicOp, IrqContext, LockApi } from '../lockApis';
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
  if (release.api.ctx !== expected.ctx && !balancesContext(ctx, fn, release.api.ctx, expected.ctx)) return declined('context-balanced-elsewhere');

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

const ATOMIC_CONTEXT: Record<AtomicOp, [IrqContext, 'enter' | 'leave'] | undefined> = {
  irq_save: ['irqsave', 'enter'],
  irq_restore: ['irqsave', 'leave'],
  irq_disable: ['irq', 'enter'],
  irq_enable: ['irq', 'leave'],
  bh_disable: ['bh', 'enter'],
  bh_enable: ['bh', 'leave'],
  preempt_disable: undefined,
  preempt_enable: undefined,
};

/**
 * Whether moving one release from context `from` to `to` evens out the function's entries into
 * and exits from interrupt-off and bottom-half-off sections. Hand-over-hand code
 * (`read_lock_bh(a); spin_lock(b); read_unlock(a); … spin_unlock_bh(b);`) is already even: the
 * mismatch is deliberate, and renaming would leave bottom halves enabled twice.
 */
function balancesContext(ctx: FixContext, fn: SyntaxNode, from: IrqContext, to: IrqContext): boolean {
  const excess = new Map<IrqContext, number>();
  const add = (c: IrqContext, n: number) => {
    if (c !== 'none') excess.set(c, (excess.get(c) ?? 0) + n);
  };
  for (const node of fn.descendantsOfType('call_expression')) {
    const call = callOf(node);
    if (!call) continue;
    const api = ctx.catalogue.get(call.name);
    const op = ATOMIC_OPS[call.name] ? ATOMIC_CONTEXT[ATOMIC_OPS[call.name]] : undefined;
    if (api) add(api.ctx, api.role === 'release' ? -1 : 1);
    else if (op) add(op[0], op[1] === 'leave' ? -1 : 1);
  }
  const imbalance = () => Math.abs(excess.get(from) ?? 0) + Math.abs(excess.get(to) ?? 0);
  const before = imbalance();
  add(from, 1);
  add(to, -1);
  return imbalance() < before;
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
