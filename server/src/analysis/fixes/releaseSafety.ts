/**
 * When to believe an `unreleased-lock` finding enough to insert a release. The fix is only as right
 * as the finding, and the finding is wrong where the lock goes somewhere the engine could not
 * follow; inserting a release there is a double unlock. So the code must agree: every path to the
 * return took the lock, the function releases it itself elsewhere, and nothing on the way looks
 * like it takes the lock off the function's hands.
 */
import type { LockApi } from '../lockApis';
import type { SyntaxNode } from '../parser';
import type { FixContext } from './candidate';
import { LockCall, callOf, compact, lockCallOf, statementOf } from './syntax';

/** Why not to release before `exit` (a return, or the function's closing brace), or null. */
export function whyNotRelease(ctx: FixContext, fn: SyntaxNode, acquisition: LockCall, release: LockApi, exit: SyntaxNode): string | null {
  const between = callsBetween(fn, acquisition.node, exit);
  return (
    pathAvoidingAcquisition(acquisition, exit) ??
    (releasedInFunction(ctx, fn, acquisition, release) ? null : 'no-release-in-function') ??
    (releasedThroughAlias(ctx, fn, acquisition, between) ? 'released-through-alias' : null) ??
    (handedToCaller(fn, acquisition, exit) ? 'lock-handed-to-caller' : null) ??
    (calleeMayRelease(ctx, acquisition, between) ? 'callee-may-release' : null)
  );
}

/**
 * Some path might reach `exit` without passing the acquisition unless it is an unconditional
 * statement of a block enclosing the exit, with no label between them for a goto to enter by.
 * (The engine reports a path that released the lock already as a double release; a path that
 * never took it, as in `if (inode) spin_lock(&inode->i_lock);`, it does not.)
 */
function pathAvoidingAcquisition(acquisition: LockCall, exit: SyntaxNode): string | null {
  const stmt = statementOf(acquisition);
  if (!stmt || acquisition.api.role !== 'acquire' || acquisition.api.success !== undefined) return 'conditional-acquisition';
  const block = stmt.parent;
  if (!block || block.type !== 'compound_statement') return 'not-held-on-every-path';
  if (!isInside(exit, block) || exit.startIndex < stmt.endIndex) return 'not-held-on-every-path';
  const labels = block.descendantsOfType('labeled_statement').filter((l) => l.startIndex > stmt.endIndex && l.startIndex < exit.startIndex);
  return labels.length > 0 ? 'label-between' : null;
}

/** A function that never releases the lock itself is a lock wrapper, or returns the lock held. */
function releasedInFunction(ctx: FixContext, fn: SyntaxNode, acquisition: LockCall, release: LockApi): boolean {
  return lockCallsIn(ctx, fn).some((c) => c.node.startIndex > acquisition.node.startIndex && c.name === release.name && c.lockText === acquisition.lockText);
}

/**
 * On the way, a lock with the same field name is released through an expression this function
 * never acquires (`cxt->info_lock` taken, `global_cxt.info_lock` released): the same lock, most
 * likely, reached another way.
 */
function releasedThroughAlias(ctx: FixContext, fn: SyntaxNode, acquisition: LockCall, between: SyntaxNode[]): boolean {
  const field = lastField(acquisition.lockText);
  const acquired = new Set(lockCallsIn(ctx, fn).filter((c) => c.api.role !== 'release').map((c) => c.lockText));
  return between.some((node) => {
    const call = lockCallOf(callOf(node), ctx.catalogue);
    return call !== null && call.api.role === 'release' && lastField(call.lockText) === field && !acquired.has(call.lockText);
  });
}

/** The object holding the lock is returned, or stored through a pointer: the caller gets it locked. */
function handedToCaller(fn: SyntaxNode, acquisition: LockCall, exit: SyntaxNode): boolean {
  const owner = ownerOf(acquisition.lockText);
  if (!owner || owner === bare(acquisition.lockText)) return false;
  const returned = exit.type === 'return_statement' ? exit.firstNamedChild : null;
  if (returned && compact(returned.text) === owner) return true;
  return fn.descendantsOfType('assignment_expression').some((assign) => {
    if (assign.startIndex < acquisition.node.endIndex || assign.startIndex > exit.startIndex) return false;
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    return !!left && !!right && left.type !== 'identifier' && compact(right.text) === owner;
  });
}

/**
 * A call on the way may release the lock when it is handed the lock itself, or the object holding
 * it and is either defined elsewhere (its summary may be partial or unknown) or defined here with
 * a release of a lock of that field name in its body.
 */
function calleeMayRelease(ctx: FixContext, acquisition: LockCall, between: SyntaxNode[]): boolean {
  const lock = bare(acquisition.lockText);
  const owner = ownerOf(acquisition.lockText);
  const field = lastField(acquisition.lockText);
  const definitions = functionsByName(ctx.root);
  return between.some((node) => {
    const call = callOf(node);
    if (!call || ctx.catalogue.get(call.name)) return false;
    const args = call.args.map((a) => bare(a.text));
    if (args.includes(lock)) return true;
    if (!owner || !args.some((a) => ownerOf(a) === owner)) return false;
    const body = definitions.get(call.name);
    return !body || lockCallsIn(ctx, body).some((c) => c.api.role === 'release' && lastField(c.lockText) === field);
  });
}

/** Calls after the acquisition and before the exit, in text order (on any branch: erring cautious). */
function callsBetween(fn: SyntaxNode, after: SyntaxNode, before: SyntaxNode): SyntaxNode[] {
  return fn.descendantsOfType('call_expression').filter((n) => n.startIndex >= after.endIndex && n.startIndex < before.startIndex);
}

function lockCallsIn(ctx: FixContext, node: SyntaxNode): LockCall[] {
  return node.descendantsOfType('call_expression').flatMap((n) => lockCallOf(callOf(n), ctx.catalogue) ?? []);
}

function functionsByName(root: SyntaxNode): Map<string, SyntaxNode> {
  const byName = new Map<string, SyntaxNode>();
  for (const fn of root.descendantsOfType('function_definition')) {
    let declarator = fn.childForFieldName('declarator');
    while (declarator && declarator.type !== 'function_declarator') declarator = declarator.childForFieldName('declarator');
    const name = declarator?.childForFieldName('declarator')?.text;
    if (name) byName.set(name, fn);
  }
  return byName;
}

function isInside(node: SyntaxNode, ancestor: SyntaxNode): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.id === ancestor.id) return true;
  return false;
}

/** `&dev->lock` → `dev->lock`. */
function bare(text: string): string {
  return compact(text).replace(/^&/, '');
}

/** The variable a lock expression starts from: `dev` in `&dev->priv->lock`. */
function ownerOf(text: string): string | undefined {
  return /^[&*(]*([A-Za-z_]\w*)/.exec(compact(text))?.[1];
}

/** The field naming the lock: `lock` in `&dev->priv->lock`, or the variable for a plain one. */
function lastField(text: string): string {
  return bare(text).replace(/^.*(?:->|\.)/, '');
}
