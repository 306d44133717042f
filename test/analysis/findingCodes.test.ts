/**
 * Every finding code, on fixtures written to have it and next to code that must not: the primary
 * site's line, the classes, the message and the related sites.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/findings';
import { Analysed, analyseEdited, analyseFixtures, assertOneInversion } from './engineHelpers';

function inversionOver(result: Analysed, locks: string[]): Finding {
  const found = result.of('lock-order-inversion').filter((f) => [...f.locks].sort().join() === [...locks].sort().join());
  assert.equal(found.length, 1, `expected one inversion over ${locks.join(', ')}, got:\n${result.describe()}`);
  return found[0];
}

/** `function:line` of each site of a finding (0-based lines), sorted. */
function siteList(finding: Finding): string[] {
  return (finding.sites ?? []).map((s) => `${s.function}:${s.range.start.line}`).sort();
}

describe('lock-order-inversion', () => {
  const result = analyseFixtures('codes/inversion.c');

  it('reports a two-lock ABBA once, at both acquisitions, pointing at where the first lock was taken', () => {
    const inversion = inversionOver(result, ['sk_buff_head.lock', 'sock.sk_lock']);
    assert.equal(inversion.severity, 'warning');
    assert.deepEqual(siteList(inversion), [
      `skb_queue_purge_sock:${result.line('skb_queue_purge_sock', 'spin_lock(&sk->sk_lock)')}`,
      `sock_queue_rcv:${result.line('sock_queue_rcv', 'spin_lock(&list->lock)')}`,
    ]);
    const [heldHere, ...others] = inversion.related;
    assert.equal(heldHere.function, inversion.function);
    assert.match(heldHere.message, /taken here/);
    const firstLock = inversion.function === 'sock_queue_rcv' ? 'spin_lock(&sk->sk_lock)' : 'spin_lock(&list->lock)';
    assert.equal(heldHere.range.start.line, result.line(inversion.function, firstLock));
    assert.equal(others.length, 1);
    assert.match(inversion.message, /possible ABBA deadlock/);
    assert.equal(inversion.cycleId, `cycle:${[...inversion.locks].join(' -> ')}`);
  });

  it('reports a three-lock cycle spread over three functions, each consistent on its own', () => {
    const inversion = inversionOver(result, ['fs_journal.j_checkpoint', 'fs_quota.dqio_mutex', 'fs_super.s_umount']);
    assert.deepEqual(siteList(inversion), [
      `journal_checkpoint_quota:${result.line('journal_checkpoint_quota', 'mutex_lock(&dq->dqio_mutex)')}`,
      `quota_write_super:${result.line('quota_write_super', 'mutex_lock(&sb->s_umount)')}`,
      `super_sync:${result.line('super_sync', 'mutex_lock(&j->j_checkpoint)')}`,
    ]);
    assert.match(inversion.message, /form a cycle/);
    assert.equal(inversion.function, 'journal_checkpoint_quota');
    for (const fn of ['quota_write_super', 'super_sync']) assert.ok(inversion.message.includes(`${fn}()`), `${fn}() is named`);
    assert.equal(inversion.related.length, 3);
  });

  it('reports an inversion whose second lock is taken inside a helper, at the call, naming the helper', () => {
    const inversion = inversionOver(result, ['hw_dev.lock', 'hw_timer.lock']);
    const callLine = result.line('hw_dev_reset', 'timer_rearm(dev->timer, 0)');
    assert.deepEqual(siteList(inversion), [
      `hw_dev_reset:${callLine}`,
      `hw_timer_expire:${result.line('hw_timer_expire', 'spin_lock(&dev->lock)')}`,
    ]);
    const viaHelper = (inversion.sites ?? []).find((s) => s.function === 'hw_dev_reset')!;
    assert.match(viaHelper.message, /via timer_rearm\(\)/);
    const [site] = result.edge('hw_dev.lock', 'hw_timer.lock')!.sites;
    assert.deepEqual(site.chain, ['timer_rearm']);
    assert.equal(site.innerSite?.start.line, result.line('timer_rearm', 'spin_lock(&t->lock)'));
  });

  it('reports nothing else in the file, and nothing once the ABBA is put in order', () => {
    assert.equal(result.findings.length, 3, result.describe());
    const after = analyseEdited('codes/inversion.c', [
      '\tspin_lock(&list->lock);\n\tspin_lock(&sk->sk_lock);\n\tsk->sk_state = 0;',
      '\tspin_lock(&sk->sk_lock);\n\tspin_lock(&list->lock);\n\tsk->sk_state = 0;',
    ]);
    assert.deepEqual(after.of('lock-order-inversion').map((f) => f.function).sort(), ['hw_dev_reset', 'journal_checkpoint_quota']);
  });

  it('finds a cycle across two files through a wrapper in a shared header', () => {
    const cross = analyseFixtures('codes/cross/blkdev.h', 'codes/cross/genhd.c', 'codes/cross/bdev.c');
    const inversion = assertOneInversion(cross, ['disk_open', 'bdev_release'], ['block_device.bd_mutex', 'gendisk.open_mutex']);
    const byFunction = new Map((inversion.sites ?? []).map((s) => [s.function, s]));
    assert.equal(byFunction.get('disk_open')!.file, 'test/fixtures/engine/codes/cross/genhd.c');
    assert.equal(byFunction.get('disk_open')!.range.start.line, cross.line('disk_open', 'bdev_lock(disk->part0)'));
    assert.equal(byFunction.get('bdev_release')!.file, 'test/fixtures/engine/codes/cross/bdev.c');
    assert.equal(byFunction.get('bdev_release')!.range.start.line, cross.line('bdev_release', 'mutex_lock(&gd->open_mutex)'));
    assert.match(inversion.message, /via bdev_lock\(\)/);
    // bdev_lock() returns holding and bdev_unlock() releases its caller's lock: neither is a finding.
    assert.equal(cross.findings.length, 1, cross.describe());
  });
});

describe('double-lock', () => {
  const result = analyseFixtures('codes/double_lock.c');

  it('reports taking a held lock again, at the second acquisition, as an error', () => {
    const finding = result.one('double-lock', 'kobj_get_twice');
    const [first, second] = result.lines('kobj_get_twice', 'spin_lock(&dev->lock)', 2);
    assert.equal(finding.range.start.line, second);
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.locks, ['kobj_dev.lock']);
    assert.deepEqual(finding.related.map((r) => r.range.start.line), [first]);
    assert.match(finding.message, new RegExp(`taken at line ${first + 1}`));
  });

  it('reports it when only one branch locks again', () => {
    const finding = result.one('double-lock', 'kobj_flush');
    assert.equal(finding.range.start.line, result.lines('kobj_flush', 'spin_lock(&dev->lock)', 2)[1]);
  });

  it('reports it through a lock wrapper, and nothing after it on the dead path', () => {
    const finding = result.one('double-lock', 'kobj_reconfigure');
    assert.equal(finding.range.start.line, result.line('kobj_reconfigure', 'mutex_lock(&dev->cfg_mutex)'));
    assert.match(finding.message, /via dev_lock\(\)/);
    assert.deepEqual(result.in('kobj_reconfigure').map((f) => f.code), ['double-lock'], result.describe());
  });

  it('does not report locking again after an unlock', () => {
    assert.deepEqual(result.in('kobj_unlock_then_relock'), []);
    assert.deepEqual(result.in('dev_lock'), []);
    assert.deepEqual(result.in('dev_unlock'), []);
  });
});

describe('unreleased-lock', () => {
  const result = analyseFixtures('codes/unreleased.c');

  it('reports a lock held on one return path and released on another, at that return', () => {
    const finding = result.one('unreleased-lock', 'fw_load_status');
    assert.equal(finding.range.start.line, result.line('fw_load_status', 'return ret;'));
    assert.deepEqual(finding.locks, ['fw_priv.lock']);
    assert.deepEqual(finding.related.map((r) => r.range.start.line), [result.line('fw_load_status', 'spin_lock(&priv->lock)')]);
    assert.deepEqual(finding.detail, { kind: 'unreleased', lockText: 'priv->lock', releaseCall: 'spin_unlock' });
  });

  it('reports an early error return that forgets the mutex', () => {
    const finding = result.one('unreleased-lock', 'fw_cache_store');
    assert.equal(finding.range.start.line, result.line('fw_cache_store', 'return -EINVAL;'));
    assert.deepEqual(finding.locks, ['fw_cache.lock']);
  });

  it('does not report a wrapper that returns holding on every path; its callers see the lock held', () => {
    assert.deepEqual(result.in('fw_cache_lock'), []);
    assert.deepEqual(result.in('fw_cache_unlock'), []);
    assert.deepEqual(result.in('fw_cache_rename'), []);
    assert.deepEqual(result.in('fw_cache_reset'), [], 'unlocking the wrapper-taken lock directly is balanced');
    assert.deepEqual(result.edgeSites('fw_cache.lock', 'fw_priv.lock'), [`fw_cache_rename:${result.line('fw_cache_rename', 'spin_lock(&priv->lock)')}`]);
  });
});

describe('unlock-unheld', () => {
  const result = analyseFixtures('codes/unlock_unheld.c');

  it('reports a second unlock on a path that already unlocked', () => {
    const finding = result.one('unlock-unheld', 'tty_buffer_commit');
    assert.equal(finding.range.start.line, result.lines('tty_buffer_commit', 'spin_unlock(&buf->lock)', 2)[1]);
    assert.deepEqual(finding.locks, ['tty_buffer.lock']);
    assert.match(finding.message, /already released/);
  });

  it('reports an unlock after a trylock that failed, as information: the lock was busy, maybe by this very code', () => {
    const finding = result.one('unlock-unheld', 'tty_buffer_flush');
    assert.equal(finding.range.start.line, result.line('tty_buffer_flush', 'mutex_unlock(&buf->flush_mutex)'));
    assert.match(finding.message, /trylock failed/);
    assert.equal(finding.severity, 'information');
  });

  it('reports nothing else', () => {
    assert.equal(result.findings.length, 2, result.describe());
  });
});

describe('mismatched-unlock', () => {
  const result = analyseFixtures('codes/mismatched.c');

  it('reports spin_lock_irqsave released with spin_unlock, naming the right release', () => {
    const finding = result.one('mismatched-unlock', 'uart_set_mctrl');
    assert.equal(finding.range.start.line, result.line('uart_set_mctrl', 'spin_unlock(&port->lock)'));
    assert.deepEqual(finding.locks, ['uart_port.lock']);
    assert.match(finding.message, /spin_lock_irqsave/);
    assert.match(finding.message, /use `spin_unlock_irqrestore`/);
    assert.equal(finding.detail?.kind, 'mismatch');
    assert.deepEqual(finding.related.map((r) => r.range.start.line), [result.line('uart_set_mctrl', 'spin_lock_irqsave(&port->lock, flags)')]);
  });

  it('accepts spin_unlock when local_irq_restore follows', () => {
    assert.deepEqual(result.in('uart_clear_mctrl'), []);
  });

  it('reports read_lock released with write_unlock', () => {
    const finding = result.one('mismatched-unlock', 'uart_get_ops');
    assert.equal(finding.range.start.line, result.line('uart_get_ops', 'write_unlock(&port->ops_lock)'));
    assert.match(finding.message, /use `read_unlock`/);
    assert.deepEqual(finding.related.map((r) => r.range.start.line), [result.line('uart_get_ops', 'read_lock(&port->ops_lock)')]);
  });

  it('reports a mutex released with spin_unlock', () => {
    const finding = result.one('mismatched-unlock', 'uart_shutdown');
    assert.equal(finding.range.start.line, result.line('uart_shutdown', 'spin_unlock(&port->mutex)'));
    assert.match(finding.message, /use `mutex_unlock`/);
  });

  it('accepts matching _irq and _bh pairs', () => {
    assert.deepEqual(result.in('uart_start'), []);
    assert.equal(result.findings.length, 3, result.describe());
  });
});

describe('sleep-in-atomic', () => {
  const result = analyseFixtures('codes/sleep.c');

  it('reports each sleeper under a spinlock, at the sleeper, pointing at the lock', () => {
    const lockLine = result.line('mdev_sleepers', 'spin_lock(&md->lock)');
    const sleepers = [
      'mutex_lock(&md->io_mutex)',
      'msleep(10)',
      'schedule()',
      'wait_event(md->wq, md->ready)',
      'kmalloc(64, GFP_KERNEL)',
      'copy_from_user(md->buf, ubuf, 64)',
      'vmalloc(4096)',
      'might_sleep()',
    ];
    const found = result.of('sleep-in-atomic', 'mdev_sleepers');
    assert.deepEqual(
      found.map((f) => f.range.start.line),
      sleepers.map((s) => result.line('mdev_sleepers', s)),
    );
    for (const f of found) {
      assert.deepEqual(f.locks, ['mdev.lock']);
      assert.deepEqual(f.related.map((r) => r.range.start.line), [lockLine]);
      assert.match(f.message, /can sleep while `mdev\.lock` \(spinlock\) is held/);
    }
    assert.match(found[4].message, /GFP_KERNEL/);
  });

  it('reports a GFP_KERNEL allocation under spin_lock_irqsave', () => {
    const finding = result.one('sleep-in-atomic', 'mdev_irqsave');
    assert.equal(finding.range.start.line, result.line('mdev_irqsave', 'kzalloc(128, GFP_KERNEL)'));
  });

  it('reports sleeping with interrupts disabled by hand', () => {
    const finding = result.one('sleep-in-atomic', 'mdev_irq_off');
    assert.equal(finding.range.start.line, result.line('mdev_irq_off', 'msleep(1)'));
    assert.match(finding.message, /interrupts disabled/);
    assert.deepEqual(finding.locks, []);
  });

  it('accepts GFP_ATOMIC under a spinlock, and sleeping outside one or under a mutex', () => {
    assert.deepEqual(result.in('mdev_atomic_alloc'), []);
    assert.deepEqual(result.in('mdev_wait_ready'), []);
  });

  it('reports a helper that always sleeps, called under a spinlock, at the call', () => {
    const finding = result.one('sleep-in-atomic', 'mdev_sync');
    assert.equal(finding.range.start.line, result.line('mdev_sync', 'mdev_wait_ready(md)'));
    assert.match(finding.message, /via mdev_wait_ready\(\)/);
    assert.deepEqual(finding.locks, ['mdev.lock']);
  });
});
