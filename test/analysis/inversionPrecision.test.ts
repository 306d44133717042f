/**
 * Precision of lock-order inversions: patterns from real kernel code where a naive reading sees a
 * lock held (or taken) that is not. Each fixture is quiet, and a small edit that makes the order
 * real makes it report.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures, assertOneInversion } from './engineHelpers';
import type { Finding } from '../../server/src/analysis/findings';

describe('precision: inversions', () => {
  it('a callee that asserts a lock held and drops it on some return paths releases it for its caller', () => {
    const result = analyseFixtures('precision/asserted_release.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('queue_run'), []);
    assert.deepEqual(result.edges(), ['work_queue.lock -> job.lock']);

    // Holding the job lock on every return, the worker leaves it held: the queue lock is then taken under it.
    const keepsIt = analyseEdited('precision/asserted_release.c', ['\t\t\tspin_unlock(&job->lock);\n\t\t\treturn -EAGAIN;', '\t\t\treturn -EAGAIN;']);
    assertOneInversion(keepsIt, ['queue_run', 'queue_requeue_job'], ['job.lock', 'work_queue.lock']);
  });

  it('a switch without default whose cases cover every value of the switched local always runs a case', () => {
    const result = analyseFixtures('precision/switch_values.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('peer_finish_handler'), []);

    // A third value no case lists: the lock is still held at the put.
    const uncovered = analyseEdited('precision/switch_values.c', ['\t\tphase = 2;\n', '\t\tphase = 3;\n']);
    assertOneInversion(uncovered, ['peer_finish_handler', 'registry_mark_all'], ['peer_state.lock', 'registry_lock']);
    // A value computed at run time may be any: the same.
    const computed = analyseEdited('precision/switch_values.c', ['\t\tphase = 2;\n', '\t\tphase = msg->node;\n']);
    assertOneInversion(computed, ['peer_finish_handler', 'registry_mark_all'], ['peer_state.lock', 'registry_lock']);
  });

  it('a callee lock guarded by a field the caller has set otherwise is not taken', () => {
    const result = analyseFixtures('precision/field_guards.c');
    assert.deepEqual(result.edgesIn('nic_timeout'), []);
    assert.deepEqual(result.of('lock-order-inversion', 'nic_timeout'), [], result.describe());

    // Without the flag set, the reset path takes the PHY mutex under the board spinlock.
    const unflagged = analyseEdited('precision/field_guards.c', ['\tnb->in_reset = 1;\n', '']);
    assert.deepEqual(unflagged.edgesIn('nic_timeout'), ['nic_board.lock -> nic_board.phy_lock']);
    assert.equal(unflagged.of('lock-order-inversion').filter((f) => f.locks.includes('nic_board.phy_lock')).length, 1, unflagged.describe());
  });

  it('a callee lock guarded by a bit of its argument that the caller does not know is reported as information', () => {
    const result = analyseFixtures('precision/field_guards.c');
    const inversion = assertOneInversion(result, ['file_set_layout', 'client_forget_file'], ['file_node.i_lock', 'layout_client.cl_lock']);
    assert.equal(inversion.severity, 'information');

    // Unconditional in the callee: a warning.
    const always = analyseEdited('precision/field_guards.c', ['\tif (test_and_clear_bit(LAYOUT_HASHED, &lo->flags)) {', '\t{']);
    assert.equal(assertOneInversion(always, ['file_set_layout', 'client_forget_file'], ['file_node.i_lock', 'layout_client.cl_lock']).severity, 'warning');
    // The caller clears the bit first: nothing is taken.
    const cleared = analyseEdited('precision/field_guards.c', ['\t\tlayout_free(new);', '{\n\t\tclear_bit(LAYOUT_HASHED, &new->flags);\n\t\tlayout_free(new);\n\t}']);
    assert.deepEqual(cleared.of('lock-order-inversion'), [], cleared.describe());
  });

  it('a lock of the caller’s object released two helpers down (release_path → unlock_rw → unlock) is released for the caller', () => {
    const result = analyseFixtures('precision/nested_release.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('chunk_scan'), []);

    // Without the path release the buffer lock is still held at the chunk mutex.
    const kept = analyseEdited('precision/nested_release.c', ['\tpath_release(p);\n', '']);
    assertOneInversion(kept, ['chunk_scan', 'chunk_alloc'], ['chunk_map.chunk_mutex', 'tree_buf.lock']);
  });

  it('a sleeping lock a callee takes under the caller’s spinlock is a path the caller does not take', () => {
    const result = analyseFixtures('precision/atomic_callers.c');
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());
    assert.deepEqual(result.edgesIn('store_refile'), []);
    assert.deepEqual(result.edgesIn('store_gc'), ['store.gc_mutex -> store.table_lock']);
    // Taking the node's locks is still a path of node_get() itself.
    assert.deepEqual(result.edgesIn('node_get'), ['node.sem -> store.io_mutex']);

    // Without the spinlock the refile pass may read a node in: the GC mutex is then held over the I/O mutex.
    const unlocked = analyseEdited('precision/atomic_callers.c', ['\tspin_lock(&st->table_lock);\n\tn = node_get', '\tn = node_get'], ['\tspin_unlock(&st->table_lock);\n}\n\nstatic void store_gc', '}\n\nstatic void store_gc']);
    assert.deepEqual(unlocked.edgesIn('store_gc'), ['store.gc_mutex -> node.sem', 'store.gc_mutex -> store.io_mutex']);
    assert.deepEqual(unlocked.of('lock-order-inversion', 'store_gc').map((f) => [...f.locks].sort()), [['store.gc_mutex', 'store.io_mutex']], unlocked.describe());
  });

  it('a callee lock taken only for a flag parameter is not taken by a caller passing the flag off', () => {
    const result = analyseFixtures('precision/flag_arguments.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('cp_get_checkpoint'), []);

    // Asking the header read to create: the transaction begins under the metadata semaphore.
    const creates = analyseEdited('precision/flag_arguments.c', ['meta_get_block(mf, 0, 0)', 'meta_get_block(mf, 0, 1)']);
    assert.deepEqual(creates.edgesIn('cp_get_checkpoint'), ['meta_file.mi_sem -> fs_info.segctor_sem']);
    assertOneInversion(creates, ['cp_get_checkpoint', 'ioctl_get_cpinfo'], ['fs_info.segctor_sem', 'meta_file.mi_sem']);
    // The same through the helper that passes its own flag on.
    const passesOn = analyseEdited('precision/flag_arguments.c', ['cp_get_checkpoint_block(mf, cno, 0)', 'cp_get_checkpoint_block(mf, cno, 1)']);
    assertOneInversion(passesOn, ['cp_get_checkpoint', 'ioctl_get_cpinfo'], ['fs_info.segctor_sem', 'meta_file.mi_sem']);
    // A flag the caller cannot tell (a variable of its own) may ask for it.
    const computed = analyseEdited('precision/flag_arguments.c', ['cp_get_checkpoint_block(mf, cno, 0)', 'cp_get_checkpoint_block(mf, cno, cno > 8)']);
    assertOneInversion(computed, ['cp_get_checkpoint', 'ioctl_get_cpinfo'], ['fs_info.segctor_sem', 'meta_file.mi_sem']);
  });

  it('a callee’s plain unlock ends the hold of a lock its caller took with a subclass', () => {
    const result = analyseFixtures('precision/subclass_release.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('playback_submit'), []);
    assert.deepEqual(result.edgesIn('playback_start'), ['audio_stream.lock -> audio_stream.lock/1']);

    // A helper that drops another lock keeps the capture lock held: its relock is then taken under the subclass.
    const keeps = analyseEdited('precision/subclass_release.c', ['\t\tspin_unlock(&ad->in.lock);\n', '\t\tspin_unlock(&ad->ctl_lock);\n']);
    assert.deepEqual(keeps.edgesIn('playback_submit'), ['audio_stream.lock/1 -> audio_stream.lock']);
    assertOneInversion(keeps, ['playback_start', 'playback_submit'], ['audio_stream.lock', 'audio_stream.lock/1']);
  });

  it('a cycle that enters an rwlock as a reader and leaves it holding it as a reader is information', () => {
    const result = analyseFixtures('precision/reader_passage.c');
    assert.equal(assertOneInversion(result, ['ctrl_send_cmd', 'ctrl_resume'], ['cmd_ring.lock', 'ctrl.pm_lock']).severity, 'information');

    // A writer on either side makes it a warning.
    const writer = analyseEdited('precision/reader_passage.c', ['\tread_lock_bh(&c->pm_lock);\n\tspin_lock_irq', '\twrite_lock_bh(&c->pm_lock);\n\tspin_lock_irq'], ['\tread_unlock_bh(&c->pm_lock);\n}', '\twrite_unlock_bh(&c->pm_lock);\n}']);
    assert.equal(assertOneInversion(writer, ['ctrl_send_cmd', 'ctrl_resume'], ['cmd_ring.lock', 'ctrl.pm_lock']).severity, 'warning');
    const writerInside = analyseEdited('precision/reader_passage.c', ['\tread_lock_bh(&c->pm_lock);\n\tif', '\twrite_lock_bh(&c->pm_lock);\n\tif'], ['\tread_unlock_bh(&c->pm_lock);\n\tspin_unlock_bh', '\twrite_unlock_bh(&c->pm_lock);\n\tspin_unlock_bh']);
    assert.equal(assertOneInversion(writerInside, ['ctrl_send_cmd', 'ctrl_resume'], ['cmd_ring.lock', 'ctrl.pm_lock']).severity, 'warning');
  });

  it('a constant flag passed by a helper that does no locking of its own decides the callee’s lock', () => {
    const result = analyseFixtures('precision/locked_flag_helper.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('port_setup_tc'), []);

    // Passing `false`, the helper takes the configuration lock under the port's mutex.
    const unlocked = analyseEdited('precision/locked_flag_helper.c', ['port_disable(p, true)', 'port_disable(p, false)']);
    assert.deepEqual(unlocked.edgesIn('port_setup_tc'), ['port.tc_mutex -> cfg_mutex']);
    assertOneInversion(unlocked, ['port_setup_tc', 'port_reset'], ['cfg_mutex', 'port.tc_mutex']);
  });

  it('a caller holding an object\'s lock passes it, so a callee\'s `if (!ctx) ctx = get_ctx(…)` is not taken for it', () => {
    const result = analyseFixtures('precision/lookup_if_null.c');
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());
    assert.deepEqual(result.edgesIn('detach_ctx'), []);
    assert.deepEqual(result.edgesIn('get_ctx'), ['cfg.table_mutex -> ctx.mutex']);

    // Passing NULL while holding another object's lock takes the table under it.
    const null_ = analyseEdited('precision/lookup_if_null.c', ['release_ctx(cfg, c, id);', 'release_ctx(cfg, NULL, id);']);
    assert.ok(null_.edgesIn('detach_ctx').includes('ctx.mutex -> cfg.table_mutex'), null_.describe());
    assert.equal(null_.of('lock-order-inversion').length, 1, null_.describe());
  });

  it('a helper that mentions no lock but looks its object up when passed NULL is followed, not read as its calls', () => {
    // The helper puts the object back through a wrapper: its body names no lock.
    const wrapped: [string, string][] = [
      ['static int release_ctx(', 'static void put_ctx(struct ctx *c)\n{\n\tmutex_unlock(&c->mutex);\n}\n\nstatic int release_ctx('],
      ['\tif (put)\n\t\tmutex_unlock(&c->mutex);', '\tif (put)\n\t\tput_ctx(c);'],
    ];
    const result = analyseEdited('precision/lookup_if_null.c', ...wrapped);
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());
    assert.deepEqual(result.edgesIn('detach_ctx'), []);
    const null_ = analyseEdited('precision/lookup_if_null.c', ...wrapped, ['release_ctx(cfg, c, id);', 'release_ctx(cfg, NULL, id);']);
    assert.ok(null_.edgesIn('detach_ctx').includes('ctx.mutex -> cfg.table_mutex'), null_.describe());
    assert.equal(null_.of('lock-order-inversion').length, 1, null_.describe());
  });

  it('a lock a callee takes only on releasing the last reference makes an inversion information', () => {
    const sitesOf = (f: Finding) => [...new Set((f.sites ?? []).map((site) => site.function))].sort();
    const only = (result: ReturnType<typeof analyseFixtures>) => {
      const inversions = result.of('lock-order-inversion');
      assert.equal(inversions.length, 1, result.describe());
      assert.deepEqual([...inversions[0].locks].sort(), ['srv_ctx.srv_mutex', 'srv_sess.paths_mutex']);
      return inversions[0];
    };
    // Both puts, the branch form and the early-return form, take the context mutex under the path mutex.
    const result = analyseFixtures('precision/last_reference.c');
    const inversion = only(result);
    assert.deepEqual(sitesOf(inversion), ['ctx_count_paths', 'sess_connect', 'sess_reconnect']);
    assert.equal(inversion.severity, 'information');

    // Puts that unlink on every call: a warning.
    const always = analyseEdited(
      'precision/last_reference.c',
      ['\tif (refcount_dec_and_test(&sess->refcount)) {', '\trefcount_dec(&sess->refcount);\n\t{'],
      ['\tif (!refcount_dec_and_test(&sess->refcount))\n\t\treturn;\n', '\trefcount_dec(&sess->refcount);\n'],
    );
    assert.equal(only(always).severity, 'warning');
    // Only the early-return put, made unconditional: a warning as well.
    const earlyOnly = analyseEdited('precision/last_reference.c', ['\tput_sess(sess);\n', ''], ['\tif (!refcount_dec_and_test(&sess->refcount))\n\t\treturn;\n', '\trefcount_dec(&sess->refcount);\n']);
    assert.deepEqual(sitesOf(only(earlyOnly)), ['ctx_count_paths', 'sess_reconnect']);
    assert.equal(only(earlyOnly).severity, 'warning');
  });

  it('a cycle of counting semaphores alone (signals a thread waits on) is information', () => {
    const result = analyseFixtures('precision/semaphore_signals.c');
    const inversions = result.of('lock-order-inversion');
    assert.equal(inversions.length, 1, result.describe());
    assert.deepEqual([...inversions[0].locks].sort(), ['link_dev.got_rsp', 'link_dev.wake_thread']);
    assert.equal(inversions[0].severity, 'information');

    // One of the two a mutex: a warning.
    const mutex = analyseEdited('precision/semaphore_signals.c', ['\tstruct semaphore got_rsp;', '\tstruct mutex got_rsp;'], ['\t\tdown(&ld->got_rsp);', '\t\tmutex_lock(&ld->got_rsp);']);
    const withMutex = mutex.of('lock-order-inversion');
    assert.equal(withMutex.length, 1, mutex.describe());
    assert.equal(withMutex[0].severity, 'warning');
  });

  it('one acquisition that closes several cycles through one edge is one finding: the shortest cycle', () => {
    const result = analyseFixtures('precision/shared_acquisition.c');
    const inversions = result.of('lock-order-inversion');
    assert.equal(inversions.length, 1, result.describe());
    assert.equal(inversions[0].function, 'layout_forget');
    assert.deepEqual([...inversions[0].locks].sort(), ['anode.i_lock', 'client.cl_lock']);
    // Both cycles are still the graph's.
    assert.equal(result.analysis.cycles.length, 2);

    // Without the direct reverse order, the cycle through the owner lock is the one reported there.
    const noDirect = analyseEdited(
      'precision/shared_acquisition.c',
      ['\tspin_lock(&clp->cl_lock);\n\tspin_lock(&ino->i_lock);\n\tino->nlink++;', '\tspin_lock(&ino->i_lock);\n\tino->nlink++;'],
      ['\tspin_unlock(&ino->i_lock);\n\tspin_unlock(&clp->cl_lock);\n}\n\nvoid delegation_return', '\tspin_unlock(&ino->i_lock);\n}\n\nvoid delegation_return'],
      ['\tspin_lock(&clp->cl_lock);\n\tspin_lock(&ino->i_lock);\n\tino->nlink--;', '\tspin_lock(&ino->i_lock);\n\tino->nlink--;'],
      ['\tspin_unlock(&ino->i_lock);\n\tspin_unlock(&clp->cl_lock);\n}\n\nvoid client_reset_seqids', '\tspin_unlock(&ino->i_lock);\n}\n\nvoid client_reset_seqids'],
    );
    const rest = noDirect.of('lock-order-inversion');
    assert.equal(rest.length, 1, noDirect.describe());
    assert.deepEqual([...rest[0].locks].sort(), ['anode.i_lock', 'client.cl_lock', 'owner.so_lock']);
  });

  it('a new object from an allocator that returns zeroed memory fails a callee’s guard on one of its fields', () => {
    const result = analyseFixtures('precision/zeroed_allocator.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('tree_run_delayed_refs'), []);

    // The path asks for the semaphore: the run takes it under the head's mutex.
    const asks = analyseEdited('precision/zeroed_allocator.c', ['\tif (block == 0)\n', '\tpath->need_commit_sem = 1;\n\tif (block == 0)\n']);
    assert.deepEqual(asks.edgesIn('tree_run_delayed_refs'), ['ref_head.mutex -> tree_fs.commit_root_sem']);
    assertOneInversion(asks, ['tree_run_delayed_refs', 'tree_search_slot'], ['ref_head.mutex', 'tree_fs.commit_root_sem']);
    // A field set to a value not known here: the same, as information or warning.
    const unknown = analyseEdited('precision/zeroed_allocator.c', ['\tif (block == 0)\n', '\tpath->need_commit_sem = block > 8;\n\tif (block == 0)\n']);
    assert.deepEqual(unknown.edgesIn('tree_run_delayed_refs'), ['ref_head.mutex -> tree_fs.commit_root_sem']);
    // An allocator that does not zero (`kmem_cache_alloc`): the same.
    const unzeroed = analyseEdited('precision/zeroed_allocator.c', ['kmem_cache_zalloc(tree_path_cache', 'kmem_cache_alloc(tree_path_cache']);
    assert.deepEqual(unzeroed.edgesIn('tree_run_delayed_refs'), ['ref_head.mutex -> tree_fs.commit_root_sem']);
  });

  it('a constructor’s new object has no flag bits but those it ORed in: a callee’s guard on another bit fails', () => {
    const fixture = 'precision/constructed_object.c';
    const result = analyseFixtures(fixture);
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgesIn('find_alloc_layout'), []);
    // Read from the tree as well as from the text of a body that mentions no lock.
    const parsed = analyseEdited(fixture, ['\tlo = hdr_alloc(ino, gfp);\n', '\tlo = hdr_alloc(ino, gfp | GFP_NOWAIT);\n']);
    assert.deepEqual(parsed.findings, [], parsed.describe());
    // A bit ORed in on some path only is maybe set; the others stay clear.
    const maybe = analyseEdited(fixture, ['\tlo->flags |= 1 << HDR_INVALID;\n', '\tif (ino->generation)\n\t\tlo->flags |= BIT(HDR_INVALID) | (1UL << HDR_INVALID);\n']);
    assert.deepEqual(maybe.findings, [], maybe.describe());

    const reported = (edited: ReturnType<typeof analyseEdited>) => {
      assert.deepEqual(edited.edgesIn('find_alloc_layout'), ['layout_inode.i_lock -> layout_client.cl_lock'], edited.describe());
      assert.equal(edited.of('lock-order-inversion').length, 1, edited.describe());
    };
    // The constructor sets the tested bit itself: the callee takes the client lock.
    reported(analyseEdited(fixture, ['1 << HDR_INVALID;', '1 << HDR_HASHED;']));
    reported(analyseEdited(fixture, ['\tlo->flags |= 1 << HDR_INVALID;\n', '\tset_bit(HDR_HASHED, &lo->flags);\n']));
    // It hands the object to a function out of sight, which may set any bit.
    reported(analyseEdited(fixture, ['\tlo->inode = ino;\n', '\tlo->inode = ino;\n\thdr_setup(lo);\n']));
    // It stores the flags rather than ORing into zero.
    reported(analyseEdited(fixture, ['\tlo->inode = ino;\n', '\tlo->inode = ino;\n\tlo->flags = ino->generation;\n']));
    // It ORs a mask, which names no bit number.
    reported(analyseEdited(fixture, ['1 << HDR_INVALID;', 'ino->generation;']));
    // No count started at one: the object may be one others already hold (a lookup).
    reported(analyseEdited(fixture, ['\trefcount_set(&lo->refcount, 1);\n', '\trefcount_inc(&lo->refcount);\n']));
    // The caller passes the new object to another function first, or frees another header.
    reported(analyseEdited(fixture, ['\tif (new)\n\t\thdr_free(new);', '\tif (new) {\n\t\thdr_publish(new);\n\t\thdr_free(new);\n\t}']));
    reported(analyseEdited(fixture, ['\t\thdr_free(new);', '\t\thdr_free(ino->layout);']));
    // Or stores its flags.
    reported(analyseEdited(fixture, ['\tif (new)\n\t\thdr_free(new);', '\tif (new) {\n\t\tnew->flags = ino->generation;\n\t\thdr_free(new);\n\t}']));
  });

  it('a callee that stores the running task\'s transaction (current->journal_info) decides the caller\'s next test of it', () => {
    const result = analyseFixtures('precision/task_state.c');
    assert.deepEqual(result.findings, [], result.describe());
    // Begun only when not in one: the loop's next pass finds the transaction begun under the inode's semaphore.
    assert.deepEqual(result.edgesIn('log_free_range'), ['log_sb.log_flush_lock -> log_inode.rw_mutex']);
    const taskFields = (fn: string) => result.analysis.functions.find((f) => f.fn.name === fn)?.result.summary.taskFields;
    assert.deepEqual(taskFields('__log_trans_begin'), [{ field: 'current->journal_info', value: true, onSuccess: true }]);
    assert.deepEqual(taskFields('log_trans_begin'), [{ field: 'current->journal_info', value: true, onSuccess: true }]);
    assert.deepEqual(taskFields('log_trans_end'), [{ field: 'current->journal_info', value: false }]);

    // A full batch that ends the transaction but keeps the inode's semaphore: the next pass begins one under it.
    const keepsIt = analyseEdited('precision/task_state.c', ['\t\t\tup_write(&ip->rw_mutex);\n\t\t\tlog_trans_end(sdp);\n\t\t\tdone = 0;', '\t\t\tlog_trans_end(sdp);\n\t\t\tdone = 0;']);
    assert.deepEqual(keepsIt.edgesIn('log_free_range'), ['log_inode.rw_mutex -> log_sb.log_flush_lock', 'log_sb.log_flush_lock -> log_inode.rw_mutex']);
    assert.deepEqual(keepsIt.of('lock-order-inversion').map((f) => [f.function, ...[...f.locks].sort()]), [['log_free_range', 'log_inode.rw_mutex', 'log_sb.log_flush_lock']], keepsIt.describe());
    // A value stored that may be NULL (a saved one put back): the caller forgets what it had decided, and may begin again.
    const unknown = analyseEdited('precision/task_state.c', ['\tcurrent->journal_info = tr;', '\tcurrent->journal_info = tr->saved;']);
    const taskFieldsOf = (fn: string) => unknown.analysis.functions.find((f) => f.fn.name === fn)?.result.summary.taskFields;
    assert.deepEqual(taskFieldsOf('__log_trans_begin'), [{ field: 'current->journal_info', value: null }]);
    // Its caller forgets what it knew of the field; the change is not carried further up.
    assert.equal(taskFieldsOf('log_trans_begin'), undefined);
    assert.deepEqual(unknown.edgesIn('log_free_range'), ['log_inode.rw_mutex -> log_sb.log_flush_lock', 'log_sb.log_flush_lock -> log_inode.rw_mutex']);
    assert.deepEqual(unknown.of('lock-order-inversion').map((f) => [...f.locks].sort()), [['log_inode.rw_mutex', 'log_sb.log_flush_lock']], unknown.describe());
  });

  it('a transaction stored after a label is still known not NULL when no jump from before its first use reaches the label', () => {
    // gfs2's `goto reserved;`: the jump comes after `tr` was written through, so every path to the store wrote through it.
    const retry: [string, string] = [
      '\tdown_read(&sdp->log_flush_lock);\n\tif (!test_bit(LOG_LIVE, &sdp->flags)) {',
      '\tdown_read(&sdp->log_flush_lock);\n\tif (log_try_reserve(sdp, tr))\n\t\tgoto reserved;\n\tup_read(&sdp->log_flush_lock);\n\tlog_reserve(sdp, tr);\n\tdown_read(&sdp->log_flush_lock);\nreserved:\n\tif (!test_bit(LOG_LIVE, &sdp->flags)) {',
    ];
    const taskFields = (result: ReturnType<typeof analyseEdited>, fn: string) => result.analysis.functions.find((f) => f.fn.name === fn)?.result.summary.taskFields;
    const retried = analyseEdited('precision/task_state.c', retry);
    assert.deepEqual(taskFields(retried, '__log_trans_begin'), [{ field: 'current->journal_info', value: true, onSuccess: true }]);
    assert.deepEqual(retried.of('lock-order-inversion'), [], retried.describe());

    // A jump from before the first write through `tr`: on that path nothing says it is not NULL.
    const skipped = analyseEdited('precision/task_state.c', retry, ['\ttr->blocks = blocks;\n', '\tif (!blocks)\n\t\tgoto reserved;\n\ttr->blocks = blocks;\n']);
    assert.deepEqual(taskFields(skipped, '__log_trans_begin'), [{ field: 'current->journal_info', value: null }]);
  });

  it('a function that returns inside the task\'s transaction, holding a lock taken in it, hands both to the caller that ends it', () => {
    const result = analyseFixtures('precision/task_state.c');
    // Tested once only, the task's transaction is still followed: it is stored along the loop.
    assert.deepEqual(result.in('log_sweep'), [], result.describe());
    assert.deepEqual(result.edgesIn('log_sweep'), ['log_sb.log_flush_lock -> log_inode.rw_mutex']);

    // A return that ended the transaction but kept the inode's semaphore is a leak: it alone is reported.
    const leaks = analyseEdited('precision/task_state.c', ['\t\tip->blocks -= 1;\n', '\t\tif (*p > ip->blocks) {\n\t\t\tlog_trans_end(sdp);\n\t\t\treturn -EIO;\n\t\t}\n\t\tip->blocks -= 1;\n']);
    assert.deepEqual(leaks.of('unreleased-lock', 'log_sweep').map((f) => f.range.start.line), [leaks.line('log_sweep', 'return -EIO;')], leaks.describe());
  });
});
