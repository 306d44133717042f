/**
 * What the lockdep report parser returns. Every line number is 0-based and every column counts
 * UTF-16 code units in the original text (timestamps included), like the rest of the engine.
 */
import type { Range } from '../sites';

export type SplatKind =
  | 'circular'
  | 'recursive'
  | 'inconsistent'
  | 'bad-unlock'
  | 'invalid-wait-context'
  | 'irq-inversion'
  | 'irq-safe-unsafe';

/**
 * `current` is the `WARNING: ...` layout of kernels since 4.14; `legacy` is the older
 * `[ INFO: ... ]` one. (Invalid wait context is bracketed but only exists in the current layout.)
 */
export type SplatFormat = 'current' | 'legacy';

/** A lockdep lock name reduced to what the engine compares against. */
export interface LockName {
  /** As printed: `&(&priv->lock)->rlock`, `&foo->mutex/1`, `(wq_completion)events`. */
  raw: string;
  /** C access path of the lock: `dev->lock`, `priv->lock` (spinlock_t, not its inner rlock), `events`. */
  accessPath: string;
  /** The last member of the path: `lock` for `dev->lock`, `lock1` for `lock1`. */
  field: string;
  /** `#N`: lockdep's counter for distinct classes that share a name (different keys). */
  version?: number;
  /** `/N`: the nesting subclass given to `mutex_lock_nested()` and friends. */
  subclass?: number;
  /** The pseudo-lock family in front of the name: `wq_completion` for `(wq_completion)events`. */
  tag?: string;
}

/** One irq state's usage, from the `{+.+.}` field (see get_usage_chars() in the kernel). */
export interface UsageState {
  /** `HARDIRQ`, `SOFTIRQ`, or `RECLAIM_FS` (the 6-character fields of old kernels). */
  state: 'HARDIRQ' | 'SOFTIRQ' | 'RECLAIM_FS';
  read: boolean;
  /** The lock was taken inside that context (`-` or `?`). */
  usedInContext: boolean;
  /** The lock was taken with that context enabled (`+` or `?`). */
  usedWithContextEnabled: boolean;
}

/**
 * `-{outer:inner}`. The numbers are the kernel's `lockdep_wait_type` and their meaning depends on
 * CONFIG_PROVE_RAW_LOCK_NESTING (a mutex prints 3 or 4), so they are kept as printed.
 */
export interface WaitType {
  outer: number;
  inner: number;
}

/** A lock as it appears at one place in a report. */
export interface LockOccurrence {
  name: LockName;
  /** Where the name (without its parentheses) is in the text. */
  range: Range;
  /** The usage field as printed, `+.+.` or `+.+.+.`. */
  usage?: string;
  usageStates?: UsageState[];
  waitType?: WaitType;
  /** The lock's address in memory (`ffff888012345678`), when printed. */
  instance?: string;
  /** The `, at:` frame: where the lock was (or is being) acquired or released. */
  at?: StackFrame;
  /**
   * syzbot prints the lock line once per function inlined at the acquisition, innermost first;
   * those `[inline]` frames go here and `at` keeps the real call.
   */
  inlinedAt?: StackFrame[];
}

export interface StackFrame {
  function: string;
  offset?: number;
  size?: number;
  module?: string;
  buildId?: string;
  file?: string;
  line?: number;
  /** `[<ffffffff81234567>]` of old kernels. */
  address?: string;
  /** An `[inline]` frame (syzbot, decode_stacktrace): kept, but not a call site to map. */
  inline: boolean;
  /** A `? func+0x...` frame: a stale return address the unwinder is not sure of. */
  unreliable: boolean;
  range: Range;
  functionRange: Range;
  /** Range of `file.c:123`. */
  fileRange?: Range;
}

/** One `-> #N (lock){usage}:` entry of a circular report, with the stack under it. */
export interface ChainEntry {
  index: number;
  lock: LockOccurrence;
  frames: StackFrame[];
  /** The header line of the entry. */
  line: number;
}

export interface HeldLock {
  index: number;
  lock: LockOccurrence;
  line: number;
}

export interface TaskRef {
  comm: string;
  pid: number;
  line: number;
}

export interface ScenarioStep {
  /** 0 for the CPU0 column, 1 for CPU1. */
  cpu: number;
  /** `lock`, `rlock`, `local_irq_disable`, `<Interrupt>`... */
  action: string;
  lock?: { name: LockName; range: Range };
  /** The step runs in the interrupt announced by an `<Interrupt>` line above it on that CPU. */
  inInterrupt: boolean;
  line: number;
}

export interface LockScenario {
  title: string;
  /** `Chain exists of: A --> B --> C`, when printed. */
  chainExists?: { name: LockName; range: Range }[];
  cpus: string[];
  steps: ScenarioStep[];
}

/** A stack printed under a label such as `{HARDIRQ-ON-W} state was registered at:`. */
export interface LabeledTrace {
  label: string;
  line: number;
  frames: StackFrame[];
}

/** One `-> (lock) {` block of an irq inversion report's shortest dependency path. */
export interface IrqDependencyStep {
  lock: LockOccurrence;
  /** Indentation depth as printed: the deepest lock comes first, the lock that changed state last. */
  depth: number;
  usageTraces: LabeledTrace[];
  /** `... acquired at:`. */
  acquiredAt: StackFrame[];
}

/** Which part of a report proves an edge. */
export type EdgeEvidence =
  /** A `-> #N` entry of a circular report: the lock was taken while the previous one was held. */
  | 'dependency-chain'
  /** The task held the lock while it tried to take another (`N locks held by`). */
  | 'held-while-acquiring'
  /** A step of the shortest dependency path of an irq inversion report. */
  | 'irq-dependency'
  /** `which would create a new lock dependency: (A) -> (B)`. */
  | 'new-dependency';

/** `held` was held when `taken` was acquired. */
export interface LockEdge {
  held: LockOccurrence;
  taken: LockOccurrence;
  /** The stack that took `taken`, innermost first as printed. */
  frames: StackFrame[];
  /** The first frame outside lockdep and the locking primitives that is not inlined: the call to map. */
  site?: StackFrame;
  evidence: EdgeEvidence;
}

export interface LockdepSplat {
  kind: SplatKind;
  format: SplatFormat;
  /** The header text (`WARNING: possible circular locking dependency detected`) and its line. */
  title: { text: string; line: number };
  /** First and last line of the report, the `====` banner included. */
  startLine: number;
  endLine: number;
  /** The line under the title: `6.6.30-foo #1 Tainted: G O`. */
  kernel?: string;
  task?: TaskRef;
  /** The lock being taken (`is trying to acquire`, `takes:`, `just changed the state of lock:`). */
  acquiring?: LockOccurrence;
  /** `but task is already holding lock:`. */
  held?: LockOccurrence;
  /** Bad unlock balance: the lock being released, with the `at:` frame. */
  releasing?: LockOccurrence;
  /** Irq inversion: the other lock of the pair. */
  other?: LockOccurrence;
  /** Irq inversion: `forwards` when the changed lock took the other one, `backwards` otherwise. */
  irqDirection?: 'forwards' | 'backwards';
  /** `HARDIRQ`, `SOFTIRQ`... for irq inversion and safe -> unsafe reports. */
  irqClass?: string;
  /** Inconsistent lock state: `{HARDIRQ-ON-W} -> {IN-HARDIRQ-W}`. */
  usageTransition?: { from: string; to: string };
  /** Safe -> unsafe reports: `which would create a new lock dependency`. */
  newDependency?: { held: LockOccurrence; taken: LockOccurrence };
  /** Invalid wait context: `context-{4:4}`. */
  context?: WaitType;
  chain: ChainEntry[];
  scenario?: LockScenario;
  heldLocks: HeldLock[];
  heldBy?: TaskRef;
  irqDependencyPath: IrqDependencyStep[];
  traces: LabeledTrace[];
  /** The frames under `stack backtrace:`. */
  backtrace: StackFrame[];
  edges: LockEdge[];
  /** The report stops before its stack backtrace (cut log, lost lines). */
  truncated: boolean;
}

/** A class line of /proc/lockdep with its direct (`distance == 1`) dependencies. */
export interface LockdepClass {
  key: string;
  name: LockName;
  nameRange: Range;
  line: number;
  /** Present with CONFIG_DEBUG_LOCKDEP. */
  ops?: number;
  forwardDeps?: number;
  backwardDeps?: number;
  usage?: string;
  usageStates?: UsageState[];
  /** The classes taken while this one was held. */
  dependencies: { key: string; name: LockName; nameRange: Range; line: number }[];
}

/** One chain of /proc/lockdep_chains: the classes held together, outermost first. */
export interface LockdepChain {
  /** `0`, `hardirq`, `softirq`, `hardirq|softirq`, or the number older kernels print. */
  irqContext: string;
  line: number;
  locks: { key: string; name: LockName; range: Range; line: number }[];
}

export interface LockdepReport {
  ok: true;
  splats: LockdepSplat[];
  classes: LockdepClass[];
  chains: LockdepChain[];
}

export interface LockdepParseError {
  ok: false;
  error: { code: 'too-large' | 'binary'; message: string };
}

export type LockdepParseResult = LockdepReport | LockdepParseError;

export interface LockdepParseOptions {
  /** Refuse larger inputs (UTF-8 bytes). Default 8 MiB. */
  maxBytes?: number;
}
