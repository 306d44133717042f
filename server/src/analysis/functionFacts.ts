/**
 * Lock facts per function: what extraction keeps of a syntax tree. It is plain data (no tree nodes),
 * so it crosses worker threads, and it is all the later steps see. A function body becomes a small
 * statement tree holding only what matters to locking: lock calls, other calls, sleeps, control flow.
 */
import type { Range, Span } from './sites';

/** A lock expression as written, normalised: `&(dev)->queues[i].lock` → root `dev`, steps `->queues`,`[]`,`.lock`. */
export interface LockExpr {
  root: string;
  steps: string[];
  /** `root + steps`, e.g. `dev->queues[].lock`: the instance as text. */
  text: string;
  /**
   * The index written in each `[]` step, in order, whitespace collapsed (`N_TX_RINGS`, `i - 1`);
   * absent where not known (a callee's lock re-rooted at an argument written without one).
   */
  indices?: string[];
}

export interface TypeRef {
  /** `struct foo`, `foo_t` and `spinlock_t` all become a bare name: `foo`, `foo_t`, `spinlock_t`. */
  name: string;
  pointers: number;
}

/** A condition, kept as a small boolean tree so correlated branches and trylocks can be followed. */
export type Cond =
  | { op: 'and' | 'or'; left: Cond; right: Cond }
  | { op: 'not'; arg: Cond }
  /** Opaque expression, compared by its normalised text (`dev->flags & F`). */
  | { op: 'atom'; text: string }
  /** A lock call used for its result: `spin_trylock(&l)`, `mutex_lock_interruptible(&m)`. */
  | { op: 'lock'; stmt: LockStmt }
  /** A call to an unknown function used for its result; it may be a conditional-acquire wrapper. */
  | { op: 'call'; stmt: CallStmt };

export interface LockStmt {
  t: 'lock';
  api: string;
  lock: LockExpr;
  /** `_nested` subclass, as written (`SINGLE_DEPTH_NESTING`, `1`). */
  subclass?: string;
  /** In-stack queued spinlock handle. */
  handle?: string;
  /** `guard()` and `scoped_guard()`: released when the enclosing scope ends. */
  scoped?: boolean;
  /** `ret = mutex_trylock(&m)`: the variable that carries success. */
  bind?: string;
  /** The whole call. */
  site: Span;
}

export interface UnlockStmt {
  t: 'unlock';
  api: string;
  lock?: LockExpr;
  handle?: string;
  /**
   * A call through a function pointer named for unlocking (`fiq->ops->wake_and_unlock(fiq)`):
   * `lock` is the object passed, and the release is of the lock inside it.
   */
  inside?: boolean;
  site: Span;
}

export interface CallStmt {
  t: 'call';
  name: string;
  /**
   * Arguments that could be lock expressions, as normalised text (else null), by position. Kept as
   * text because few are ever needed: only where the callee takes a lock through that parameter.
   */
  args: (string | null)[];
  /** Arguments written as constants (`0`, `NULL`, `true`), by position, as their truth. */
  constants?: Record<number, boolean>;
  bind?: string;
  site: Span;
  /** Found in a body known only as text, after a branch: it may be made on some paths only. */
  someOnly?: boolean;
}

/**
 * `switch (subject) { case label: … }`: a body per case label, default included, in order. Where
 * the subject is an access path (`mode`, `dev->state`), it is kept with each case's label (null for
 * `default`), so that a second switch on the same subject takes the case the first one took.
 */
export interface SwitchStmt {
  t: 'switch';
  cases: Stmt[][];
  hasDefault: boolean;
  subject?: string;
  labels?: (string | null)[];
}

export type Stmt =
  | LockStmt
  | UnlockStmt
  | CallStmt
  /**
   * `drops`: the lock the sleep releases while it waits (`wait_event_*_locked(wq, …)` drops `wq.lock`),
   * and whether it enables interrupts meanwhile (`_locked_irq`).
   */
  /** `callee`: the function a sleeping GFP mask is passed to (`mas_nomem(&mas, GFP_KERNEL)`). */
  | { t: 'sleep'; what: string; site: Span; drops?: { lock: LockExpr; irq: boolean }; callee?: string }
  | { t: 'atomic'; op: import('./lockApis').AtomicOp; site: Span }
  /** `annotation`: sparse's `__acquire()`, a claim for the checker rather than an assertion checked at run time. */
  | { t: 'assume'; lock: LockExpr; site: Span; annotation?: boolean }
  /** A call that does not return (`BUG()`, `panic()`): the path ends here. */
  | { t: 'stop'; site: Span }
  | { t: 'if'; cond: Cond; then: Stmt[]; else: Stmt[] }
  /**
   * `iterators`: the cursor (and index) a `for_each` macro assigns before each test of its end (`list_for_each_entry(pos, …)`).
   * `collection`: what a `for_each` macro walks, as its name and arguments but the cursor: two loops
   * with one collection run alike the first time (both or neither).
   */
  | { t: 'loop'; cond: Cond | null; body: Stmt[]; bodyFirst: boolean; iterators?: string[]; collection?: string }
  | SwitchStmt
  | { t: 'scope'; body: Stmt[] }
  | { t: 'return'; value: string | null; site: Span }
  | { t: 'goto'; label: string; site: Span }
  | { t: 'label'; name: string }
  | { t: 'break' }
  | { t: 'continue' }
  /**
   * Variables written here: decisions taken earlier on them no longer hold, and a lock reached
   * through one is another object from now on. `value` is the truth of a constant stored (`x = 0`).
   */
  | {
      t: 'assign';
      vars: string[];
      value?: boolean;
      /** Stored through the pointer, `*p = …` (the one var is `p`): a result handed to the caller when `p` is a parameter. */
      deref?: boolean;
      /**
       * For a field of the running task (`current->journal_info = tr;`): the value stored when it is a
       * name, an address, a field or a call's result (`tr`, `&ti`, `ti->ti_save`), whose being NULL
       * or not the flow may know.
       */
      stored?: string;
      /** `*ptlp = ptl;` through a pointer: the lock (a lock pointer or a lock's address) handed to the caller. */
      handsOut?: LockExpr;
      /** The local's declaration with its first value: a new variable, not one that changed its value. */
      declared?: true;
    }
  /** `spinlock_t *l = &dev->lock;`: later uses of `l` mean that lock. */
  | { t: 'alias'; name: string; lock: LockExpr }
  /**
   * `parent = dentry->d_parent;`, `c = &the_ctx;` with a pointer local: `parent->d_lock` is
   * `dentry->d_parent->d_lock` until either side is assigned again. `address`: the target is `&x`.
   */
  | { t: 'points'; name: string; target: LockExpr; address: boolean };

export interface Contracts {
  acquires: LockExpr[];
  releases: LockExpr[];
  mustHold: LockExpr[];
  condAcquires: LockExpr[];
}

export interface FunctionFacts {
  name: string;
  file: string;
  isStatic: boolean;
  /** The whole definition, and its name. */
  range: Range;
  nameRange: Range;
  params: { name: string; type: TypeRef | null }[];
  /** Every local's declared type; C scoping is ignored (a name is rarely reused with another struct type). */
  locals: Record<string, TypeRef>;
  contracts: Contracts;
  body: Stmt[];
  /** ERROR nodes in the body: findings that depend on the exact paths are shown quietly. */
  syntaxErrors: number;
  /** Cut off (being typed): its end is unknown, so nothing is said about its returns. */
  incomplete?: boolean;
  /** Named in `EXPORT_SYMBOL*()` in its file: other modules call this definition. */
  exported?: boolean;
  /** A constructor (see newObjects.ts): the flags fields of the new object it returns. */
  newObjectFlags?: NewObjectFlags[];
}

/** A flags field of a constructor's new object (`flags`), and the bits it may have set there: every other bit is clear. */
export interface NewObjectFlags {
  field: string;
  bits: string[];
}

export interface StructDef {
  name: string;
  fields: Record<string, TypeRef>;
}

export interface LockDeclaration {
  /** A global's name, or `struct.field` for a lock member. */
  name: string;
  kind: string;
  file: string;
  site: Range;
}

export interface DeclaredOrder {
  locks: string[];
  file: string;
  site: Range;
}

/** `lockorder-ignore` on a line: all codes (`null`) or the listed ones. */
export type IgnoreDirectives = Record<number, string[] | null>;

export interface FileFacts {
  file: string;
  functions: FunctionFacts[];
  structs: StructDef[];
  typedefs: Record<string, string>;
  globals: Record<string, TypeRef>;
  lockDeclarations: LockDeclaration[];
  declaredOrders: DeclaredOrder[];
  ignores: IgnoreDirectives;
  /**
   * Function-like macros defined at the top level and not read as functions (lower-case names only:
   * upper-case ones name no function): a file that sees one calls the macro, not a function elsewhere.
   */
  macros?: string[];
  /**
   * Names declared `static` at file scope (`static DEFINE_MUTEX(m);`, `static spinlock_t l;`): this
   * file's own objects, other than another file's of the same name.
   */
  statics?: string[];
  /** Lines in the file, to keep positions in bounds. */
  lineCount: number;
  errorNodes: number;
}

/** A field of the running task, `current->journal_info`: per-task state that callees set and callers test. */
export function isTaskField(text: string): boolean {
  return /^current->\w+$/.test(text);
}

/**
 * A store to a field of the running task that callers may test: of a constant, a name, an address,
 * a field or a call's result (`current->journal_info = tr;`, `= NULL`, `= ti->ti_save`). Not a value
 * computed from others, as a flags word is (`current->flags = (current->flags & ~F) | saved;`):
 * tests of such a field test its bits, which the store does not decide, and the helpers that store
 * one (memalloc_noio_restore()) are called all over the kernel.
 */
export function isTaskStore(s: Stmt): boolean {
  return s.t === 'assign' && isTaskField(s.vars[0]) && (s.value !== undefined || s.stored !== undefined);
}

/** Every statement of a body, nested ones included, each before what it contains. */
export function allStatements(body: readonly Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  const visit = (stmts: readonly Stmt[]) => {
    for (const s of stmts) {
      out.push(s);
      for (const inner of innerStatements(s)) visit(inner);
    }
  };
  visit(body);
  return out;
}

/** The statement lists directly inside a statement: a branch's two arms, a loop's or a scope's body, a switch's cases. */
export function innerStatements(s: Stmt): readonly Stmt[][] {
  if (s.t === 'if') return [s.then, s.else];
  if (s.t === 'loop' || s.t === 'scope') return [s.body];
  if (s.t === 'switch') return s.cases;
  return NO_INNER_STATEMENTS;
}

const NO_INNER_STATEMENTS: readonly Stmt[][] = [];

/** The leaves of a condition (atoms, lock calls, other calls), left to right. */
export function conditionLeaves(cond: Cond): Cond[] {
  const leaves: Cond[] = [];
  collectLeaves(cond, leaves);
  return leaves;
}

function collectLeaves(cond: Cond, into: Cond[]): void {
  if (cond.op === 'and' || cond.op === 'or') {
    collectLeaves(cond.left, into);
    collectLeaves(cond.right, into);
  } else if (cond.op === 'not') collectLeaves(cond.arg, into);
  else into.push(cond);
}

/** The texts of a condition's opaque atoms. */
export function atomTexts(cond: Cond): string[] {
  return conditionLeaves(cond).flatMap((leaf) => (leaf.op === 'atom' ? [leaf.text] : []));
}
