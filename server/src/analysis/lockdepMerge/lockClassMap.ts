/**
 * Lockdep class names → the engine's lock classes.
 *
 * Lockdep names a class by the expression its lock was initialised with (`&dev->lock`), while the
 * engine names it by type and field (`foo_dev.lock`), so a name is matched, in this order:
 *   1. a bare name (`lock1`) that is a class itself: a global lock;
 *   2. in the function that took it (the first frame past the locking code on a stack that took
 *      it), the lock written the same way (`dev->lock`), else the one with the same last field,
 *      else, for a member name, the only lock that function takes. `&sb->s_type->i_mutex_key` is
 *      a key lockdep_set_class() gave `inode->i_rwsem`: nothing in its name says so, its stack does;
 *   3. anywhere, the only class some acquisition writes that way;
 *   4. for a member name, the only class with that last field (`&dev->lock` → `snd_port.lock` when
 *      no other class ends in `.lock`). Two or more is a refusal: a wrong edge is worse than none.
 *      So is a name every stack shows taken outside the sources: `&dev->mutex` taken in
 *      __driver_attach() is the driver core's, whatever the sources call `mutex`.
 * `/N` becomes the class's `/N` subclass; `#N` only tells apart lockdep keys that share a name.
 * `(wq_completion)…` and the like are lockdep maps of workqueues and completions: never a lock class.
 * A name nothing fits stays a node of its own, `lockdep:<name>`, so the runtime graph stays whole.
 */
import type { LockName, StackFrame } from '../lockdep';
import { lockExprOfText } from '../lockExpr';
import { acquiringFrame, frameTarget } from './frames';
import { baseClass, classField, type Workspace } from './workspace';

export type MappingRule = 'global' | 'function' | 'only-lock' | 'instance' | 'field';

export interface LockMapping {
  /** The name as lockdep printed it. */
  name: string;
  /** The engine's class, or `lockdep:<name>`. */
  classId: string;
  /** Which rule matched; absent when none did. */
  rule?: MappingRule;
  /** Why no class was chosen. */
  reason?: string;
}

export const UNMAPPED_PREFIX = 'lockdep:';

/** `stacks` are the stacks that took the lock, innermost frame first, as printed. */
export function mapLockName(ws: Workspace, name: LockName, stacks: StackFrame[][]): LockMapping {
  const unmapped = (reason: string): LockMapping => ({ name: name.raw, classId: UNMAPPED_PREFIX + name.raw, reason });
  const mapped = (base: string, rule: MappingRule): LockMapping => ({
    name: name.raw,
    classId: name.subclass ? `${base}/${name.subclass}` : base,
    rule,
  });

  if (name.tag !== undefined) return unmapped(`a lockdep map of the ${name.tag} family, not a lock in the sources`);
  const expr = lockExprOfText(name.accessPath);
  if (!expr) return unmapped('not a C access path');
  const member = expr.steps.length > 0;
  if (!member && ws.classes.has(expr.text)) return mapped(expr.text, 'global');

  const inFunctions = classesInTakingFunctions(ws, expr.text, name.field, member, stacks);
  if (inFunctions.classes.length === 1) return mapped(inFunctions.classes[0], inFunctions.rule);

  const byInstance = ws.classesWithInstance(expr.text);
  if (byInstance.length === 1) return mapped(byInstance[0], 'instance');
  const byField = member && !inFunctions.onlyOutside ? ws.classesWithField(name.field) : [];
  if (byField.length === 1) return mapped(byField[0], 'field');

  if (inFunctions.classes.length > 1) return unmapped(`the functions that take it take ${list(inFunctions.classes)}`);
  if (byInstance.length > 1) return unmapped(`\`${expr.text}\` is ${list(byInstance)}`);
  if (byField.length > 1) return unmapped(`ambiguous: ${list(byField)} all end in \`${name.field}\``);
  if (inFunctions.onlyOutside) return unmapped(`only ever taken outside the sources (${inFunctions.onlyOutside})`);
  return unmapped('no lock class in the sources matches');
}

/**
 * Rule 2 over every stack that took the lock. Matches by name beat "the only lock": when stacks
 * disagree, the classes they name are returned together and the caller refuses them.
 * `onlyOutside` names the functions that took it when none of them is in the sources.
 */
function classesInTakingFunctions(
  ws: Workspace,
  instance: string,
  field: string,
  member: boolean,
  stacks: StackFrame[][],
): { classes: string[]; rule: MappingRule; onlyOutside?: string } {
  const byName = new Set<string>();
  const onlyLock = new Set<string>();
  const outside = new Set<string>();
  let inside = false;
  for (const stack of stacks) {
    const frame = acquiringFrame(stack);
    if (!frame) continue;
    const functions = frameTarget(ws, frame).functions;
    if (functions.length === 0) outside.add(`${frame.function}()`);
    else inside = true;
    const locks = functions.flatMap((fa) => ws.locksOf(fa));
    const bases = (keep: (base: string, lockInstance: string) => boolean) =>
      new Set(locks.filter((l) => keep(baseClass(l.classId), l.instance)).map((l) => baseClass(l.classId)));
    let named = bases((_, lockInstance) => lockInstance === instance);
    if (named.size === 0) named = bases((base) => classField(base) === field);
    named.forEach((c) => byName.add(c));
    if (named.size === 0 && member) {
      const all = bases(() => true);
      if (all.size === 1) all.forEach((c) => onlyLock.add(c));
    }
  }
  const onlyOutside = !inside && outside.size > 0 ? [...outside].sort().join(', ') : undefined;
  if (byName.size > 0) return { classes: [...byName].sort(), rule: 'function', onlyOutside };
  return { classes: [...onlyLock].sort(), rule: 'only-lock', onlyOutside };
}

function list(classes: string[]): string {
  return classes.map((c) => `\`${c}\``).join(', ');
}
