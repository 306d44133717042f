/**
 * Every lock API family the catalogue knows, each on a fixture written with it: what each function
 * acquires (API and class), that an ABBA pair gives exactly one inversion naming both functions, and
 * that the consistently ordered paths in the same file give edges and nothing else.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Analysed, analyseEdited, analyseFixtures, assertOneInversion } from './engineHelpers';

interface FamilyExpectation {
  /** What each function acquires, as `api:class`, in source order. */
  acquired: Record<string, string[]>;
  /** The ABBA pair: each function with the call that takes its second lock. */
  abba: { locks: [string, string]; secondTaken: Record<string, string> };
  /** Edges of consistently ordered paths, with the functions proving them. */
  consistent?: { edge: [string, string]; functions: string[] }[];
}

/** The common part of every family test; nothing but the ABBA is reported. */
function checkFamily(result: Analysed, expected: FamilyExpectation): void {
  for (const [fn, acquired] of Object.entries(expected.acquired)) {
    assert.deepEqual(result.acquired(fn), acquired, `acquisitions of ${fn}()`);
  }
  const functions = Object.keys(expected.abba.secondTaken) as [string, string];
  const inversion = assertOneInversion(result, functions, expected.abba.locks);
  const sites = (inversion.sites ?? []).map((s) => `${s.function}:${s.range.start.line}`).sort();
  const expectedSites = functions.map((fn) => `${fn}:${result.line(fn, expected.abba.secondTaken[fn])}`).sort();
  assert.deepEqual(sites, expectedSites);
  assert.equal(result.findings.length, 1, `only the inversion is reported:\n${result.describe()}`);
  for (const { edge, functions: provers } of expected.consistent ?? []) {
    assert.deepEqual(result.edgeSites(...edge).map((s) => s.replace(/:\d+$/, '')).sort(), [...provers].sort(), `${edge.join(' -> ')}`);
    assert.equal(result.edge(edge[1], edge[0]), undefined, `no reverse edge ${edge[1]} -> ${edge[0]}`);
  }
}

describe('lock API families', () => {
  it('spin_lock, _bh, _irq, _irqsave and _nested', () => {
    checkFamily(analyseFixtures('families/spinlock.c'), {
      acquired: {
        port_enqueue: ['spin_lock_irqsave:snd_port.lock', 'spin_lock:snd_queue.lock'],
        queue_drain: ['spin_lock_bh:snd_queue.lock', 'spin_lock_irq:snd_port.lock'],
        card_get: ['spin_lock:snd_card.lock', 'spin_lock_nested:snd_card.lock/1'],
      },
      abba: {
        locks: ['snd_port.lock', 'snd_queue.lock'],
        secondTaken: { port_enqueue: 'spin_lock(&q->lock)', queue_drain: 'spin_lock_irq(&port->lock)' },
      },
      consistent: [{ edge: ['snd_card.lock', 'snd_card.lock/1'], functions: ['card_get', 'card_put'] }],
    });
  });

  it('raw_spin_lock and its forms, with a DEFINE_RAW_SPINLOCK global', () => {
    checkFamily(analyseFixtures('families/raw_spinlock.c'), {
      acquired: {
        rq_balance: ['raw_spin_lock_irqsave:rq.lock', 'raw_spin_lock:balance_lock'],
        rq_rebalance_all: ['raw_spin_lock_irq:balance_lock', 'raw_spin_lock:rq.lock'],
        double_rq_lock: ['raw_spin_lock_bh:rq.lock', 'raw_spin_lock_nested:rq.lock/1'],
      },
      abba: {
        locks: ['balance_lock', 'rq.lock'],
        secondTaken: { rq_balance: 'raw_spin_lock(&balance_lock)', rq_rebalance_all: 'raw_spin_lock(&rq->lock)' },
      },
      // double_rq_lock() returns holding both, double_rq_unlock() releases its caller's: neither is a finding.
      consistent: [{ edge: ['rq.lock', 'rq.lock/1'], functions: ['double_rq_lock'] }],
    });
  });

  it('read_lock and write_lock forms; nested readers are not a double lock', () => {
    checkFamily(analyseFixtures('families/rwlock.c'), {
      acquired: {
        neigh_lookup_mtu: ['read_lock:neigh_table.lock', 'write_lock_bh:net_device.lock'],
        dev_flush_neigh: ['write_lock_irqsave:net_device.lock', 'write_lock_irq:neigh_table.lock'],
        dev_read_entries: ['read_lock_irqsave:net_device.lock', 'read_lock_bh:net_device.lock'],
      },
      abba: {
        locks: ['neigh_table.lock', 'net_device.lock'],
        secondTaken: { neigh_lookup_mtu: 'write_lock_bh(&dev->lock)', dev_flush_neigh: 'write_lock_irq(&tbl->lock)' },
      },
    });
  });

  it('mutex_lock, _interruptible, _killable, _io and _nested', () => {
    checkFamily(analyseFixtures('families/mutex.c'), {
      acquired: {
        usb_dev_ioctl: ['mutex_lock:usb_device.mutex', 'mutex_lock_interruptible:usb_bus.lock'],
        usb_bus_rescan: ['mutex_lock_killable:usb_bus.lock', 'mutex_lock_io:usb_device.mutex'],
        usb_lock_child: ['mutex_lock:usb_device.mutex', 'mutex_lock_nested:usb_device.mutex/1'],
      },
      abba: {
        locks: ['usb_bus.lock', 'usb_device.mutex'],
        secondTaken: { usb_dev_ioctl: 'mutex_lock_interruptible(&bus->lock)', usb_bus_rescan: 'mutex_lock_io(&udev->mutex)' },
      },
      consistent: [{ edge: ['usb_device.mutex', 'usb_device.mutex/1'], functions: ['usb_lock_child'] }],
    });
  });

  it('down, down_interruptible, down_killable, down_timeout and up', () => {
    checkFamily(analyseFixtures('families/semaphore.c'), {
      acquired: {
        console_attach: ['down:console.sem', 'down_interruptible:tty_port.sem'],
        tty_flush_console: ['down_killable:tty_port.sem', 'down_timeout:console.sem'],
      },
      abba: {
        locks: ['console.sem', 'tty_port.sem'],
        secondTaken: { console_attach: 'down_interruptible(&port->sem)', tty_flush_console: 'down_timeout(&con->sem, 100)' },
      },
    });
  });

  it('down_read, down_write, their _nested form, downgrade_write, up_read and up_write', () => {
    // rw_semaphore readers can deadlock (a queued writer blocks new readers): mm_walk() is all reads.
    checkFamily(analyseFixtures('families/rwsem.c'), {
      acquired: {
        mm_walk: ['down_read:mm_struct.mmap_sem', 'down_read:address_space.i_mmap_rwsem'],
        fs_remap: ['down_write:address_space.i_mmap_rwsem', 'down_write:mm_struct.mmap_sem'],
        mm_dup: ['down_write:mm_struct.mmap_sem', 'down_write_nested:mm_struct.mmap_sem/1'],
        mm_shrink: ['down_write:mm_struct.mmap_sem'],
      },
      abba: {
        locks: ['address_space.i_mmap_rwsem', 'mm_struct.mmap_sem'],
        secondTaken: { mm_walk: 'down_read(&mapping->i_mmap_rwsem)', fs_remap: 'down_write(&mm->mmap_sem)' },
      },
      consistent: [{ edge: ['mm_struct.mmap_sem', 'mm_struct.mmap_sem/1'], functions: ['mm_dup'] }],
    });
  });

  it('rt_mutex_lock, _interruptible, _killable, _nested and rt_mutex_unlock', () => {
    checkFamily(analyseFixtures('families/rt_mutex.c'), {
      acquired: {
        futex_lock_pi: ['rt_mutex_lock:futex_pi_state.pi_mutex', 'rt_mutex_lock_interruptible:futex_q.lock'],
        // Subclass 0 is the class itself.
        futex_requeue: ['rt_mutex_lock_killable:futex_q.lock', 'rt_mutex_lock_nested:futex_pi_state.pi_mutex'],
      },
      abba: {
        locks: ['futex_pi_state.pi_mutex', 'futex_q.lock'],
        secondTaken: { futex_lock_pi: 'rt_mutex_lock_interruptible(&q->lock)', futex_requeue: 'rt_mutex_lock_nested(&pi->pi_mutex, 0)' },
      },
    });
  });

  it('every kernel trylock: recorded, success read the right way round, and no order edge', () => {
    const result = analyseFixtures('families/trylock.c');
    assert.deepEqual(result.acquired('obj_evict_spin'), [
      'spin_lock:bucket.lock',
      'spin_trylock:obj.lock',
      'spin_trylock_bh:obj.lock',
      'spin_trylock_irq:obj.lock',
      'spin_trylock_irqsave:obj.lock',
      'raw_spin_trylock:obj.raw_lock',
    ]);
    assert.deepEqual(result.acquired('obj_evict_rwlock'), ['spin_lock:bucket.lock', 'read_trylock:obj.rwlock', 'write_trylock:obj.rwlock']);
    assert.deepEqual(result.acquired('obj_evict_sleeping'), [
      'mutex_lock:bucket.mutex',
      'mutex_trylock:obj.mutex',
      'down_trylock:obj.sem',
      'down_read_trylock:obj.rwsem',
      'down_write_trylock:obj.rwsem',
      'rt_mutex_trylock:obj.rtm',
    ]);
    // Getting down_trylock()'s "0 means success" wrong would report its up() as unlock-unheld.
    assert.deepEqual(result.findings, [], result.describe());
    // The plain paths do order obj.* before bucket.*; the trylock paths add nothing the other way.
    assert.ok(result.edge('obj.lock', 'bucket.lock') && result.edge('obj.mutex', 'bucket.mutex'));
    assert.deepEqual(result.edges().filter((e) => e.startsWith('bucket.')), []);
  });

  it('guard() holds to the end of its scope, scoped_guard() for its block', () => {
    const result = analyseFixtures('families/guards.c');
    checkFamily(result, {
      acquired: {
        led_set: ['mutex_lock:led_classdev.led_access', 'mutex_lock:led_trigger.lock'],
        trigger_fire: ['mutex_lock:led_trigger.lock', 'mutex_lock:led_classdev.led_access'],
        led_blink: [
          'spin_lock:led_classdev.value_lock',
          'spin_lock:led_trigger.leddev_list_lock',
          'spin_lock_irqsave:led_trigger.leddev_list_lock',
          'spin_lock:led_classdev.value_lock',
        ],
      },
      abba: {
        locks: ['led_classdev.led_access', 'led_trigger.lock'],
        secondTaken: { led_set: 'mutex_lock(&trig->lock)', trigger_fire: 'mutex_lock(&led->led_access)' },
      },
    });
    // Both guards in led_blink() end before the next lock: it proves no edge at all.
    assert.deepEqual(result.edgesIn('led_blink'), []);
  });

  it('guard() without its own block holds until the function returns', () => {
    const result = analyseEdited('families/guards.c', [
      '\t{\n\t\tguard(spinlock_irqsave)(&trig->leddev_list_lock);\n\t\ttrig->active--;\n\t}\n',
      '\tguard(spinlock_irqsave)(&trig->leddev_list_lock);\n\ttrig->active--;\n',
    ]);
    assert.deepEqual(result.edgeSites('led_trigger.leddev_list_lock', 'led_classdev.value_lock'), [`led_blink:${result.line('led_blink', 'spin_lock(&led->value_lock)')}`]);
    assert.deepEqual(result.in('led_blink'), [], result.describe());
  });

  it('last-reference drops: atomic_dec_and_lock() and its forms hold on true, and order only what is taken under them', () => {
    const result = analyseFixtures('families/dec_and_lock.c');
    checkFamily(result, {
      acquired: {
        sess_put: ['atomic_dec_and_lock:sess_table.lock'],
        sess_put_irq: ['refcount_dec_and_lock_irqsave:sess_table.lock'],
        sess_close: ['mutex_lock:sess.io_mutex', 'refcount_dec_and_mutex_lock:sess_table.mutex'],
        sess_drop_state: ['spin_lock:sess.state_lock', 'atomic_dec_and_lock_irqsave:sess_table.lock'],
        sess_release: ['atomic_dec_and_mutex_lock:sess_table.mutex', 'mutex_lock:sess.io_mutex'],
      },
      abba: {
        locks: ['sess.io_mutex', 'sess_table.mutex'],
        secondTaken: { sess_release: 'mutex_lock(&s->io_mutex)', sess_flush: 'mutex_lock(&s->table->mutex)' },
      },
    });
    // The drop under a lock of the caller's waits only for the last reference: no order, as a trylock.
    assert.deepEqual(result.edgesIn('sess_close'), []);
    assert.deepEqual(result.edgesIn('sess_drop_state'), []);
  });

  it('a last-reference drop holds only when it returns true', () => {
    // The release moved after the test runs on the path where nothing was taken too.
    const unlockedAlways = analyseEdited('families/dec_and_lock.c', [
      '\t\tlist_del(&s->node);\n\t\tspin_unlock(&s->table->lock);\n\t\tkfree(s);\n\t}\n',
      '\t\tlist_del(&s->node);\n\t}\n\tspin_unlock(&s->table->lock);\n',
    ]);
    const stray = unlockedAlways.one('unlock-unheld', 'sess_put');
    assert.match(stray.message, /taking it failed on this path/);
    assert.equal(stray.severity, 'warning');
    // An early return on the true path keeps the table's lock.
    const kept = analyseEdited('families/dec_and_lock.c', [
      '&s->table->lock)) {\n\t\tlist_del(&s->node);',
      '&s->table->lock)) {\n\t\tif (list_empty(&s->node))\n\t\t\treturn;\n\t\tlist_del(&s->node);',
    ]);
    assert.equal(kept.of('unreleased-lock', 'sess_put').length, 1, kept.describe());
  });

  it('global locks behind out-of-line functions: rtnl_lock() and its forms, cpus_read_lock()', () => {
    checkFamily(analyseFixtures('families/global_locks.c'), {
      acquired: {
        nic_reset_work: ['mutex_lock:nic.cfg_lock', 'rtnl_lock:rtnl_mutex'],
        nic_change_mtu: ['rtnl_trylock:rtnl_mutex', 'rtnl_lock:rtnl_mutex', 'mutex_lock:nic.cfg_lock'],
        nic_update_queues: ['cpus_read_lock:cpu_hotplug_lock', 'mutex_lock:nic.cfg_lock'],
        nic_suspend: ['rtnl_lock_killable:rtnl_mutex'],
      },
      abba: {
        locks: ['nic.cfg_lock', 'rtnl_mutex'],
        secondTaken: { nic_reset_work: 'rtnl_lock()', nic_change_mtu: 'mutex_lock(&nic->cfg_lock)' },
      },
      consistent: [{ edge: ['cpu_hotplug_lock', 'nic.cfg_lock'], functions: ['nic_update_queues'] }],
    });
  });

  it('pthread mutexes, rwlocks (one unlock for both modes) and spinlocks, with their trylocks', () => {
    checkFamily(analyseFixtures('families/pthread.c'), {
      acquired: {
        cache_insert: ['pthread_mutex_lock:cache_entry.mu', 'pthread_mutex_lock:cache_stats.mu'],
        stats_reset: ['pthread_mutex_lock:cache_stats.mu', 'pthread_mutex_lock:cache_entry.mu'],
        cache_lookup: ['pthread_rwlock_rdlock:cache.map_lock', 'pthread_spin_lock:cache_stats.hits_lock'],
        cache_peek: ['pthread_rwlock_tryrdlock:cache.map_lock'],
        cache_replace: ['pthread_rwlock_trywrlock:cache.map_lock', 'pthread_rwlock_wrlock:cache.map_lock', 'pthread_spin_lock:cache_stats.hits_lock'],
        cache_try_bump: ['pthread_mutex_trylock:cache_stats.mu', 'pthread_spin_trylock:cache_stats.hits_lock'],
      },
      abba: {
        locks: ['cache_entry.mu', 'cache_stats.mu'],
        secondTaken: { cache_insert: 'pthread_mutex_lock(&st->mu)', stats_reset: 'pthread_mutex_lock(&e->mu)' },
      },
      consistent: [{ edge: ['cache.map_lock', 'cache_stats.hits_lock'], functions: ['cache_lookup', 'cache_replace'] }],
    });
  });

  it('C11 mtx_lock, mtx_timedlock and mtx_trylock, tested against thrd_success', () => {
    checkFamily(analyseFixtures('families/c11.c'), {
      acquired: {
        queue_push: ['mtx_lock:job_queue.lock', 'mtx_lock:worker_pool.lock'],
        pool_steal: ['mtx_timedlock:worker_pool.lock', 'mtx_lock:job_queue.lock'],
        queue_try_drain: ['mtx_trylock:job_queue.lock'],
      },
      abba: {
        locks: ['job_queue.lock', 'worker_pool.lock'],
        secondTaken: { queue_push: 'mtx_lock(&pool->lock)', pool_steal: 'mtx_lock(&q->lock)' },
      },
    });
  });

  it('Windows spin locks (plain, AtDpcLevel, in-stack queued by handle) and fast mutexes', () => {
    checkFamily(analyseFixtures('families/windows_kernel.c'), {
      acquired: {
        RxComplete: ['KeAcquireSpinLock:_DEVICE_EXTENSION.Lock', 'KeAcquireSpinLockAtDpcLevel:_RX_QUEUE.Lock'],
        RxCancel: ['KeAcquireInStackQueuedSpinLock:_RX_QUEUE.Lock', 'KeAcquireInStackQueuedSpinLockAtDpcLevel:_DEVICE_EXTENSION.Lock'],
        DevConfigure: [
          'ExAcquireFastMutex:_DEVICE_EXTENSION.ConfigMutex',
          'KeAcquireInStackQueuedSpinLock:_DEVICE_EXTENSION.QueueLock',
          'ExTryToAcquireFastMutex:_DEVICE_EXTENSION.ConfigMutex',
        ],
        RxPoll: ['KeAcquireSpinLock:_RX_QUEUE.Lock', 'KeTryToAcquireSpinLockAtDpcLevel:_DEVICE_EXTENSION.Lock'],
      },
      abba: {
        locks: ['_DEVICE_EXTENSION.Lock', '_RX_QUEUE.Lock'],
        secondTaken: { RxComplete: 'KeAcquireSpinLockAtDpcLevel(&Queue->Lock)', RxCancel: 'KeAcquireInStackQueuedSpinLockAtDpcLevel(&Ext->Lock' },
      },
      // The in-stack queued releases name only their handle; each must release its own lock.
      consistent: [{ edge: ['_DEVICE_EXTENSION.ConfigMutex', '_DEVICE_EXTENSION.QueueLock'], functions: ['DevConfigure'] }],
    });
  });

  it('critical sections (recursive), SRW locks in both modes and WaitForSingleObject + ReleaseMutex', () => {
    checkFamily(analyseFixtures('families/windows_user.c'), {
      acquired: {
        SessionBump: ['EnterCriticalSection:_SESSION.Cs', 'AcquireSRWLockExclusive:_SESSION.TableLock', 'EnterCriticalSection:_SESSION.Cs'],
        SessionPeek: [
          'TryEnterCriticalSection:_SESSION.Cs',
          'AcquireSRWLockShared:_SESSION.TableLock',
          'TryAcquireSRWLockShared:_SESSION.TableLock',
          'TryAcquireSRWLockExclusive:_SESSION.TableLock',
        ],
        SessionSync: ['WaitForSingleObject:_SESSION.Mutex', 'EnterCriticalSection:_SESSION.Cs'],
        SessionLog: ['EnterCriticalSection:_SESSION.Cs', 'WaitForSingleObject:_SESSION.Mutex'],
      },
      abba: {
        locks: ['_SESSION.Cs', '_SESSION.Mutex'],
        secondTaken: { SessionSync: 'EnterCriticalSection(&s->Cs)', SessionLog: 'WaitForSingleObject(s->Mutex, INFINITE)' },
      },
      consistent: [{ edge: ['_SESSION.Cs', '_SESSION.TableLock'], functions: ['SessionBump', 'SessionPeek'] }],
    });
  });

  it('WaitForSingleObject on a handle never passed to ReleaseMutex is a wait, not a lock', () => {
    const result = analyseFixtures('families/windows_user.c');
    assert.deepEqual(result.acquired('SessionWaitReady'), ['EnterCriticalSection:_SESSION.Cs']);
    assert.deepEqual(result.edges().filter((e) => e.includes('ready')), []);
  });
});
