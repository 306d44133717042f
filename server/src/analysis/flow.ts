/**
 * Follows the held-lock state through one function's statements.
 *
 * The state is a small set of paths (capped), each with its held locks and the decisions taken on
 * it (`flag` was true, `ret = mutex_trylock(…)` succeeded). Branching on a decided condition takes
 * one side only, which is how `if (x) lock(); … if (x) unlock();` stays quiet. Calls apply the
 * callee's summary: its locks make order edges, wrappers change the held set.
 */
import { allStatements, conditionLeaves, innerStatements, isTaskField, isTaskStore, type Cond, type FunctionFacts, type LockExpr, type LockStmt, type NewObjectFlags, type Stmt, type SwitchStmt } from './functionFacts';
import { ClassResolver, LockClass, lockClass } from './lockClasses';
import { LockApi, LockApiCatalogue, acquisitionSleeps, addsNoOrder, failsOnlyWhenInterrupted, isAtomicKind, isCountingKind, lockApi, modesMatch } from './lockApis';
import { ACCESS_PATH, distinctMembers, elementText, lastName, lockExprOfText, makeLockExpr, mentions, otherElement, substituteRoot, variableElement } from './lockExpr';
import { rangeOfSpan, type Range, type Span } from './sites';
import { ConditionalAcquire, emptySummary, FieldGuard, FunctionSummary, functionSummary, isEmptySummary, MAX_CHAIN_DEPTH, MAX_SUMMARY_LOCKS, SleepEvidence, SummaryLock, summaryLock, TaskFieldEffect } from './summaries';

export interface Held {
  cls: LockClass;
  expr: LockExpr;
  api: LockApi;
  site: Range;
  /** guard()/scoped_guard(): released by the compiler at scope end. */
  scopeDepth: number | null;
  tried: boolean;
  /** Taken inside a callee (a wrapper): the chain from here. */
  via: string[];
  handle?: string;
  /** Known held on entry (contract or assertion), so never "unreleased" here. */
  fromEntry: boolean;
  /** The path's event count when it was taken: later calls mean work done under it. */
  takenAt?: number;
  /** Assumed held on entry only because the function releases it: no order is inferred from it. */
  inferred?: boolean;
  /** Held only because a sparse annotation about the body says so (see annotationsOfTheInside()): taking it is no second acquisition. */
  annotated?: boolean;
  /** The lock as written where it was taken, when `expr` names it through the object a local was set to. */
  written?: string;
  /** Named through a variable assigned since it was taken: the name now means another object. */
  detached?: boolean;
  /** A local set to the pointer it is named through (`old = node` with `node->lock` held): the name it keeps when that pointer moves on. */
  copiedTo?: string;
  /** Held from a callee whose return paths hold it in different classes or modes: neither is known here. */
  varies?: boolean;
  /**
   * Passed to a callee that may have downgraded it, deep in its chain (`do_munmap(…, downgrade)`):
   * still held, in a mode not known here, so that either release fits.
   */
  modeUnknown?: boolean;
  /** Held because `callee` returned it with its result, reached from that result by `steps`, which nothing here named. */
  returnedBy?: { callee: string; steps: string[] };
}

/** A local problem found while following the paths. */
export interface LocalFinding {
  code: 'double-lock' | 'unreleased-lock' | 'unlock-unheld' | 'mismatched-unlock' | 'sleep-in-atomic' | 'lock-order-inversion';
  site: Range;
  message: string;
  locks: string[];
  related: { site: Range; message: string }[];
  /** Unresolved classes or inferred facts: reported more quietly. */
  uncertain?: boolean;
  fix?: { kind: 'release'; lockText: string; releaseCall: string } | { kind: 'mismatch'; expectedRelease: string; releaseRange: Range };
}

/** "`to` was taken while `from` was held" at one site. */
export interface OrderEvidence {
  from: LockClass;
  to: LockClass;
  fromKind: string;
  toKind: string;
  fromMode: string;
  toMode: string;
  /** Where `from` was taken (in this function, or the call that took it). */
  heldSite: Range;
  site: Range;
  /** `spin_lock(&b->lock)`, or the chain `foo() → bar()` for locks taken in callees. */
  text: string;
  chain: string[];
  /** Other locks held at that moment: a common one across a cycle is a gate. */
  gates: string[];
  /** Where the lock deep in the chain is taken (file of the innermost function). */
  innerFile?: string;
  innerSite?: Range;
  /** The callee takes `to` only for some states of the object passed, which this caller does not fix. */
  guarded?: boolean;
}

export interface FlowResult {
  edges: OrderEvidence[];
  findings: LocalFinding[];
  summary: FunctionSummary;
  /** Every acquisition here, for hover and the graph: class, site, api. */
  acquisitions: { cls: LockClass; site: Range; api: string; kind: string; text: string }[];
}

export interface CalleeLookup {
  /** The summary of the function a call by this name reaches from this file, if known. */
  summaryOf(name: string): FunctionSummary | undefined;
}

interface Owed {
  what: 'irq' | 'bh';
  site: Range;
  message: string;
  expectedRelease: string;
  locks: string[];
  related: LocalFinding['related'];
}

interface State {
  held: Held[];
  /** Decided conditions by text; and `=type.field`: a constant this path stored in a struct field. */
  facts: Readonly<Record<string, boolean>>;
  released: readonly string[];
  /** Released by a callee on this path: it may release only on some of its own paths. */
  releasedByCallee: readonly string[];
  /** Locks a caller held that this path released: taking one again restores the caller's state. */
  releasedFromEntry: readonly string[];
  failed: readonly string[];
  irq: number;
  bh: number;
  preempt: number;
  owed: readonly Owed[];
  slept: boolean;
  /** Pointer locals set to an object reached by another path (`parent = dentry->d_parent`), by name: see `point()`. */
  objects?: Readonly<Record<string, ObjectTarget>>;
  /** The path deadlocked (a certain double lock): nothing after it runs. */
  dead?: boolean;
  /**
   * Fields of the running task this path stored, itself or in callees (`current->journal_info`), with
   * what they hold now: true not NULL, false NULL, null not known. What callers are told (see `taskFieldEffects`).
   */
  task?: Readonly<Record<string, boolean | null>>;
  /** Calls made along this path so far. */
  events: number;
}

interface ObjectTarget {
  expr: LockExpr;
  /** Set to `&expr`: the object is `expr` itself, so `p->f` is `expr.f`. */
  address: boolean;
}

interface Exit {
  state: State;
  value: string | null;
  site: Range;
  /** The returned variable was decided non-zero on this path (`if (ret) unlock(); return ret;`). */
  nonzero?: boolean;
}

/**
 * The scheduler's own entry points: called with interrupts off (as arch entry code does) they neither
 * complain (they check the preemption count, not the interrupt state) nor leave them off, since the
 * switch turns them back on. Only a spinlock held or preemption off makes calling them a bug.
 */
const SCHEDULER_ENTRY = /^(?:io_)?schedule(?:_timeout(?:_\w+)?|_hrtimeout(?:_\w+)?)?\(\)$/;

/** Allocators that return zeroed memory. */
const ZEROED_ALLOCATION = /^(?:devm_)?(?:kv?zalloc|kv?calloc|vzalloc|kmem_cache_zalloc)(?:_node)?$/;

/** A condition atom as access paths: a pointer tested (`op` null), two compared, or neither (`left` null). */
type AtomPaths = { left: LockExpr; op: '==' | '!=' | null; right?: LockExpr } | { left: null; op: null };

/** `a == b`, `a != b` between two access paths. */
const EQUALITY = /^([A-Za-z_][\w.>-]*?)\s*(==|!=)\s*([A-Za-z_][\w.>-]*)$/;

/** Paths kept per program point; beyond it, paths with the same locks are merged. */
const MAX_PATHS = 24;
const LOOP_PASSES = 3;
const MAX_ATOMS = 6;
/** Sleeping reported through at most this many calls. */
const MAX_SLEEP_CHAIN = 2;
/** An empty set of names, shared rather than made for every call. */
const NO_NAMES: ReadonlySet<string> = new Set();
/** No guard left open: shared, and frozen so that nothing adds to it. */
const NO_OPEN_GUARDS: FieldGuard[] = Object.freeze([]) as unknown as FieldGuard[];

/**
 * Every state is this one with some fields replaced, never added: the optional ones are here too, so
 * that all states share one layout and the code reading them stays fast.
 */
const INITIAL: State = {
  events: 0,
  held: [],
  facts: dictionary(),
  released: [],
  releasedByCallee: [],
  releasedFromEntry: [],
  failed: [],
  irq: 0,
  bh: 0,
  preempt: 0,
  owed: [],
  slept: false,
  objects: undefined,
  dead: false,
  task: undefined,
};

/** `statements`: `allStatements(fn.body)`, when the caller has them. */
export function analyzeFunction(
  fn: FunctionFacts,
  resolver: ClassResolver,
  catalogue: LockApiCatalogue,
  callees: CalleeLookup,
  statements: Stmt[] = allStatements(fn.body),
): FlowResult {
  const result = followFunction(fn, statements, resolver, catalogue, callees);
  const zeroed = returnsZeroedAllocation(statements);
  if (!zeroed && !fn.newObjectFlags) return result;
  return { ...result, summary: { ...result.summary, returnsZeroed: zeroed || undefined, newObjectFlags: fn.newObjectFlags } };
}

function followFunction(fn: FunctionFacts, statements: Stmt[], resolver: ClassResolver, catalogue: LockApiCatalogue, callees: CalleeLookup): FlowResult {
  // About half of fs/'s functions lock nothing and call nothing that does: no path changes that.
  if (touchesNoLock(fn, statements, callees)) return EMPTY_RESULT;
  const shape = shapeOf(fn, statements, catalogue, callees);
  const firstFlow = new FunctionFlow(fn, resolver, catalogue, callees, shape, []);
  const first = firstFlow.run();
  // Locks asserted held (`lockdep_assert_held`, `__must_hold`) are held on entry already, as asserted;
  // those only a callee releases are passed on to callers, not assumed here. Nor is one released
  // only for some values of a flag (see `flagDecidedReleases`): the caller holds it only then.
  const callerHeld = first.summary.releasesOnEntry.filter((l) => !firstFlow.asserted.has(l.expr.text) && !l.someReturns && !l.guards && !isDowngrade(l, catalogue));
  if (callerHeld.length === 0) return first;
  // It releases locks it never took: its callers hold them. Follow it again with them held on entry,
  // so that dropping and re-taking a caller's lock (`unlock(); schedule(); lock();`) reads as balanced.
  return new FunctionFlow(fn, resolver, catalogue, callees, shape, callerHeld).run();
}

/** `return kmem_cache_zalloc(cache, GFP_NOFS);` on every return that is not NULL: an allocator of zeroed objects. */
function returnsZeroedAllocation(statements: Stmt[]): boolean {
  let zeroed = false;
  for (const s of statements) {
    if (s.t !== 'return' || s.value === 'NULL') continue;
    const value = s.value ?? '';
    if (!ZEROED_ALLOCATION.test(value.slice(0, Math.max(0, value.indexOf('('))))) return false;
    zeroed = true;
  }
  return zeroed;
}

/** What a function's statements say before any path is followed; both passes over it share it. */
interface FunctionShape {
  /** Every statement, nested ones included, in order. */
  statements: Stmt[];
  /** Collections more than one `for_each` loop walks (see `loop()`). */
  walkedTwice: Set<string>;
  /** Subjects more than one `switch` tests (see `switchStatement()`). */
  switchedTwice: Set<string>;
  correlated: Set<string>;
  pairedReleases: Set<string>;
  annotationsOfTheInside: { contracts: Set<string>; markers: Set<Stmt> };
  testedAtoms: Set<string>;
  testedTexts: Set<string>;
  /**
   * Variables some lock, lock-taking call, test or return reaches an object through: the only pointer
   * locals worth following (see `point()`). Found when first asked: most functions set no pointer local.
   */
  objectRoots: () => Set<string>;
  /** Tests of a state that each path remembers (see `stateDispatch`). */
  stateTests: Set<string>;
  /** Fields of the running task stored here or by a callee (`current->journal_info`). */
  taskStores: Set<string>;
}

function shapeOf(fn: FunctionFacts, statements: Stmt[], catalogue: LockApiCatalogue, callees: CalleeLookup): FunctionShape {
  // The leaves of every condition, read once for all that follows (this runs for every function that locks).
  const leaves: Cond[] = [];
  for (const st of statements) if (st.t === 'if' || (st.t === 'loop' && st.cond)) leaves.push(...conditionLeaves(st.cond!));
  const keys: string[] = [];
  const testedAtoms = new Set<string>();
  const testedTexts = new Set<string>();
  for (const leaf of leaves) {
    const key = conditionKey(leaf);
    if (key !== undefined) keys.push(key);
    if (leaf.op === 'atom') {
      testedAtoms.add(leaf.text);
      testedTexts.add(leaf.text);
    } else if (leaf.op === 'call') for (const arg of leaf.stmt.args) if (arg !== null) testedTexts.add(arg);
  }
  const correlated = correlatedConditions(statements, (name) => changesHeldLocks(callees.summaryOf(name)));
  // A pointer returned after a test of whether it is an error value: each path remembers the
  // answer, which may tell the caller whether a lock comes with it (see `heldUnlessErrorPointer`).
  const returned = new Set(statements.flatMap((st) => (st.t === 'return' && st.value ? [errorTest(st.value)] : [])));
  for (const key of keys) if (returned.has(key)) correlated.add(key);
  const stateTests = stateDispatch(keys);
  // A field of the running task tested here and stored along the way, here or by a callee (`if
  // (current->journal_info == NULL) begin_transaction();` in a loop): what a path stored decides the next test.
  const taskTests = new Set([...testedAtoms].filter(isTaskField));
  // (Asked only where a test or a pointer reads such a field: few functions do.)
  const readsTask = taskTests.size > 0 || statements.some((st) => st.t === 'points' && st.target.root === 'current');
  const taskStores = readsTask ? storedTaskFields(statements, callees) : new Set<string>();
  for (const field of taskStores) if (taskTests.has(field)) correlated.add(field);
  const walked = statements.flatMap((st) => (st.t === 'loop' && st.collection ? [st.collection] : []));
  const switched = statements.flatMap((st) => (st.t === 'switch' && st.subject !== undefined ? [st.subject] : []));
  return {
    statements,
    walkedTwice: new Set(walked.filter((c, i) => walked.indexOf(c) !== i)),
    switchedTwice: new Set(switched.filter((c, i) => switched.indexOf(c) !== i)),
    correlated,
    stateTests: new Set([...stateTests].filter((t) => correlated.has(t))),
    taskStores,
    pairedReleases: releasedHandles(statements, catalogue),
    annotationsOfTheInside: annotationsOfTheInside(fn, statements),
    testedAtoms,
    testedTexts,
    objectRoots: once(() => objectRoots(statements, leaves, callees)),
  };
}

/** The fields of the running task that the statements store, themselves or through a callee. */
function storedTaskFields(statements: Stmt[], callees: CalleeLookup): Set<string> {
  const fields = new Set<string>();
  const callStores = (name: string) => {
    for (const effect of callees.summaryOf(name)?.taskFields ?? []) fields.add(effect.field);
  };
  for (const s of statements) {
    if (s.t === 'assign' && isTaskStore(s)) fields.add(s.vars[0]);
    else if (s.t === 'call') callStores(s.name);
    else if (s.t === 'if' || (s.t === 'loop' && s.cond)) for (const leaf of conditionLeaves(s.cond!)) if (leaf.op === 'call') callStores(leaf.stmt.name);
  }
  return fields;
}

/** `make()`'s value, made when first asked for. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function objectRoots(statements: Stmt[], leaves: Cond[], callees: CalleeLookup): Set<string> {
  const roots = new Set<string>();
  const addRoots = (text: string | null) => {
    for (const name of text?.match(/(?<![\w.>])[A-Za-z_]\w*/g) ?? []) roots.add(name);
  };
  const addCall = (name: string, args: (string | null)[]) => {
    const found = callees.summaryOf(name);
    if (found && !isEmptySummary(found)) args.forEach(addRoots);
  };
  for (const s of statements) {
    if (s.t === 'lock' || s.t === 'unlock' || s.t === 'assume' || s.t === 'alias') roots.add(s.lock?.root ?? '');
    else if (s.t === 'sleep' && s.drops) roots.add(s.drops.lock.root);
    else if (s.t === 'points') roots.add(s.target.root);
    else if (s.t === 'return') addRoots(s.value);
    else if (s.t === 'call') addCall(s.name, s.args);
  }
  for (const leaf of leaves) {
    if (leaf.op === 'atom') addRoots(leaf.text);
    else if (leaf.op === 'lock') roots.add(leaf.stmt.lock.root);
    else if (leaf.op === 'call') addCall(leaf.stmt.name, leaf.stmt.args);
  }
  return roots;
}

/**
 * A function with no lock statement, no contract and only callees that change nothing for it (see
 * `quietWithNothingHeld`): every path through it holds, takes, releases and sleeps on nothing it
 * would tell its callers of.
 */
function touchesNoLock(fn: FunctionFacts, statements: Stmt[], callees: CalleeLookup): boolean {
  const { acquires, releases, mustHold, condAcquires } = fn.contracts;
  if (acquires.length > 0 || releases.length > 0 || mustHold.length > 0 || condAcquires.length > 0) return false;
  const quiet = (name: string) => {
    const found = callees.summaryOf(name);
    return found === undefined || quietWithNothingHeld(found);
  };
  for (const s of statements) {
    switch (s.t) {
      case 'lock':
      case 'unlock':
      case 'sleep':
      case 'atomic':
      case 'assume':
      case 'alias':
        return false;
      case 'call':
        if (!quiet(s.name)) return false;
        break;
      case 'assign':
        // Storing per-task state is news for callers, who may test it.
        if (isTaskStore(s)) return false;
        break;
      case 'if':
      case 'loop':
        for (const leaf of s.cond ? conditionLeaves(s.cond) : []) {
          if (leaf.op === 'lock' || (leaf.op === 'call' && !quiet(leaf.stmt.name))) return false;
        }
        break;
      default:
        break;
    }
  }
  return true;
}

/**
 * A callee that, called with no lock held, leaves the caller's state and summary as they were: it
 * changes no held lock and no task field, and what it takes or sleeps on lies too many calls down to
 * be carried up another level (see `applyCall` and `sleep`). Most functions near the top of a call
 * chain call only such callees.
 */
function quietWithNothingHeld(summary: FunctionSummary): boolean {
  if (isEmptySummary(summary)) return true;
  if (changesHeldLocks(summary) || summary.taskFields) return false;
  const sleepsTooDeep = summary.sleeps === null || summary.sleeps.chain.length + 1 >= MAX_SLEEP_CHAIN;
  return sleepsTooDeep && summary.acquires.every(tooDeepToCarry);
}

/** A callee's lock taken so many calls down that a caller, one call further up, does not carry it up to its own callers. */
function tooDeepToCarry(lock: SummaryLock): boolean {
  return lock.chain.length + 1 >= MAX_CHAIN_DEPTH;
}

/**
 * What following a function that locks nothing, and calls nothing that does, finds: half of a tree's
 * functions, so one object serves them all (a result is never changed once made).
 */
const EMPTY_RESULT: FlowResult = { edges: [], findings: [], summary: emptySummary(), acquisitions: [] };

class FunctionFlow {
  private readonly edges = new Map<string, OrderEvidence>();
  private readonly findings = new Map<string, LocalFinding>();
  private readonly exits: Exit[] = [];
  private readonly gotos = new Map<string, State[]>();
  private readonly labelsSeen = new Set<string>();
  private readonly loopFrames: { breaks: State[]; continues: State[] }[] = [];
  private readonly switchFrames: State[][] = [];
  /** Innermost frame kind for `break`: loop or switch. */
  private readonly breakTargets: ('loop' | 'switch')[] = [];
  private readonly aliases = new Map<string, LockExpr>();
  private readonly acquires = new Map<string, SummaryLock>();
  /** Statement sites as ranges, made once each (see `site`). */
  private readonly sites = new Map<number, Range>();
  private readonly releasedOnEntry = new Map<string, SummaryLock>();
  /**
   * A caller's lock released on paths where this function did not take it itself, with the flag
   * parameters' values all those paths had (`if (!lock_taken) lock(…); … unlock(…);`, `lock_taken`
   * true): see `flagDecidedReleases`.
   */
  private readonly releasedByFlag = new Map<string, { expr: LockExpr; apiName: string; api: LockApi; site: Range; flags: FieldGuard[] }>();
  /** Caller's locks this function downgrades (write to read) for it, as `mmap_write_downgrade()` does. */
  private readonly downgradedOnEntry = new Map<string, SummaryLock>();
  /** Locks asserted held on entry (`lockdep_assert_held()`, `__must_hold()`), by instance text. */
  readonly asserted = new Map<string, SummaryLock>();
  private readonly acquiredInstances = new Set<string>();
  /** Instances a sparse annotation said were held, that this function takes itself: the annotation was about its inside. */
  private readonly annotationsTakenHere = new Set<string>();
  /** Sparse annotations whose lock the body takes next, rather than releases: they describe the body, not the caller. */
  private readonly annotationsOfTheInside: { contracts: Set<string>; markers: Set<Stmt> };
  /**
   * Instance texts and classes this function releases somewhere (itself or through a callee) after
   * taking them itself. A caller's lock released does not count: a function that takes a lock on
   * one path and releases its caller's on another (`if (enable) lock(g); else unlock(g);`) hands the
   * lock over in both directions, it does not leak it.
   */
  private readonly releasedHere = new Set<string>();
  private readonly acquisitions: FlowResult['acquisitions'] = [];
  private readonly acquisitionKeys = new Set<string>();
  private sleeps: SleepEvidence | null = null;
  private scopeDepth = 0;
  /** Condition texts worth remembering on a path: those tested more than once, and result variables. */
  private readonly correlated: Set<string>;
  /** Tests of a state remembered on each path (see `stateDispatch`). */
  private readonly stateTests: Set<string>;
  /** Handles released with ReleaseMutex here: only those make WaitForSingleObject a lock. */
  private readonly pairedReleases: Set<string>;
  private readonly fieldKeys = new Map<string, string | null>();
  private readonly statements: Stmt[];
  private readonly walkedTwice: Set<string>;
  private readonly switchedTwice: Set<string>;
  private reclassed: Set<string> | undefined;
  /** Field tests of the enclosing `if`s, innermost last. */
  private readonly guards: FieldGuard[] = [];
  /** Set by an `if` with a field guard when only one of its branches goes on (see `sequence`). */
  private survivingGuard: FieldGuard | null = null;
  /** Texts tested on their own in some condition (`if (!desc)`): results a path can branch on. */
  private readonly testedAtoms: Set<string>;
  /** Every condition's atoms and the arguments of the calls it makes (`IS_ERR(handle)`). */
  private readonly testedTexts: Set<string>;
  private readonly objectRoots: () => Set<string>;
  private readonly taskStores: Set<string>;
  /** Variables assigned somewhere in the body. */
  private readonly assignedVars: Set<string>;
  private readonly atomPaths = new Map<string, AtomPaths>();
  /** Parameters tested as flags (`if (!create)`), by name, with their index: what they decide guards locks for callers. */
  private readonly flagParams = new Map<string, number>();
  /**
   * Flag parameters the body assigns, only inside branches of a test of themselves (`if (!ctx) ctx =
   * get_and_lock(…)`): a path keeps what the caller passed under `#index` from their first assignment.
   */
  private readonly reassignedFlags = new Map<string, number>();
  /** Parameters the body never assigns: a caller's flag passed through one still means the caller's. */
  private readonly unassignedParams = new Map<string, number>();
  /** A local or parameter named `current`: `current->x` here is not the running task's. */
  private readonly shadowsCurrent: boolean;

  constructor(
    private readonly fn: FunctionFacts,
    private readonly resolver: ClassResolver,
    private readonly catalogue: LockApiCatalogue,
    private readonly callees: CalleeLookup,
    shape: FunctionShape,
    /** Locks known to be held by callers (found by a first pass that saw them released here). */
    private readonly callerHeld: SummaryLock[],
  ) {
    this.correlated = shape.correlated;
    this.stateTests = shape.stateTests;
    this.pairedReleases = shape.pairedReleases;
    this.annotationsOfTheInside = shape.annotationsOfTheInside;
    this.testedAtoms = shape.testedAtoms;
    this.testedTexts = shape.testedTexts;
    this.statements = shape.statements;
    this.walkedTwice = shape.walkedTwice;
    this.switchedTwice = shape.switchedTwice;
    this.objectRoots = shape.objectRoots;
    this.taskStores = shape.taskStores;
    const assigned = new Set(shape.statements.flatMap((st) => (st.t === 'assign' && !st.declared ? st.vars : [])));
    this.assignedVars = assigned;
    this.shadowsCurrent = fn.locals.current !== undefined || fn.params.some((p) => p.name === 'current');
    fn.params.forEach((p, index) => {
      const reassigned = assigned.has(p.name);
      if (!reassigned) this.unassignedParams.set(p.name, index);
      if (!this.testedAtoms.has(p.name)) return;
      if (reassigned) {
        if (!assignedOnlyUnderOwnTest(fn.body, p.name)) return;
        this.reassignedFlags.set(p.name, index);
      }
      this.flagParams.set(p.name, index);
      // Followed on every path, so that what a path decided of it can guard the locks taken there.
      this.correlated.add(p.name);
    });
  }

  run(): FlowResult {
    let entry = INITIAL;
    const inside = (expr: LockExpr) => this.annotationsOfTheInside.contracts.has(expr.text);
    for (const expr of this.fn.contracts.mustHold) entry = this.assumeAsserted(entry, this.namedOnEntry(expr), this.fn.nameRange, inside(expr));
    for (const expr of this.fn.contracts.releases) entry = this.assumeHeld(entry, this.namedOnEntry(expr), this.fn.nameRange, false, inside(expr));
    for (const lock of this.callerHeld) entry = this.assumeHeld(entry, lock.expr, this.fn.nameRange, true);
    let summary: FunctionSummary;
    try {
      const end = this.sequence(this.fn.body, [entry]);
      const endSite: Range = { start: this.fn.range.end, end: this.fn.range.end };
      for (const state of end) this.exit(state, null, endSite);
      summary = this.summarise();
    } finally {
      stateKeys.clear();
    }
    return {
      edges: [...this.edges.values()],
      findings: [...this.findings.values()],
      summary,
      acquisitions: this.acquisitions,
    };
  }

  /**
   * `f(struct hcd *h) __must_hold(&dum->lock) { struct dummy *dum = h->dum; … }`: a contract naming a
   * local of the body means the object the local is set to, which is what the lock is held through on entry.
   */
  private namedOnEntry(expr: LockExpr): LockExpr {
    if (!this.fn.locals[expr.root] || this.fn.params.some((p) => p.name === expr.root)) return expr;
    const set = this.statements.filter((st) => st.t === 'points' && st.name === expr.root);
    const only = set.length === 1 && set[0].t === 'points' && !this.assignedVars.has(expr.root) ? set[0] : undefined;
    return only ? throughObject(expr, { expr: only.target, address: only.address }) : expr;
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private sequence(stmts: Stmt[], states: State[]): State[] {
    let current = states;
    // Guards of tests whose other branch left on every path (`if (!refcount_dec_and_test(&s->ref))
    // return;`): they guard the rest of this sequence, as a branch guards its body.
    let exitGuards = 0;
    for (const stmt of stmts) {
      if (stmt.t === 'label') {
        this.labelsSeen.add(stmt.name);
        const pending = this.gotos.get(stmt.name);
        if (pending) {
          this.gotos.delete(stmt.name);
          current = merge([...current, ...pending]);
          // Paths that jumped here did not pass those tests.
          this.guards.splice(this.guards.length - exitGuards, exitGuards);
          exitGuards = 0;
        }
        continue;
      }
      if (current.length === 0) continue;
      current = this.statement(stmt, current);
      if (current.some((st) => st.dead)) current = current.filter((st) => !st.dead);
      if (stmt.t === 'if' && this.survivingGuard) {
        this.guards.push(this.survivingGuard);
        exitGuards++;
      }
    }
    this.guards.splice(this.guards.length - exitGuards, exitGuards);
    return current;
  }

  private statement(stmt: Stmt, states: State[]): State[] {
    switch (stmt.t) {
      case 'lock':
        return states.flatMap((s) => this.lockStatement(s, stmt));
      case 'unlock':
        if (stmt.inside && stmt.lock) return states.map((s) => this.releaseInside(s, stmt.lock!, this.site(stmt.site)));
        return states.map((s) => this.release(s, stmt.api, stmt.lock, stmt.handle, this.site(stmt.site)));
      case 'call': {
        const out: State[] = [];
        for (const s of states) {
          // A call is work done under the locks held (see `takenAt`); with none held there is nothing to count.
          const counted = s.held.length === 0 ? s : { ...s, events: s.events + 1 };
          this.storedCall(out, counted, stmt.name, stmt.args, this.site(stmt.site), stmt.bind, stmt.constants, stmt.someOnly);
        }
        const summary = this.callees.summaryOf(stmt.name);
        const zeroed = ZEROED_ALLOCATION.test(stmt.name) || summary?.returnsZeroed === true;
        const built = stmt.bind !== undefined && summary?.newObjectFlags ? out.map((s) => this.newObject(s, stmt.bind!, summary.newObjectFlags!)) : out;
        return stmt.bind !== undefined && zeroed ? built.map((s) => this.zeroedFields(s, stmt.bind!)) : built;
      }
      case 'sleep':
        return states.map((s) => {
          const waiting = stmt.drops ? this.whileWaiting(s, stmt.drops) : s;
          // A wait that drops a lock this function does not hold drops its caller's (a helper called
          // with `q->lock` held that waits with `wait_event_lock_irq(…, q->lock)`): callers see it dropped first.
          const dropped = stmt.drops && waiting === s ? this.dealias(stmt.drops.lock, s) : undefined;
          const callersDropped = dropped && this.reachableByCallers(dropped) ? [this.resolver.resolve(dropped).id] : [];
          // So does one it holds only as its caller's (`lockdep_assert_held(&lock);` before the wait).
          for (const h of s.held) if (h.fromEntry && !waiting.held.includes(h)) callersDropped.push(h.cls.id);
          const after = this.sleep({ ...waiting, events: s.events + 1 }, stmt.what, this.site(stmt.site), [], true, this.droppedAndRetaken(stmt.callee), callersDropped);
          return { ...s, events: after.events, slept: after.slept };
        });
      case 'atomic':
        return states.map((s) => this.atomic(s, stmt.op));
      case 'assume':
        return states.map((s) => this.assumeAsserted(s, stmt.lock, this.site(stmt.site), this.annotationsOfTheInside.markers.has(stmt)));
      case 'stop':
        return [];
      case 'points':
        return states.map((s) => this.point(s, stmt.name, stmt.target, stmt.address));
      case 'alias': {
        this.aliases.set(stmt.name, this.dealias(stmt.lock));
        // `m = &rb->aux_mutex;`: a lock's address is not NULL, so a later `if (m) mutex_unlock(m);` is taken.
        const nonNull = stmt.lock.steps.length > 0 && this.correlated.has(stmt.name);
        return nonNull ? states.map((s) => decide(s, stmt.name, true)) : states;
      }
      case 'assign': {
        // `*locked = true;`, `*out = obj;` through a parameter: what the caller is told on this path.
        const told = stmt.deref && this.paramOf(makeLockExpr(stmt.vars[0], [])).paramIndex !== undefined ? outKey(stmt.vars[0]) : undefined;
        return states.map((s) => {
          let next = detachHeld(forgetPointers(forgetObjects(forget(this.keepCallersFlags(s, stmt.vars), stmt.vars), stmt.vars), stmt.vars), stmt.vars);
          if (stmt.value !== undefined) for (const v of stmt.vars) if (this.correlated.has(v)) next = decide(next, v, stmt.value);
          for (const v of stmt.vars) next = this.storeField(next, v, stmt.value);
          if (this.newObjects) for (const v of stmt.vars) next = this.storedInNewObject(next, v);
          if (isTaskStore(stmt)) next = this.storeTaskField(next, stmt.vars[0], stmt.value ?? this.storedNonNull(stmt, s));
          // `*ptlp = ptl;` with `ptl` held: the caller is given the lock to release.
          const handed = told && stmt.handsOut ? this.dealias(stmt.handsOut, s).text : undefined;
          if (handed !== undefined && holdsInstance(s, handed)) next = setFact(next, handedOutFact(handed), true);
          return told ? setFact(next, told, stmt.value ?? true) : next;
        });
      }
      case 'if': {
        const out: State[] = [];
        const guard = this.guardOf(stmt.cond);
        // The branch values after which some path goes on.
        const going = new Set<boolean>();
        for (const s of states) {
          for (const [value, next] of this.branch(stmt.cond, s)) {
            if (guard) this.guards.push({ key: guard.key, value: guard.value === value });
            const after = this.sequence(value ? stmt.then : stmt.else, [next]);
            if (guard) this.guards.pop();
            if (after.some((st) => !st.dead)) going.add(value);
            out.push(...after);
          }
        }
        // Only for a last reference's release: other early exits on a field (`if (n->in_memory) return n;`)
        // are paths a caller may rely on not taking (see `reliedOnNotTaken`).
        this.survivingGuard = guard && going.size === 1 && isLastReferenceKey(guard.key) ? { key: guard.key, value: guard.value === [...going][0] } : null;
        return merge(out);
      }
      case 'loop':
        return this.loop(stmt.cond, stmt.body, stmt.bodyFirst, states, stmt.iterators, stmt.collection !== undefined && this.walkedTwice.has(stmt.collection) ? stmt.collection : undefined);
      case 'switch':
        return this.switchStatement(stmt, states);
      case 'scope': {
        this.scopeDepth++;
        const depth = this.scopeDepth;
        const out = this.sequence(stmt.body, states);
        this.scopeDepth--;
        return out.map((s) => dropScoped(s, depth));
      }
      case 'return':
        for (const s of states) this.exit(s, stmt.value, this.site(stmt.site));
        return [];
      case 'goto':
        // A jump back (a retry loop) is not followed: the path ends, which can hide a report but never invent one.
        if (!this.labelsSeen.has(stmt.label)) this.gotos.set(stmt.label, [...(this.gotos.get(stmt.label) ?? []), ...states]);
        return [];
      case 'break': {
        const target = this.breakTargets[this.breakTargets.length - 1];
        if (target === 'loop') this.loopFrames[this.loopFrames.length - 1].breaks.push(...states);
        else if (target === 'switch') this.switchFrames[this.switchFrames.length - 1].push(...states);
        return [];
      }
      case 'continue':
        this.loopFrames[this.loopFrames.length - 1]?.continues.push(...states);
        return [];
      case 'label':
        return states;
    }
  }

  /**
   * `collection`: one another loop of the function walks too (`list_for_each_entry(d, devs, node)
   * lock(&d->lock); … list_for_each_entry(d, devs, node) unlock(&d->lock);`): whether it was empty
   * is remembered on the path from the first test of one and decides the first test of the next.
   */
  private loop(cond: Cond | null, body: Stmt[], bodyFirst: boolean, entry: State[], iterators?: string[], collection?: string): State[] {
    const exits: State[] = [];
    let head = entry;
    const nonEmpty = collection !== undefined ? `nonempty:${collection}` : undefined;
    // A path known to enter leaves only after a pass: its entry state is not one already seen.
    let seen = new Set(entry.filter((s) => nonEmpty === undefined || s.facts[nonEmpty] !== true).map(loopKey));
    for (let pass = 0; pass < LOOP_PASSES && head.length > 0; pass++) {
      // The cursor moves to the next entry (or past the end) before each test: what the last pass
      // knew of it (a lock released through it, a test decided) is about the previous entry.
      if (iterators) head = head.map((s) => forgetObjects(forget(s, iterators), iterators));
      let inside: State[] = [];
      if (bodyFirst && pass === 0) inside = cond ? head.map((s) => this.assumeLoopGoesOn(cond, s)) : head;
      else if (cond === null) inside = head;
      else if (nonEmpty !== undefined && pass === 0) {
        for (const s of head) {
          const known = s.facts[nonEmpty];
          for (const [value, next] of this.branch(cond, s)) if (known === undefined || known === value) (value ? inside : exits).push(decide(next, nonEmpty, value));
        }
      } else {
        for (const s of head) for (const [value, next] of this.branch(cond, s)) (value ? inside : exits).push(next);
      }
      const frame = { breaks: [] as State[], continues: [] as State[] };
      this.loopFrames.push(frame);
      this.breakTargets.push('loop');
      const after = this.sequence(body, inside);
      this.breakTargets.pop();
      this.loopFrames.pop();
      exits.push(...frame.breaks);
      const next = merge([...after, ...frame.continues]);
      const fresh = next.filter((s) => !seen.has(loopKey(s)));
      if (fresh.length === 0) {
        // do { } while (cond): the first pass ends by testing the condition.
        if (bodyFirst && pass === 0 && cond !== null) {
          for (const s of next) for (const [value, n] of this.branch(cond, s)) if (!value) exits.push(n);
        }
        break;
      }
      seen = new Set([...seen, ...fresh.map(loopKey)]);
      head = fresh;
      if (pass === LOOP_PASSES - 1 && cond !== null) {
        for (const s of head) for (const [value, n] of this.branch(cond, s)) if (!value) exits.push(n);
      }
    }
    return merge(exits);
  }

  /**
   * A `do { … } while (++tries < max);` entered for the first time: its condition is taken to hold,
   * as it does on every later pass, so that a path leaving the body by `break` is not the one that
   * exhausted the loop (`if (tries >= max)` after it is false there). Only a remembered condition
   * of one test is assumed.
   */
  private assumeLoopGoesOn(cond: Cond, state: State): State {
    const negated = cond.op === 'not';
    const leaf = negated ? cond.arg : cond;
    if (leaf.op !== 'atom' || /^\d+$/.test(leaf.text) || !this.correlated.has(leaf.text) || state.facts[leaf.text] !== undefined) return state;
    return decide(state, leaf.text, !negated);
  }

  private switchStatement({ cases, hasDefault, subject, labels }: SwitchStmt, entry: State[]): State[] {
    const breaks: State[] = [];
    this.switchFrames.push(breaks);
    this.breakTargets.push('switch');
    // A subject switched on again later: each case's paths remember the label they came in by.
    const remembered = subject !== undefined && labels !== undefined && this.switchedTwice.has(subject);
    const enter = (label: string | null) => (remembered ? enteringCase(entry, subject!, labels!, label) : entry);
    let fallthrough: State[] = [];
    cases.forEach((body, i) => {
      fallthrough = this.sequence(body, merge([...enter(labels?.[i] ?? null), ...fallthrough]));
    });
    this.breakTargets.pop();
    this.switchFrames.pop();
    // Without a default, the paths whose value no label matches go past the switch.
    return merge([...breaks, ...fallthrough, ...(hasDefault ? [] : enter(null))]);
  }

  private exit(state: State, value: string | null, site: Range): void {
    const finalState = dropScoped(state, 0);
    // `return err;` where this path decided `err` is zero (`err = down_read_killable(…)` succeeded).
    const decided = value !== null && /^[A-Za-z_]\w*$/.test(value) ? finalState.facts[value] : undefined;
    this.exits.push({ state: finalState, value: decided === false ? '0' : value, site, ...(decided === true ? { nonzero: true } : {}) });
    for (const owed of finalState.owed) this.report('mismatched-unlock', owed.site, owed.message, owed.locks, owed.related, false, {
      kind: 'mismatch',
      expectedRelease: owed.expectedRelease,
      releaseRange: owed.site,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Conditions

  /** The states in which `cond` evaluates to true and to false, with the lock effects of evaluating it. */
  private branch(cond: Cond, state: State): [boolean, State][] {
    const atoms = conditionLeaves(cond);
    if (atoms.length > MAX_ATOMS) {
      // Too many to enumerate: run lock calls for their effects and take both sides undecided.
      let s = state;
      for (const atom of atoms) if (atom.op === 'lock' || atom.op === 'call') s = this.atomEffect(atom, s, null);
      return [[true, s], [false, s]];
    }
    const results: [boolean, State][] = [];
    // The masks followed, less the atoms that short-circuiting left unevaluated: a mask differing from
    // one of them only there takes the same branch with the same effects again.
    const followed: number[] = [];
    const combos = 1 << atoms.length;
    for (let mask = 0; mask < combos; mask++) {
      let possible = true;
      for (let i = 0; i < atoms.length && possible; i++) possible = this.possible(atoms[i], (mask & (1 << i)) !== 0, state);
      if (!possible) continue;
      const evaluated = { bits: 0 };
      const value = evaluate(cond, atoms, mask, evaluated);
      const effective = mask & evaluated.bits;
      if (followed.includes(effective)) continue;
      followed.push(effective);
      let s = state;
      for (let i = 0; i < atoms.length; i++) {
        if ((evaluated.bits & (1 << i)) === 0) continue;
        const atom = atoms[i];
        const truth = (mask & (1 << i)) !== 0;
        const key = conditionKey(atom);
        if (atom.op === 'atom' && key !== undefined && this.correlated.has(key)) s = decide(s, key, truth);
        else {
          s = this.atomEffect(atom, s, truth);
          // `if (is_onoff(cmd)) down_write(); … if (is_onoff(cmd)) up_write();`: a query asked twice answers alike.
          const query = atom.op === 'call' && !changesHeldLocks(this.callees.summaryOf(atom.stmt.name));
          if (query && key !== undefined && this.correlated.has(key)) s = decide(s, key, truth);
        }
      }
      // The same branch with a state like one already kept adds nothing. (Keys are built only for
      // a branch taken twice: most conditions are taken once each way.)
      if (results.some(([v, kept]) => v === value && (kept === s || stateKey(kept) === stateKey(s)))) continue;
      results.push([value, s]);
    }
    return results;
  }

  /**
   * Whether an atom can take this value on this path: what `consistent()` says, and two facts of the
   * objects the path names: a pointer through which it holds a lock is not NULL (`if (pag)
   * unlock(&pag->lock)` after `lock(&pag->lock)`), and two names of one object are equal (`if (buf
   * == of->buf)` after `buf = of->buf`).
   */
  private possible(atom: Cond, value: boolean, state: State): boolean {
    if (!consistent(atom, value, state)) return false;
    // `WARN_ON(!mutex_is_locked(&l))`, `if (mutex_is_locked(&l)) mutex_unlock(&l);`: a lock this path
    // holds is locked. (One it does not hold may be held by another task, or by the caller.)
    if (!value && atom.op === 'call' && LOCKED_QUERIES.has(atom.stmt.name) && this.holdsLock(atom.stmt.args[0], state)) return false;
    if (atom.op !== 'atom' || (!state.objects && (value || state.held.length === 0))) return true;
    const paths = this.pathsOf(atom.text);
    if (paths.left === null) return true;
    if (paths.op !== null) {
      if (!state.objects) return true;
      const same = this.dealias(paths.left, state).text === this.dealias(paths.right!, state).text;
      return !same || value === (paths.op === '==');
    }
    if (value || state.held.length === 0) return true;
    return !this.holdsThrough(paths.left, state);
  }

  /** Whether this path holds the lock an argument names (`&dev->lock`). */
  private holdsLock(arg: string | null | undefined, state: State): boolean {
    const expr = arg ? lockExprOfText(arg) : null;
    if (!expr) return false;
    const text = this.dealias(expr, state).text;
    return holdsInstance(state, text);
  }

  /** Whether this path holds a lock through the pointer `path`, which is then not NULL. */
  private holdsThrough(path: LockExpr, state: State): boolean {
    const through = `${this.dealias(path, state).text}->`;
    // (Not one held on entry: that it is held may be only inferred, and the caller may pass NULL on other calls.)
    return state.held.some((h) => !h.detached && !h.fromEntry && h.expr.text.startsWith(through));
  }

  /**
   * True for an argument through which this path holds a lock (see `holdsThrough`): a callee's
   * `if (!ctx) ctx = get_and_lock(…)` is not taken for it.
   */
  private lockedThrough(arg: string, state: State): true | undefined {
    if (state.held.length === 0 || !ACCESS_PATH.test(arg)) return undefined;
    const path = lockExprOfText(arg);
    return path && this.holdsThrough(path, state) ? true : undefined;
  }

  /** An atom read as a pointer (`p`, `dev->port`) or a comparison of two (`buf == of->buf`); parsed once per text. */
  private pathsOf(text: string): AtomPaths {
    let known = this.atomPaths.get(text);
    if (known) return known;
    const compared = EQUALITY.exec(text);
    const [left, right] = compared ? [lockExprOfText(compared[1]), lockExprOfText(compared[3])] : [ACCESS_PATH.test(text) ? lockExprOfText(text) : null, null];
    known = left && compared && right ? { left, op: compared[2] as '==' | '!=', right } : left && !compared ? { left, op: null } : { left: null, op: null };
    this.atomPaths.set(text, known);
    return known;
  }

  /** A lock call or unknown call whose result is tested: `value` is its truth (null: unknown). */
  private atomEffect(atom: Cond, state: State, value: boolean | null): State {
    if (atom.op === 'lock') {
      const api = this.catalogue.get(atom.stmt.api) ?? COND_LOCK_API;
      if (!api.success || value === null) return this.acquire(state, atom.stmt, api, addsNoOrder(api));
      const succeeded = value === (api.success === 'nonzero');
      if (succeeded) return this.acquire(state, atom.stmt, api, addsNoOrder(api));
      return this.failedAttempt(state, atom.stmt.lock, api);
    }
    if (atom.op === 'call') return this.call(state, atom.stmt.name, atom.stmt.args, this.site(atom.stmt.site), value, atom.stmt.bind, atom.stmt.constants);
    return state;
  }

  // -------------------------------------------------------------------------------------------
  // Lock events

  private lockStatement(state: State, stmt: LockStmt): State[] {
    const api = this.catalogue.get(stmt.api);
    if (!api) return [state];
    if (api.needsPairedRelease && !this.pairedReleases.has(this.dealias(stmt.lock).text)) return [state];
    if (api.role === 'downgrade') return [this.downgrade(state, this.dealias(stmt.lock, state), stmt.api, this.site(stmt.site), [])];
    const mayFail = api.success !== undefined;
    if (!mayFail) return [this.acquire(state, stmt, api, false)];
    const tried = addsNoOrder(api);
    if (stmt.bind) {
      const onSuccess = api.success === 'nonzero';
      const got = decide(this.acquire(state, stmt, api, tried), stmt.bind, onSuccess);
      let missed = decide(this.failedAttempt(state, stmt.lock, api), stmt.bind, !onSuccess);
      // An interrupted or killed sleep is the only way these fail: `if (err == -EINTR) return err;`.
      if (failsOnlyWhenInterrupted(api)) missed = decide(missed, `${stmt.bind} == -EINTR`, true);
      return [got, missed];
    }
    // A trylock whose result is dropped may or may not hold; an interruptible lock used as a statement holds.
    if (tried) return [this.acquire(state, stmt, api, true), this.failedAttempt(state, stmt.lock, api)];
    return [this.acquire(state, stmt, api, false)];
  }

  /** Instances whose trylock failed on some path: the lock was busy, not given up on a signal. */
  private readonly contended = new Set<string>();

  private failedAttempt(state: State, lock: LockExpr, api: LockApi): State {
    const text = this.dealias(lock, state).text;
    if (api.role === 'trylock') this.contended.add(text);
    return failedAttempt(state, text);
  }

  /** The lock a pointer local names (`l` for `&dev->lock`), and a lock reached through a local set to another path's object on this path. */
  private dealias(expr: LockExpr, state?: State): LockExpr {
    const alias = this.aliases.get(expr.root);
    const named = alias ? substituteRoot(expr, alias) : expr;
    const object = state?.objects?.[named.root];
    return object ? throughObject(named, object) : named;
  }

  /**
   * `parent = dentry->d_parent;`: from here on this path, `parent->d_lock` is `dentry->d_parent->d_lock`,
   * so one lock has one name however it is written. The local's declared type tells what the path's
   * last field points to, for naming classes through it.
   */
  private point(state: State, name: string, written: LockExpr, address: boolean): State {
    // `p = p->next`: named by the value the assignment replaces, in a loop a path that grows each pass.
    if (written.root === name || !this.objectRoots().has(name)) return state;
    const target = this.dealias(written, state);
    // `h = current->journal_info;` where this function or a callee stores that field: the field names
    // another object after such a store, which `forgetPointers` does not see for a callee's. `h` keeps its own name.
    if (this.taskStores.size > 0 && !this.shadowsCurrent && [...this.taskStores].some((field) => target.text === field || target.text.startsWith(`${field}->`) || target.text.startsWith(`${field}.`))) return state;
    // `wl = dev->wl; … dev = wl->current_dev;`: once `dev` moves on, `wl` has no other name, and a
    // lock taken as `dev->wl->mutex` would be lost under `wl->mutex`. Only a root that keeps its value names it.
    // A plain copy of a moving pointer (`old = node; node = node->parent;`) is the name its held locks keep.
    if (this.assignedVars.has(target.root)) return !address && target.steps.length === 0 ? copyHeld(state, name, target.root) : state;
    const declared = this.fn.locals[name];
    if (declared) this.resolver.learnType(target, declared.name);
    return { ...state, objects: withEntry(state.objects, name, { expr: target, address }) };
  }

  private acquire(state: State, stmt: LockStmt, api: LockApi, tried: boolean): State {
    const expr = this.dealias(stmt.lock, state);
    const cls = this.resolver.resolve(expr, stmt.subclass);
    // Shown as written (`parent->d_lock`), though known by the path it was reached through.
    const written = this.dealias(stmt.lock).text;
    const text = `${stmt.api}(${written})`;
    this.noteAcquisition(cls, this.site(stmt.site), stmt.api, api.kind, text);
    this.acquiredInstances.add(expr.text);
    return this.take(
      state,
      heldLock({ cls, expr, written: written !== expr.text ? written : undefined, api, site: this.site(stmt.site), scopeDepth: stmt.scoped ? this.scopeDepth : null, tried, via: [], handle: stmt.handle, fromEntry: false }),
      text,
    );
  }

  /**
   * The classes a callee drops and takes back for its caller (`__must_hold(mas->tree->lock)`,
   * `unlock(); alloc(gfp); lock();`): a sleeping mask passed to it is used while they are dropped.
   */
  private droppedAndRetaken(callee: string | undefined): readonly string[] {
    const acquires = callee ? this.callees.summaryOf(callee)?.acquires : undefined;
    return acquires ? acquires.flatMap((l) => l.releasedBefore ?? []) : [];
  }

  /** Puts a lock into the held set: checks sleeping, double locking and records order edges. */
  private take(state: State, lock: Held, text: string): State {
    let held = state.held;
    if (acquisitionSleeps(lock.api) && !lock.tried) state = this.sleep(state, text, lock.site, lock.via);
    // `x[0]` and `x[N]` are two locks; `x[i]` may be either: only one written alike is the held one.
    let same = held.find((h) => h.expr.text === lock.expr.text && h.cls.id === lock.cls.id && !otherElement(h.expr, lock.expr));
    // `f() __acquires(&l) __releases(&l) { spin_lock(&l); … }`: the annotation described the body, it took nothing.
    if (same?.annotated) {
      this.annotationsTakenHere.add(lock.expr.text);
      held = held.filter((h) => h !== same);
      same = undefined;
    }
    // Taken again at the very same site: a loop over instances (`list_for_each_entry(w, …) lock(&w->l)`).
    const loopCarried = same !== undefined && same.site === lock.site;
    const counting = isCountingKind(lock.api.kind);
    if (same && !loopCarried && !(same.api.recursive && lock.api.recursive) && !lock.tried && knownInstance(lock)) {
      this.report(
        'double-lock',
        lock.site,
        `\`${lock.cls.id}\` is taken here while already held (taken at line ${same.site.start.line + 1}${viaText(same.via)}): ${counting ? 'unless the semaphore counts more than one or another path ups it, this deadlocks' : 'this deadlocks'}`,
        [lock.cls.id],
        [{ site: same.site, message: `\`${lock.cls.id}\` first taken here` }],
        // (Held on entry only by inference, from a release on some path: not surely held on this one.)
        // A lock whose holding the function records in a flag is held as the flag says, which other
        // threads' stores decide too (`down_write(&l); set_bit(HELD, …); … if (test_bit(HELD, …)) up_write(&l);`).
        !lock.cls.resolved || counting || same.inferred === true || this.flagKeptLocks().has(lock.expr.text),
      );
      // Likely not held after all: the path goes on with the lock taken here in its place.
      if (same.inferred) held = held.filter((h) => h !== same);
      // A semaphore with a count left, or one a partner ups meanwhile, is taken once more: the path goes on.
      else if (!counting) return { ...state, dead: true };
    }
    if (!same && !lock.tried) this.checkUnorderedInstances(held, lock);
    if (!lock.tried) {
      for (const h of held) {
        if (h.cls.id === lock.cls.id) continue;
        this.addEdge(h, lock, held, text);
      }
    }
    if (lock.via.length === 0) this.noteSummaryAcquire(lock, undefined, state);
    // One entry stands for every instance a loop takes at this site: a loop over the same
    // collection releases them all (see `loop()`), whatever the number of passes.
    if (loopCarried) return state;
    let { irq, bh } = state;
    if (lock.api.ctx === 'irq' || lock.api.ctx === 'irqsave') irq++;
    if (lock.api.ctx === 'bh') bh++;
    const restoresEntry = state.releasedFromEntry.includes(lock.expr.text);
    const inferredEntry = restoresEntry && this.callerHeld.some((l) => l.expr.text === lock.expr.text);
    const taken: Held = { ...lock, takenAt: state.events + 1, fromEntry: restoresEntry || lock.fromEntry, inferred: inferredEntry || lock.inferred };
    return {
      ...state,
      events: state.events + 1,
      held: [...held, taken],
      releasedFromEntry: restoresEntry ? state.releasedFromEntry.filter((r) => r !== lock.expr.text) : state.releasedFromEntry,
      irq,
      bh,
      released: state.released.filter((r) => r !== elementText(lock.expr)),
      releasedByCallee: state.releasedByCallee.filter((r) => r !== lock.expr.text),
      failed: state.failed.filter((r) => r !== lock.expr.text),
    };
  }

  /** `inner`: for a lock taken in a callee, where the callee takes it. */
  private addEdge(from: Held, to: Held, held: Held[], text: string, inner?: SummaryLock, guarded = false): void {
    if (from.inferred || from.varies) return;
    const key = `${from.cls.id}>${to.cls.id}@${to.site.start.line}:${to.site.start.character}`;
    if (this.edges.has(key)) return;
    // Written out in full, absent fields undefined, so that every edge has one shape.
    this.edges.set(key, {
      from: from.cls,
      to: to.cls,
      fromKind: from.api.kind,
      toKind: to.api.kind,
      fromMode: from.api.mode,
      toMode: to.api.mode,
      heldSite: from.site,
      site: to.site,
      text,
      chain: to.via,
      gates: held.filter((h) => h !== from && h.cls.id !== to.cls.id).map((h) => h.cls.id),
      innerFile: inner?.file,
      innerSite: inner?.site,
      guarded: guarded || undefined,
    });
  }

  /**
   * `cls`: the class a callee's summary gives the lock, when it is released through that callee;
   * `everyPath`: whether that callee releases it on all its paths.
   */
  private release(
    state: State,
    apiName: string,
    lockExpr: LockExpr | undefined,
    handle: string | undefined,
    site: Range,
    via: string[] = [],
    cls?: LockClass,
    everyPath = true,
  ): State {
    // A release known only from a contract (`__releases(x)`) matches whatever took the lock.
    const api = this.catalogue.get(apiName) ?? ANY_RELEASE;
    const expr = lockExpr ? this.dealias(lockExpr, state) : undefined;
    let index = -1;
    if (handle !== undefined) index = lastIndex(state.held, (h) => h.handle === handle);
    else if (expr) {
      // The element written alike (`x[0]` for `x[0]`), else one that may be it (`x[i]`), never another constant's.
      index = lastIndex(state.held, (h) => h.expr.text === expr.text && !otherElement(h.expr, expr));
      if (index < 0) index = lastIndex(state.held, (h) => h.expr.text === expr.text && !otherElement(h.expr, expr, true));
      if (index < 0) {
        // The same object named another way: accept a unique held lock of the same class, unless it
        // was taken in another mode or kind: then the names more likely mean two objects. A caller's
        // lock that this function releases by its own name elsewhere is not it either (`for (ns =
        // start; ns != root; ns = ns->parent) unlock(&ns->lock); unlock(&root->lock);`).
        const named = cls ?? this.resolver.resolve(expr);
        let namedHere: Set<string> | undefined;
        const candidates = state.held.filter(
          (h) =>
            (h.cls.id === named.id || h.cls.id.startsWith(`${named.id}/`)) &&
            !otherElement(h.expr, expr, true) &&
            !distinctMembers(h.expr, expr) &&
            !(h.fromEntry && (namedHere ??= this.releasedByNameOn(state)).has(h.expr.text)),
        );
        const fits = (h: Held) => api === ANY_RELEASE || h.fromEntry || h.varies || h.modeUnknown || (h.api.kind === api.kind && modesMatch(h.api, api));
        if (named.resolved && candidates.length === 1 && fits(candidates[0])) index = state.held.indexOf(candidates[0]);
        // A callee that releases the locks of an array it is given (`for (i…) unlock(p->nodes[i])`)
        // drops each one held of that class.
        else if (named.resolved && candidates.length > 1 && via.length > 0 && expr.steps.includes('[]')) {
          return candidates.reduce((s, c) => this.releaseHeld(s, s.held.indexOf(c), ANY_RELEASE, apiName, site, via), state);
        }
      }
    }
    // Whatever lock it names, an `_irqrestore` or `_irq` release of a lock not taken with interrupts
    // off here turns back on the interrupts an earlier plain release left off (`lock_irq(a);
    // lock(b); unlock(a); unlock_irq(b)`: the interrupt state passed from `a` to `b`; or `b` taken
    // out of sight or by a caller).
    const matched = index >= 0 ? state.held[index] : undefined;
    const enablesIrq = api.ctx === 'irqsave' || api.ctx === 'irq';
    const restoresOwed = enablesIrq && (!matched || matched.fromEntry || (matched.api.ctx !== 'irq' && matched.api.ctx !== 'irqsave'));
    // (A matched release settles the count in checkReleaseMatches.)
    if (restoresOwed && state.owed.some((o) => o.what === 'irq')) {
      state = { ...state, irq: matched ? state.irq : Math.max(0, state.irq - 1), owed: dropFirst(state.owed, 'irq') };
    }
    // Likewise a `_bh` release re-enables the bottom halves a plain release of a `_bh` lock left off.
    const enablesBh = api.ctx === 'bh' && (!matched || matched.fromEntry || matched.api.ctx !== 'bh');
    if (enablesBh && state.owed.some((o) => o.what === 'bh')) {
      state = { ...state, bh: matched ? state.bh : Math.max(0, state.bh - 1), owed: dropFirst(state.owed, 'bh') };
    }
    if (index < 0) {
      const text = expr?.text ?? handle ?? '?';
      // Through a callee, a release of a lock not held here says nothing certain: the callee may
      // have taken it in a way we do not model (atomic_dec_and_lock), or it is a lock held here
      // under another name. Only a parameter's lock or a global that the callee releases on every
      // path, while nothing of its kind is held here, makes this function release its caller's lock
      // too (`queue(hb) { __queue(hb); unlock(hb); }`). Otherwise a lock of this function's
      // parameters may still be its caller's, dropped for it (`release_path(p)` →
      // `unlock_rw(p->nodes[i])` → `unlock(eb)`): callers are told it may be released.
      if (via.length > 0) {
        if (expr && !this.acquiredInstances.has(expr.text)) {
          const forCallers = everyPath && this.reachableByCallers(expr) && !state.held.some((h) => h.api.kind === api.kind || api === ANY_RELEASE);
          // (In the callee's class: it may know a field's type through a local of its own that this function lacks.)
          if (forCallers) this.noteReleasedOnEntry(expr, apiName, api, site, via, false, cls);
          else if (this.paramOf(expr).paramIndex !== undefined) this.noteReleasedOnEntry(expr, ANY_RELEASE.name, ANY_RELEASE, site, via, true, cls);
        }
        return state;
      }
      const byCallee = state.releasedByCallee.includes(text);
      const releasedHere = expr !== undefined && state.released.includes(elementText(expr));
      // An element picked by a variable index (`x[i - 1]` in a loop) may be another one each time.
      const sameElement = !expr || !variableElement(expr);
      if (sameElement && (releasedHere || state.failed.includes(text) || byCallee)) {
        const failed = state.failed.includes(text) ? (this.contended.has(text) ? 'its trylock failed' : 'taking it failed') : undefined;
        const why = failed ? `${failed} on this path` : `it was already released on this path${byCallee ? ' (by a callee)' : ''}`;
        const released = expr ? this.resolver.resolve(expr) : undefined;
        // A callee's summary says it releases the lock, not that it does so on every path.
        // An `up()` may give back a count some other path or function took: only worth a mention.
        // Under a test of a flag this function keeps beside the lock (`if (t->removing) unlock(…)`,
        // with `t->removing = true` by the lock and `= false` by the unlock) that this path never
        // stored: its value is what it was on entry, which the function's own stores say is "not held".
        const flagged = this.guards.some((g) => state.facts[`=${g.key}`] === undefined && this.flagsStoredHere().has(g.key));
        // A trylock fails because someone holds the lock: code that goes on to release it knows by
        // other state (a nesting level, a flag set by a callee, a loop's index) that the holder is
        // itself, which no path shows. An interrupted or killed acquisition holds nothing: a warning.
        const contended = state.failed.includes(text) && this.contended.has(text);
        const uncertain = released ? !released.resolved || isCountingKind(api.kind) || flagged || contended : true;
        const written = lockExpr ? this.dealias(lockExpr).text : text;
        this.report('unlock-unheld', site, `\`${written}\` is released here but ${why}`, released ? [released.id] : [], [], uncertain || (byCallee && !releasedHere && !state.failed.includes(text)));
      } else if (expr && !this.acquiredInstances.has(expr.text)) {
        // Released without being taken here: the caller holds it. That is a summary fact, not a bug.
        this.noteReleasedOnEntry(expr, apiName, api, site, via);
      } else if (expr && sameElement) {
        // Taken on another path, released on this one without being held: the caller's lock, as a
        // gate control's closing direction releases it (`if (enable) lock(…); else unlock(…);`).
        this.noteReleasedByFlag(expr, apiName, api, site, state);
        return { ...state, releasedFromEntry: addUnique(state.releasedFromEntry, expr.text) };
      }
      return state;
    }
    return this.releaseHeld(state, index, api, apiName, site, via);
  }

  /**
   * A call through a function pointer that releases the lock inside `object` (`fiq->ops->
   * wake_and_unlock(fiq)`): the one lock held inside it, or, none being held, its struct's only lock
   * when the object is a parameter (the caller's lock).
   */
  private releaseInside(state: State, object: LockExpr, site: Range): State {
    const obj = this.dealias(object, state);
    // A caller's lock that this function releases by name itself is not the one the call releases
    // (`hwlock->bank->ops->unlock(hwlock); spin_unlock(&hwlock->lock);`: the call frees the hardware).
    const releasedByName = this.releasedByName();
    const inside = state.held.filter(
      (h) =>
        h.expr.root === obj.root &&
        h.expr.text.length > obj.text.length &&
        /^(->|\.)/.test(h.expr.text.slice(obj.text.length)) &&
        h.expr.text.startsWith(obj.text) &&
        !(h.fromEntry && releasedByName.has(h.expr.text)),
    );
    if (inside.length === 1) return this.releaseHeld(state, state.held.indexOf(inside[0]), ANY_RELEASE, ANY_RELEASE.name, site, []);
    // Nothing inside held here: the caller's lock, with the same exception.
    const only = inside.length === 0 ? this.resolver.onlyLockOf(obj) : null;
    if (only && this.paramOf(only).paramIndex !== undefined && !releasedByName.has(only.text)) return this.release(state, ANY_RELEASE.name, only, undefined, site);
    return state;
  }

  /** `releasedByName()` with the locals this path has set read as the objects they name (`root = f->private`). */
  private releasedByNameOn(state: State): Set<string> {
    return state.objects ? this.namesReleased(state) : this.releasedByName();
  }

  private releasedByNameHere: Set<string> | undefined;

  /** The locks this function's own release calls name (not a pointer call's guess). */
  private releasedByName(): Set<string> {
    return (this.releasedByNameHere ??= this.namesReleased());
  }

  private namesReleased(state?: State): Set<string> {
    return new Set(this.statements.flatMap((s) => (s.t === 'unlock' && !s.inside && s.lock ? [this.dealias(s.lock, state).text] : [])));
  }

  /** `via`: the callee chain the release came through, when it is not this function's own. */
  private releaseHeld(state: State, index: number, api: LockApi, apiName: string, site: Range, via: string[]): State {
    const held = state.held[index];
    if (!held.fromEntry) {
      this.releasedHere.add(held.expr.text);
      this.releasedHere.add(held.cls.id);
    }
    let next: State = {
      ...state,
      events: state.events + 1,
      held: state.held.filter((_, i) => i !== index),
      ...(via.length > 0 ? { releasedByCallee: addUnique(state.releasedByCallee, held.expr.text) } : { released: addUnique(state.released, elementText(held.expr)) }),
      releasedFromEntry: held.fromEntry ? addUnique(state.releasedFromEntry, held.expr.text) : state.releasedFromEntry,
    };
    next = this.checkReleaseMatches(next, held, api, apiName, site);
    return next;
  }

  /** `spin_lock_irqsave` must end with `spin_unlock_irqrestore`, `read_lock` with `read_unlock`, and so on. */
  private checkReleaseMatches(state: State, held: Held, api: LockApi, apiName: string, site: Range): State {
    // A lock held on entry was taken by a caller with an API we did not see; a release known only
    // from a contract (`__releases`) is the matching one. Either way, what this function's own
    // acquisition turned off (a caller's lock taken back here with `_irq`) is turned back on.
    if (held.fromEntry || held.varies || held.modeUnknown || api === ANY_RELEASE) return held.varies || held.modeUnknown ? state : restoreContext(state, held, api);
    const expected = this.catalogue.expectedRelease(held.api)?.name ?? 'the matching release';
    const locks = [held.cls.id];
    const takenAt = [{ site: held.site, message: `taken with \`${held.api.name}\` here` }];
    if (held.api.kind !== api.kind || !modesMatch(held.api, api)) {
      // The function also takes this lock the way it is released here, on another branch (`if (direct)
      // start_read(); else start_write(); … if (sync) end_write();`): which release goes with which
      // acquisition is decided by tests the paths may not relate (a flag and the mask it came from).
      const takenThatWay = [...this.acquires.values()].some((l) => {
        const other = l.cls.id === held.cls.id ? this.catalogue.get(l.api) : undefined;
        return other !== undefined && other.kind === api.kind && modesMatch(other, api);
      });
      this.report('mismatched-unlock', site, `\`${held.cls.id}\` was taken with \`${held.api.name}\` but is released with \`${apiName}\`; use \`${expected}\``, locks, takenAt, takenThatWay, {
        kind: 'mismatch',
        expectedRelease: expected,
        releaseRange: site,
      });
      return state;
    }
    let { irq, bh } = state;
    const heldIrq = held.api.ctx === 'irq' || held.api.ctx === 'irqsave';
    const relIrq = api.ctx === 'irq' || api.ctx === 'irqsave';
    if (heldIrq) irq = Math.max(0, irq - 1);
    if (held.api.ctx === 'bh') bh = Math.max(0, bh - 1);
    let next = { ...state, irq, bh };
    if (held.api.ctx === api.ctx) return next;
    const message = `\`${held.cls.id}\` was taken with \`${held.api.name}\` but is released with \`${apiName}\`; use \`${expected}\``;
    if (heldIrq && !relIrq && held.api.ctx !== 'bh' && api.ctx !== 'bh') {
      // Interrupts stay off until a later local_irq_restore/enable on this path, if any.
      return { ...next, irq: next.irq + 1, owed: [...next.owed, { what: 'irq', site, message, expectedRelease: expected, locks, related: takenAt }] };
    }
    if (held.api.ctx === 'bh' && api.ctx === 'none') {
      return { ...next, bh: next.bh + 1, owed: [...next.owed, { what: 'bh', site, message, expectedRelease: expected, locks, related: takenAt }] };
    }
    if (relIrq && held.api.ctx === 'none') {
      // local_irq_save(); spin_lock(); … spin_unlock_irqrestore(): the flags come from a save made
      // here or by a caller (often inside a wrapper), which is the usual split form, not a bug.
      return { ...next, irq: Math.max(0, next.irq - 1) };
    }
    // A lock held from a wrapper may have been taken after a local_bh_disable() inside it
    // (`netif_addr_lock_bh()`): summaries do not carry the bottom-half state, so the pairing is unknown.
    if (api.ctx === 'bh' && held.api.ctx === 'none' && held.via.length > 0) return next;
    if (api.ctx === 'bh' && held.api.ctx === 'none' && next.bh > 0) {
      // read_lock_bh(a); spin_lock(b); read_unlock(a); … spin_unlock_bh(b): bottom halves were off on this path.
      return { ...next, bh: next.bh - 1 };
    }
    if (heldIrq && relIrq) return next;
    this.report('mismatched-unlock', site, message, locks, takenAt, false, { kind: 'mismatch', expectedRelease: expected, releaseRange: site });
    return next;
  }

  private atomic(state: State, op: string): State {
    switch (op) {
      // `local_irq_disable()` and `local_irq_enable()` do not nest: interrupts are off, or on, whatever
      // came before (a loop that ends in `local_irq_disable()` and turns them on again at its top).
      case 'irq_disable':
        return { ...state, irq: Math.max(state.irq, 1) };
      case 'irq_enable':
        return { ...state, irq: 0, owed: dropFirst(state.owed, 'irq') };
      case 'irq_save':
        return { ...state, irq: state.irq + 1 };
      case 'irq_restore':
        return { ...state, irq: Math.max(0, state.irq - 1), owed: dropFirst(state.owed, 'irq') };
      case 'irq_handed_out':
        // Interrupts stay off here; turning them back on is the caller's part now.
        return { ...state, owed: dropFirst(state.owed, 'irq') };
      case 'bh_disable':
        return { ...state, bh: state.bh + 1 };
      case 'bh_enable':
        return { ...state, bh: Math.max(0, state.bh - 1), owed: dropFirst(state.owed, 'bh') };
      case 'preempt_disable':
        return { ...state, preempt: state.preempt + 1 };
      case 'preempt_enable':
        return { ...state, preempt: Math.max(0, state.preempt - 1) };
      default:
        return state;
    }
  }

  /** An assertion that the caller holds a lock: held from here, and released for the caller if some path drops it. */
  private assumeAsserted(state: State, lockExpr: LockExpr, site: Range, annotated = false): State {
    const expr = this.dealias(lockExpr, state);
    if (!this.acquiredInstances.has(expr.text) && !this.asserted.has(expr.text)) {
      const cls = this.resolver.resolve(expr);
      this.asserted.set(expr.text, summaryLock({ ...this.paramOf(expr), cls, expr, api: 'release', kind: 'lock', file: this.fn.file, site, chain: [] }));
    }
    return this.assumeHeld(state, lockExpr, site, false, annotated);
  }

  private assumeHeld(state: State, lockExpr: LockExpr, site: Range, inferred = false, annotated = false): State {
    const expr = this.dealias(lockExpr, state);
    if (holdsInstance(state, expr.text)) return state;
    const cls = this.resolver.resolve(expr);
    const lock = heldLock({ cls, expr, api: HELD_ON_ENTRY, site, scopeDepth: null, tried: true, via: [], fromEntry: true, inferred: inferred || undefined, annotated: annotated || undefined });
    return { ...state, held: [...state.held, lock] };
  }

  /** The path as a wait that drops a lock sleeps: that lock dropped, and with it the interrupts it disabled if the wait enables them. */
  private whileWaiting(state: State, drops: { lock: LockExpr; irq: boolean }): State {
    const text = this.dealias(drops.lock, state).text;
    const dropped = state.held.filter((h) => h.expr.text === text);
    if (dropped.length === 0) return state;
    const irqOff = dropped.filter((h) => h.api.ctx === 'irq' || h.api.ctx === 'irqsave').length;
    return { ...state, held: state.held.filter((h) => !dropped.includes(h)), irq: drops.irq ? Math.max(0, state.irq - irqOff) : state.irq };
  }

  /** Sleeping (directly or in a callee) while a spinning lock is held or interrupts are off. */
  /** `droppedFirst`: classes of this path's locks that the sleeping callee released before it slept. */
  private sleep(state: State, what: string, site: Range, chain: string[], always = true, droppedFirst: readonly string[] = [], callersDropped: readonly string[] = []): State {
    if (!this.sleeps && chain.length < MAX_SLEEP_CHAIN) {
      const released = [...this.entryClassesReleased(state), ...callersDropped];
      this.sleeps = { what, chain, always: false, file: this.fn.file, site, releasedBefore: released.length > 0 ? released : undefined };
    }
    // Through calls, only a callee that sleeps on every path, close by, is worth a report.
    if (chain.length > 0 && (!always || chain.length > MAX_SLEEP_CHAIN)) return state;
    const spinning = state.held.filter((h) => isAtomicKind(h.api.kind) && !h.fromEntry && !droppedFirst.includes(unsubclassed(h.cls)));
    // A lock the callee drops before it sleeps gives back, with its matching release, the interrupts
    // or bottom halves its acquisition turned off (`unlock_irq(&lp->lock); msleep(); lock_irq(&lp->lock);`).
    const dropped = droppedFirst.length > 0 ? state.held.filter((h) => !h.fromEntry && droppedFirst.includes(unsubclassed(h.cls))) : [];
    const irq = state.irq - dropped.filter((h) => h.api.ctx === 'irq' || h.api.ctx === 'irqsave').length;
    const bh = state.bh - dropped.filter((h) => h.api.ctx === 'bh').length;
    const atomic = spinning.length > 0 || irq > 0 || bh > 0 || state.preempt > 0;
    if (atomic) {
      const holder = spinning[spinning.length - 1];
      const context = holder
        ? `while \`${holder.cls.id}\` (${holder.api.kind}) is held`
        : irq > 0
          ? 'with interrupts disabled'
          : bh > 0
            ? 'with bottom halves disabled'
            : 'with preemption disabled';
      const how = chain.length > 0 ? ` (via ${chain.join('() → ')}())` : '';
      this.report(
        'sleep-in-atomic',
        site,
        `\`${what}\`${how} can sleep ${context}`,
        holder ? [holder.cls.id] : [],
        holder ? [{ site: holder.site, message: `\`${holder.cls.id}\` taken here` }] : [],
        // Through calls we only know the callee may sleep on some path.
        holder ? !holder.cls.resolved : bh === 0 && state.preempt === 0 && SCHEDULER_ENTRY.test(what),
      );
    }
    return state.slept ? state : { ...state, slept: true };
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  /**
   * A call whose result is stored (`desc = lock_desc(irq)`): when the callee is a conditional lock
   * wrapper and the variable is tested (`if (!desc)`), the path splits like `ret = mutex_trylock(…)`
   * does, into one where the variable holds the success value and the lock is held, and one where it
   * holds the failure value. A result never tested that way gives nothing to follow either outcome by.
   * The states after the call are added to `into`.
   */
  private storedCall(
    into: State[],
    state: State,
    name: string,
    args: (string | null)[],
    site: Range,
    bind: string | undefined,
    constants: Record<number, boolean> | undefined,
    someOnly = false,
  ): void {
    // (Tested in `if (bind)`, or as the argument of a test such as `IS_ERR(bind)`.)
    const summary = bind !== undefined && this.testedTexts.has(bind) ? this.callees.summaryOf(name) : undefined;
    // A pointer that holds the lock unless it is an error value splits on `IS_ERR(bind)`.
    const byErrorPointer = summary !== undefined && summary.conditional.some((c) => c.success === 'valid');
    const tested = bind !== undefined && (this.testedAtoms.has(bind) || byErrorPointer);
    // (A callee that stores per-task state only when it succeeds splits the path the same way.)
    const conditional = tested && summary !== undefined && (summary.conditional.length > 0 || summary.taskFields?.some((t) => t.onSuccess) === true);
    if (!bind || !conditional) {
      into.push(this.call(state, name, args, site, null, bind, constants, someOnly));
      return;
    }
    for (const value of [true, false]) {
      const after = this.call(state, name, args, site, value, bind, constants, someOnly);
      into.push(byErrorPointer ? decide(after, errorTest(bind), !value) : decide(after, bind, value));
    }
  }

  /** Set once this function has received a constructor's new object (see `newObject`). */
  private newObjects = false;

  /**
   * `lo = alloc_init_hdr(…)`, a constructor (see newObjects.ts): in each of the new object's flags
   * fields only the bits the constructor ORed in may be set. Kept for the variable by the field's key
   * (`=lo~hdr.flags`), with a fact for each bit that may be set (`=lo~hdr.flags:HDR_INVALID`), until
   * the variable is assigned, the field stored, or the object passed to a call (which may set a bit).
   */
  private newObject(state: State, variable: string, flags: NewObjectFlags[]): State {
    if (!/^[A-Za-z_]\w*$/.test(variable)) return state;
    let s = state;
    for (const { field, bits } of flags) {
      const key = this.fieldKey(`${variable}->${field}`);
      if (!key) continue;
      s = setFact(s, newObjectFact(variable, key), true);
      for (const bit of bits) s = setFact(s, newObjectFact(variable, `${key}:${bit}`), true);
      this.newObjects = true;
    }
    return s;
  }

  /** A bit guard (`hdr.flags:HDR_HASHED`) of a callee that one of the arguments, a constructor's new object, fails. */
  private clearInNewObject(state: State, key: string, args: (string | null)[]): boolean {
    if (!this.newObjects) return false;
    const colon = key.lastIndexOf(':');
    if (colon < 0 || isLastReferenceKey(key)) return false;
    const field = key.slice(0, colon);
    return args.some((a) => a !== null && state.facts[newObjectFact(a, field)] === true && state.facts[newObjectFact(a, key)] !== true);
  }

  /** After a call given a new object, or a field of it: the callee may have set any bit. */
  private passedNewObjects(state: State, args: (string | null)[]): State {
    let s = state;
    for (const a of args) {
      const root = a === null ? undefined : /^&?\s*([A-Za-z_]\w*)/.exec(a)?.[1];
      if (root !== undefined) s = forgetNewObject(s, root);
    }
    return s;
  }

  /** `lo->flags = …`: the field holds another value now. */
  private storedInNewObject(state: State, variable: string): State {
    const root = /^([A-Za-z_]\w*)(?:->|\.)/.exec(variable)?.[1];
    const key = root !== undefined ? this.fieldKey(variable) : null;
    return key ? forgetNewObject(state, root!, key) : state;
  }

  /**
   * A field of the running task stored on this path (`value` as in `State.task`), here or in a callee:
   * what this path decided of a test of it (`if (current->journal_info == NULL)`) no longer holds, and
   * a known value decides the next test.
   */
  private storeTaskField(state: State, field: string, value: boolean | null): State {
    const task = withEntry(state.task, field, value);
    // (A local named `current` is not the running task: tests of it are left alone.)
    if (this.shadowsCurrent) return { ...state, task };
    const s: State = { ...forget(state, [field]), task };
    return value !== null && this.correlated.has(field) ? decide(s, field, value) : s;
  }

  /**
   * `current->journal_info = tr;`: true when the value stored is not NULL on this path: an address, a
   * pointer this path decided is not NULL, or one dereferenced before on every path (`tr->tr_ip = ip;`).
   * Null when not known (`current->journal_info = saved;`).
   */
  private storedNonNull(stmt: Stmt & { t: 'assign' }, state: State): true | null {
    const stored = stmt.stored;
    if (stored === undefined) return null;
    return stored.startsWith('&') || state.facts[stored] === true || dereferencedBefore(this.fn.body, this.statements, stored, stmt) ? true : null;
  }

  /** How a callee's store to a field of the running task (see `TaskFieldEffect`) leaves this path; `value` is the call's result when known (true: not zero). */
  private taskFieldByCall(state: State, effect: TaskFieldEffect, value: boolean | null): State {
    // A change to a value not known, of a field this path has not stored itself: the path forgets what
    // it decided of the field, and the function's own summary is not changed by it. Carried up, it
    // would reach every caller of a helper like submit_bio() (which stores `current->bio_list` and
    // puts it back), making their summaries news and splitting their paths for nothing.
    if (effect.value === null && state.task?.[effect.field] === undefined) return this.shadowsCurrent ? state : forget(state, [effect.field]);
    if (!effect.onSuccess) return this.storeTaskField(state, effect.field, effect.value);
    // Stored only by the returns of 0: certain where the call returned 0, not done where it failed.
    if (value === true) return state;
    return this.storeTaskField(state, effect.field, value === false ? effect.value : null);
  }

  /**
   * `p = kzalloc(…)`: every field of the new object is zero until stored, so a flag tested later
   * (`if (p->pending_close) unlock(&p->lock);`) is false on the paths that never set it.
   */
  private zeroedFields(state: State, object: string): State {
    let s = state;
    for (const text of this.correlated) if (text.startsWith(`${object}->`) && /^\w+$/.test(text.slice(object.length + 2))) s = decide(s, text, false);
    // And a callee's lock guarded by one of its fields (`if (p->need_commit_sem) down_read(…)`) is not
    // taken for it. (As for the tests above, stores a callee makes into the object are not seen.)
    const any = this.fieldKey(`${object}->_`);
    return any ? setFact(s, zeroedFact(any), true) : s;
  }

  /**
   * Applies a callee's summary. `value` is the call's truth when it is tested in a condition; `bind`
   * is the variable its result is stored in.
   */
  private call(
    state: State,
    name: string,
    args: (string | null)[],
    site: Range,
    value: boolean | null = null,
    bind?: string,
    constants?: Record<number, boolean>,
    someOnly = false,
  ): State {
    const after = this.applyCall(state, name, args, site, value, bind, constants, someOnly);
    return this.newObjects ? this.passedNewObjects(after, args) : after;
  }

  private applyCall(
    state: State,
    name: string,
    args: (string | null)[],
    site: Range,
    value: boolean | null,
    bind: string | undefined,
    constants: Record<number, boolean> | undefined,
    someOnly: boolean,
  ): State {
    const bitStore = BIT_STORE.get(name);
    if (bitStore !== undefined && args[0] && args[1]) {
      const key = this.fieldKey(args[1], args[0]);
      if (key) return setFact(state, `=${key}`, bitStore);
    }
    const summary = this.callees.summaryOf(name);
    if (!summary || isEmptySummary(summary)) return state;
    let s = state;
    const chainOf = (l: SummaryLock) => [name, ...l.chain];
    const atomic = inAtomicSection(s);
    // A callee that drops a lock of ours and takes it again (`unlock(); schedule(); lock();` behind
    // helpers that test the same field before each) hands it back: taking it is no double lock.
    const handedBack = summary.releasesOnEntry.length === 0 ? NO_NAMES : new Set(summary.releasesOnEntry.flatMap((l) => this.instantiate(s, l, name, args)?.expr.text ?? []));
    for (const lock of summary.acquires) {
      const deepEnough = tooDeepToCarry(lock);
      if (s.held.length === 0 && (deepEnough || this.acquires.size >= MAX_SUMMARY_LOCKS)) continue;
      // The callee takes it only for a flag value this call does not pass, or for a state of the
      // object that this path is known not to be in.
      const passed = this.passedFlags(lock.guards, args, constants, s);
      if (passed === null) continue;
      if (atomic && this.reliedOnNotTaken(lock, passed.fields)) continue;
      const open = this.openGuards(passed.fields, s, args);
      if (open === null) continue;
      const inst = this.instantiate(s, lock, name, args);
      if (!inst) continue;
      const held = heldFrom(inst, site, false, chainOf(lock));
      const droppedFirst = lock.releasedBefore ?? [];
      for (const h of s.held) {
        // A callee's release names the lock's class without the subclass this path took it in.
        const dropped = droppedFirst.includes(unsubclassed(h.cls));
        if (h.cls.id !== held.cls.id && !dropped) this.addEdge(h, held, s.held, `${name}()`, lock, open.length > 0);
        else if (h.cls.id === held.cls.id && !dropped && !handedBack.has(h.expr.text)) this.checkTakenAgainInCallee(h, held, lock, site);
      }
      if (!deepEnough) this.noteSummaryAcquire(held, lock, s, passed.flags.length === 0 ? open : [...open, ...passed.flags]);
    }
    // A callee that drops the caller's lock and then sleeps (`unlock(lock); schedule();`) does not
    // sleep under it: its releases come first.
    const sleepsAfterReleasing = (summary.sleeps?.releasedBefore?.length ?? 0) > 0;
    const alwaysSleeps = !!summary.sleeps?.always && !someOnly;
    if (summary.sleeps && !sleepsAfterReleasing) s = this.sleep(s, summary.sleeps.what, site, [name, ...summary.sleeps.chain], alwaysSleeps);
    for (const lock of summary.releasesOnEntry) {
      const inst = this.instantiate(s, lock, name, args);
      if (!inst) continue;
      if (isDowngrade(lock, this.catalogue)) {
        // Deeper than the callee's own body the downgrade may hang on a flag passed down
        // (`__do_munmap(…, downgrade)`): after the call the lock is held in a mode not known here.
        // One held here under another name (the callee reached it through `vma->vm_mm`, this
        // function through `current->mm`), the only one of its class, is as unknown. A caller's lock,
        // not held here, is passed on as downgraded through the chain, so that the caller that holds
        // it learns the same (`ret = do_munmap(…); if (ret == 1) up_read(…)`).
        const heldHere = holdsInstance(s, inst.expr.text);
        const ofClass = heldHere ? [] : s.held.filter((h) => h.cls.id === inst.cls.id);
        if (ofClass.length === 1) s = modeUnknown(s, ofClass[0].expr.text);
        else s = lock.chain.length === 0 || !heldHere ? this.downgrade(s, inst.expr, lock.api, site, chainOf(lock), inst.cls) : modeUnknown(s, inst.expr.text);
        continue;
      }
      // Released only for flag values this call does not pass; for values not known here, maybe.
      const passed = lock.guards?.map((g) => this.flagValue(g, args, constants, s));
      if (lock.guards?.some((g, i) => passed![i] === !g.value)) continue;
      const flagsPassed = passed === undefined || passed.every((v) => v !== undefined);
      const before = s;
      // A release whose mode depends on the arguments fits whatever took the lock.
      s = this.release(s, lock.varies ? ANY_RELEASE.name : inst.api.name, inst.expr, undefined, site, chainOf(lock), inst.cls, !lock.partial && !lock.someReturns && flagsPassed);
      // Maybe dropped: nothing is ordered after it, nor is releasing it here an error.
      if (lock.someReturns && s !== before) s = { ...s, releasedByCallee: s.releasedByCallee.filter((r) => before.releasedByCallee.includes(r)) };
    }
    // (One that takes the lock back before returning, `unlock(&t->lock); schedule(); lock(&t->lock);`, is known by its class.)
    if (summary.sleeps && sleepsAfterReleasing) s = this.sleep(s, summary.sleeps.what, site, [name, ...summary.sleeps.chain], alwaysSleeps, summary.sleeps.releasedBefore);
    for (const lock of summary.returnsHolding) {
      const inst = this.instantiate(s, lock, name, args, bind);
      if (!inst) continue;
      // A callee that returns holding a lock this path already holds has handed it back (a lookup
      // that drops the caller's bucket and locks the next one in its place): it stays held once.
      if (s.held.some((h) => h.expr.text === inst.expr.text && h.cls.id === inst.cls.id)) continue;
      // Edges were recorded from `acquires` above; here the lock only joins the held set.
      s = { ...s, held: [...s.held, this.carried(heldFrom(inst, site, false, chainOf(lock)), lock, name, bind)] };
      this.acquiredInstances.add(inst.expr.text);
    }
    if (value !== null) {
      for (const cond of summary.conditional) {
        const inst = this.instantiate(s, cond.lock, name, args, bind);
        if (!inst) continue;
        if (value === (cond.success !== 'zero')) {
          s = { ...s, held: [...s.held, this.carried(heldFrom(inst, site, true, chainOf(cond.lock)), cond.lock, name, bind)] };
          this.acquiredInstances.add(inst.expr.text);
        }
      }
    }
    for (const effect of summary.taskFields ?? []) s = this.taskFieldByCall(s, effect, value);
    return s;
  }

  /**
   * A sleeping lock a callee takes on some of its paths, for reasons this caller cannot see (the
   * object looked up is already in memory, a result says the work is done): a caller that calls it
   * under a spinlock relies on that path not being taken, since taking it would sleep there. One the
   * callee takes on every path, or only for a state of the object passed (a field guard, which this
   * caller could have set), stays: then the order, and the sleep, are possible.
   */
  private reliedOnNotTaken(lock: SummaryLock, fieldGuards: FieldGuard[]): boolean {
    if (lock.everyPath || fieldGuards.length > 0) return false;
    const api = this.catalogue.get(lock.api);
    return api !== undefined && acquisitionSleeps(api);
  }

  /** Marks a lock held from a callee with what its summary says of it beyond the lock itself. */
  private carried(held: Held, lock: SummaryLock, callee: string, bind: string | undefined): Held {
    if (lock.varies) held.varies = true;
    if (lock.fromReturn && !bind) held.returnedBy = { callee, steps: lock.fromReturn };
    return held;
  }


  /**
   * A callee takes a lock this path holds: the same instance when it is reached from a parameter
   * the caller passed the held lock's object in, or is a global. Another object of the class
   * (`d->child`), a callee's local, a `_nested` subclass or a trylock is no double lock. Through
   * more than one call the callee's path to it may not be taken here: reported quietly.
   */
  private checkTakenAgainInCallee(held: Held, taken: Held, lock: SummaryLock, site: Range): void {
    // Held on entry by contract, or taken at this very call on an earlier pass of a loop: not an acquisition to pair with.
    if (held.inferred || held.varies || held.fromEntry || held.site === site || lock.local || lock.fromReturn) return;
    // The helper drops one of the caller's locks before taking this (`__releases(lock) __acquires(lock)`): a hand-off, not a deadlock.
    if ((lock.releasedBefore?.length ?? 0) > 0) return;
    if (held.expr.text !== taken.expr.text || otherElement(held.expr, taken.expr) || !knownInstance(taken)) return;
    if (held.api.recursive && taken.api.recursive) return;
    // Certain only when this function took it itself and the helper takes it itself, on every path
    // (not `if (flags & LOCK) lock();`); a lock held from a wrapper may have been dropped by another.
    const direct = held.via.length === 0 && lock.chain.length === 0 && lock.everyPath === true;
    this.report(
      'double-lock',
      site,
      `\`${taken.cls.id}\` is taken again${viaText(taken.via)} while already held (taken at line ${held.site.start.line + 1}${viaText(held.via)}): this deadlocks`,
      [taken.cls.id],
      [{ site: held.site, message: `\`${held.cls.id}\` first taken here` }],
      !taken.cls.resolved || !direct,
    );
  }

  /**
   * A callee's lock in this function's terms: a lock reached from the callee's parameter is re-rooted
   * at the argument (`f->lock` with `f` := `dev->child`); an untyped one takes the argument's class.
   * Null when that argument is not a lock expression. A lock held on return and reached from the
   * returned pointer is named through `bind`, the variable the result is stored in, when there is one.
   */
  private instantiate(state: State, lock: SummaryLock, callee: string, args: (string | null)[], bind?: string): { cls: LockClass; expr: LockExpr; api: LockApi } | null {
    const api = this.catalogue.get(lock.api) ?? { name: lock.api, role: 'acquire', kind: lock.kind, mode: 'exclusive', ctx: 'none', lockArg: 0 };
    const receiver = lock.fromReturn && bind ? lockExprOfText(bind) : null;
    if (receiver && lock.fromReturn) {
      const expr = substituteRoot({ root: '', steps: lock.fromReturn, text: '' }, this.dealias(receiver, state));
      return { cls: lock.cls.param ? this.resolver.resolve(expr) : lock.cls, expr, api };
    }
    // The callee's local is not a variable of ours, whatever it is called: only its class carries over.
    if (lock.local) return { cls: lock.cls, expr: makeLockExpr(`${callee}:${lock.expr.root}`, lock.expr.steps), api };
    const argText = lock.paramIndex !== undefined ? args[lock.paramIndex] : null;
    const arg = argText ? lockExprOfText(argText) : null;
    const expr = arg ? substituteRoot(makeLockExpr('', lock.expr.steps, lock.expr.indices), this.dealias(arg, state)) : lock.expr;
    if (!lock.cls.param) return { cls: this.argumentSubclass(lock.cls, args) ?? lock.cls, expr, api };
    if (!arg) return null;
    const base = this.resolver.resolve(expr);
    return { cls: this.argumentSubclass(lock.cls, args, base) ?? base, expr, api };
  }

  /**
   * A callee's lock taken with its parameter as the `_nested` subclass (`IWRITE_LOCK(ip, subclass)`)
   * is, here, of the subclass the argument names (`RDWRLOCK_IMAP`): its class (or `base`, where it
   * is re-resolved here) in that subclass. Undefined for other locks, and for an argument not
   * written as a name.
   */
  private argumentSubclass(callee: LockClass, args: (string | null)[], base?: LockClass): LockClass | undefined {
    if (!callee.subclassParam) return undefined;
    const argument = args[callee.subclassParam.index];
    if (!argument || !/^[A-Za-z_]\w*$/.test(argument)) return undefined;
    const plain = lockClass({ ...(base ?? { ...callee, id: callee.subclassParam.base }), subclassParam: undefined });
    return this.resolver.withSubclass(plain, argument);
  }

  // -------------------------------------------------------------------------------------------
  // Results

  private noteAcquisition(cls: LockClass, site: Range, api: string, kind: string, text: string): void {
    const key = `${cls.id}@${site.start.line}:${site.start.character}`;
    if (this.acquisitionKeys.has(key)) return;
    this.acquisitionKeys.add(key);
    this.acquisitions.push({ cls, site, api, kind, text });
  }

  /** Which parameter a lock expression starts from, so callers can re-root it. */
  private paramOf(expr: LockExpr): { paramIndex?: number } {
    const index = this.fn.params.findIndex((p) => p.name === expr.root);
    return index >= 0 ? { paramIndex: index } : {};
  }

  /** A lock a caller can hold too: reached from a parameter, or a global (`namespace_sem`). */
  private reachableByCallers(expr: LockExpr): boolean {
    if (this.paramOf(expr).paramIndex !== undefined) return true;
    return this.fn.locals[expr.root] === undefined && !/\(\)/.test(expr.text) && this.resolver.resolve(expr).resolved;
  }

  /**
   * A statement's site as a range, made once per site: a lock taken again at the very site it was
   * taken at is told by identity (`same.site === lock.site`).
   */
  private site(span: Span): Range {
    if (typeof span !== 'number') return span;
    let range = this.sites.get(span);
    if (range === undefined) this.sites.set(span, (range = rangeOfSpan(span)));
    return range;
  }

  /** Where a summarised lock's expression starts: a parameter, a local, or neither (a global). */
  private rootOf(expr: LockExpr): { paramIndex?: number; local?: boolean } {
    const param = this.paramOf(expr);
    if (param.paramIndex !== undefined) return param;
    // `callee:m`, a callee's local carried up by `instantiate`, stays a local a level higher too.
    return this.fn.locals[expr.root] !== undefined || expr.root.includes(':') ? { local: true } : {};
  }

  /**
   * Write to read; a caller's lock, not held here, is downgraded for the caller (a wrapper). One a
   * callee downgrades through a local of this function (`mm = vma->vm_mm`, where the local's origin
   * is not followed) is passed on too, by its class: the caller that holds one lock of that class
   * then knows its mode no longer.
   */
  private downgrade(state: State, expr: LockExpr, apiName: string, site: Range, via: string[], calleeClass?: LockClass): State {
    if (holdsInstance(state, expr.text)) return downgrade(state, expr.text, this.catalogue);
    const reachable = this.reachableByCallers(expr);
    const cls = reachable ? this.resolver.resolve(expr) : calleeClass;
    if (cls && (reachable || (via.length > 0 && cls.resolved))) {
      const key = `${cls.id}@${expr.text}`;
      const root = reachable ? this.rootOf(expr) : { local: true };
      if (!this.downgradedOnEntry.has(key)) this.downgradedOnEntry.set(key, summaryLock({ ...root, cls, expr, api: apiName, kind: this.catalogue.get(apiName)?.kind ?? 'rwsem', file: this.fn.file, site, chain: via }));
    }
    return state;
  }

  /** `maybe`: the lock may be released on some paths only (deep in a callee), not on all. */
  private noteReleasedOnEntry(expr: LockExpr, apiName: string, api: LockApi, site: Range, via: string[], maybe = false, calleeClass?: LockClass): void {
    const cls = calleeClass ?? this.resolver.resolve(expr);
    const key = `${cls.id}@${expr.text}`;
    const known = this.releasedOnEntry.get(key);
    // Released with another API elsewhere (`if (rw == WRITE) up_write(); else up_read();`): the mode depends on the arguments.
    if (known) {
      if (known.api !== apiName) known.varies = true;
      return;
    }
    this.releasedOnEntry.set(key, summaryLock({ ...this.rootOf(expr), someReturns: maybe || undefined, cls, expr, api: apiName, kind: api.kind, file: this.fn.file, site, chain: via }));
  }

  /** A caller's lock released where this path did not take it: noted with the flag values it had. */
  private noteReleasedByFlag(expr: LockExpr, apiName: string, api: LockApi, site: Range, state: State): void {
    const flags = this.pathGuards(state).filter(isFlagGuard);
    const known = this.releasedByFlag.get(expr.text);
    // Released on several paths: only the values all of them had still decide it.
    if (known) known.flags = commonGuards(known.flags, flags);
    else this.releasedByFlag.set(expr.text, { expr, apiName, api, site, flags });
  }

  /**
   * The caller's locks this function releases on every path where its flag parameters have the
   * values noted (`netlink_dump(sk, true)` releases the `cb_mutex` its caller took, and
   * `netlink_dump(sk, false)` takes and releases its own): callers passing those values lose the
   * lock, the others keep theirs.
   */
  private flagDecidedReleases(exits: Exit[]): SummaryLock[] {
    const out: SummaryLock[] = [];
    for (const { expr, apiName, api, site, flags } of this.releasedByFlag.values()) {
      if (flags.length === 0) continue;
      const decided = exits.filter((e) => commonGuards(flags, this.pathGuards(e.state)).length === flags.length);
      if (decided.length === 0 || !decided.every((e) => e.state.releasedFromEntry.includes(expr.text))) continue;
      out.push(summaryLock({ ...this.rootOf(expr), cls: this.resolver.resolve(expr), expr, api: apiName, kind: api.kind, file: this.fn.file, site, chain: [], guards: flags }));
    }
    return out;
  }

  /**
   * A struct field named by an access path, `p->skip_locking` → `btrfs_path.skip_locking`, or one bit
   * of it (`test_bit(F, &p->flags)` → `btrfs_path.flags:F`); null when the path's type is unknown.
   */
  private fieldKey(path: string, bit?: string): string | null {
    const cacheKey = bit === undefined ? path : `${path}\u0000${bit}`;
    const known = this.fieldKeys.get(cacheKey);
    if (known !== undefined) return known;
    const expr = lockExprOfText(path);
    const cls = expr && expr.steps.length > 0 ? this.resolver.resolve(expr) : null;
    const typed = cls !== null && cls.resolved && !cls.param && /^\w+(?:\.\w+)+$/.test(cls.id);
    const key = typed && (bit === undefined || /^\w+$/.test(bit)) ? (bit === undefined ? cls!.id : `${cls!.id}:${bit}`) : null;
    this.fieldKeys.set(cacheKey, key);
    return key;
  }

  /** `x->f = 1`: the field is known from here; `x = …`: what was known of `x`'s fields is not. */
  private storeField(state: State, variable: string, value: boolean | undefined): State {
    if (!/->|\./.test(variable)) {
      const root = this.fieldKey(`${variable}->_`);
      if (!root) return state;
      const prefix = root.slice(0, -1);
      const stale = Object.keys(state.facts).filter((k) => isFieldFact(k) && k.startsWith(prefix, 1));
      return stale.reduce((s, k) => setFact(s, k, undefined), state);
    }
    const key = this.fieldKey(variable);
    if (!key) return state;
    // A value not known here leaves the field unknown, not zero: the object is no longer all zeroes.
    const unzeroed = value === undefined ? setFact(state, zeroedFact(key), undefined) : state;
    return setFact(unzeroed, `=${key}`, value);
  }

  private storedFlags: Map<string, Set<boolean>> | undefined;

  /** The values this function stores in fields and bits (`t->removing_chunk = true;`, `set_bit(F, &p->flags)`), by key. */
  private flagStores(): Map<string, Set<boolean>> {
    if (this.storedFlags) return this.storedFlags;
    const stored = new Map<string, Set<boolean>>();
    const add = (key: string | null, value: boolean) => {
      if (key) stored.set(key, (stored.get(key) ?? new Set<boolean>()).add(value));
    };
    for (const st of this.statements) {
      if (st.t === 'assign' && st.value !== undefined) for (const v of st.vars) add(/->|\./.test(v) ? this.fieldKey(v) : null, st.value);
      const bit = st.t === 'call' ? BIT_STORE.get(st.name) : undefined;
      if (st.t === 'call' && bit !== undefined && st.args[0] && st.args[1]) add(this.fieldKey(st.args[1], st.args[0]), bit);
    }
    this.storedFlags = stored;
    return stored;
  }

  /** Fields this function stores both true and false in (`t->removing_chunk = true; … = false;`), by key. */
  private flagsStoredHere(): Set<string> {
    return new Set([...this.flagStores()].filter(([, values]) => values.size === 2).map(([key]) => key));
  }

  private flagKept: Set<string> | undefined;

  /** Locks this function releases under a test of a flag it stores itself: it records their holding in that flag. */
  private flagKeptLocks(): Set<string> {
    if (this.flagKept) return this.flagKept;
    const kept = new Set<string>();
    const stored = this.flagStores();
    for (const st of this.statements) {
      const guard = st.t === 'if' ? this.guardOf(st.cond) : null;
      if (!guard || !stored.has(guard.key) || st.t !== 'if') continue;
      for (const inner of allStatements([...st.then, ...st.else])) if (inner.t === 'unlock' && inner.lock) kept.add(this.dealias(inner.lock).text);
    }
    this.flagKept = kept;
    return kept;
  }

  /**
   * `if (!p->skip_locking)`, `if (test_bit(F, &p->flags))`, `if (refcount_dec_and_test(&p->ref))`: a
   * test of one field, whose branches guard what they take; `value` is what the field is when the
   * condition holds.
   */
  private guardOf(cond: Cond): FieldGuard | null {
    const negated = cond.op === 'not';
    const leaf = cond.op === 'not' ? cond.arg : cond;
    let key: string | null = null;
    if (leaf.op === 'atom' && FIELD_ATOM.test(leaf.text)) key = this.fieldKey(leaf.text);
    else if (leaf.op === 'call' && BIT_TEST.test(leaf.stmt.name) && leaf.stmt.args[0] && leaf.stmt.args[1]) key = this.fieldKey(leaf.stmt.args[1], leaf.stmt.args[0]);
    // `if (refcount_dec_and_test(&s->refcount))`: the last reference's release, which a caller holding
    // another reference never reaches (the state of the object's count is as unknown as a flag's).
    else if (leaf.op === 'call' && LAST_REFERENCE.test(leaf.stmt.name) && leaf.stmt.args[0]) key = this.fieldKey(leaf.stmt.args[0], LAST_REFERENCE_BIT);
    return key ? { key, value: !negated } : null;
  }

  /**
   * The field tests around this point that the path did not settle by storing the field itself, and
   * the flag parameters it decided (`if (!create) return;` … here `create` is true).
   */
  private pathGuards(state: State): FieldGuard[] {
    const fields = uniqueGuards(this.guards.filter((g) => state.facts[`=${g.key}`] === undefined));
    const flags: FieldGuard[] = [];
    for (const [name, index] of this.flagParams) {
      const value = this.reassignedFlags.has(name) && state.facts[callersValueKey(index, false)] ? state.facts[callersValueKey(index, true)] : state.facts[name];
      if (value !== undefined) flags.push({ key: `${FLAG_GUARD}${index}`, value });
    }
    return flags.length > 0 ? [...fields, ...flags] : fields;
  }

  /** Before a reassigned flag parameter's first assignment on a path, what the path decided of the caller's value. */
  private keepCallersFlags(state: State, vars: string[]): State {
    let s = state;
    for (const v of vars) {
      const index = this.reassignedFlags.get(v);
      if (index === undefined || s.facts[callersValueKey(index, false)]) continue;
      s = setFact(setFact(s, callersValueKey(index, false), true), callersValueKey(index, true), s.facts[v]);
    }
    return s;
  }

  /**
   * A callee lock's guards in this call's terms: its flag parameters decided by the arguments (a
   * constant, or a value this path decided), passed on as this function's own parameter's flag, or
   * dropped (an argument it cannot tell); null when an argument contradicts one. Field guards are
   * left for openGuards().
   */
  private passedFlags(
    guards: FieldGuard[] | undefined,
    args: (string | null)[],
    constants: Record<number, boolean> | undefined,
    state: State,
  ): { fields: FieldGuard[]; flags: FieldGuard[] } | null {
    if (!guards) return NO_GUARDS;
    if (!guards.some(isFlagGuard)) return { fields: guards, flags: [] };
    const fields: FieldGuard[] = [];
    const flags: FieldGuard[] = [];
    for (const g of guards) {
      if (!isFlagGuard(g)) {
        fields.push(g);
        continue;
      }
      const known = this.flagValue(g, args, constants, state);
      if (known !== undefined) {
        if (known !== g.value) return null;
        continue;
      }
      const arg = args[Number(g.key.slice(FLAG_GUARD.length))] ?? null;
      const own = arg !== null ? this.unassignedParams.get(arg) : undefined;
      if (own !== undefined) flags.push({ key: `${FLAG_GUARD}${own}`, value: g.value });
    }
    return { fields, flags };
  }

  /** The value a call passes for a callee's flag parameter (a guard's `arg#i`), where this path knows it. */
  private flagValue(guard: FieldGuard, args: (string | null)[], constants: Record<number, boolean> | undefined, state: State): boolean | undefined {
    if (!isFlagGuard(guard)) return undefined;
    const index = Number(guard.key.slice(FLAG_GUARD.length));
    const arg = args[index] ?? null;
    return constants?.[index] ?? (arg !== null ? (state.facts[arg] ?? this.lockedThrough(arg, state)) : undefined);
  }

  /** A callee lock's guards that this path leaves open, for a call given `args`; null when the path contradicts one. */
  private openGuards(guards: FieldGuard[] | undefined, state: State, args: (string | null)[]): FieldGuard[] | null {
    if (!guards) return NO_OPEN_GUARDS;
    const open: FieldGuard[] = [];
    for (const g of guards) {
      const known =
        state.facts[`=${g.key}`] ?? (zeroedField(state, g.key) || this.clearInNewObject(state, g.key, args) ? false : undefined) ?? lastGuard(this.guards, g.key)?.value;
      if (known === undefined) open.push(g);
      else if (known !== g.value) return null;
    }
    return open;
  }

  /** Classes of caller-held (entry) locks this path has released so far. */
  private entryClassesReleased(state: State): string[] {
    if (state.releasedFromEntry.length === 0) return [];
    return state.releasedFromEntry.flatMap((text) => {
      const expr = lockExprOfText(text);
      return expr ? [this.resolver.resolve(expr).id] : [];
    });
  }

  /**
   * `open`: the guards of the callee's lock this path leaves open. (Which entry locks the path has
   * released, and the guards around it, are worked out only for a lock not yet known unguarded:
   * most calls take again what an earlier path took.)
   */
  private noteSummaryAcquire(lock: Held, from: SummaryLock | undefined, state: State, open: FieldGuard[] = []): void {
    if (lock.tried || lock.via.length >= MAX_CHAIN_DEPTH) return;
    const key = `${lock.cls.id}@${lock.expr.text}`;
    const known = this.acquires.get(key);
    // One instance reached through several callees (`p` set to `wmi->parent_dev` in each) is kept by its
    // shortest chain: callers stop following chains at a depth, and the shortest is the one to show.
    if (known && from && lock.via.length < known.chain.length) {
      this.acquires.delete(key);
      this.noteSummaryAcquire(lock, from, state, open);
      // (Guarded only by what held on the paths of both.)
      const shorter = this.acquires.get(key)!;
      this.acquires.set(key, withGuards(shorter, known.guards ? commonGuards(shorter.guards ?? [], known.guards) : []));
      return;
    }
    if (known) {
      // Taken on several paths: only what holds on all of them still guards it.
      if (known.guards) {
        const guards = [...open, ...this.pathGuards(state)];
        this.acquires.set(key, withGuards(known, commonGuards(known.guards, guards)));
      }
      return;
    }
    if (this.acquires.size >= MAX_SUMMARY_LOCKS) return;
    const guards = [...open, ...this.pathGuards(state)];
    const released = this.entryClassesReleased(state);
    const before = released.length === 0 && !from?.releasedBefore ? released : [...new Set([...(from?.releasedBefore ?? []), ...released])];
    const root = this.rootOf(lock.expr);
    this.acquires.set(key, summaryLock({
      cls: lock.cls,
      expr: lock.expr,
      paramIndex: root.paramIndex,
      local: root.local,
      api: lock.api.name,
      kind: lock.api.kind,
      file: from ? from.file : this.fn.file,
      site: from ? from.site : lock.site,
      chain: from ? lock.via : [],
      releasedBefore: before.length > 0 ? before : undefined,
      guards: guards.length > 0 ? uniqueGuards(guards) : undefined,
    }));
  }

  /**
   * Two objects' locks of one class held together (`lock(&from->lock); lock(&to->lock);`) with
   * nothing ordering the objects: a caller passing them the other way round deadlocks with this
   * one, and lockdep reports the nesting as recursive locking. A comparison of the two objects
   * (`if (a < b)`, `a->id > b->id`) orders them; so do `_nested` subclasses (another class) and the
   * `_nest_lock` forms (an outer lock serialises the nesting). When both objects are parameters of
   * one type, callers decide the order, and that is worth a warning; otherwise (objects found here,
   * a parent and its child, parameters with roles of their own) a mention.
   */
  private checkUnorderedInstances(held: Held[], lock: Held): void {
    if (lock.via.length > 0 || !lock.cls.resolved || lock.api.recursive || isCountingKind(lock.api.kind) || lock.api.name.includes('nest_lock')) return;
    const first = held.find(
      (h) => h.cls.id === lock.cls.id && h.via.length === 0 && !h.fromEntry && !h.inferred && !h.varies && !h.api.recursive && h.expr.root !== lock.expr.root,
    );
    if (!first || this.reclassedFields().has(lastName(lock.expr))) return;
    const [a, b] = [first.expr.root, lock.expr.root];
    if ([...this.testedTexts].some((text) => /[<>]/.test(text) && mentions(text, a) && mentions(text, b))) return;
    // Two parameters of one type are interchangeable to callers (`transfer(from, to)`); of two types
    // (`ctx_lock(cpuctx, ctx)`) each has its role, and the order is fixed by them.
    const typeOf = (name: string) => this.fn.params.find((p) => p.name === name)?.type;
    const [ta, tb] = [typeOf(a), typeOf(b)];
    const swappable = ta !== undefined && tb !== undefined && ta !== null && tb !== null && ta.name === tb.name && ta.pointers === tb.pointers;
    this.report(
      'lock-order-inversion',
      lock.site,
      `\`${lock.expr.text}\` is taken while \`${first.expr.text}\` (taken at line ${first.site.start.line + 1}) is held, both \`${lock.cls.id}\`, with nothing ordering the two objects: a caller passing them the other way round deadlocks with this one. Take them in a fixed order (by address), or give the inner one a lockdep subclass if the two can never swap`,
      [lock.cls.id],
      [{ site: first.site, message: `\`${first.expr.text}\` taken here` }],
      !swappable,
    );
  }

  /** Fields whose instances this function gives a lockdep class or subclass of their own (`lockdep_set_subclass(&c->lock, 1)`). */
  private reclassedFields(): Set<string> {
    if (this.reclassed) return this.reclassed;
    const exprs = this.statements.flatMap((s) => (s.t === 'call' && s.name.startsWith('lockdep_set_') && s.args[0] ? [lockExprOfText(s.args[0])] : []));
    return (this.reclassed = new Set(exprs.flatMap((e) => (e ? [lastName(e)] : []))));
  }

  private report(
    code: LocalFinding['code'],
    site: Range,
    message: string,
    locks: string[],
    related: LocalFinding['related'],
    uncertain: boolean,
    fix?: LocalFinding['fix'],
  ): void {
    const key = `${code}@${site.start.line}:${site.start.character}`;
    if (this.findings.has(key)) return;
    this.findings.set(key, { code, site, message, locks, related, uncertain, fix });
  }

  /**
   * A pointer returned both holding the lock and not, which the function tests (`handle = start();
   * if (IS_ERR(handle)) unlock(); return handle;`): the object or its error value tells the caller
   * whether the lock is held, as a trylock wrapper's result does, though not in a form we can state.
   * Returning it is no leak. (A count or an error code returned both ways tells nothing of the kind.)
   */
  private tellingResult(holding: Exit[], notHolding: Exit[]): string | undefined {
    const returnedBoth = (v: string | null): v is string => v !== null && holding.some((e) => e.value === v);
    return notHolding
      .map((e) => e.value)
      .filter(returnedBoth)
      .find((v) => /^[A-Za-z_]\w*$/.test(v) && this.isPointer(v) && [...this.testedTexts].some((text) => mentions(text, v)));
  }

  /**
   * The path to this exit, which keeps the lock, failed a test of a state (one of several the function
   * tells apart, see `stateDispatch`) that every path passing it releases: `if (state(x) == SCAN2)
   * end(x);`, where end() releases, falling through at the end. The function expects the state to be
   * one it handles, for reasons out of sight (an earlier branch moved it there): a leak only if that
   * is wrong.
   */
  private releaseHangsOnState(exit: Exit, holding: Exit[], notHolding: Exit[]): boolean {
    const passed = (e: Exit, test: string) => e.state.facts[test] === true;
    return [...this.stateTests].some(
      (t) => exit.state.facts[t] === false && notHolding.some((n) => passed(n, t)) && !holding.some((h) => passed(h, t)),
    );
  }

  /** Whether a variable (a local or a parameter) is declared as a pointer. */
  private isPointer(name: string): boolean {
    return !!(this.fn.locals[name] ?? this.fn.params.find((p) => p.name === name)?.type)?.pointers;
  }

  /** Which locks the function leaves held, and on which paths: wrappers, trylock wrappers, or leaks. */
  /** The value an exit returns, in the names its locks have: `parent` set to `d->parent` returns `d->parent`. */
  private returnedObject(exit: Exit): string | null {
    const value = exit.value !== null && ACCESS_PATH.test(exit.value) ? lockExprOfText(exit.value) : null;
    return value ? this.dealias(value, exit.state).text : exit.value;
  }

  private summarise(): FunctionSummary {
    const exits = this.exits;
    const heldAt = (exit: Exit) => exit.state.held.filter((h) => !h.fromEntry);
    // `return lock_next(x);`: the lock a callee returned with its result is returned with ours.
    const passedOn = (exit: Exit, h: Held) => h.returnedBy !== undefined && exit.value !== null && exit.value.startsWith(`${h.returnedBy.callee}(`);
    const instances = new Map<string, Held>();
    for (const exit of exits) for (const h of heldAt(exit)) if (!instances.has(h.expr.text)) instances.set(h.expr.text, h);
    // One returned that way stands for the same lock returned by name elsewhere (`return parent;`).
    const namedClasses = new Set([...instances.values()].filter((h) => !h.returnedBy).map((h) => h.cls.id));
    for (const [text, h] of instances) if (h.returnedBy && namedClasses.has(h.cls.id)) instances.delete(text);
    const returnsHolding: SummaryLock[] = [];
    const conditional: ConditionalAcquire[] = [];
    const declared = new Set(
      [...this.fn.contracts.acquires, ...this.fn.contracts.condAcquires].flatMap((e) => [e.text, this.resolver.resolve(e).id]),
    );
    for (const [text, lock] of instances) {
      const holds = (e: Exit) => heldAt(e).find((h) => h.expr.text === text) ?? heldAt(e).find((h) => passedOn(e, h) && h.cls.id === lock.cls.id);
      const holding = exits.filter((e) => holds(e) !== undefined);
      const notHolding = exits.filter((e) => holds(e) === undefined);
      const fromReturn = sameSteps(holding.map((e) => {
        const h = holds(e)!;
        return passedOn(e, h) ? h.returnedBy!.steps : stepsFromReturnedValue(h.expr, this.returnedObject(e));
      }));
      const varies = holding.some((e) => heldAt(e).some((h) => h.expr.text === text && (h.cls.id !== lock.cls.id || h.api.name !== lock.api.name)));
      const asSummary = summaryLock({
        ...this.rootOf(lock.expr),
        fromReturn,
        varies: varies || lock.varies || undefined,
        cls: lock.cls,
        expr: lock.expr,
        api: lock.api.name,
        kind: lock.api.kind,
        file: this.fn.file,
        site: lock.site,
        chain: lock.via.slice(1),
      });
      if (notHolding.length === 0) {
        returnsHolding.push(asSummary);
        continue;
      }
      const success = conditionalSuccess(holding, notHolding, (v) => this.isPointer(v)) ?? (heldUnlessErrorPointer(holding, notHolding) ? 'valid' : null);
      if (success) {
        conditional.push({ lock: asSummary, success });
        continue;
      }
      // A recursive lock wrapper's paths where the running task owned the lock already hold it as
      // well (see `reentered`): no leak. Callers are told no more than before, since how deep the
      // lock is held is not followed (a nested release drops it whole).
      const others = notHolding.filter((e) => !reentered(e));
      if (others.length < notHolding.length && (others.length === 0 || conditionalSuccess(holding, others, (v) => this.isPointer(v)))) continue;
      // A gate control: paths that released the caller's lock of the same name are its closing
      // direction (`if (enable) lock(…); … if (!enable) unlock(…);`), told from the opening one by a
      // test; without the closing paths, the opening ones may hold it on success only (`if (write()
      // < 0) { unlock(…); return -EIO; }`).
      const opening = openingPaths(holding, notHolding, text);
      if (opening && (opening.length === 0 || conditionalSuccess(holding, opening, (v) => this.isPointer(v)))) continue;
      // Reported only for a lock this function takes itself (one taken in a callee is named in the
      // callee's terms), and that it either releases somewhere itself, or works under while it
      // releases other locks of its own: a function that releases nothing and takes this one on some
      // paths takes it for its caller (`if (!locked) down_write(&n->lock);`, a get_x() whose put_x()
      // twin releases): a conditional lock wrapper. Nor does one whose other paths only failed to
      // take it: it gives the lock back out of sight (`if (down_write_killable(…)) return -EINTR; …
      // fs_unlock(dir);`).
      const releasesIt = this.releasedHere.has(text) || this.releasedHere.has(lock.cls.id);
      const worksUnderIt = holding.some((e) => e.state.events > (e.state.held.find((h) => h.expr.text === text)?.takenAt ?? e.state.events));
      const notTried = notHolding.some((e) => !e.state.failed.includes(text));
      const ownLeak = lock.via.length === 0 && (releasesIt || (worksUnderIt && notTried && this.releasedHere.size > 0));
      if (!ownLeak || declared.has(text) || declared.has(lock.cls.id) || this.fn.incomplete) continue;
      // A flag or an object stored for the caller on exactly the paths that hold it (`*locked = true;`,
      // `*key_ret = key; return 0;`): the caller is told, and releases it.
      if (toldThroughParameter(holding, notHolding) || toldByComparison(holding, notHolding)) continue;
      const toldByTask = handedOverInTask(holding, notHolding);
      if (holding.every(toldByTask)) continue;
      // Returns where the object was NULL had no lock to take (`if (vnode2) lock(&vnode2->io_lock);
      // return true;`): without them, the others may tell holding from not.
      const present = notHolding.filter((e) => !pointerDecidedNull(e.state, lock.expr));
      if (present.length < notHolding.length && (present.length === 0 || conditionalSuccess(holding, present, (v) => this.isPointer(v)))) continue;
      // Nor had returns where a flag parameter has the value for which the function never takes it
      // (`if (!depth) down_write(…); … return 0; err: if (!depth) up_write(…); return ret;`).
      const flags = (this.acquires.get(`${lock.cls.id}@${lock.expr.text}`)?.guards ?? []).filter(isFlagGuard);
      const taking = flags.length === 0 ? notHolding : notHolding.filter((e) => !this.pathGuards(e.state).some((h) => flags.some((g) => g.key === h.key && g.value !== h.value)));
      if (taking.length < notHolding.length && (taking.length === 0 || conditionalSuccess(holding, taking, (v) => this.isPointer(v)))) continue;
      const telling = this.tellingResult(holding, notHolding);
      // The others return what tells (above): only the returns of another value while holding leak.
      const told = holding.find((e) => toldByComparison(holding.filter((h) => h.value === e.value), notHolding))?.value;
      const heldOnSuccess = heldOnlyOnSuccess(holding, notHolding);
      // The function returns an object, locked, and its other returns hand out an object whose lock
      // of this class it also takes, in a way not followed here (`if (lock_stateid(found) != nfs_ok)
      // …; return found;`): whether that one is locked decides, and is not known.
      const returnsObject = (e: Exit) => e.value !== null && /^[A-Za-z_]\w*$/.test(e.value) && this.isPointer(e.value);
      const otherObjectLocked = (e: Exit) =>
        returnsObject(e) && [...this.acquires.values()].some((l) => l.expr.text !== text && unsubclassed(l.cls) === unsubclassed(lock.cls));
      const handsOutLocked =
        holding.every(returnsObject) && notHolding.some(otherObjectLocked) && notHolding.every((e) => otherObjectLocked(e) || (e.value !== null && FAILURE.test(e.value)));
      for (const exit of holding) {
        if ((telling !== undefined && exit.value === telling) || exit.value === told || toldByTask(exit) || exit.state.facts[handedOutFact(text)] === true) continue;
        const release = this.catalogue.expectedRelease(lock.api)?.name ?? 'the matching release';
        this.report(
          'unreleased-lock',
          exit.site,
          `\`${lock.cls.id}\` (taken at line ${lock.site.start.line + 1}${viaText(lock.via)}) is still held when returning here, but released on other return paths`,
          [lock.cls.id],
          [{ site: lock.site, message: `\`${lock.cls.id}\` taken here` }],
          // A semaphore is often given back by a partner function (prepare/done): only worth a mention.
          !lock.cls.resolved || isCountingKind(lock.api.kind) || heldOnSuccess || handsOutLocked || this.releaseHangsOnState(exit, holding, notHolding),
          { kind: 'release', lockText: lock.written ?? lock.expr.text, releaseCall: release },
        );
      }
    }
    const sleeps = this.sleeps ? { ...this.sleeps, always: exits.length > 0 && exits.every((e) => e.state.slept) } : null;
    // A caller's lock (found released here, declared with __releases, or asserted held) counts as
    // released when some return path no longer holds it: callers then see it released, rather than leaked.
    const heldEverywhere = (text: string) => exits.length > 0 && exits.every((e) => holdsInstance(e.state, text));
    // (Named as held on entry: a contract naming a local means the object the local is set to.)
    const contractReleases: SummaryLock[] = this.fn.contracts.releases.map((written) => this.namedOnEntry(written)).map((expr) =>
      summaryLock({
        ...this.rootOf(expr),
        cls: this.resolver.resolve(expr),
        expr,
        api: 'release',
        kind: 'lock',
        file: this.fn.file,
        site: this.fn.nameRange,
        chain: [],
      }),
    );
    // An assertion may come after early returns: only a path that dropped the lock since releases it.
    const droppedSomewhere = (text: string) => exits.some((e) => e.state.releasedFromEntry.includes(text));
    // Released on some paths only (`if (fast_path()) return; … unlock()`): callers cannot count on it.
    const heldSomewhere = (text: string) => exits.some((e) => holdsInstance(e.state, text));
    // (A caller-held lock comes from the first pass's summary, where every release was still partial.)
    const found = [...this.callerHeld].filter((l) => !heldEverywhere(l.expr.text)).map((l) => summaryLock({ ...l, partial: heldSomewhere(l.expr.text) || undefined }));
    const releasesOnEntry = uniqueLocks(
      [...this.flagDecidedReleases(exits), ...found, ...contractReleases.filter((l) => !heldEverywhere(l.expr.text) && !this.annotationsTakenHere.has(l.expr.text))]
        .concat([...this.asserted.values()].filter((l) => droppedSomewhere(l.expr.text)).map((l) => summaryLock({ ...l, someReturns: true })))
        .concat([...this.releasedOnEntry.values()].map((l) => summaryLock({ ...l, partial: true })))
        .concat([...this.downgradedOnEntry.values()]),
    );
    // Own acquisitions taken on every path to a return (held there, or released before it).
    const takenOn = (e: Exit, expr: LockExpr) =>
      holdsInstance(e.state, expr.text) || e.state.released.includes(elementText(expr)) || e.state.releasedByCallee.includes(expr.text);
    const acquires = [...this.acquires.values()].map((l) => (l.chain.length === 0 && exits.length > 0 && exits.every((e) => takenOn(e, l.expr)) ? summaryLock({ ...l, everyPath: true }) : l));
    return functionSummary({ acquires, returnsHolding, conditional, releasesOnEntry, sleeps, taskFields: taskFieldEffects(exits) });
  }
}

/**
 * What the returns leave in the fields of the running task some path stored: a value every return
 * leaves alike; or one every return of 0 leaves alike while the returns of an error store nothing
 * (`__gfs2_trans_begin()`: `current->journal_info = tr; return 0;`), for success only; else a change
 * to a value not known, so that callers forget what they knew of the field.
 */
function taskFieldEffects(exits: Exit[]): TaskFieldEffect[] | undefined {
  const fields = taskFieldsStored(exits);
  if (fields.length === 0) return undefined;
  return fields.sort().map((field) => {
    const left = (e: Exit) => e.state.task?.[field];
    const first = left(exits[0]);
    if (first !== undefined && exits.every((e) => left(e) === first)) return { field, value: first };
    const successes = exits.filter((e) => e.value === '0');
    const stored = successes.length > 0 ? left(successes[0]) : undefined;
    const alike = stored !== undefined && stored !== null && successes.every((e) => left(e) === stored);
    const failuresKeep = exits.every((e) => e.value === '0' || (left(e) === undefined && e.value !== null && (e.nonzero === true || isErrorCode(e.value))));
    return alike && failuresKeep ? { field, value: stored, onSuccess: true } : { field, value: null };
  });
}

/**
 * Whether `name` is dereferenced (`name->f = …`) on every path before `target`: by a statement before
 * it in a sequence that encloses it, and not jumped over by a `goto` from before it to a label between.
 * `statements` are the body's, in the order they are written (`allStatements(body)`).
 */
function dereferencedBefore(body: readonly Stmt[], statements: readonly Stmt[], name: string, target: Stmt): boolean {
  const through = `${name}->`;
  const dereferences = (s: Stmt): boolean => s.t === 'assign' && s.vars.some((v) => v.startsWith(through));
  // Statements in the order they are written: a jump can skip a dereference only from before it.
  const order = new Map(statements.map((s, i) => [s, i]));
  const gotoAt = (label: string) => [...order].filter(([s]) => s.t === 'goto' && s.label === label).map(([, i]) => i);
  // Undefined when `target` is not inside `stmts`; else where the first dereference on every path to it is (-1: none).
  const search = (stmts: readonly Stmt[], before: number): number | undefined => {
    let first = before;
    for (const s of stmts) {
      if (s === target) return first;
      if (s.t === 'label' && first >= 0 && gotoAt(s.name).some((i) => i < first)) first = -1;
      const inner = s.t === 'if' ? [s.then, s.else] : s.t === 'loop' || s.t === 'scope' ? [s.body] : s.t === 'switch' ? s.cases : [];
      for (const nested of inner) {
        const found = search(nested, first);
        if (found !== undefined) return found;
      }
      // A scope runs whole: what it dereferences at its own level comes before what follows it.
      const own = dereferences(s) ? s : s.t === 'scope' ? s.body.find(dereferences) : undefined;
      if (own && first < 0) first = order.get(own)!;
    }
    return undefined;
  };
  return (search(body, -1) ?? -1) >= 0;
}

/** Lock texts released in a function by APIs that pair with `needsPairedRelease` acquisitions. */
function releasedHandles(statements: Stmt[], catalogue: LockApiCatalogue): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    if (s.t === 'unlock' && s.lock && catalogue.get(s.api)?.kind === 'win32_mutex') out.add(s.lock.text);
  }
  return out;
}

/**
 * A lock a callee's summary takes, as held at the call. Spelled out rather than spread from `inst`:
 * V8 copies `{ ...inst, site, … }` key by key in its runtime, the commonest cost of following calls.
 */
function heldFrom(inst: { cls: LockClass; expr: LockExpr; api: LockApi }, site: Range, tried: boolean, via: string[]): Held {
  return heldLock({ cls: inst.cls, expr: inst.expr, api: inst.api, site, scopeDepth: null, tried, via, fromEntry: false });
}

/**
 * A held lock with every field of `Held` there, in one order, the optional ones undefined: all held
 * locks share one hidden class, and the flow reading them stays optimised (made with only the
 * fields each needed, they came in many shapes, and their reads were recompiled as each turned up).
 */
function heldLock(h: Pick<Held, 'cls' | 'expr' | 'api' | 'site' | 'scopeDepth' | 'tried' | 'via' | 'fromEntry'> & Partial<Held>): Held {
  return {
    cls: h.cls,
    expr: h.expr,
    api: h.api,
    site: h.site,
    scopeDepth: h.scopeDepth,
    tried: h.tried,
    via: h.via,
    handle: h.handle,
    fromEntry: h.fromEntry,
    takenAt: h.takenAt,
    inferred: h.inferred,
    annotated: h.annotated,
    written: h.written,
    detached: h.detached,
    copiedTo: h.copiedTo,
    varies: h.varies,
    modeUnknown: h.modeUnknown,
    returnedBy: h.returnedBy,
  };
}

/** Holding a spinning lock taken here, or with interrupts, bottom halves or preemption off: nothing may sleep. */
function inAtomicSection(state: State): boolean {
  return state.irq > 0 || state.bh > 0 || state.preempt > 0 || state.held.some((h) => isAtomicKind(h.api.kind) && !h.fromEntry && !h.tried);
}

/** A callee that leaves its caller holding a lock, or releases one of the caller's. */
function changesHeldLocks(summary: FunctionSummary | undefined): boolean {
  return summary !== undefined && (summary.returnsHolding.length > 0 || summary.conditional.length > 0 || summary.releasesOnEntry.length > 0);
}

/**
 * Conditions worth remembering on a path: variables that carry a lock call's result, and conditions
 * tested more than once where at least one test guards a lock operation (`if (x) lock(); … if (x)
 * unlock();`), a call to a lock or unlock wrapper or a change of the interrupt state included. Remembering every condition would split
 * paths that differ in nothing that matters.
 */
function correlatedConditions(statements: Stmt[], isLockWrapper: (name: string) => boolean): Set<string> {
  const counts = new Map<string, number>();
  const guarding = new Set<string>();
  const binds = new Set<string>();
  const constants = new Set<string>();
  // What each statement holds, worked out once per statement (bottom-up) for every test that
  // encloses it: asked of each branch afresh, nested branches were walked once per enclosing test.
  // Turning interrupts or preemption off and on under a test (`if (!mod) local_irq_save(f); … if (!mod) local_irq_restore(f);`) counts as well.
  const lockOps = new Map<Stmt, boolean>();
  const holdsLockOp = (s: Stmt): boolean => {
    let holds = lockOps.get(s);
    if (holds === undefined) {
      holds = s.t === 'lock' || s.t === 'unlock' || s.t === 'atomic' || (s.t === 'call' && isLockWrapper(s.name)) || innerStatements(s).some(hasLockOp);
      lockOps.set(s, holds);
    }
    return holds;
  };
  const hasLockOp = (stmts: Stmt[]): boolean => stmts.some(holdsLockOp);
  // `if (p) lock(&p->l);`: whether the object was there decides whether the lock was taken.
  const roots = new Map<Stmt, string[]>();
  const rootsLocked = (s: Stmt): string[] => {
    let found = roots.get(s);
    if (found === undefined) {
      const cond = s.t === 'if' || s.t === 'loop' ? s.cond : null;
      found = s.t === 'lock' ? [s.lock.root] : cond ? conditionLeaves(cond).flatMap((leaf) => (leaf.op === 'lock' ? [leaf.stmt.lock.root] : [])) : [];
      for (const list of innerStatements(s)) for (const inner of list) found.push(...rootsLocked(inner));
      roots.set(s, found);
    }
    return found;
  };
  const lockedRoots = (stmts: Stmt[]) => new Set(stmts.flatMap(rootsLocked));
  const objectTests = new Set<string>();
  for (const s of statements) {
    if (s.t === 'lock' && s.bind) binds.add(s.bind);
    else if (s.t === 'assign' && s.value !== undefined) s.vars.forEach((v) => constants.add(v));
    if (s.t === 'if' && recordsLockOutcome(s)) binds.add((s.then[0] as { vars: string[] }).vars[0]);
    if (s.t === 'if' || (s.t === 'loop' && s.cond)) {
      // A loop's condition guards its body (`do { lock(); if (busy) { unlock(); again = true; } } while (again);`).
      const guards = s.t === 'if' ? hasLockOp(s.then) || hasLockOp(s.else) : hasLockOp(s.body);
      // (Made for the first atom tested: most conditions are calls.)
      let roots: Set<string> | undefined;
      for (const leaf of conditionLeaves(s.cond!)) {
        const a = conditionKey(leaf);
        if (a === undefined) continue;
        if (leaf.op === 'atom' && s.t === 'if' && (roots ??= lockedRoots(s.then)).has(a)) objectTests.add(a);
        counts.set(a, (counts.get(a) ?? 0) + 1);
        if (guards) guarding.add(a);
      }
    }
    // Leaving a loop that drops and takes locks (`up_read(); t = schedule_timeout(t); if (!t) break;
    // down_read();`) at a test decides what the loop's exit holds, as a test around a release does.
    if (s.t === 'loop' && hasLockOp(s.body)) {
      for (const inner of allStatements(s.body)) {
        if (inner.t !== 'if' || !(inner.then.some((b) => b.t === 'break') || inner.else.some((b) => b.t === 'break'))) continue;
        for (const leaf of conditionLeaves(inner.cond)) {
          const a = conditionKey(leaf);
          if (a !== undefined) guarding.add(a);
        }
      }
    }
  }
  // A result variable tested where the lock is dropped (`if (ret) unlock(); return ret;`, `if (ret != OK)
  // unlock(); return ret;`) says which way it went.
  const returned = new Set(statements.flatMap((s) => (s.t === 'return' && s.value !== null && ACCESS_PATH.test(s.value) ? [s.value] : [])));
  const out = new Set([...binds, ...objectTests, ...[...guarding].filter((text) => returned.has(text) || returned.has(comparedVariable(text) ?? ''))]);
  // Tested twice, or set to a constant somewhere (`locked = true; … if (locked) unlock();`), or a
  // test of whether the running task owns the lock already (see `reentered`).
  for (const text of guarding) if ((counts.get(text) ?? 0) > 1 || constants.has(text) || OWNED_BY_RUNNING_TASK.test(text)) out.add(text);
  // A result set to a constant, tested and returned (`ret = 0; … if (ret) break; … return ret;`):
  // what each path decided of it is what the caller learns, whether the test guards a lock or not.
  for (const text of counts.keys()) if (returned.has(text) && constants.has(text)) out.add(text);
  // A test of a state that guards a release or an acquisition (see `releaseHangsOnState`).
  for (const text of stateDispatch(counts.keys())) if (guarding.has(text)) out.add(text);
  return out;
}

/** `state(x) == SCAN1`: a value compared with a named constant. */
const STATE_TEST = /^(.+\S) == ([A-Z_][A-Z0-9_]*)$/;

/**
 * Tests of one value against several named constants (`if (state(x) == SCAN1) … if (state(x) ==
 * SCAN2) …`): a dispatch on a state. Those around a lock operation are remembered on each path (see
 * `releaseHangsOnState`).
 */
function stateDispatch(texts: Iterable<string>): Set<string> {
  const constantsOf = new Map<string, Set<string>>();
  const tests: [string, string][] = [];
  for (const text of texts) {
    const m = text.includes(' == ') ? STATE_TEST.exec(text) : null;
    if (!m) continue;
    tests.push([text, m[1]]);
    constantsOf.set(m[1], (constantsOf.get(m[1]) ?? new Set<string>()).add(m[2]));
  }
  return new Set(tests.filter(([, value]) => constantsOf.get(value)!.size > 1).map(([text]) => text));
}

/** `if (busy || !spin_trylock(&l)) ret = true; else ret = false;`: `ret` says whether the lock was taken. */
function recordsLockOutcome(s: Stmt & { t: 'if' }): boolean {
  const [then, otherwise] = [s.then[0], s.else[0]];
  return (
    s.then.length === 1 && s.else.length === 1 && then.t === 'assign' && otherwise.t === 'assign' && then.value !== undefined && otherwise.value !== undefined &&
    then.vars.length === 1 && then.vars[0] === otherwise.vars[0] && conditionLeaves(s.cond).some((leaf) => leaf.op === 'lock')
  );
}

/** `priv->fw_mutex_owner == current`: the owner a recursive lock wrapper records is the running task. */
const OWNED_BY_RUNNING_TASK = /^\S+ == current$|^current == \S+$/;

/**
 * A path on which the lock's recorded owner was the running task: a recursive lock wrapper
 * (`if (priv->owner != current) { mutex_lock(&priv->m); priv->owner = current; } priv->depth++;`)
 * takes nothing there because its caller holds the lock already.
 */
function reentered(exit: Exit): boolean {
  for (const key in exit.state.facts) if (exit.state.facts[key] === true && OWNED_BY_RUNNING_TASK.test(key)) return true;
  return false;
}

/** A canonical comparison (`ret == nfs_ok`, `dso->data.fd < 0`): the value it tests, how, and with what. */
const COMPARISON = /^([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*) (==|<|<=) (\S+)$/;

/** The value a canonical comparison tests, `ret` in `ret == nfs_ok`. */
function comparedVariable(text: string): string | undefined {
  return COMPARISON.exec(text)?.[1];
}

/**
 * Every return gives the same value, and a comparison of it decided on each path is one way on
 * the paths holding the lock and the other way on the rest (`if (ret != OK) unlock(); return ret;`,
 * `if (dso->data.fd < 0) unlock(); return dso->data.fd;`): the result tells the caller whether it
 * holds the lock, though not as a value we can name. Returns without the lock may also give an
 * error written out (`if (lock(…)) return -1;`) where that error answers the comparison as they do.
 */
function toldByComparison(holding: Exit[], notHolding: Exit[]): boolean {
  const value = holding[0]?.value;
  if (!value || !holding.every((e) => e.value === value)) return false;
  const compared = notHolding.filter((e) => e.value === value);
  const written = notHolding.filter((e) => e.value !== value);
  if (compared.length === 0) return false;
  // (The value itself is a test of it too: `if (fd < 0)` reads as a test of `fd`.)
  const keys = Object.keys(holding[0].state.facts).filter((k) => k === value || comparedVariable(k) === value);
  return keys.some((k) => {
    const held = holding[0].state.facts[k];
    return (
      holding.every((e) => e.state.facts[k] === held) &&
      compared.every((e) => e.state.facts[k] === !held) &&
      written.every((e) => e.value !== null && comparisonOfError(k, e.value) === !held)
    );
  });
}

/**
 * How a test answers for an error written out (`-1`, `-EINVAL`, taken as negative), if it can tell:
 * a test of the value's truth, or a canonical comparison of it with a number.
 */
function comparisonOfError(test: string, error: string): boolean | undefined {
  if (!isErrorLiteral(error)) return undefined;
  const comparison = COMPARISON.exec(test);
  if (!comparison) return true;
  const [, , op, bound] = comparison;
  if (!/^-?\d+$/.test(bound)) return undefined;
  const limit = Number(bound);
  const number = /^-\d+$/.test(error) ? Number(error) : undefined;
  if (number !== undefined) return op === '==' ? number === limit : op === '<' ? number < limit : number <= limit;
  // A symbolic error (`-EIO`) is below zero, and equals no number written beside it here.
  if (op === '==') return limit >= 0 ? false : undefined;
  return limit >= 0 ? true : undefined;
}

/** A condition that reads one field: `p->skip_locking`, `db->state.in_timeout`. */
const FIELD_ATOM = /^[A-Za-z_]\w*(?:(?:->|\.)\w+)+$/;
const BIT_TEST = /^(?:__)?test_(?:and_(?:set|clear|change)_)?bit$/;
/** Drops a reference count and tells whether it was the last one. */
const LAST_REFERENCE = /^(?:refcount|atomic|atomic64|atomic_long|local)_(?:dec|sub)_and_test$/;
/** The "bit" of a count's field key that stands for "this was the last reference". */
const LAST_REFERENCE_BIT = 'last_reference';

function isLastReferenceKey(key: string): boolean {
  return key.endsWith(`:${LAST_REFERENCE_BIT}`);
}
/** Calls that store one bit: the value stored. */
const BIT_STORE: ReadonlyMap<string, boolean> = new Map([
  ['set_bit', true],
  ['__set_bit', true],
  ['clear_bit', false],
  ['__clear_bit', false],
]);

/**
 * A held lock's class as a release names it: a release ends the hold whatever `_nested` subclass
 * the lock was taken in (`spin_lock_nested(&p->in.lock, 1)`, dropped by a callee's plain
 * `spin_unlock(&p->in.lock)`).
 */
function unsubclassed(cls: LockClass): string {
  return cls.base ?? cls.id;
}

/**
 * Facts of a reassigned flag parameter (see `reassignedFlags`): `#2=` the caller's value, `#2!` that
 * it was assigned on this path. Keys no variable's name can make stale.
 */
function callersValueKey(index: number, value: boolean): string {
  return `#${index}${value ? '=' : '!'}`;
}

/** `if (!ctx) { ctx = lookup(…); … }`: every assignment to `name` lies in a branch of a test of `name` alone. */
function assignedOnlyUnderOwnTest(body: readonly Stmt[], name: string): boolean {
  const testsAlone = (cond: Cond): boolean => (cond.op === 'not' ? testsAlone(cond.arg) : cond.op === 'atom' && cond.text === name);
  const visit = (stmts: readonly Stmt[], underTest: boolean): boolean =>
    stmts.every((s) => {
      switch (s.t) {
        case 'assign':
          return underTest || !s.vars.includes(name);
        case 'if': {
          const inside = underTest || testsAlone(s.cond);
          return visit(s.then, inside) && visit(s.else, inside);
        }
        case 'loop':
        case 'scope':
          return visit(s.body, underTest);
        case 'switch':
          return s.cases.every((c) => visit(c, underTest));
        default:
          return true;
      }
    });
  return visit(body, false);
}

/** The key of a guard on a parameter tested as a flag: `arg#2`. */
const FLAG_GUARD = 'arg#';
const NO_GUARDS: { fields: FieldGuard[]; flags: FieldGuard[] } = { fields: [], flags: [] };

function lastGuard(guards: readonly FieldGuard[], key: string): FieldGuard | undefined {
  for (let i = guards.length - 1; i >= 0; i--) if (guards[i].key === key) return guards[i];
  return undefined;
}

/** A guard on a flag parameter of the function (`arg#1`), not on a field of an object. */
function isFlagGuard(guard: FieldGuard): boolean {
  return guard.key.startsWith(FLAG_GUARD);
}

/** The guards of `a` that `b` has too, with the same value. */
function commonGuards(a: readonly FieldGuard[], b: readonly FieldGuard[]): FieldGuard[] {
  return a.filter((g) => b.some((h) => h.key === g.key && h.value === g.value));
}

function uniqueGuards(guards: FieldGuard[]): FieldGuard[] {
  const seen = new Map<string, FieldGuard>();
  for (const g of guards) if (!seen.has(g.key)) seen.set(g.key, g);
  return [...seen.values()];
}

/** The lock with these guards: itself when they are the ones it has. */
function withGuards(lock: SummaryLock, guards: FieldGuard[]): SummaryLock {
  const had = lock.guards ?? [];
  if (guards.length === had.length && guards.every((g, i) => g === had[i])) return lock;
  return summaryLock({ ...lock, guards: guards.length > 0 ? guards : undefined });
}

/**
 * The paths that enter a switch's case by `label` (null: by `default`, where no label matches),
 * each told so: the label's comparison decided true (for `default`, every label's decided false).
 * A path that an earlier switch on the subject, or a test, sent another way does not enter.
 */
function enteringCase(entry: State[], subject: string, labels: (string | null)[], label: string | null): State[] {
  const comparison = (l: string) => `${subject} == ${l}`;
  const others = labels.filter((l): l is string => l !== null && l !== label);
  const out: State[] = [];
  for (const state of entry) {
    if (others.some((l) => state.facts[comparison(l)] === true)) continue;
    if (label === null) out.push(others.reduce((s, l) => decide(s, comparison(l), false), state));
    else if (state.facts[comparison(label)] !== false) out.push(decide(state, comparison(label), true));
  }
  return out;
}

function setFact(state: State, key: string, value: boolean | undefined): State {
  if (state.facts[key] === value) return state;
  return { ...state, facts: value === undefined ? withoutEntries(state.facts, [key]) : withEntry(state.facts, key, value) };
}

/**
 * A state's records by name (`facts`, `objects`, `task`) are dictionaries: their keys are condition
 * texts, struct fields and locals, thousands of them over a tree. Made as ordinary objects, every new
 * order of keys would be a new hidden class, and V8 would deoptimise and recompile the flow again and
 * again as they turned up. Made without a prototype, they are dictionaries from the start. They are
 * only ever copied, never changed, and keep the order their keys came in.
 */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function withEntry<T>(record: Readonly<Record<string, T>> | undefined, key: string, value: T): Record<string, T> {
  const out = dictionary<T>();
  for (const k in record) out[k] = record[k];
  out[key] = value;
  return out;
}

function withoutEntries<T>(record: Readonly<Record<string, T>>, keys: readonly string[]): Record<string, T> {
  const out = dictionary<T>();
  for (const k in record) if (!keys.includes(k)) out[k] = record[k];
  return out;
}

function uniqueLocks(locks: SummaryLock[]): SummaryLock[] {
  const seen = new Set<string>();
  return locks.filter((l) => {
    const key = `${l.cls.id}@${l.expr.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const ANY_RELEASE = lockApi({ name: 'release', role: 'release', kind: 'lock', mode: 'exclusive', ctx: 'none', lockArg: 0 });
/** What took a lock held on entry (asserted, declared, or inferred from a release). */
const HELD_ON_ENTRY = lockApi({ name: 'held on entry', role: 'acquire', kind: 'lock', mode: 'exclusive', ctx: 'none', lockArg: 0 });

/** `__cond_lock(lock, expr)` and unknown trylock-like calls: a trylock that returns non-zero on success. */
const COND_LOCK_API = lockApi({ name: '__cond_lock', role: 'trylock', kind: 'spinlock', mode: 'exclusive', ctx: 'none', lockArg: 0, success: 'nonzero' });

/** Returned values that say "failed" or "nothing": the lock is not held when these come back. */
const FAILURE = /^(0|NULL|false|-\w+|ERR_PTR\(.*\)|-?E[A-Z]+\w*|PTR_ERR\(.*\))$/;
/** Variables that carry an error code: returning one is an error path, never "success, locked". */
const ERROR_CARRIER = /^(ret|rc|err|error|retval|status|res|result|rv|r)$/;

/**
 * Returns that hold the lock and returns that do not, told apart by the returned value: a trylock
 * wrapper (`return 1` holding, `return 0` not), a lookup returning a locked object or NULL, or an
 * interruptible lock wrapper (`return 0` holding, `return -EINTR` not). An error code returned while
 * holding is a leak, not a success, so it never makes a wrapper.
 */
function conditionalSuccess(holding: Exit[], notHolding: Exit[], isPointer: (name: string) => boolean): 'nonzero' | 'zero' | null {
  if (holding.some((e) => e.value === null) || notHolding.some((e) => e.value === null)) return null;
  const holdValues = new Set(holding.map((e) => e.value));
  if (notHolding.some((e) => holdValues.has(e.value))) return null;
  // (A pointer named like an error code, `res`, is an object returned locked.)
  const looksSuccessful = (v: string) => !FAILURE.test(v) && (!ERROR_CARRIER.test(v) || isPointer(v));
  if (holding.every((e) => looksSuccessful(e.value!)) && notHolding.every((e) => FAILURE.test(e.value!))) return 'nonzero';
  if (holding.every((e) => e.value === '0') && notHolding.every((e) => e.nonzero || isErrorCode(e.value!))) return 'zero';
  // A predicate that answers `false` holding the lock and `true` without it (fast_dput()).
  if (holding.every((e) => e.value === 'false') && notHolding.every((e) => e.value === 'true')) return 'zero';
  return null;
}

/** The test of whether a returned pointer is an error value (`IS_ERR(entry)`), as a condition's key. */
function errorTest(value: string): string {
  return `IS_ERR(${value})`;
}

/** A pointer holding an error value written out: `ERR_PTR(-ENOMEM)`, `ERR_CAST(page)`. */
const ERROR_POINTER = /^ERR_(?:PTR|CAST)\(.*\)$/;

/**
 * Every path holding the lock returns one pointer, which it found no error value, and every path
 * without it returns that pointer found an error value, or an error pointer written out (`entry =
 * load(); if (IS_ERR(entry)) unlock(); return entry;`): the caller's `IS_ERR()` of the result tells
 * whether it holds the lock.
 */
function heldUnlessErrorPointer(holding: Exit[], notHolding: Exit[]): boolean {
  const value = holding[0]?.value;
  if (!value || !/^[A-Za-z_]\w*$/.test(value)) return false;
  const test = errorTest(value);
  return (
    holding.every((e) => e.value === value && e.state.facts[test] === false) &&
    notHolding.every((e) => (e.value === value ? e.state.facts[test] === true : e.value !== null && ERROR_POINTER.test(e.value)))
  );
}

/**
 * Held on every path that returns 0, released on every path that returns an error, and some other
 * path returns what a callee or an error variable gave (`return activate(bp);`): the shape of a hand-off to a partner that
 * releases after success (a `reload_down()` whose `reload_up()` unlocks), which the value alone
 * cannot prove. Worth a mention, not a warning.
 */
function heldOnlyOnSuccess(holding: Exit[], notHolding: Exit[]): boolean {
  return (
    holding.every((e) => e.value === '0') &&
    notHolding.some((e) => e.value !== null && isErrorLiteral(e.value)) &&
    notHolding.every((e) => e.value !== null && e.value !== '0' && (e.nonzero || isErrorCode(e.value) || /^\w+\(/.test(e.value)))
  );
}

/** `-EINVAL`, `-ret`, `EIO`: an error value written out. */
function isErrorLiteral(value: string): boolean {
  return /^-\w+$/.test(value) || /^-?E[A-Z]+\w*$/.test(value);
}

/** An error value written out, or a variable named for carrying one (`ret`, `err`). */
function isErrorCode(value: string): boolean {
  return isErrorLiteral(value) || ERROR_CARRIER.test(value);
}

/**
 * The steps from a returned value to the lock held when returning it: `return &tbl[i];` holding
 * `tbl[i].lock`, or `return obj;` holding `obj->lock`, give `->lock` (the caller gets a pointer).
 */
function stepsFromReturnedValue(lock: LockExpr, returned: string | null): string[] | undefined {
  const value = returned ? lockExprOfText(returned) : null;
  if (!value || value.root !== lock.root || value.steps.length > lock.steps.length) return undefined;
  if (value.steps.some((step, i) => step !== lock.steps[i])) return undefined;
  const rest = lock.steps.slice(value.steps.length);
  if (rest.length > 0 && rest[0] === '[]') return undefined;
  return rest.length > 0 ? [rest[0].replace(/^\./, '->'), ...rest.slice(1)] : [];
}

/** The steps every exit agrees on, if they all have some. */
function sameSteps(perExit: (string[] | undefined)[]): string[] | undefined {
  const [first] = perExit;
  if (!first || perExit.some((steps) => !steps || steps.join('') !== first.join(''))) return undefined;
  return first;
}

/** Evaluates with C's short-circuit rules (atom i is true where bit i of `values` is set), noting which atoms were evaluated. */
function evaluate(cond: Cond, atoms: Cond[], values: number, evaluated: { bits: number }): boolean {
  switch (cond.op) {
    case 'and':
      return evaluate(cond.left, atoms, values, evaluated) && evaluate(cond.right, atoms, values, evaluated);
    case 'or':
      return evaluate(cond.left, atoms, values, evaluated) || evaluate(cond.right, atoms, values, evaluated);
    case 'not':
      return !evaluate(cond.arg, atoms, values, evaluated);
    default: {
      const bit = 1 << atoms.indexOf(cond);
      evaluated.bits |= bit;
      return (values & bit) !== 0;
    }
  }
}

/**
 * What a condition leaf is remembered by: an atom's text, or a call's when all its arguments are
 * plain expressions (`quotactl_cmd_onoff(cmds)`); a lock call is never remembered.
 */
function conditionKey(leaf: Cond): string | undefined {
  if (leaf.op === 'atom') return leaf.text;
  if (leaf.op === 'call' && leaf.stmt.args.every((a) => a !== null)) return `${leaf.stmt.name}(${leaf.stmt.args.join(', ')})`;
  return undefined;
}

/** Whether an atom can take this value on this path: decided facts and constants fix it. */
function consistent(atom: Cond, value: boolean, state: State): boolean {
  if (atom.op === 'call') {
    const known = state.facts[conditionKey(atom) ?? ''];
    return known === undefined || known === value;
  }
  if (atom.op !== 'atom') return true;
  if (/^\d+$/.test(atom.text)) return (atom.text !== '0') === value;
  // `while (true)`: C's bool constants (stdbool.h) are as constant as 1 and 0.
  if (atom.text === 'true' || atom.text === 'false') return (atom.text === 'true') === value;
  const known = state.facts[atom.text];
  if (known !== undefined) return known === value;
  // `err == -EINTR` after `err = mutex_lock_killable(…)` succeeded (err is zero here): false.
  const compared = /^([A-Za-z_]\w*)\s*(==|!=)\s*(-\s*E[A-Z0-9_]+|-\s*\d+|[1-9]\d*)$/.exec(atom.text);
  if (compared && state.facts[compared[1]] === false) return value === (compared[2] === '!=');
  return true;
}

/**
 * For a function that takes `text` for its caller on some paths and releases the caller's on others:
 * the paths not holding it that go the taking direction, by a test that every holding path passed
 * one way and every releasing path the other. Undefined when no release of the caller's lock, or
 * no such test, tells the two directions apart.
 */
function openingPaths(holding: Exit[], notHolding: Exit[], text: string): Exit[] | undefined {
  const closing = notHolding.filter((e) => e.state.releasedFromEntry.includes(text));
  if (closing.length === 0) return undefined;
  for (const [test, value] of Object.entries(holding[0].state.facts)) {
    if (holding.some((e) => e.state.facts[test] !== value) || closing.some((e) => e.state.facts[test] !== !value)) continue;
    return notHolding.filter((e) => e.state.facts[test] !== !value);
  }
  return undefined;
}

/** Queries of whether a lock is held by anyone. */
const LOCKED_QUERIES = new Set(['mutex_is_locked', 'spin_is_locked', 'raw_spin_is_locked', 'rwsem_is_locked', 'rt_mutex_is_locked']);

function decide(state: State, text: string, value: boolean): State {
  if (state.facts[text] === value) return state;
  return { ...state, facts: withEntry(state.facts, text, value) };
}

/** Assigning a variable invalidates what was decided about conditions that read it. */
function forget(state: State, vars: string[]): State {
  // (Most assignments touch no decided condition: nothing is allocated for those.)
  let stale: string[] | undefined;
  for (const k in state.facts) if (vars.some((v) => k === v || mentions(valueRead(k), v))) (stale ??= []).push(k);
  if (stale === undefined) return state;
  return { ...state, facts: withoutEntries(state.facts, stale) };
}

/** A condition's text without its `sizeof(…)` parts: those read no value, so assigning one of their variables changes nothing. */
function valueRead(text: string): string {
  return text.includes('sizeof') ? text.replace(/\bsizeof\s*\((?:[^()]|\([^()]*\))*\)/g, 'sizeof()') : text;
}

/** After `bp = …`, what this path knew of `bp->lock` (released, failed) is about another object. */
function forgetObjects(state: State, vars: string[]): State {
  const stale = (text: string) => vars.some((v) => text === v || text.startsWith(`${v}->`) || text.startsWith(`${v}.`) || text.startsWith(`${v}[`));
  if (!state.released.some(stale) && !state.failed.some(stale) && !state.releasedByCallee.some(stale)) return state;
  return {
    ...state,
    released: state.released.filter((r) => !stale(r)),
    releasedByCallee: state.releasedByCallee.filter((r) => !stale(r)),
    failed: state.failed.filter((r) => !stale(r)),
  };
}

/** The path decided NULL the pointer `expr` is reached through: `if (vnode2)` false, directly or with `vnode2` set to `op->vnode2`. */
function pointerDecidedNull(state: State, expr: LockExpr): boolean {
  if (state.facts[expr.root] === false) return true;
  return Object.entries(state.objects ?? {}).some(([name, object]) => state.facts[name] === false && !object.address && expr.text.startsWith(`${object.expr.text}->`));
}

/**
 * After `p = …`, a lock held as `p->lock` is of the object `p` pointed to before: named through a
 * copy of `p` made since (`old = p`), it is `old->lock` from here; else it has no name left.
 */
function detachHeld(state: State, vars: string[]): State {
  const named = (h: Held) => !h.detached && vars.some((v) => h.expr.text.startsWith(`${v}->`) || h.expr.text.startsWith(`${v}.`) || h.expr.text.startsWith(`${v}[`));
  const copyGone = (h: Held) => h.copiedTo !== undefined && vars.includes(h.copiedTo);
  if (!state.held.some((h) => named(h) || copyGone(h))) return state;
  const moved = (h: Held): Held => {
    const { copiedTo } = h;
    if (!named(h)) return copyGone(h) ? { ...h, copiedTo: undefined } : h;
    return copiedTo !== undefined && !vars.includes(copiedTo)
      ? { ...h, copiedTo: undefined, expr: substituteRoot(h.expr, makeLockExpr(copiedTo, [])) }
      : { ...h, copiedTo: undefined, detached: true };
  };
  return { ...state, held: state.held.map(moved) };
}

/** `old = node;`: the locks held through `node` are reachable through `old` too, until either is assigned. */
function copyHeld(state: State, copy: string, original: string): State {
  const through = (h: Held) => !h.detached && h.expr.root === original && h.expr.steps.length > 0;
  if (!state.held.some(through)) return state;
  return { ...state, held: state.held.map((h) => (through(h) ? { ...h, copiedTo: copy } : h)) };
}

/** After `p = …` or an assignment to what `p` was set from, `p` no longer names that object. */
function forgetPointers(state: State, vars: string[]): State {
  const objects = state.objects;
  if (!objects) return state;
  const stale = Object.keys(objects).filter((name) => vars.some((v) => name === v || mentions(objects[name].expr.text, v)));
  if (stale.length === 0) return state;
  return { ...state, objects: withoutEntries(objects, stale) };
}

/** `p->f` with `p` set to `a->b` is `a->b->f`; with `p` set to `&a.b`, `a.b.f`. An index on `p` itself (`p[1]`) is another object. */
function throughObject(expr: LockExpr, object: ObjectTarget): LockExpr {
  if (expr.steps[0] === '[]') return expr;
  const steps = object.address && expr.steps.length > 0 ? [expr.steps[0].replace(/^->/, '.'), ...expr.steps.slice(1)] : expr.steps;
  const target = object.expr;
  const indices = [...(target.indices ?? []), ...(expr.indices ?? [])];
  return makeLockExpr(target.root, [...target.steps, ...steps], indices);
}

function failedAttempt(state: State, text: string): State {
  return { ...state, failed: addUnique(state.failed, text) };
}

/** A caller's lock the summarised function downgrades rather than releases. */
export function isDowngrade(lock: SummaryLock, catalogue: LockApiCatalogue): boolean {
  return catalogue.get(lock.api)?.role === 'downgrade';
}

/** Whether the path holds the lock instance written `text` (`dev->lock`). */
function holdsInstance(state: State, text: string): boolean {
  return state.held.some((h) => h.expr.text === text);
}

function modeUnknown(state: State, text: string): State {
  if (!holdsInstance(state, text)) return state;
  return { ...state, held: state.held.map((h) => (h.expr.text === text ? { ...h, modeUnknown: true } : h)) };
}

function downgrade(state: State, text: string, catalogue: LockApiCatalogue): State {
  const readApi = catalogue.get('down_read');
  if (!readApi) return state;
  return { ...state, held: state.held.map((h) => (h.expr.text === text ? { ...h, api: readApi } : h)) };
}

function dropScoped(state: State, depth: number): State {
  const ending = state.held.filter((h) => h.scopeDepth !== null && h.scopeDepth >= depth);
  if (ending.length === 0) return state;
  // The guard's release matches its acquisition: the interrupts or bottom halves it turned off come back on.
  const released = { ...state, held: state.held.filter((h) => !ending.includes(h)) };
  return ending.reduce((s, h) => restoreContext(s, h, ANY_RELEASE), released);
}

/** The interrupts or bottom halves `held`'s acquisition turned off, turned back on by `api` (any release for ANY_RELEASE). */
function restoreContext(state: State, held: Held, api: LockApi): State {
  const any = api === ANY_RELEASE;
  if ((held.api.ctx === 'irq' || held.api.ctx === 'irqsave') && (any || api.ctx === 'irq' || api.ctx === 'irqsave')) return { ...state, irq: Math.max(0, state.irq - 1) };
  if (held.api.ctx === 'bh' && (any || api.ctx === 'bh')) return { ...state, bh: Math.max(0, state.bh - 1) };
  return state;
}

function dropFirst(owed: readonly Owed[], what: Owed['what']): Owed[] {
  const index = owed.findIndex((o) => o.what === what);
  return index < 0 ? [...owed] : owed.filter((_, i) => i !== index);
}

function addUnique(list: readonly string[], item: string): string[] {
  return list.includes(item) ? [...list] : [...list, item];
}

function lastIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return i;
  return -1;
}

/**
 * Whether equal texts surely mean one lock: not when the path goes through a call (`cpu_rq(i)->lock`
 * keeps no arguments) or the subclass is computed (`_nested(l, i++)` in a loop).
 */
function knownInstance(lock: Held): boolean {
  if (/\(\)/.test(lock.expr.text)) return false;
  const sub = lock.cls.id.lastIndexOf('/');
  return sub < 0 || /^\/[\w]+$/.test(lock.cls.id.slice(sub));
}

function viaText(via: string[]): string {
  return via.length > 0 ? ` via ${via.join('() → ')}()` : '';
}

/**
 * The keys of the paths of the function being followed, made once per path (see `FunctionFlow.run`,
 * which clears them when done): a plain map, which the collector does not have to revisit as it
 * would a weak one for every path made.
 */
const stateKeys = new Map<State, string>();

function stateKey(s: State): string {
  const known = stateKeys.get(s);
  if (known !== undefined) return known;
  const key = computeStateKey(s);
  stateKeys.set(s, key);
  return key;
}

/**
 * A path's key for deciding whether a loop needs another pass: what it knows of struct fields is
 * left out, so that a field stored in the body does not make one more pass (facts about fields
 * only guard callees' locks; they never change what this function takes).
 */
function loopKey(s: State): string {
  // (A pass that changes only what a pointer local names is one more pass: the loop may end with either.)
  const objects = s.objects ? Object.keys(s.objects).sort().map((k) => `${k}=${s.objects![k].address ? '&' : ''}${s.objects![k].expr.text}`).join(',') : '';
  const fieldFacts = Object.keys(s.facts).filter(isFieldFact);
  if (fieldFacts.length === 0) return `${stateKey(s)}|${objects}`;
  return `${computeStateKey({ ...s, facts: withoutEntries(s.facts, fieldFacts) })}|${objects}`;
}

/** The fact a store through parameter `p` leaves on a path: its truth, or true for a non-constant. */
function outKey(param: string): string {
  return `=*${param}`;
}

/**
 * Returns that hold the lock having set a field of the running task that no return without the lock
 * sets (a transaction begun, `current->journal_info = tr`, the lock taken inside it): callers test
 * the field, and release the lock as they end the transaction. Other returns holding it (one that
 * ended the transaction first) are not told so.
 */
function handedOverInTask(holding: Exit[], notHolding: Exit[]): (exit: Exit) => boolean {
  const telling = taskFieldsStored(holding).filter((f) => notHolding.every((e) => e.state.task?.[f] !== true));
  return (exit) => telling.some((f) => exit.state.task?.[f] === true);
}

/** The fields of the running task some of these exits' paths stored. */
function taskFieldsStored(exits: Exit[]): string[] {
  return [...new Set(exits.flatMap((e) => (e.state.task ? Object.keys(e.state.task) : [])))];
}

function toldThroughParameter(holding: Exit[], notHolding: Exit[]): boolean {
  const keys = Object.keys(holding[0]?.state.facts ?? {}).filter((k) => k.startsWith('=*'));
  return keys.some((k) => holding.every((e) => e.state.facts[k] === true) && notHolding.every((e) => e.state.facts[k] !== true));
}

/**
 * The fact `=struct.*` for a field key of the struct (`struct.field`, `struct._`): this path's object
 * of the struct is a zeroed allocation whose fields were not stored since.
 */
function zeroedFact(key: string): string {
  return `=${key.slice(0, key.indexOf('.') + 1)}*`;
}

/** The fact that this path gave its caller the held lock `text` through a pointer parameter (`*ptlp = ptl;`). */
function handedOutFact(text: string): string {
  return `>${text}`;
}

/** The fact of a constructor's new object held in `variable` (see `newObject`), for a flags field's key or one bit of it. */
function newObjectFact(variable: string, key: string): string {
  return `=${variable}~${key}`;
}

/** Forgets what was known of the new object in `variable`: of one flags field (by key), or of all. */
function forgetNewObject(state: State, variable: string, key?: string): State {
  const prefix = newObjectFact(variable, key ?? '');
  const stale = Object.keys(state.facts).filter((k) => k.startsWith(prefix) && (key === undefined || k.length === prefix.length || k[prefix.length] === ':'));
  return stale.reduce((s, k) => setFact(s, k, undefined), state);
}

/** A field guard (`struct.field`, `struct.flags:BIT`) that a zeroed object of the struct fails. */
function zeroedField(state: State, key: string): boolean {
  return key.indexOf('.') > 0 && !isLastReferenceKey(key) && state.facts[zeroedFact(key)] === true;
}

function isFieldFact(key: string): boolean {
  return key[0] === '=';
}

function computeStateKey(s: State): string {
  const held = s.held.map((h) => `${h.expr.text}#${h.cls.id}#${h.api.name}#${h.scopeDepth ?? ''}`).join(',');
  const facts = Object.keys(s.facts)
    .sort()
    .map((k) => `${k}=${s.facts[k] ? 1 : 0}`)
    .join(',');
  // (Not the pointer locals: paths alike in all else are merged, keeping those they set alike; see merge().)
  const task = s.task ? Object.keys(s.task).sort().map((k) => `${k}=${s.task![k]}`).join(',') : '';
  return `${held}|${facts}|${s.released.join(',')}|${s.releasedByCallee.join(',')}|${s.failed.join(',')}|${s.irq},${s.bh},${s.preempt}|${s.owed.length}|${s.slept ? 1 : 0}|${task}`;
}

/** Drops duplicate paths, then merges paths with equal locks (forgetting facts they disagree on) past the cap. */
function merge(states: State[]): State[] {
  if (states.length <= 1) return states;
  // The one path reached twice, as after a test that changed nothing: merged without building keys.
  if (states.every((s) => s === states[0])) return [states[0]];
  const unique = new Map<string, State>();
  for (const s of states) {
    const key = stateKey(s);
    const known = unique.get(key);
    if (!known) unique.set(key, s);
    else if (known.objects !== s.objects) unique.set(key, { ...known, objects: commonObjects(known, s) });
  }
  let out = [...unique.values()];
  if (out.length <= MAX_PATHS) return out;
  const byLocks = new Map<string, State>();
  for (const s of out) {
    const key = s.held.map((h) => `${h.expr.text}#${h.api.name}`).join(',') + `|${s.irq},${s.bh},${s.preempt}`;
    const known = byLocks.get(key);
    if (!known) byLocks.set(key, s);
    else {
      const facts = dictionary<boolean>();
      for (const k of Object.keys(known.facts)) if (s.facts[k] === known.facts[k]) facts[k] = known.facts[k];
      byLocks.set(key, { ...known, facts, objects: commonObjects(known, s), task: commonTask(known, s), slept: known.slept && s.slept, released: known.released.filter((r) => s.released.includes(r)), releasedByCallee: known.releasedByCallee.filter((r) => s.releasedByCallee.includes(r)), failed: known.failed.filter((r) => s.failed.includes(r)) });
    }
  }
  out = [...byLocks.values()];
  return out.slice(0, MAX_PATHS);
}

/** The fields of the running task two merged paths stored: a value they stored alike, else not known. */
function commonTask(a: State, b: State): Record<string, boolean | null> | undefined {
  if (a.task === b.task) return a.task;
  const out = dictionary<boolean | null>();
  for (const field of new Set([...Object.keys(a.task ?? {}), ...Object.keys(b.task ?? {})])) out[field] = a.task?.[field] === b.task?.[field] ? a.task![field] : null;
  return out;
}

/** The pointer locals two merged paths set alike. */
function commonObjects(a: State, b: State): Record<string, ObjectTarget> | undefined {
  if (!a.objects || !b.objects) return undefined;
  const common = dictionary<ObjectTarget>();
  for (const [name, target] of Object.entries(a.objects)) {
    const other = b.objects[name];
    if (other && other.address === target.address && other.expr.text === target.expr.text) common[name] = target;
  }
  return common;
}

/** No annotation describing the inside: shared by most functions, so never added to. */
const NO_ANNOTATIONS: { contracts: Set<string>; markers: Set<Stmt> } = { contracts: new Set(), markers: new Set() };

/**
 * Sparse annotations the body contradicts: `__releases(l)`/`__must_hold(l)` on a function whose first
 * use of `l` takes it, and an `__acquire(l)` marker followed by a call taking `l` (`f() __acquires(l)
 * __releases(l) { spin_lock(l); … }`). They state what the body does inside, not that a caller holds
 * the lock; one followed by a release (`__releases(l) { … spin_unlock(l); … spin_lock(l); }`) is believed.
 */
function annotationsOfTheInside(fn: FunctionFacts, statements: Stmt[]): { contracts: Set<string>; markers: Set<Stmt> } {
  // (Most functions have neither: nothing to look for.)
  const annotated = fn.contracts.releases.length > 0 || fn.contracts.mustHold.length > 0 || statements.some((st) => st.t === 'assume' && st.annotation);
  if (!annotated) return NO_ANNOTATIONS;
  const uses: { stmt: Stmt; text: string; takes: boolean }[] = [];
  for (const st of statements) {
    if ((st.t === 'if' || st.t === 'loop') && st.cond) {
      for (const leaf of conditionLeaves(st.cond)) if (leaf.op === 'lock') uses.push({ stmt: leaf.stmt, text: leaf.stmt.lock.text, takes: true });
    } else if (st.t === 'lock') uses.push({ stmt: st, text: st.lock.text, takes: true });
    else if (st.t === 'unlock' && st.lock && !st.inside) uses.push({ stmt: st, text: st.lock.text, takes: false });
    else if (st.t === 'assume' && st.annotation) uses.push({ stmt: st, text: st.lock.text, takes: false });
  }
  const takenNext = (from: number, text: string) => uses.slice(from).find((u) => u.text === text && u.stmt.t !== 'assume')?.takes === true;
  const contracts = new Set([...fn.contracts.releases, ...fn.contracts.mustHold].map((e) => e.text).filter((text) => takenNext(0, text)));
  const markers = new Set(uses.flatMap((u, i) => (u.stmt.t === 'assume' && takenNext(i + 1, u.text) ? [u.stmt] : [])));
  return { contracts, markers };
}
