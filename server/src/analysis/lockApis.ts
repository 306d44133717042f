/**
 * The catalogue of lock APIs, as data. Each entry says what a call does to the held-lock state.
 * Families are generated from their stems (`spin_lock` → `_bh`, `_irq`, `_irqsave`, `_nested`, …) so
 * that a new family is one line; users add their own entries through the config file.
 */
import type { LockFamily } from './graphJson';

export type LockKind =
  | 'spinlock'
  | 'raw_spinlock'
  | 'rwlock'
  | 'mutex'
  | 'rt_mutex'
  | 'rwsem'
  | 'semaphore'
  | 'pthread_mutex'
  | 'pthread_rwlock'
  | 'pthread_spinlock'
  | 'c11_mutex'
  | 'kspin_lock'
  | 'fast_mutex'
  | 'critical_section'
  | 'srwlock'
  | 'win32_mutex'
  | string;

export type LockMode = 'exclusive' | 'read' | 'write';

/** What a spinning acquisition does to interrupts or bottom halves while held. */
export type IrqContext = 'none' | 'irq' | 'irqsave' | 'bh';

export type LockRole = 'acquire' | 'release' | 'trylock' | 'downgrade';

/**
 * How a call that may fail reports success: trylocks mostly return non-zero on success; pthread,
 * C11 and `down_trylock` return 0; interruptible and killable acquisitions return 0 once they hold.
 */
export type SuccessValue = 'nonzero' | 'zero';

export interface LockApi {
  name: string;
  role: LockRole;
  kind: LockKind;
  mode: LockMode;
  ctx: IrqContext;
  /** Index of the argument that names the lock. */
  lockArg: number;
  /** `_nested` forms: index of the lockdep subclass argument. */
  subclassArg?: number;
  /** Acquisitions that may fail (trylocks, interruptible, killable, timed) and what success returns. */
  success?: SuccessValue;
  /** In-stack queued spinlocks are released through a handle rather than the lock. */
  handleArg?: number;
  /** Taking it again while held is allowed (Windows critical sections, rwlock_t readers). */
  recursive?: boolean;
  /** WaitForSingleObject works on any handle; it is a lock only where ReleaseMutex pairs with it. */
  needsPairedRelease?: boolean;
  /**
   * The one global lock this call takes or releases, for functions that take no lock argument
   * (`rtnl_lock()` takes `rtnl_mutex`). They are defined out of line, so a workspace holding only a
   * driver would otherwise see an unknown call; named as the definition names the lock, so a whole
   * tree gives the same class either way.
   */
  global?: string;
}

const SPINNING_KINDS = new Set<LockKind>(['spinlock', 'raw_spinlock', 'rwlock', 'kspin_lock', 'pthread_spinlock']);

export function familyOf(kind: LockKind): LockFamily {
  return SPINNING_KINDS.has(kind) ? 'spinning' : 'sleeping';
}

/** Kernel spinning kinds: sleeping while one is held is a bug (pthread spinlocks are user space). */
export function isAtomicKind(kind: LockKind): boolean {
  return kind === 'spinlock' || kind === 'raw_spinlock' || kind === 'rwlock' || kind === 'kspin_lock';
}

/**
 * Counting semaphores (`struct semaphore`, not `rw_semaphore`): no owner, and lockdep does not track
 * them. Taking one several times (once per slot) or giving it back in a partner function is how they
 * are used, so a path that looks unbalanced or takes one twice may well be deliberate.
 */
export function isCountingKind(kind: LockKind): boolean {
  return kind === 'semaphore';
}

/** Acquiring these can sleep, so doing it under a spinlock is `sleep-in-atomic`. */
export function acquisitionSleeps(api: LockApi): boolean {
  if (api.role !== 'acquire') return false;
  return ['mutex', 'rt_mutex', 'rwsem', 'semaphore'].includes(api.kind);
}

/**
 * An API with every field of `LockApi` there, in one order, the optional ones undefined: the
 * catalogue's entries share one hidden class, so the flow's many reads of a held lock's API stay
 * optimised (built by spreading families together, the built-in entries came in many shapes).
 */
export function lockApi(a: LockApi): LockApi {
  return {
    name: a.name,
    role: a.role,
    kind: a.kind,
    mode: a.mode,
    ctx: a.ctx,
    lockArg: a.lockArg,
    subclassArg: a.subclassArg,
    success: a.success,
    handleArg: a.handleArg,
    recursive: a.recursive,
    needsPairedRelease: a.needsPairedRelease,
    global: a.global,
  };
}

type Entry = Omit<LockApi, 'ctx' | 'mode' | 'lockArg'> & Partial<Pick<LockApi, 'ctx' | 'mode' | 'lockArg'>>;

function entry(e: Entry): LockApi {
  return { ctx: 'none', mode: 'exclusive', lockArg: 0, ...e };
}

/** spin_lock, raw_spin_lock, read_lock, write_lock: the same shape with irq/bh/irqsave forms. */
function spinFamily(prefix: string, kind: LockKind, mode: LockMode, recursive = false): LockApi[] {
  const lock = `${prefix}_lock`;
  const unlock = `${prefix}_unlock`;
  const trylock = `${prefix}_trylock`;
  const base = { kind, mode, ...(recursive ? { recursive } : {}) };
  const out: LockApi[] = [];
  const forms: [string, string, IrqContext][] = [
    ['', '', 'none'],
    ['_bh', '_bh', 'bh'],
    ['_irq', '_irq', 'irq'],
    ['_irqsave', '_irqrestore', 'irqsave'],
  ];
  for (const [acq, rel, ctx] of forms) {
    out.push(entry({ ...base, name: lock + acq, role: 'acquire', ctx }));
    out.push(entry({ ...base, name: unlock + rel, role: 'release', ctx }));
    out.push(entry({ ...base, name: trylock + acq, role: 'trylock', ctx, success: 'nonzero' }));
  }
  out.push(entry({ ...base, name: `${lock}_nested`, role: 'acquire', subclassArg: 1 }));
  out.push(entry({ ...base, name: `${lock}_bh_nested`, role: 'acquire', ctx: 'bh', subclassArg: 1 }));
  out.push(entry({ ...base, name: `${lock}_irqsave_nested`, role: 'acquire', ctx: 'irqsave', subclassArg: 2 }));
  out.push(entry({ ...base, name: `${lock}_nest_lock`, role: 'acquire' }));
  return out;
}

function sleepingFamily(lock: string, unlock: string, kind: LockKind, mode: LockMode, extra: Entry[] = []): LockApi[] {
  return [
    entry({ name: lock, role: 'acquire', kind, mode }),
    entry({ name: unlock, role: 'release', kind, mode }),
    ...extra.map(entry),
  ];
}

/**
 * Reference drops that take a lock for the last reference only, and return true holding it
 * (`if (atomic_dec_and_lock(&o->count, &table_lock)) { unlink(o); spin_unlock(&table_lock); }`).
 * Sparse's `__cond_lock()` in their headers would make them trylocks.
 */
const LAST_REFERENCE_DROPS: readonly [name: string, kind: LockKind, ctx: IrqContext][] = [
  ['atomic_dec_and_lock', 'spinlock', 'none'],
  ['atomic_dec_and_lock_irqsave', 'spinlock', 'irqsave'],
  ['atomic_dec_and_raw_lock', 'raw_spinlock', 'none'],
  ['atomic_dec_and_raw_lock_irqsave', 'raw_spinlock', 'irqsave'],
  ['refcount_dec_and_lock', 'spinlock', 'none'],
  ['refcount_dec_and_lock_irqsave', 'spinlock', 'irqsave'],
  ['atomic_dec_and_mutex_lock', 'mutex', 'none'],
  ['refcount_dec_and_mutex_lock', 'mutex', 'none'],
];

function lastReferenceLocks(): LockApi[] {
  return LAST_REFERENCE_DROPS.map(([name, kind, ctx]) => entry({ name, role: 'acquire', kind, ctx, lockArg: 1, success: 'nonzero' }));
}

const LAST_REFERENCE_NAMES = new Set(LAST_REFERENCE_DROPS.map(([name]) => name));

/**
 * Acquisitions that order nothing, nor sleep or deadlock on a lock already held: a trylock does not
 * wait, and a last-reference drop waits only when it drops the last reference, which a caller
 * holding a reference of its own knows it does not (ocfs2: "res->spinlock will not be taken here").
 * Lockdep sees the second only when it happens.
 */
export function addsNoOrder(api: LockApi): boolean {
  return api.role === 'trylock' || LAST_REFERENCE_NAMES.has(api.name);
}

const linux: LockApi[] = [
  ...spinFamily('spin', 'spinlock', 'exclusive'),
  ...spinFamily('raw_spin', 'raw_spinlock', 'exclusive'),
  // rwlock_t readers may recurse; writers may not.
  ...spinFamily('read', 'rwlock', 'read', true),
  ...spinFamily('write', 'rwlock', 'write'),
  ...sleepingFamily('mutex_lock', 'mutex_unlock', 'mutex', 'exclusive', [
    { name: 'mutex_lock_nested', role: 'acquire', kind: 'mutex', subclassArg: 1 },
    { name: 'mutex_lock_io', role: 'acquire', kind: 'mutex' },
    { name: 'mutex_lock_io_nested', role: 'acquire', kind: 'mutex', subclassArg: 1 },
    { name: 'mutex_lock_nest_lock', role: 'acquire', kind: 'mutex' },
    { name: 'mutex_lock_interruptible', role: 'acquire', kind: 'mutex', success: 'zero' },
    { name: 'mutex_lock_interruptible_nested', role: 'acquire', kind: 'mutex', success: 'zero', subclassArg: 1 },
    { name: 'mutex_lock_killable', role: 'acquire', kind: 'mutex', success: 'zero' },
    { name: 'mutex_lock_killable_nested', role: 'acquire', kind: 'mutex', success: 'zero', subclassArg: 1 },
    { name: 'mutex_trylock', role: 'trylock', kind: 'mutex', success: 'nonzero' },
  ]),
  ...sleepingFamily('rt_mutex_lock', 'rt_mutex_unlock', 'rt_mutex', 'exclusive', [
    { name: 'rt_mutex_lock_nested', role: 'acquire', kind: 'rt_mutex', subclassArg: 1 },
    { name: 'rt_mutex_lock_interruptible', role: 'acquire', kind: 'rt_mutex', success: 'zero' },
    { name: 'rt_mutex_lock_killable', role: 'acquire', kind: 'rt_mutex', success: 'zero' },
    { name: 'rt_mutex_trylock', role: 'trylock', kind: 'rt_mutex', success: 'nonzero' },
  ]),
  ...sleepingFamily('down', 'up', 'semaphore', 'exclusive', [
    { name: 'down_interruptible', role: 'acquire', kind: 'semaphore', success: 'zero' },
    { name: 'down_killable', role: 'acquire', kind: 'semaphore', success: 'zero' },
    { name: 'down_timeout', role: 'acquire', kind: 'semaphore', success: 'zero' },
    // down_trylock returns 0 when it got the semaphore.
    { name: 'down_trylock', role: 'trylock', kind: 'semaphore', success: 'zero' },
  ]),
  ...sleepingFamily('down_read', 'up_read', 'rwsem', 'read', [
    { name: 'down_read_nested', role: 'acquire', kind: 'rwsem', mode: 'read', subclassArg: 1 },
    { name: 'down_read_non_owner', role: 'acquire', kind: 'rwsem', mode: 'read' },
    { name: 'up_read_non_owner', role: 'release', kind: 'rwsem', mode: 'read' },
    { name: 'down_read_killable', role: 'acquire', kind: 'rwsem', mode: 'read', success: 'zero' },
    { name: 'down_read_killable_nested', role: 'acquire', kind: 'rwsem', mode: 'read', success: 'zero', subclassArg: 1 },
    { name: 'down_read_interruptible', role: 'acquire', kind: 'rwsem', mode: 'read', success: 'zero' },
    { name: 'down_read_trylock', role: 'trylock', kind: 'rwsem', mode: 'read', success: 'nonzero' },
  ]),
  ...sleepingFamily('down_write', 'up_write', 'rwsem', 'write', [
    { name: 'down_write_nested', role: 'acquire', kind: 'rwsem', mode: 'write', subclassArg: 1 },
    { name: 'down_write_nest_lock', role: 'acquire', kind: 'rwsem', mode: 'write' },
    { name: 'down_write_killable', role: 'acquire', kind: 'rwsem', mode: 'write', success: 'zero' },
    { name: 'down_write_killable_nested', role: 'acquire', kind: 'rwsem', mode: 'write', success: 'zero', subclassArg: 1 },
    { name: 'down_write_trylock', role: 'trylock', kind: 'rwsem', mode: 'write', success: 'nonzero' },
    { name: 'downgrade_write', role: 'downgrade', kind: 'rwsem', mode: 'write' },
  ]),
  // Global locks taken through out-of-line functions that drivers call everywhere.
  ...sleepingFamily('rtnl_lock', 'rtnl_unlock', 'mutex', 'exclusive', [
    { name: 'rtnl_lock_killable', role: 'acquire', kind: 'mutex', success: 'zero' },
    { name: 'rtnl_trylock', role: 'trylock', kind: 'mutex', success: 'nonzero' },
  ]).map((api) => ({ ...api, global: 'rtnl_mutex' })),
  // CPU hotplug's percpu rwsem: readers are `cpus_read_lock()`, the hotplug path is the writer.
  ...sleepingFamily('cpus_read_lock', 'cpus_read_unlock', 'rwsem', 'read', [
    { name: 'cpus_read_trylock', role: 'trylock', kind: 'rwsem', mode: 'read', success: 'nonzero' },
  ]).map((api) => ({ ...api, global: 'cpu_hotplug_lock' })),
  ...sleepingFamily('cpus_write_lock', 'cpus_write_unlock', 'rwsem', 'write').map((api) => ({ ...api, global: 'cpu_hotplug_lock' })),
  ...lastReferenceLocks(),
];

/**
 * POSIX and C11 acquisitions return 0 once they hold the lock and an error number when they fail
 * (EDEADLK, EINVAL, EAGAIN): code that tests the result (`if (pthread_mutex_lock(&m) != 0) return
 * -1;`) leaves the failing branch without the lock. Used as a statement, one holds, as before.
 */
function reportingFailure(apis: LockApi[]): LockApi[] {
  return apis.map((api) => (api.role === 'acquire' && api.success === undefined ? { ...api, success: 'zero' } : api));
}

const pthread: LockApi[] = reportingFailure([
  ...sleepingFamily('pthread_mutex_lock', 'pthread_mutex_unlock', 'pthread_mutex', 'exclusive', [
    { name: 'pthread_mutex_trylock', role: 'trylock', kind: 'pthread_mutex', success: 'zero' },
    { name: 'pthread_mutex_timedlock', role: 'acquire', kind: 'pthread_mutex', success: 'zero' },
  ]),
  // pthread_rwlock_unlock releases either mode.
  ...sleepingFamily('pthread_rwlock_rdlock', 'pthread_rwlock_unlock', 'pthread_rwlock', 'read', [
    { name: 'pthread_rwlock_wrlock', role: 'acquire', kind: 'pthread_rwlock', mode: 'write' },
    { name: 'pthread_rwlock_tryrdlock', role: 'trylock', kind: 'pthread_rwlock', mode: 'read', success: 'zero' },
    { name: 'pthread_rwlock_trywrlock', role: 'trylock', kind: 'pthread_rwlock', mode: 'write', success: 'zero' },
    { name: 'pthread_rwlock_timedrdlock', role: 'acquire', kind: 'pthread_rwlock', mode: 'read', success: 'zero' },
    { name: 'pthread_rwlock_timedwrlock', role: 'acquire', kind: 'pthread_rwlock', mode: 'write', success: 'zero' },
  ]),
  ...sleepingFamily('pthread_spin_lock', 'pthread_spin_unlock', 'pthread_spinlock', 'exclusive', [
    { name: 'pthread_spin_trylock', role: 'trylock', kind: 'pthread_spinlock', success: 'zero' },
  ]),
  ...sleepingFamily('mtx_lock', 'mtx_unlock', 'c11_mutex', 'exclusive', [
    { name: 'mtx_trylock', role: 'trylock', kind: 'c11_mutex', success: 'zero' },
    { name: 'mtx_timedlock', role: 'acquire', kind: 'c11_mutex', success: 'zero' },
  ]),
]);

const windows: LockApi[] = [
  ...sleepingFamily('KeAcquireSpinLock', 'KeReleaseSpinLock', 'kspin_lock', 'exclusive', [
    { name: 'KeAcquireSpinLockAtDpcLevel', role: 'acquire', kind: 'kspin_lock' },
    { name: 'KeReleaseSpinLockFromDpcLevel', role: 'release', kind: 'kspin_lock' },
    { name: 'KeAcquireSpinLockRaiseToDpc', role: 'acquire', kind: 'kspin_lock' },
    { name: 'KeTryToAcquireSpinLockAtDpcLevel', role: 'trylock', kind: 'kspin_lock', success: 'nonzero' },
    { name: 'KeAcquireInStackQueuedSpinLock', role: 'acquire', kind: 'kspin_lock', handleArg: 1 },
    { name: 'KeAcquireInStackQueuedSpinLockAtDpcLevel', role: 'acquire', kind: 'kspin_lock', handleArg: 1 },
    { name: 'KeReleaseInStackQueuedSpinLock', role: 'release', kind: 'kspin_lock', handleArg: 0 },
    { name: 'KeReleaseInStackQueuedSpinLockFromDpcLevel', role: 'release', kind: 'kspin_lock', handleArg: 0 },
  ]),
  ...sleepingFamily('ExAcquireFastMutex', 'ExReleaseFastMutex', 'fast_mutex', 'exclusive', [
    { name: 'ExAcquireFastMutexUnsafe', role: 'acquire', kind: 'fast_mutex' },
    { name: 'ExReleaseFastMutexUnsafe', role: 'release', kind: 'fast_mutex' },
    { name: 'ExTryToAcquireFastMutex', role: 'trylock', kind: 'fast_mutex', success: 'nonzero' },
  ]),
  ...sleepingFamily('EnterCriticalSection', 'LeaveCriticalSection', 'critical_section', 'exclusive', [
    { name: 'TryEnterCriticalSection', role: 'trylock', kind: 'critical_section', success: 'nonzero', recursive: true },
  ]).map((api) => ({ ...api, recursive: true })),
  ...sleepingFamily('AcquireSRWLockExclusive', 'ReleaseSRWLockExclusive', 'srwlock', 'write', [
    { name: 'TryAcquireSRWLockExclusive', role: 'trylock', kind: 'srwlock', mode: 'write', success: 'nonzero' },
  ]),
  ...sleepingFamily('AcquireSRWLockShared', 'ReleaseSRWLockShared', 'srwlock', 'read', [
    { name: 'TryAcquireSRWLockShared', role: 'trylock', kind: 'srwlock', mode: 'read', success: 'nonzero' },
  ]),
  // Returns WAIT_OBJECT_0 (0) once it owns the mutex.
  entry({ name: 'WaitForSingleObject', role: 'acquire', kind: 'win32_mutex', needsPairedRelease: true, recursive: true, success: 'zero' }),
  entry({ name: 'ReleaseMutex', role: 'release', kind: 'win32_mutex', recursive: true }),
];

export const BUILTIN_LOCK_APIS: readonly LockApi[] = [...linux, ...pthread, ...windows];

/** `guard(type)(&lock)` and `scoped_guard(type, &lock)`: the guard type names the acquire API. */
export const GUARD_TYPES: Readonly<Record<string, string>> = {
  spinlock: 'spin_lock',
  spinlock_irq: 'spin_lock_irq',
  spinlock_irqsave: 'spin_lock_irqsave',
  spinlock_bh: 'spin_lock_bh',
  raw_spinlock: 'raw_spin_lock',
  raw_spinlock_irq: 'raw_spin_lock_irq',
  raw_spinlock_irqsave: 'raw_spin_lock_irqsave',
  read_lock: 'read_lock',
  read_lock_irq: 'read_lock_irq',
  read_lock_irqsave: 'read_lock_irqsave',
  write_lock: 'write_lock',
  write_lock_irq: 'write_lock_irq',
  write_lock_irqsave: 'write_lock_irqsave',
  mutex: 'mutex_lock',
  rwsem_read: 'down_read',
  rwsem_write: 'down_write',
  rt_mutex: 'rt_mutex_lock',
};

/** Lock types: their pointer locals are aliases of a lock (`spinlock_t *l = &dev->lock;`), their members an object's locks. */
export const LOCK_TYPES = new Set([
  'spinlock_t',
  'raw_spinlock_t',
  'rwlock_t',
  'mutex',
  'rt_mutex',
  'rw_semaphore',
  'semaphore',
  'pthread_mutex_t',
  'pthread_rwlock_t',
  'pthread_spinlock_t',
  'mtx_t',
  'KSPIN_LOCK',
  'PKSPIN_LOCK',
  'FAST_MUTEX',
  'PFAST_MUTEX',
  'CRITICAL_SECTION',
  'LPCRITICAL_SECTION',
  'SRWLOCK',
  'PSRWLOCK',
]);

/** Calls that change the interrupt, bottom-half or preemption state without a lock. */
export type AtomicOp =
  | 'irq_disable'
  | 'irq_enable'
  | 'irq_save'
  | 'irq_restore'
  /** `*flagsp = flags;`: the saved interrupt state handed to the caller, who restores it. */
  | 'irq_handed_out'
  | 'bh_disable'
  | 'bh_enable'
  | 'preempt_disable'
  | 'preempt_enable';

export const ATOMIC_OPS: Readonly<Record<string, AtomicOp>> = {
  local_irq_disable: 'irq_disable',
  local_irq_enable: 'irq_enable',
  local_irq_save: 'irq_save',
  local_irq_restore: 'irq_restore',
  local_bh_disable: 'bh_disable',
  local_bh_enable: 'bh_enable',
  preempt_disable: 'preempt_disable',
  preempt_disable_notrace: 'preempt_disable',
  preempt_enable: 'preempt_enable',
  preempt_enable_notrace: 'preempt_enable',
  // Enabled without a resched point, usually right before schedule().
  preempt_enable_no_resched: 'preempt_enable',
  preempt_enable_no_resched_notrace: 'preempt_enable',
  sched_preempt_enable_no_resched: 'preempt_enable',
};

/** Calls that can sleep (besides acquiring a sleeping lock and allocating with a sleeping GFP mask). */
export const SLEEPING_CALLS: ReadonlySet<string> = new Set([
  'msleep',
  'msleep_interruptible',
  'ssleep',
  'usleep_range',
  'usleep_range_state',
  'fsleep',
  'schedule',
  'schedule_timeout',
  'schedule_timeout_interruptible',
  'schedule_timeout_killable',
  'schedule_timeout_uninterruptible',
  'might_sleep',
  'copy_from_user',
  'copy_to_user',
  'vmalloc',
  'vzalloc',
  'vfree',
  'synchronize_rcu',
  'synchronize_srcu',
  'flush_workqueue',
  'flush_work',
  'cancel_work_sync',
  'cancel_delayed_work_sync',
  'kthread_stop',
]);

/** Prefixes of sleeping call families: wait_event*, wait_for_completion*. */
export const SLEEPING_PREFIXES: readonly string[] = ['wait_event', 'wait_for_completion'];

/** GFP masks that allow direct reclaim, so an allocation with them may sleep. */
export const SLEEPING_GFP = /\bGFP_(?:KERNEL|KERNEL_ACCOUNT|NOFS|NOIO|USER|HIGHUSER\w*)\b/;
const NON_SLEEPING_GFP = /\bGFP_(?:ATOMIC|NOWAIT)\b/;

/**
 * A GFP argument that lets the allocation sleep. One that picks an atomic mask on some condition
 * (`in_irq ? GFP_ATOMIC : GFP_KERNEL`) is chosen by the caller's context: not surely sleeping.
 */
export function sleepingGfp(text: string): boolean {
  return SLEEPING_GFP.test(text) && !NON_SLEEPING_GFP.test(text);
}

export function isSleepingCall(name: string): boolean {
  return SLEEPING_CALLS.has(name) || SLEEPING_PREFIXES.some((p) => name.startsWith(p));
}

/** `lockdep_assert_held*()` says the lock is held here; so does sparse's `__acquire()`, after a callee took it. */
export function isHeldAssertion(name: string): boolean {
  return name === 'lockdep_assert_held' || name.startsWith('lockdep_assert_held_') || name === 'assert_spin_locked' || isSparseAnnotation(name);
}

/** Sparse's `__acquire()`: a statement for the checker, not checked at run time, often a mere balance marker. */
export function isSparseAnnotation(name: string): boolean {
  return name === '__acquire';
}

/**
 * Waits that sleep with a lock dropped and take it back after: `wait_event_interruptible_locked_irq(wq,
 * cond)` drops `wq.lock`; `wait_event_lock_irq(wq, cond, lock)` and its `_interruptible`, `_timeout`
 * and `_cmd` forms drop their third argument. Null for other calls, else which argument names the
 * lock (`lockArg`, absent for the queue's own) and whether interrupts are on while it sleeps (`_irq`).
 */
export function lockedWait(name: string): { irq: boolean; lockArg?: number } | null {
  if (!name.startsWith('wait_event')) return null;
  if (/_locked(_|$)/.test(name)) return { irq: /_locked_irq$/.test(name) };
  if (/_lock_irq(_|$)/.test(name)) return { irq: true, lockArg: 2 };
  return null;
}

/**
 * An interruptible or killable acquisition (`mutex_lock_interruptible()`, `down_killable()`): 0 once
 * it holds the lock, and -EINTR, its only failure, when a signal stops it.
 */
export function failsOnlyWhenInterrupted(api: LockApi): boolean {
  return api.success === 'zero' && /_(?:interruptible|killable)(?:_nested)?$/.test(api.name);
}

/** Calls after which the path does not go on. */
const NORETURN_CALLS = new Set([
  'BUG',
  'panic',
  'unreachable',
  '__builtin_unreachable',
  'do_exit',
  'do_group_exit',
  'do_task_dead',
  'kthread_exit',
  'kthread_complete_and_exit',
  '__module_put_and_kthread_exit',
  'make_task_dead',
]);

export function isNoReturnCall(name: string): boolean {
  return NORETURN_CALLS.has(name);
}

/** `BUG_ON(cond)`, `VM_BUG_ON(cond)`, `mlog_bug_on_msg(cond, …)`, `f2fs_bug_on(sbi, cond)`: the path goes on only when the condition is false. */
export function isBugOnCall(name: string): boolean {
  return /(^|_)bug_on(_|$)/i.test(name);
}

export class LockApiCatalogue {
  private readonly byName = new Map<string, LockApi>();

  constructor(
    apis: readonly LockApi[] = BUILTIN_LOCK_APIS,
    /** User entries: their names are matched in function text as well. */
    private readonly custom: readonly LockApi[] = [],
  ) {
    for (const api of [...apis, ...custom]) this.byName.set(api.name, lockApi(api));
  }

  /** A copy of this catalogue with extra (user) entries, which win over built-in ones of the same name. */
  extend(extra: readonly LockApi[]): LockApiCatalogue {
    return new LockApiCatalogue([...this.byName.values()], [...this.custom, ...extra]);
  }

  /** Whether the text mentions one of the user's own lock functions. */
  hasCustomEntries(text: string): boolean {
    return this.custom.some((api) => text.includes(api.name));
  }

  get(name: string): LockApi | undefined {
    return this.byName.get(name);
  }

  /** The release a held lock's acquisition expects, for messages and the mismatched-unlock fix. */
  expectedRelease(acquire: LockApi): LockApi | undefined {
    for (const api of this.byName.values()) {
      if (api.role === 'release' && api.kind === acquire.kind && modesMatch(acquire, api) && api.ctx === acquire.ctx) {
        if (acquire.handleArg === undefined || api.handleArg !== undefined) return api;
      }
    }
    return undefined;
  }

  all(): IterableIterator<LockApi> {
    return this.byName.values();
  }
}

/** pthread_rwlock_unlock releases either mode; elsewhere the release names the mode. */
export function modesMatch(acquire: Pick<LockApi, 'mode' | 'kind'>, release: Pick<LockApi, 'mode' | 'kind'>): boolean {
  if (acquire.kind === 'pthread_rwlock') return true;
  return acquire.mode === release.mode;
}

export const DEFAULT_CATALOGUE = new LockApiCatalogue();
