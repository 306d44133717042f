/**
 * Precision of the warnings other than inversions (double-lock, unreleased-lock, unlock-unheld,
 * mismatched-unlock, sleep-in-atomic): code patterns from real kernel code that read as bugs to a
 * naive analysis and are not. Each is quiet on its fixture and, where a small edit makes it a real
 * bug, loud on the edited copy.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures, assertOneInversion } from './engineHelpers';

describe('warning precision: interrupt and bottom-half state', () => {
  const file = 'warnings/irq_handoff.c';

  it('an `_irq` release turns back on the interrupts a plain release of another lock left off', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('hand_over'), [], result.describe());
    const plain = analyseEdited(file, ['\traw_spin_unlock_irq(&ws->wait_lock);', '\traw_spin_unlock(&ws->wait_lock);']);
    assert.match(plain.one('mismatched-unlock', 'hand_over').message, /worker\.pi_lock/);
  });

  it("a caller's lock dropped and taken back with `_irq` in a loop leaves interrupts on while it sleeps", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('wait_until_up'), [], result.describe());
    const plain = analyseEdited(file, ['\t\traw_spin_unlock_irq(&s->wait_lock);\n\t\tschedule();', '\t\traw_spin_unlock(&s->wait_lock);\n\t\tschedule();']);
    assert.match(plain.one('sleep-in-atomic', 'wait_until_up').message, /interrupts disabled/);
  });

  it("a callee that drops its caller's `_irq` lock before it sleeps does not sleep with interrupts off", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('phy_configure'), [], result.describe());
    assert.deepEqual(result.in('phy_reset'), [], result.describe());
    // Dropped without turning interrupts back on: they are off while it sleeps.
    const plain = analyseEdited(file, ['\t\tspin_unlock_irq(&lp->lock);\n\t\tmsleep(50);', '\t\tspin_unlock(&lp->lock);\n\t\tmsleep(50);']);
    assert.ok(plain.findings.some((f) => f.code === 'sleep-in-atomic' && /interrupts disabled/.test(f.message)), plain.describe());
  });

  it('a callee declared `__releases` re-enables the bottom halves its caller\'s `_bh` lock turned off', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('post_work'), [], result.describe());
    // The sleep now comes before the release: the caller's spinlock is held while it sleeps.
    const early = analyseEdited(file, ['\tspin_unlock_bh(&mb->queue_lock);\n\tdown(&mb->bar);', '\tdown(&mb->bar);\n\tspin_unlock_bh(&mb->queue_lock);']);
    assert.match(early.one('sleep-in-atomic', 'post_work').message, /mailbox\.queue_lock|bottom halves/);
  });

  it('`wait_event_cmd()` runs its first command before it sleeps and its second after: locks dropped in the first are not held asleep', () => {
    const file = 'warnings/command_wait.c';
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('claim_inactive_stripe'), [], result.describe());
    // Commands that keep the locks: it sleeps holding the device lock.
    const kept = analyseEdited(file, ['\t\t       unlock_device_hash_lock(conf, hash),\n\t\t       lock_device_hash_lock(conf, hash));', '\t\t       conf->waiting++,\n\t\t       conf->waiting--);']);
    assert.match(kept.one('sleep-in-atomic', 'claim_inactive_stripe').message, /stripe_conf\.device_lock/);
  });

  it('`local_irq_enable()` turns interrupts on however often a loop turned them off', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.of('sleep-in-atomic', 'exit_work_pending').filter((f) => f.severity === 'warning'), [], result.describe());
    // Without it, the work runs with interrupts off after the first pass.
    const off = analyseEdited(file, ['\t\t\tlocal_irq_enable();\n\t\t\tnotify_resume(regs);', '\t\t\tnotify_resume(regs);']);
    assert.ok(off.of('sleep-in-atomic', 'exit_work_pending').some((f) => f.severity === 'warning' && /notify_resume/.test(f.message)), off.describe());
  });

  it("a callee that asserts its caller's lock and waits with it named (`wait_event_lock_irq`) sleeps with it dropped", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('resurrect_ref'), [], result.describe());
    // Waiting with another lock named: the caller's spinlock stays held while it sleeps.
    const other = analyseEdited(file, ['!ref->confirm_pending, mode_switch_lock);', '!ref->confirm_pending, other_switch_lock);']);
    assert.match(other.one('sleep-in-atomic', 'resurrect_ref').message, /mode_switch_lock/);
  });
});

describe('warning precision: API families', () => {
  const file = 'warnings/api_families.c';

  it('preempt_enable_no_resched() turns preemption back on before schedule()', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('yield_cpu'), [], result.describe());
    const without = analyseEdited(file, ['\tpreempt_enable_no_resched();\n', '']);
    assert.match(without.one('sleep-in-atomic', 'yield_cpu').message, /preemption disabled/);
  });

  it('do_group_exit() ends the path: the loop is not entered again with the lock released', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('next_signal'), [], result.describe());
    const returning = analyseEdited(file, ['\t\tdo_group_exit(sig);', '\t\treport_exit(sig);']);
    assert.ok(returning.of('unlock-unheld', 'next_signal').length > 0, returning.describe());
  });
});

describe('warning precision: flags deciding the atomic context', () => {
  const file = 'warnings/atomic_flags.c';

  it('interrupts turned off and back on under the same test are on again after the second test', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('process_locs'), [], result.describe());
    const other = analyseEdited(file, ['\tif (!mod)\n\t\tlocal_irq_restore(flags);', '\tif (mod)\n\t\tlocal_irq_restore(flags);']);
    assert.match(other.one('sleep-in-atomic', 'process_locs').message, /interrupts disabled/);
  });

  it('a sleep under the test opposite to the one that turned preemption off is not in atomic context', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('stall_cpu'), [], result.describe());
    const same = analyseEdited(file, ['\t\tif (t->block)\n', '\t\tif (!t->block)\n']);
    assert.match(same.one('sleep-in-atomic', 'stall_cpu').message, /preemption disabled/);
  });
});

describe('warning precision: loop conditions and comparisons', () => {
  const file = 'warnings/loop_flags.c';

  it('a retry counter tested after the loop tells the exhausted loop (lock released) from a break (lock held)', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('send_command'), [], result.describe());
    const untested = analyseEdited(file, ['\tif (cnt >= max_retries)\n\t\treturn -EAGAIN;\n', '']);
    assert.ok(untested.of('unlock-unheld', 'send_command').length > 0, untested.describe());
  });

  it("a flag set where the lock is dropped makes the loop go on: the lock is held when it ends", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('set_readonly'), [], result.describe());
    const unset = analyseEdited(file, ['\t\t\tbusy = true;\n', '']);
    assert.ok(unset.of('unlock-unheld', 'set_readonly').length > 0, unset.describe());
  });

  it('`x != C` is the negation of `x == C`: the lock taken under one is not taken again under the other', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('refill'), [], result.describe());
    const same = analyseEdited(file, ['\t\tif (gfp != GFP_ATOMIC)\n\t\t\tspin_lock_irqsave', '\t\tif (gfp == GFP_ATOMIC)\n\t\t\tspin_lock_irqsave']);
    assert.equal(same.one('double-lock', 'refill').severity, 'error');
  });
});

describe('warning precision: a lookup that returns a locked object or an error pointer', () => {
  const file = 'warnings/error_pointer_lookup.c';
  const result = analyseFixtures(file);

  it("the caller's IS_ERR() of the result tells whether it holds the lock, pass after pass of a loop", () => {
    assert.deepEqual(result.in('encl_reserve_page'), [], result.describe());
    assert.deepEqual(result.in('encl_access'), [], result.describe());
  });

  it('what the caller takes while it holds the returned lock is ordered after it', () => {
    assertOneInversion(result, ['encl_evict_page', 'backing_writeback'], ['backing.lock', 'encl.lock']);
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('warning precision: an error number stored before leaving a loop', () => {
  const file = 'warnings/error_code_break.c';

  it('`ret = -EINTR; break;` is non-zero: `if (ret) goto out;` after the loop takes that path out', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('a value not known to be non-zero leaves the release reached on that path too', () => {
    const unknown = analyseEdited(file, ['\t\t\t\tret = -EINTR;', '\t\t\t\tret = q->insert;']);
    assert.equal(unknown.of('unlock-unheld', 'msg_queue_dequeue').length, 1, unknown.describe());
  });
});

describe("warning precision: a callee that releases its caller's lock when a flag says the caller took it", () => {
  const file = 'warnings/flag_taken_lock.c';

  it('a caller passing `true` hands the lock over: its returns after the call hold nothing', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('a caller passing `false` keeps its lock: the callee only releases its own', () => {
    const kept = analyseEdited(file, ['ret = dump_run(nlk, true);', 'ret = dump_run(nlk, false);']);
    assert.equal(kept.of('unreleased-lock', 'dump_start').length, 2, kept.describe());
  });
});

describe('warning precision: a lock wrapper for some values of a flag', () => {
  const file = 'warnings/flagged_wrapper.c';

  it("returns where the flag says the lock was never taken do not count against the wrapper's success", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('an error return that keeps the lock is still a leak', () => {
    const leaky = analyseEdited(file, ['\tret = img_header_info(dev);\n\tif (ret)\n\t\tgoto err_out;', '\tret = img_header_info(dev);\n\tif (ret)\n\t\treturn ret;']);
    const early = leaky.lines('img_probe', 'return ret;', 2)[0];
    assert.ok(leaky.of('unreleased-lock', 'img_probe').some((f) => f.range.start.line === early), leaky.describe());
  });
});

describe('warning precision: walking up a hierarchy of one lock class', () => {
  const file = 'warnings/hierarchy_walk.c';

  it("a loop releasing each level's lock up to the root leaves the root's own lock to release", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('the root released twice is still reported', () => {
    const twice = analyseEdited(file, ['\t\tns = ns->parent;\n\t}\n\tmutex_unlock(&root->lock);', '\t\tns = ns->parent;\n\t}\n\tmutex_unlock(&root->lock);\n\tmutex_unlock(&root->lock);']);
    assert.equal(twice.of('unlock-unheld', 'nsp_unlock_upto').length, 1, twice.describe());
  });
});

describe('warning precision: pointers that tell whether a lock is held', () => {
  const file = 'warnings/pointer_tests.c';

  it("a pointer set to a lock's address when the lock is taken is not NULL when tested before the release (another test is no such proof)", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('map_aux'), [], result.describe());
    const inverted = analyseEdited(file, ['\tif (aux_mutex)\n', '\tif (pages)\n']);
    assert.equal(inverted.one('unreleased-lock', 'map_aux').severity, 'warning');
  });

  it('a lookup returning its object locked or NULL is a conditional acquisition, whatever the pointer is called', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('acct_get'), [], result.describe());
    assert.deepEqual(result.in('acct_process'), [], result.describe());
    // NULL returned with the lock held: a leak.
    const leaky = analyseEdited(file, ['\tmutex_lock(&res->lock);\n', '\tmutex_lock(&res->lock);\n\tif (res->count < 0)\n\t\treturn NULL;\n']);
    assert.ok(leaky.of('unreleased-lock', 'acct_get').length > 0, leaky.describe());
  });
});

describe('warning precision: releases out of sight', () => {
  const file = 'warnings/unseen_releases.c';

  it('a lock held on every return that took it, and released on none, is no leak "released on other paths" when the others failed to take it', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('make_subvol'), [], result.describe());
    // Released on an error path here: now the other return does leak it.
    const released = analyseEdited(file, [
      '\terror = create_subvol(dir);\n',
      '\terror = create_subvol(dir);\n\tif (error < -1) {\n\t\tup_read(&fs->subvol_sem);\n\t\tup_write(&dir->i_rwsem);\n\t\treturn error;\n\t}\n',
    ]);
    assert.equal(released.one('unreleased-lock', 'make_subvol').severity, 'warning');
  });

  it('a lock assumed held on entry only because some path releases it makes a second acquisition a note, not an error', () => {
    const result = analyseFixtures(file);
    assert.equal(result.one('double-lock', 'fsconfig_locked').severity, 'information');
    // Taken twice on one path: certain.
    const twice = analyseEdited(file, ['\t\tdown_write(&sb->s_umount);\n', '\t\tdown_write(&sb->s_umount);\n\t\tdown_write(&sb->s_umount);\n']);
    assert.ok(twice.of('double-lock', 'fsconfig_locked').some((f) => f.severity === 'error'), twice.describe());
  });
});

describe('warning precision: allocation masks', () => {
  it('an allocation whose mask is GFP_ATOMIC on some condition is not surely sleeping', () => {
    const file = 'warnings/api_families.c';
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('fsm_interrupt'), [], result.describe());
    const always = analyseEdited(file, ['flag & FSM_IN_INTERRUPT ? GFP_ATOMIC : GFP_KERNEL', 'GFP_KERNEL']);
    assert.match(always.one('sleep-in-atomic', 'fsm_interrupt').message, /kzalloc/);
  });
});

describe('warning precision: locks handed to the caller', () => {
  const file = 'warnings/handoffs.c';

  it('a flag stored through a parameter on exactly the paths that hold the lock tells the caller', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('lock_full_stripe'), [], result.describe());
    const untold = analyseEdited(file, ['\t*locked_ret = true;\n', '']);
    assert.equal(untold.one('unreleased-lock', 'lock_full_stripe').severity, 'warning');
    // Told on every path, held on one: it no longer tells.
    const always = analyseEdited(file, ['\t*locked_ret = false;\n', '\t*locked_ret = true;\n']);
    assert.equal(always.one('unreleased-lock', 'lock_full_stripe').severity, 'warning');
  });

  it('an object stored for the caller only on the path that returns it locked is handed over', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('setup_file_key'), [], result.describe());
    const untold = analyseEdited(file, ['\t*mk_ret = mk;\n', '']);
    assert.equal(untold.one('unreleased-lock', 'setup_file_key').severity, 'warning');
  });

  it('a held lock stored through a parameter (`*ptlp = ptl;`) is the caller\'s to release', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('pin_entry_for_write'), [], result.describe());
    // The huge path no longer hands its lock over: it keeps it.
    const kept = analyseEdited(file, ['\t\t*ptep = NULL;\n\t\t*ptlp = ptl;\n', '\t\t*ptep = NULL;\n']);
    assert.equal(kept.one('unreleased-lock', 'pin_entry_for_write').severity, 'warning', kept.describe());
  });
});

describe('warning precision: results compared where the lock is dropped', () => {
  const file = 'warnings/handoffs.c';

  it('`if (ret != OK) unlock(); return ret;` hands the lock over with ret == OK', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('lock_ol_stateid'), [], result.describe());
    // An early return before the comparison: that path holds the lock whatever ret says.
    const early = analyseEdited(file, ['\tret = verify_open_stid(stp);\n', '\tret = verify_open_stid(stp);\n\tif (stp->state < 0)\n\t\treturn ret;\n']);
    assert.ok(early.of('unreleased-lock', 'lock_ol_stateid').some((f) => f.severity === 'warning'), early.describe());
  });
});

describe('warning precision: releases through function pointers', () => {
  const file = 'warnings/indirect_unlock.c';

  it("a function pointer named for unlocking releases the lock held inside the object it is given", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('queue_forget'), [], result.describe());
    const other = analyseEdited(file, ['\t\tfiq->ops->wake_forget_and_unlock(fiq);', '\t\tfiq->ops->wake_forget(fiq);']);
    assert.equal(other.one('unreleased-lock', 'queue_forget').severity, 'warning');
  });

  it("called with its caller's lock held, it releases the caller's lock: the caller sleeps unlocked", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('request_send'), [], result.describe());
    const other = analyseEdited(file, ['\tfiq->ops->wake_pending_and_unlock(fiq);', '\tfiq->ops->wake_pending(fiq);']);
    assert.match(other.one('sleep-in-atomic', 'request_send').message, /input_queue\.lock/);
  });
});

describe('warning precision: objects that may be absent', () => {
  const file = 'warnings/object_tests.c';

  it('a return where the object was NULL had no lock to take: the others tell holding from not', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('get_io_locks'), [], result.describe());
    // Returned true with the second lock dropped: a leak whatever the object.
    const dropped = analyseEdited(file, ['\ttrace_leave(op);\n', '\tif (op->error > 1)\n\t\tmutex_unlock(&vnode2->io_lock);\n\ttrace_leave(op);\n']);
    assert.ok(dropped.of('unreleased-lock', 'get_io_locks').length > 0, dropped.describe());
  });
});

describe('warning precision: the xarray drops its own lock to allocate', () => {
  const result = analyseFixtures('warnings/xarray_locked.c');

  it('__xa_insert(…, GFP_KERNEL) under xa_lock is no sleep under it; xa_insert() under another spinlock is', () => {
    assert.deepEqual(result.in('table_insert_locked'), [], result.describe());
    assert.deepEqual(result.in('table_insert_stats').map((f) => f.code), ['sleep-in-atomic'], result.describe());
  });
});

describe('warning precision: preprocessor directives', () => {
  const file = 'warnings/preprocessor_else.c';

  it('a block after `} else #endif` is the else branch under the directive, not code after the `if`', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('machine_switch'), [], result.describe());
    // Without the `else` the block does run after interrupts were turned off.
    const after = analyseEdited(file, ['\t} else\n#endif', '\t}\n#endif']);
    assert.match(after.one('sleep-in-atomic', 'machine_switch').message, /interrupts disabled/);
  });
});

describe('warning precision: funnel locking', () => {
  const file = 'warnings/funnel_lock.c';

  it('a lock tried in a test stored in a variable, then dropped through a copy of the moving cursor, is balanced', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('request_at_root'), [], result.describe());
  });

  it('the level below left held as the cursor moves up is a leak', () => {
    const kept = analyseEdited(file, ['\t\tif (prev != NULL)\n\t\t\traw_spin_unlock(&prev->funnel);\n', '']);
    assert.ok(kept.of('unreleased-lock', 'request_at_root').length > 0, kept.describe());
  });

  it('the recorded outcome still decides: returning on success leaks the lock just taken', () => {
    const inverted = analyseEdited(file, ['\t\tif (done)\n\t\t\treturn;', '\t\tif (!done)\n\t\t\treturn;']);
    assert.ok(inverted.of('unreleased-lock', 'request_at_root').length > 0, inverted.describe());
  });
});

describe('warning precision: saved interrupt state', () => {
  const file = 'warnings/saved_flags.c';

  it("a plain release leaves interrupts off for a callee given the saved flags to restore", () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('queue_adopt'), [], result.describe());
    const notGiven = analyseEdited(file, ['\t\tqueue_wake(q, true, flags);', '\t\tqueue_wake(q, true, 0);']);
    assert.match(notGiven.one('mismatched-unlock', 'queue_adopt').message, /move_lock/);
  });
});

describe('warning precision: a flag kept beside the lock', () => {
  const file = 'warnings/holding_flag.c';

  it('a release under a flag the function sets with the lock and clears with its release is no warning on a path that never set it', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('remove_range').filter((f) => f.severity !== 'information'), [], result.describe());
  });

  it('under a field the function never stores, the second release is a warning', () => {
    const other = analyseEdited(file, ['\tif (h->removing) {', '\tif (h->aborted) {']);
    assert.equal(other.one('unlock-unheld', 'remove_range').severity, 'warning', other.describe());
  });
});

describe('warning precision: constant loop conditions', () => {
  const file = 'warnings/bool_loop.c';

  it('`while (true)` never ends by its test: a function that leaves it only by returning locked returns locked', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('flush_items').filter((f) => f.severity !== 'information'), [], result.describe());
    assert.deepEqual(result.in('lock_owner_queue'), [], result.describe());
  });

  it('a loop that can end by its test returns without the lock there', () => {
    const ending = analyseEdited(file, ['\twhile (true) {', '\twhile (it->state) {']);
    assert.ok(ending.of('unlock-unheld', 'flush_items').some((f) => f.severity === 'warning'), ending.describe());
  });
});

describe('warning precision: the mode picked by a branch', () => {
  const file = 'warnings/mode_by_branch.c';

  it('a release in one mode is no warning where the function takes the lock in that mode on another branch', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('file_write').filter((f) => f.severity !== 'information'), [], result.describe());
    assert.equal(result.one('mismatched-unlock', 'file_write').severity, 'information');
  });

  it('taken in one mode only, the other release is a warning', () => {
    const one = analyseEdited(file, ['\telse\n\t\tstart_io_write(inode);\n', '\n']);
    assert.equal(one.one('mismatched-unlock', 'file_write').severity, 'warning', one.describe());
  });
});

describe('warning precision: a lock whose holding a flag records', () => {
  const file = 'warnings/flag_kept_lock.c';

  it('taking again a lock the function releases only as its own flag says is no error', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('recovery_thread').filter((f) => f.severity !== 'information'), [], result.describe());
  });

  it('without the flag deciding the release, taking it again while held deadlocks', () => {
    const plain = analyseEdited(file, ['\tif (test_bit(SPACE_RECOVER_LOCK, &sp->flags))\n\t\tup_write', '\tup_write']);
    assert.equal(plain.one('double-lock', 'recovery_thread').severity, 'error', plain.describe());
  });
});

describe('warning precision: returning one of two objects locked', () => {
  const file = 'warnings/returned_locked.c';

  it('a function returning its object locked, or another it locks in a helper, is no warning', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('init_state').filter((f) => f.severity !== 'information'), [], result.describe());
  });

  it('the other object returned without any lock of the class taken leaves the leak a warning', () => {
    const unlocked = analyseEdited(file, ['\tif (lock_existing(found) != state_ok) {', '\tif (verify_state(found) != state_ok) {']);
    assert.equal(unlocked.one('unreleased-lock', 'init_state').severity, 'warning', unlocked.describe());
  });
});

describe('warning precision: releases after a failed acquisition', () => {
  const result = analyseFixtures('warnings/failed_attempts.c');

  it('after a failed trylock the lock is busy, maybe held by this code itself: information', () => {
    assert.equal(result.one('unlock-unheld', 'debugger_enter').severity, 'information', result.describe());
  });

  it('after an interrupted acquisition nothing is held: a warning', () => {
    assert.equal(result.one('unlock-unheld', 'card_shutdown').severity, 'warning', result.describe());
  });

  it('an interruptible acquisition compared with -EINTR is tested for failure, either way round', () => {
    assert.deepEqual(result.in('card_reset'), [], result.describe());
    assert.deepEqual(result.in('card_resume'), [], result.describe());
  });

  it('compared with another error code, it is still taken on the path that returns early', () => {
    assert.deepEqual(result.in('card_probe').map((f) => f.code), ['unreleased-lock'], result.describe());
  });
});

describe('warning precision: a sleeping mask passed to a helper that drops the lock to allocate', () => {
  const file = 'warnings/gfp_dropping_helper.c';

  it('GFP_KERNEL given to a helper that drops and retakes the held spinlock is no sleep under it', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('tree_store'), [], result.describe());
  });

  it('a helper that keeps the lock while it allocates still sleeps under it', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('tree_fill').map((f) => [f.code, f.severity]), [['sleep-in-atomic', 'warning']], result.describe());
    // And the dropping helper, once it no longer drops the lock, sleeps under it too.
    const kept = analyseEdited(file, ['\t\tspin_unlock(&ts->tree->lock);\n', ''], ['\t\tspin_lock(&ts->tree->lock);\n', '']);
    assert.ok(kept.in('tree_store').some((f) => f.code === 'sleep-in-atomic' && f.severity === 'warning'), kept.describe());
  });
});

describe('warning precision: contracts that name a local', () => {
  const file = 'warnings/contract_local.c';

  it('`__must_hold(&g->lock)` with `g` a local set from a parameter is the lock held on entry', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('port_update'), [], result.describe());
    assert.deepEqual(result.in('port_poll'), [], result.describe());
  });

  it('`__releases(h->host_lock)` with `h` a local releases the caller\'s lock of that object', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('unit_attach'), [], result.describe());
    assert.deepEqual(result.in('host_scan'), [], result.describe());
  });

  it('a callee that releases nothing leaves the caller holding it', () => {
    const kept = analyseEdited(
      file,
      ['\t__releases(h->host_lock)\n', ''],
      ['\t\tspin_unlock_irq(h->host_lock);\n\t\treturn -EIO', '\t\treturn -EIO'],
      ['\tspin_unlock_irq(h->host_lock);\n\treturn unit_register', '\treturn unit_register'],
    );
    assert.ok(kept.in('host_scan').some((f) => f.code === 'unreleased-lock' && f.severity === 'warning'), kept.describe());
  });

  it('taking it again without dropping it first deadlocks', () => {
    const kept = analyseEdited(file, ['\t\tspin_unlock(&g->lock);\n', '']);
    assert.ok(kept.of('double-lock').some((f) => f.severity === 'error'), kept.describe());
  });
});

describe('warning precision: saved interrupt state handed to the caller', () => {
  const file = 'warnings/saved_flags.c';

  it('a plain release whose saved flags are stored for the caller leaves the restore to the caller', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('table_lookup'), [], result.describe());
    const kept = analyseEdited(file, ['\t\t*irqflags = flags;', '\t\t*irqflags = 0;']);
    assert.match(kept.one('mismatched-unlock', 'table_lookup').message, /table_lock/);
  });
});

describe('warning precision: scoped guards that disable interrupts', () => {
  const file = 'warnings/scoped_irq_guard.c';

  it('interrupts are back on after a `spinlock_irq` or `spinlock_irqsave` guard scope ends', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('synth_expect_interrupt'), [], result.describe());
    assert.deepEqual(result.in('synth_reset'), [], result.describe());
  });

  it('sleeping inside the scope sleeps under the lock', () => {
    const inside = analyseEdited(file, ['\t\tdev->irq_ok = 0;\n\t}\n\tmsleep(10);', '\t\tdev->irq_ok = 0;\n\t\tmsleep(10);\n\t}']);
    assert.equal(inside.one('sleep-in-atomic', 'synth_reset').severity, 'warning', inside.describe());
  });
});

describe('warning precision: the scheduler called with interrupts off', () => {
  const file = 'warnings/scheduler_irqs_off.c';

  it('schedule() and schedule_timeout*() with only interrupts off are information: the switch turns them back on', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('do_work_pending').filter((f) => f.severity !== 'information'), [], result.describe());
    assert.deepEqual(result.in('stall_cpu').filter((f) => f.severity !== 'information'), [], result.describe());
  });

  it('with preemption off it is a warning', () => {
    const preempt = analyseEdited(file, ['\tif (irqs_off)\n\t\tlocal_irq_disable();', '\tpreempt_disable();']);
    assert.ok(preempt.of('sleep-in-atomic', 'stall_cpu').some((f) => f.severity === 'warning'), preempt.describe());
  });

  it('another sleeping call with interrupts off is a warning', () => {
    const other = analyseEdited(file, ['\t\t\tschedule_timeout_uninterruptible(1);', '\t\t\tmsleep(1);']);
    assert.equal(other.one('sleep-in-atomic', 'stall_cpu').severity, 'warning', other.describe());
  });
});

describe('warning precision: a parameter checked for range', () => {
  const file = 'warnings/range_checked_wait.c';

  it('`if (timeout < 0) return -EINVAL;` leaves a parameter that may be zero or not: the wait returns nonzero holding the lock', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('gate_read_lock_wait'), [], result.describe());
    assert.deepEqual(result.in('gate_run'), [], result.describe());
    const wait = result.analysis.functions.find((f) => f.fn.name === 'gate_read_lock_wait')!;
    assert.deepEqual(wait.result.summary.conditional.map((c) => [c.lock.cls.id, c.success]), [['gate_sem', 'nonzero']]);
    // Leaving the loop without the lock on a signal, with the time left unknown: the caller cannot tell.
    const untold = analyseEdited(
      file,
      ['timeout = schedule_timeout(timeout);\n\t\tif (!timeout)', 'schedule_timeout(timeout);\n\t\tif (signal_pending(current))'],
      ['\tgate_read_unlock();\n\treturn 0;', '\treturn 0;'],
    );
    assert.equal(untold.one('unreleased-lock', 'gate_read_lock_wait').severity, 'warning');
  });
});

describe('warning precision: a release that hangs on a state', () => {
  const file = 'warnings/state_dispatch.c';

  it('falling through the last of several tests of one state, whose passing path releases, is information', () => {
    const result = analyseFixtures(file);
    assert.equal(result.one('unreleased-lock', 'gp_advance_state').severity, 'information', result.describe());
    // The release hangs on a plain test, not on a state the function tells apart from others: a warning.
    const plain = analyseEdited(file, ['if (gp_state(READ_ONCE(gp->gp_seq)) == GP_STATE_SCAN2) {', 'if (gp->idx) {']);
    assert.equal(plain.one('unreleased-lock', 'gp_advance_state').severity, 'warning');
    // An early return that keeps the lock before any state is tested: a warning there.
    const early = analyseEdited(file, ['\tmutex_lock(&gp->gp_mutex);\n', '\tmutex_lock(&gp->gp_mutex);\n\tif (gp->idx < 0)\n\t\treturn;\n']);
    const leaks = early.of('unreleased-lock', 'gp_advance_state').sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(leaks.map((f) => f.severity), ['warning', 'information'], early.describe());
  });
});

describe('warning precision: a mode chosen by a switch each time', () => {
  const file = 'warnings/mode_dispatch.c';
  const result = analyseFixtures(file);

  it('a second switch on the same mode takes the case the first one took: the release matches the acquisition', () => {
    assert.deepEqual(result.of('mismatched-unlock', 'hw_trylock'), [], result.describe());
  });

  it('a release chosen by another argument may disagree with the acquisition', () => {
    const mismatch = result.one('mismatched-unlock', 'hw_trylock_mixed');
    assert.equal(mismatch.range.start.line, result.line('hw_trylock_mixed', 'spin_unlock(&hw->lock);'));
  });

  it('a pointer call named for unlocking does not release the caller’s lock that the function then releases by name', () => {
    assert.deepEqual(result.in('hw_unlock'), [], result.describe());
    // The acquisition's success return may be handed to hw_unlock(), which releases on some modes only: a note.
    const handed = result.one('unreleased-lock', 'hw_trylock');
    assert.equal(handed.severity, 'information');
    assert.match(handed.message, /hw_unlock\(\) in this file releases it/);
  });
});

describe('warning precision: counted loops over one range', () => {
  const file = 'warnings/counted_loops.c';
  const result = analyseFixtures(file);

  it('a loop that takes every lock of an array and one that releases them over the same range run alike: nothing leaks', () => {
    assert.deepEqual(result.in('table_take_ownership'), [], result.describe());
  });

  it('a release loop over another range leaves a lock held', () => {
    const leak = result.one('unreleased-lock', 'table_take_ownership_short');
    assert.equal(leak.range.start.line, result.line('table_take_ownership_short', 'return 0;'));
  });

  it('an array element’s release never stands for another member of the object of its class', () => {
    // Without the pools held, `pools[i].lock` is not `large_pool.lock` named another way.
    assert.deepEqual(result.of('unlock-unheld', 'table_take_ownership_short'), [], result.describe());
    assert.equal(result.findings.length, 1, result.describe());
  });
});
