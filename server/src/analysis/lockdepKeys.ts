/**
 * Lockdep's own classes. Lockorder names a class after its struct field (`foo.lock`), but lockdep's
 * class is the lock's `lock_class_key`: the static key of the init call site, or one set explicitly.
 * Code splits one field into several lockdep classes on purpose (one per tree level, per ring, per
 * init site of a wrapper), and then our one class sees orders between different lockdep classes as a
 * cycle. Here the key assignments of a function are read from its calls, and the classes lockdep
 * splits, or does not validate at all, are collected for the whole program.
 */
import type { CallStmt, FunctionFacts, LockExpr, Stmt } from './functionFacts';
import type { ClassResolver } from './lockClasses';
import { lockExprOfText, makeLockExpr } from './lockExpr';

/**
 * How a call gives a lock its lockdep key:
 * - `key`: the key is argument `keyArg` (`lockdep_set_class(lock, key)`, `__mutex_init(lock, name, key)`);
 * - `default`: a plain init, whose macro passes one static key (`mutex_init(lock)`);
 * - `novalidate`: lockdep ignores the lock (`lockdep_set_novalidate_class(lock)`);
 * - `register`: argument 0 is a key in dynamic memory, one per object (`lockdep_register_key(&dev->key)`).
 * `lockSteps` reach the lock inside the argument (a wait queue's `->lock`).
 */
interface KeyApi {
  how: 'key' | 'default' | 'novalidate' | 'register';
  keyArg?: number;
  lockSteps?: string[];
}

const WAIT_QUEUE_LOCK = ['->lock'];

/** (A Map: looked up with every call's name, which may be `constructor` or `toString`.) */
const KEY_APIS: ReadonlyMap<string, KeyApi> = new Map<string, KeyApi>(Object.entries({
  lockdep_set_class: { how: 'key', keyArg: 1 },
  lockdep_set_class_and_name: { how: 'key', keyArg: 1 },
  lockdep_set_class_and_subclass: { how: 'key', keyArg: 1 },
  lockdep_set_novalidate_class: { how: 'novalidate' },
  lockdep_register_key: { how: 'register' },
  // What the init macros expand to, called directly with a key (include/linux/{mutex,rwsem,spinlock,rwlock,…}.h).
  __mutex_init: { how: 'key', keyArg: 2 },
  __init_rwsem: { how: 'key', keyArg: 2 },
  __percpu_init_rwsem: { how: 'key', keyArg: 2 },
  __rt_mutex_init: { how: 'key', keyArg: 2 },
  __raw_spin_lock_init: { how: 'key', keyArg: 2 },
  __spin_lock_init: { how: 'key', keyArg: 2 },
  __rt_spin_lock_init: { how: 'key', keyArg: 2 },
  __rwlock_init: { how: 'key', keyArg: 2 },
  __rt_rwlock_init: { how: 'key', keyArg: 2 },
  __init_waitqueue_head: { how: 'key', keyArg: 2, lockSteps: WAIT_QUEUE_LOCK },
  __init_swait_queue_head: { how: 'key', keyArg: 2, lockSteps: WAIT_QUEUE_LOCK },
  // A w/w mutex's key is its ww_class's: one class per (static) ww_class.
  ww_mutex_init: { how: 'key', keyArg: 1 },
  mutex_init: { how: 'default' },
  init_rwsem: { how: 'default' },
  percpu_init_rwsem: { how: 'default' },
  rt_mutex_init: { how: 'default' },
  spin_lock_init: { how: 'default' },
  raw_spin_lock_init: { how: 'default' },
  rwlock_init: { how: 'default' },
  init_waitqueue_head: { how: 'default', lockSteps: WAIT_QUEUE_LOCK },
  init_swait_queue_head: { how: 'default', lockSteps: WAIT_QUEUE_LOCK },
} satisfies Record<string, KeyApi>));

/** The key of a plain init: one identity, whichever call site (see the README's precision section). */
const DEFAULT_KEY = 'default';
/** A key that differs from call to call: an array element, a computed key, a parameter, a registered per-object key. */
const VARYING_KEY = '*';
const NO_VALIDATION = 'novalidate';
const REGISTERED = 'register';

export interface KeyAssignment {
  /** Our class of the lock; for `lockdep_register_key()`, the key's identity. */
  cls: string;
  /** The key's identity: a static key's name, a key field's class, `default`, `*` (varies), `novalidate`, `register`. */
  key: string;
  /** The call, for messages: `lockdep_set_class()`. */
  call: string;
}

/**
 * The key assignments in one function, for locks whose class is known. `names`: what it calls, where
 * known, so that a body calling no key API (nearly all of them) is not walked.
 */
export function keyAssignmentsOf(fn: FunctionFacts, resolver: ClassResolver, names?: Iterable<string>): KeyAssignment[] {
  if (names && !someKeyApi(names)) return [];
  const calls = keyCallsIn(fn.body, false);
  if (calls.length === 0) return [];
  const out: { lockText: string; always: boolean; assignment: KeyAssignment }[] = [];
  for (const { call, conditional } of calls) {
    const api = KEY_APIS.get(call.name)!;
    if (api.how === 'register') {
      const key = keyIdentity(fn, call.args[0] ?? null, resolver);
      if (key !== VARYING_KEY) out.push({ lockText: '', always: false, assignment: { cls: key, key: REGISTERED, call: `${call.name}()` } });
      continue;
    }
    const written = call.args[0] ? lockExprOfText(call.args[0]) : null;
    if (!written) continue;
    const lock = api.lockSteps ? makeLockExpr(written.root, [...written.steps, ...api.lockSteps]) : written;
    const cls = resolver.resolve(lock);
    if (!cls.resolved) continue;
    const key =
      api.how === 'default' ? DEFAULT_KEY : api.how === 'novalidate' ? NO_VALIDATION : keyIdentity(fn, call.args[api.keyArg!] ?? null, resolver);
    out.push({ lockText: lock.text, always: !conditional, assignment: { cls: cls.id, key, call: `${call.name}()` } });
  }
  // `mutex_init(&x->lock); lockdep_set_class(&x->lock, &k);`: a key set on every path replaces the
  // default; one set only under a condition (`if (owner == X) lockdep_set_class(…)`) splits the class.
  const explicitlyKeyed = new Set(out.filter((a) => a.always && a.assignment.key !== DEFAULT_KEY && a.assignment.key !== REGISTERED).map((a) => a.lockText));
  return out.filter((a) => a.assignment.key !== DEFAULT_KEY || !explicitlyKeyed.has(a.lockText)).map((a) => a.assignment);
}

function someKeyApi(names: Iterable<string>): boolean {
  for (const name of names) if (KEY_APIS.has(name)) return true;
  return false;
}

/** Calls to key APIs, each with whether it runs only on some paths (inside an if, a loop or a switch). */
function keyCallsIn(
  body: readonly Stmt[],
  conditional: boolean,
  out: { call: CallStmt; conditional: boolean }[] = [],
): { call: CallStmt; conditional: boolean }[] {
  for (const s of body) {
    if (s.t === 'call' && KEY_APIS.has(s.name)) out.push({ call: s, conditional });
    else if (s.t === 'scope') keyCallsIn(s.body, conditional, out);
    else if (s.t === 'if') {
      keyCallsIn(s.then, true, out);
      keyCallsIn(s.else, true, out);
    } else if (s.t === 'loop') keyCallsIn(s.body, true, out);
    else if (s.t === 'switch') for (const c of s.cases) keyCallsIn(c, true, out);
  }
  return out;
}

/**
 * `&my_key` (a global or a static local) is one key; a key in a struct field
 * (`&sb->s_type->i_lock_key`) is one key per field, as a lock in a field is one class per field,
 * unless it is registered as a dynamic key (then it varies; see `LockdepKeys`); `&keys[level]`,
 * `key + ring`, a parameter or a pointer local vary with the call.
 */
function keyIdentity(fn: FunctionFacts, text: string | null, resolver: ClassResolver): string {
  const expr: LockExpr | null = text ? lockExprOfText(text) : null;
  if (!expr || expr.steps.includes('[]') || expr.root.endsWith('()')) return VARYING_KEY;
  if (expr.steps.length > 0) {
    const field = resolver.resolve(expr);
    return field.resolved ? `field:${field.id}` : VARYING_KEY;
  }
  if (fn.params.some((p) => p.name === expr.root)) return VARYING_KEY;
  const local = fn.locals[expr.root];
  if (local) return local.pointers > 0 ? VARYING_KEY : `${fn.file}:${fn.name}:${expr.root}`;
  return expr.root;
}

/** Why lockdep cannot be said to see a class as one: it splits it, or does not validate it. */
export class LockdepKeys {
  private readonly keysOf = new Map<string, { keys: Set<string>; calls: Set<string> }>();

  static of(assignments: Iterable<readonly KeyAssignment[]>): LockdepKeys {
    const table = new LockdepKeys();
    const all = [...assignments].flat();
    // A registered key lives in a dynamic object: every object has its own.
    const registered = new Set(all.filter((a) => a.key === REGISTERED).map((a) => a.cls));
    for (const a of all) if (a.key !== REGISTERED) table.add(a, registered.has(a.key) ? VARYING_KEY : a.key);
    return table;
  }

  private add(a: KeyAssignment, key: string): void {
    let entry = this.keysOf.get(a.cls);
    if (!entry) this.keysOf.set(a.cls, (entry = { keys: new Set(), calls: new Set() }));
    entry.keys.add(key);
    entry.calls.add(a.call);
  }

  /**
   * Null when lockdep has one class for ours (as far as the program shows), else why not. A
   * subclass (`foo.lock/1`) shares its class's keys.
   */
  unconfirmable(classId: string): string | null {
    // `mutex_lock_nested(&tree->tree_lock, btree_lock_class(tree))`: the subclass is worked out
    // from the object when it runs, one lockdep class per kind of object, all in our one class.
    const subclass = /\/(.*)$/.exec(classId)?.[1];
    if (subclass?.includes('(')) return `its lockdep subclass is computed when it runs (${subclass})`;
    const entry = this.keysOf.get(classId.replace(/\/.*$/, ''));
    if (!entry) return null;
    if (entry.keys.has(NO_VALIDATION)) return 'lockdep does not validate it (lockdep_set_novalidate_class())';
    if (entry.keys.has(VARYING_KEY)) return `lockdep splits it by a key that varies (${[...entry.calls].sort().join(', ')})`;
    if (entry.keys.size > 1) return `lockdep splits it by ${entry.keys.size} keys (${[...entry.calls].sort().join(', ')})`;
    return null;
  }
}
