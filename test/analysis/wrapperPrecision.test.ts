/**
 * Precision of the findings about held locks (double lock, unreleased, unlock of an unheld lock,
 * mismatched release, sleeping in atomic context) where locks travel through wrappers and callees:
 * each fixture is quiet where the kernel code it imitates is correct, and loud on the real bug next to it.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures } from './engineHelpers';

describe('precision: a lock handed back with the object that holds it', () => {
  const result = analyseFixtures('precision/returned_lock.c');

  it('a bucket locked by a wrapper and given back to its release wrapper is released, in its callers and theirs', () => {
    for (const fn of ['tbl_add', 'tbl_check', 'tbl_find_near', 'tbl_user_probe']) assert.deepEqual(result.in(fn), [], result.describe());
    for (const fn of ['tbl_add', 'tbl_check', 'tbl_user_probe']) {
      const summary = result.analysis.functions.find((f) => f.fn.name === fn)!.result.summary;
      assert.deepEqual(summary.returnsHolding, [], `${fn}() returns holding nothing`);
      assert.deepEqual(summary.releasesOnEntry, [], `${fn}() releases nothing of its caller's`);
    }
  });

  it('sleeping while the bucket is out is still reported', () => {
    const sleep = result.one('sleep-in-atomic', 'tbl_sleepy_add');
    assert.equal(sleep.range.start.line, result.line('tbl_sleepy_add', 'mutex_lock(&tbl_config_mutex)'));
    assert.deepEqual(sleep.locks, ['tbl_hash[].lock']);
    assert.equal(result.findings.length, 1, result.describe());
  });

  it('a caller that never gives the bucket back holds it in its own callers', () => {
    const leaky = analyseEdited('precision/returned_lock.c', ['\tlist_add_tail(&entry->list, &bucket->list);\n\ttbl_put_bucket(bucket, flags);', '\tlist_add_tail(&entry->list, &bucket->list);']);
    const sleeps = leaky.of('sleep-in-atomic', 'tbl_user_probe');
    assert.deepEqual(sleeps.map((f) => f.range.start.line), [leaky.line('tbl_user_probe', 'mutex_lock(&tbl_config_mutex)'), leaky.line('tbl_user_probe', 'kzalloc(64, GFP_KERNEL)')]);
  });
});

describe('precision: wrappers whose effect depends on a result or an argument', () => {
  const result = analyseFixtures('precision/wrapper_paths.c');

  it('a lookup returning its object locked or NULL holds the lock past the NULL test, and orders what follows', () => {
    assert.deepEqual(result.in('sess_touch'), [], result.describe());
    assert.deepEqual(result.edgeSites('sess.mutex', 'sess_table.stats_lock'), [`sess_touch:${result.line('sess_touch', 'spin_lock(&t->stats_lock)')}`]);
  });

  it('sleeping under the spinlock such a lookup returns is reported', () => {
    const sleep = result.one('sleep-in-atomic', 'sess_wait');
    assert.equal(sleep.range.start.line, result.line('sess_wait', 'msleep(10)'));
    assert.deepEqual(sleep.locks, ['sess.lock']);
  });

  it('the same flag picking the start and the end helper pairs them', () => {
    assert.deepEqual(result.in('xio_write'), [], result.describe());
    const unpaired = analyseEdited('precision/wrapper_paths.c', ['\tif (direct_lock)\n\t\txio_end_direct(ino);\n\telse\n\t\txio_end_write(ino);', '\tif (direct_lock)\n\t\txio_end_write(ino);\n\telse\n\t\txio_end_direct(ino);']);
    assert.equal(unpaired.of('mismatched-unlock', 'xio_write').length, 2, unpaired.describe());
  });

  it('the same query asked before taking and before releasing picks the same mode', () => {
    assert.deepEqual(result.in('xsb_quotactl'), [], result.describe());
  });

  it('a lock a wrapper takes shared or exclusive as asked is released either way without a mismatch', () => {
    assert.deepEqual(result.in('xsb_get'), [], result.describe());
    assert.deepEqual(result.in('xsb_quota_on'), [], result.describe());
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('precision: results that say whether the lock is held', () => {
  const result = analyseFixtures('precision/result_wrappers.c');
  const summaryOf = (fn: string) => result.analysis.functions.find((f) => f.fn.name === fn)!.result.summary;

  it('an error code that is zero exactly when the killable lock was taken makes a trylock-style wrapper, not a leak', () => {
    assert.deepEqual(result.in('pair_lock'), [], result.describe());
    assert.deepEqual(summaryOf('pair_lock').conditional.map((c) => `${c.success}:${c.lock.expr.text}`), ['zero:l1']);
  });

  it('a handle returned both ways, tested with IS_ERR where the lock is dropped, is not a leak', () => {
    assert.deepEqual(result.in('jr_start_trans'), [], result.describe());
    assert.equal(result.findings.length, 1, result.describe());
  });

  it('a predicate answering false holding the lock and true without it is a wrapper, not a leak', () => {
    assert.deepEqual(result.in('jr_fast_put'), [], result.describe());
    assert.deepEqual(summaryOf('jr_fast_put').conditional.map((c) => c.success), ['zero']);
  });

  it('a result tested where the lock is dropped and then returned says which way it went', () => {
    assert.deepEqual(result.in('jr_get_hw_semaphore'), [], result.describe());
    assert.deepEqual(summaryOf('jr_get_hw_semaphore').conditional.map((c) => c.success), ['zero']);
  });

  it('a function that releases nothing and takes a lock on some paths takes it for its caller', () => {
    assert.deepEqual(result.in('jr_get'), [], result.describe());
  });

  it('a trylock inside WARN_ON_ONCE() is the condition it is tested in', () => {
    assert.deepEqual(result.in('jr_disable'), [], result.describe());
  });

  it('`if (err == -EINTR) return err;` after a killable lock: the only failure returns, success goes on holding', () => {
    assert.deepEqual(result.in('jr_begin'), [], result.describe());
  });

  it('a length returned both ways says nothing of the lock: the early return holding it is a leak', () => {
    const leak = result.one('unreleased-lock', 'jr_copy');
    assert.equal(leak.range.start.line, result.lines('jr_copy', 'return len;', 2)[0]);
  });

  it('an early error return still holding the lock is a leak, reported there and not at the handle', () => {
    const leaky = analyseEdited('precision/result_wrappers.c', [
      '\tdown_read(&osb->trans_barrier);\n\n\thandle = ',
      '\tdown_read(&osb->trans_barrier);\n\tif (osb->aborted)\n\t\treturn ERR_PTR(-EIO);\n\thandle = ',
    ]);
    const leaks = leaky.of('unreleased-lock', 'jr_start_trans');
    assert.deepEqual(leaks.map((f) => f.range.start.line), [leaky.line('jr_start_trans', 'return ERR_PTR(-EIO)')]);
  });
});

describe('precision: results that tell by their sign, and lock calls that report failure', () => {
  const result = analyseFixtures('precision/told_by_result.c');

  it('a descriptor returned both ways, negative where the lock was dropped, with errors written out where it was never taken, is not a leak', () => {
    assert.deepEqual(result.in('cache_get_fd'), [], result.describe());
  });

  it('an error written out while holding is a leak, reported there and not where the descriptor is returned', () => {
    const leak = result.one('unreleased-lock', 'cache_get_fd_leaky');
    assert.equal(leak.range.start.line, result.line('cache_get_fd_leaky', 'return -2;'));
  });

  it('the branch where a POSIX lock call reported failure does not hold the lock', () => {
    assert.deepEqual(result.in('cache_refresh'), [], result.describe());
  });

  it('a POSIX lock call used as a statement holds: the early return keeps the lock', () => {
    const leak = result.one('unreleased-lock', 'cache_refresh_leaky');
    assert.equal(leak.range.start.line, result.line('cache_refresh_leaky', 'return -1;'));
    assert.equal(result.findings.length, 2, result.describe());
  });
});

describe('precision: releases inside callees', () => {
  const result = analyseFixtures('precision/release_wrappers.c');

  it('a helper that drops the caller’s lock through an unlock wrapper and sleeps releases it for the caller: no sleep under it, no double lock', () => {
    assert.deepEqual(result.in('fq_wait'), [], result.describe());
    const summary = result.analysis.functions.find((f) => f.fn.name === 'fq_wait_queue')!.result.summary;
    assert.deepEqual(summary.releasesOnEntry.map((l) => l.expr.text), ['hb->lock']);
  });

  it('releasing again after a callee that releases only on some paths is reported quietly', () => {
    const again = result.one('unlock-unheld', 'fq_drop');
    assert.equal(again.severity, 'information');
    assert.match(again.message, /by a callee/);
  });

  it('an _irqrestore of the lock switched to restores what the plain unlock of the first left off', () => {
    assert.deepEqual(result.in('tb_migrate'), [], result.describe());
  });

  it('a lock a callee found through its own local is not the caller’s lock of the same name', () => {
    assert.deepEqual(result.in('xobj_use'), [], result.describe());
    const step = result.analysis.functions.find((f) => f.fn.name === 'xobj_step')!.result.summary;
    assert.deepEqual(step.releasesOnEntry, []);
  });

  it('an unlock whose mode is an argument fits either mode', () => {
    assert.deepEqual(result.in('xeb_use'), [], result.describe());
  });

  it('an unlock of another object of the class, in another mode, does not release the one held', () => {
    assert.deepEqual(result.in('xpunch'), [], result.describe());
  });

  it('sparse’s __acquire() after a callee re-took the lock makes it held again', () => {
    assert.deepEqual(result.in('xbar_alloc'), [], result.describe());
  });

  it('a helper that drops the caller’s lock around its sleep and takes it back does not sleep under it', () => {
    assert.deepEqual(result.in('xtree_wait_bit'), [], result.describe());
  });

  it('a function computing a mask from GFP_KERNEL does not sleep', () => {
    assert.deepEqual(result.in('xtree_mask'), [], result.describe());
  });

  it('skb_queue_walk_safe() { … break; } is a loop of its own', () => {
    assert.deepEqual(result.in('xq_drain'), [], result.describe());
  });

  it('returning the lock another helper returned with its result is returning it, not leaking the trylocked one', () => {
    assert.deepEqual(result.in('xd_lock_parent'), [], result.describe());
    const summary = result.analysis.functions.find((f) => f.fn.name === 'xd_lock_parent')!.result.summary;
    assert.deepEqual(summary.returnsHolding.map((l) => `${l.cls.id}:${l.fromReturn?.join('')}`), ['xd.lock:->lock']);
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('double lock through a callee', () => {
  const result = analyseFixtures('precision/callee_double_lock.c');

  it('a helper taking the lock of the object it is handed, while the caller holds it, deadlocks', () => {
    const found = result.one('double-lock', 'xdev_timeout');
    assert.equal(found.severity, 'error');
    assert.equal(found.range.start.line, result.line('xdev_timeout', 'xdev_write(d, 1)'));
    assert.match(found.message, /via xdev_write\(\)/);
    assert.equal(found.related[0].range.start.line, result.line('xdev_timeout', 'spin_lock_irqsave(&d->lock, flags)'));
  });

  it('a global lock taken again in a helper deadlocks', () => {
    assert.equal(result.one('double-lock', 'xdev_register').range.start.line, result.line('xdev_register', 'xdev_list_add(d)'));
  });

  it('two calls down, where the inner path may not run, it is said quietly', () => {
    assert.equal(result.one('double-lock', 'xdev_timeout_reset').severity, 'information');
  });

  it('a helper that takes the lock only on some of its paths (as its flags say) is said quietly', () => {
    assert.equal(result.one('double-lock', 'xdev_locked_set').severity, 'information');
  });

  it('a lock held from a lock wrapper and taken again in a helper is said quietly', () => {
    assert.equal(result.one('double-lock', 'xdev_wrapped_timeout').severity, 'information');
  });

  it('another object of the class, a nested subclass and a trylock in the helper are no double lock', () => {
    assert.deepEqual(result.in('xdev_update_child'), [], result.describe());
    assert.equal(result.findings.length, 5, result.describe());
  });
});

describe('precision: an unlock helper reached through the function that runs deferred work', () => {
  const result = analyseFixtures('precision/unlock_chain.c');

  it('the plain unlock helper releases its caller\'s lock on every path, and so does each function that calls it first', () => {
    assert.deepEqual(result.findings, [], result.describe());
    for (const fn of ['__cfg_unlock', 'cfg_run_pending', 'cfg_unlock']) {
      const summary = result.analysis.functions.find((f) => f.fn.name === fn)!.result.summary;
      assert.deepEqual(summary.releasesOnEntry.map((l) => `${l.cls.id}${l.partial ? ' (partial)' : ''}`), ['cfg_mutex'], fn);
    }
  });

  it('calling the waiting helper itself with the lock held is still a double lock', () => {
    const held = analyseEdited('precision/unlock_chain.c', ['\titem->value = value;\n', '\titem->value = value;\n\tcfg_wait_pending(&cfg_pending);\n']);
    assert.equal(held.of('double-lock', 'cfg_set').length, 1, held.describe());
  });
});

describe('precision: a lock a helper reaches through its own local pointer', () => {
  it('is that helper\'s local in every caller, however far up: commands run one after another take no lock twice', () => {
    const result = analyseFixtures('precision/local_lock_pointer.c');
    assert.deepEqual(result.of('double-lock'), [], result.describe());
  });
});

describe('precision: a lockdep subclass passed down to a wrapper', () => {
  const result = analyseFixtures('precision/subclass_args.c');

  it('is the subclass the caller names, through a function or a macro', () => {
    assert.deepEqual(result.edgesIn('commit_blocks'), ['xinode.commit_mutex -> xinode.rdwrlock/RDWRLOCK_DMAP']);
    assert.deepEqual(result.edgesIn('grow_imap'), ['xinode.rdwrlock/RDWRLOCK_IMAP -> xinode.commit_mutex']);
  });

  it('so only the orders in the same subclass make a cycle', () => {
    const inversion = result.one('lock-order-inversion', 'commit_map');
    assert.deepEqual([...inversion.locks].sort(), ['xinode.commit_mutex', 'xinode.rdwrlock/RDWRLOCK_IMAP']);
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('precision: a helper that drops its caller\'s lock and takes it back', () => {
  const result = analyseFixtures('precision/handed_back.c');

  it('hands it back: taking it again inside is no double lock', () => {
    assert.deepEqual(result.in('xfifo_open'), [], result.describe());
  });

  it('a helper that only takes it is still one', () => {
    const double = result.one('double-lock', 'xfifo_reopen');
    assert.equal(double.range.start.line, result.line('xfifo_reopen', '\txpipe_lock(pipe);'));
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('precision: a lockdep subclass worked out from the object when it runs', () => {
  const result = analyseFixtures('precision/computed_subclass.c');

  it('splits the class as lockdep does: orders between kinds of tree make no cycle', () => {
    assert.deepEqual(result.edgesIn('create_entry'), ['btree.tree_lock/btree_lock_class(tree) -> xinode.extents_lock']);
    assert.deepEqual(result.edgesIn('extend_file'), ['xinode.extents_lock -> btree.tree_lock/btree_lock_class(tree)']);
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('without the subclass, the same orders are an inversion', () => {
    const plain = analyseEdited('precision/computed_subclass.c', ['mutex_lock_nested(&tree->tree_lock, btree_lock_class(tree))', 'mutex_lock(&tree->tree_lock)']);
    assert.equal(plain.of('lock-order-inversion').length, 1, plain.describe());
  });
});

describe('precision: a recursive lock wrapper that records its owner', () => {
  const result = analyseFixtures('precision/recursive_owner.c');

  it('does not leak the lock on the path where the running task owned it already', () => {
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('a path that skipped the lock for another reason is still a leak', () => {
    const other = analyseEdited('precision/recursive_owner.c', ['priv->fw_mutex_owner != current', 'priv->fw_mutex_depth == 0']);
    assert.equal(other.of('unreleased-lock', 'fw_lock').length, 1, other.describe());
  });
});

describe('precision: a flag of a zeroed allocation', () => {
  it('is false until stored: the unlock it guards is not reached on the path that unlocked already', () => {
    const result = analyseFixtures('precision/zeroed_object.c');
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('of memory not zeroed it may be anything: the second unlock is reported', () => {
    const unzeroed = analyseEdited('precision/zeroed_object.c', ['kzalloc(sizeof(*tx_info), GFP_KERNEL)', 'kmalloc(sizeof(*tx_info), GFP_KERNEL)']);
    const twice = unzeroed.one('unlock-unheld', 'xtx_open');
    // The last of the three unlocks, under `if (tx_info->pending_close)`.
    assert.equal(twice.range.start.line, unzeroed.lines('xtx_open', 'spin_unlock_bh(&tx_info->lock)', 3)[2]);
  });
});
