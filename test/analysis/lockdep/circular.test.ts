import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { LockOccurrence } from '../../../server/src/analysis/lockdep';
import { fixture, frameSummary, lineOf, parseOk, textAt } from './helpers';

/** Name, usage and wait type of a lock, and that its range covers the name in the text. */
function assertLock(text: string, lock: LockOccurrence | undefined, raw: string, usage: string, wait?: [number, number]): void {
  assert.ok(lock, `missing lock ${raw}`);
  assert.equal(lock.name.raw, raw);
  assert.equal(textAt(text, lock.range), raw);
  assert.equal(lock.usage, usage);
  assert.deepEqual(lock.waitType, wait && { outer: wait[0], inner: wait[1] });
}

describe('circular report, current format with timestamps', () => {
  const text = fixture('circular.dmesg.txt');
  const report = parseOk(text);

  it('finds one report between the unrelated lines', () => {
    assert.equal(report.splats.length, 1);
    const splat = report.splats[0];
    assert.equal(splat.kind, 'circular');
    assert.equal(splat.format, 'current');
    assert.equal(splat.title.text, 'WARNING: possible circular locking dependency detected');
    assert.equal(splat.title.line, lineOf(text, 'WARNING: possible circular'));
    assert.equal(splat.startLine, splat.title.line - 1, 'the ==== banner belongs to the report');
    assert.equal(splat.endLine, lineOf(text, '</TASK>'));
    assert.equal(splat.kernel, '6.6.30-foo #1 Tainted: G           O');
    assert.equal(splat.truncated, false);
    assert.deepEqual(splat.task, { comm: 'kworker/u8:3', pid: 245, line: lineOf(text, 'is trying to acquire lock:') });
    assert.deepEqual(report.classes, []);
    assert.deepEqual(report.chains, []);
  });

  it('reads the lock being acquired and the lock held, with addresses and at: frames', () => {
    const splat = report.splats[0];
    assertLock(text, splat.acquiring, '&dev->lock', '+.+.', [3, 3]);
    assert.equal(splat.acquiring?.instance, 'ffff88810a2c4e18');
    assert.equal(splat.acquiring?.at && frameSummary(splat.acquiring.at), 'foo_dev_reset+0x2c/0x120 [foo_dev]');
    assert.equal(splat.acquiring?.range.start.line, lineOf(text, 'ffff88810a2c4e18 (&dev->lock)'));
    assertLock(text, splat.held, '&foo->mutex/1', '+.+.', [3, 3]);
    assert.equal(splat.held?.name.subclass, 1);
    assert.equal(splat.held?.name.accessPath, 'foo->mutex');
    assert.equal(splat.held?.at && frameSummary(splat.held.at), 'foo_reset_work+0x5e/0x1b0 [foo_dev]');
  });

  it('reads the dependency chain with every frame', () => {
    const chain = report.splats[0].chain;
    assert.deepEqual(
      chain.map((e) => [e.index, e.lock.name.raw, e.line]),
      [
        [2, '&foo->mutex/1', lineOf(text, '-> #2')],
        [1, '&sb->s_type->i_mutex_key#3', lineOf(text, '-> #1')],
        [0, '&dev->lock', lineOf(text, '-> #0')],
      ],
    );
    assertLock(text, chain[1].lock, '&sb->s_type->i_mutex_key#3', '++++', [3, 3]);
    assert.equal(chain[1].lock.name.version, 3);
    assert.deepEqual(chain[1].frames.map(frameSummary), [
      'down_write+0x3b/0xd0 kernel/locking/rwsem.c:1573',
      'inode_lock include/linux/fs.h:804 (inline)',
      'foo_dev_create_node+0x48/0x130 [foo_dev]',
      'foo_dev_probe_ports+0x10c/0x230 [foo_dev]',
      'foo_dev_configure+0x5c/0x200 [foo_dev]',
      'foo_dev_ioctl+0x1d3/0x2f0 [foo_dev]',
      '__x64_sys_ioctl+0x94/0xd0',
      'do_syscall_64+0x3f/0x90',
      'entry_SYSCALL_64_after_hwframe+0x6e/0xd8',
    ]);
    assert.equal(chain[2].frames.length, 14);
    assert.deepEqual(
      chain[2].frames.slice(0, 4).map((f) => [f.function, f.inline]),
      [['check_prev_add', true], ['check_prevs_add', true], ['validate_chain', true], ['__lock_acquire', false]],
    );
    const frame = chain[0].frames[2];
    assert.equal(textAt(text, frame.range), 'foo_dev_sync+0x71/0x1c0 [foo_dev]');
    assert.equal(textAt(text, frame.functionRange), 'foo_dev_sync');
    const withFile = chain[0].frames[0];
    assert.ok(withFile.fileRange);
    assert.equal(textAt(text, withFile.fileRange), 'kernel/locking/mutex.c:747');
  });

  it('reads the scenario table and the chain summary above it', () => {
    const scenario = report.splats[0].scenario;
    assert.ok(scenario);
    assert.equal(scenario.title, 'Possible unsafe locking scenario');
    assert.deepEqual(scenario.cpus, ['CPU0', 'CPU1']);
    assert.deepEqual(
      scenario.chainExists?.map((c) => c.name.raw),
      ['&dev->lock', '&sb->s_type->i_mutex_key#3', '&foo->mutex/1'],
    );
    for (const c of scenario.chainExists ?? []) assert.equal(textAt(text, c.range), c.name.raw);
    assert.deepEqual(
      scenario.steps.map((s) => [s.cpu, s.action, s.lock?.name.raw, s.inInterrupt]),
      [
        [0, 'lock', '&foo->mutex/1', false],
        [1, 'lock', '&sb->s_type->i_mutex_key#3', false],
        [1, 'lock', '&foo->mutex/1', false],
        [0, 'lock', '&dev->lock', false],
      ],
    );
    for (const s of scenario.steps) assert.equal(s.lock && textAt(text, s.lock.range), s.lock?.name.raw);
  });

  it('reads the held locks, pseudo-locks of workqueues included', () => {
    const splat = report.splats[0];
    assert.deepEqual(splat.heldBy, { comm: 'kworker/u8:3', pid: 245, line: lineOf(text, '3 locks held by') });
    const held = splat.heldLocks;
    assert.deepEqual(held.map((h) => h.index), [0, 1, 2]);
    assertLock(text, held[0].lock, '(wq_completion)foo_wq', '+.+.', [0, 0]);
    assert.equal(held[0].lock.name.tag, 'wq_completion');
    assert.equal(held[0].lock.instance, 'ffff888100a5e538');
    assertLock(text, held[1].lock, '(work_completion)(&foo->reset_work)', '+.+.', [0, 0]);
    assert.equal(held[1].lock.name.accessPath, 'foo->reset_work');
    assert.equal(held[1].lock.at && frameSummary(held[1].lock.at), 'process_one_work+0x1e4/0x4f0');
    assertLock(text, held[2].lock, '&foo->mutex/1', '+.+.', [3, 3]);
  });

  it('reads the backtrace, unreliable frames flagged', () => {
    const backtrace = report.splats[0].backtrace;
    assert.equal(backtrace.length, 17);
    assert.equal(frameSummary(backtrace[0]), 'dump_stack_lvl+0x57/0x90 lib/dump_stack.c:106');
    assert.equal(frameSummary(backtrace[4]), '? foo_dev_reset+0x2c/0x120 [foo_dev]');
    assert.equal(backtrace.filter((f) => f.unreliable).length, 5);
    assert.equal(frameSummary(backtrace[16]), 'ret_from_fork_asm+0x1b/0x30');
  });

  it('derives the cycle as held -> taken edges, with the frames and call site of each', () => {
    const edges = report.splats[0].edges;
    assert.deepEqual(
      edges.map((e) => [e.evidence, e.held.name.raw, e.taken.name.raw, e.site && frameSummary(e.site)]),
      [
        ['dependency-chain', '&foo->mutex/1', '&dev->lock', 'foo_dev_reset+0x2c/0x120 [foo_dev]'],
        ['dependency-chain', '&dev->lock', '&sb->s_type->i_mutex_key#3', 'foo_dev_create_node+0x48/0x130 [foo_dev]'],
        ['dependency-chain', '&sb->s_type->i_mutex_key#3', '&foo->mutex/1', 'foo_dev_sync+0x71/0x1c0 [foo_dev]'],
        ['held-while-acquiring', '(wq_completion)foo_wq', '&dev->lock', 'foo_dev_reset+0x2c/0x120 [foo_dev]'],
        ['held-while-acquiring', '(work_completion)(&foo->reset_work)', '&dev->lock', 'foo_dev_reset+0x2c/0x120 [foo_dev]'],
      ],
    );
    const chain = report.splats[0].chain;
    assert.equal(edges[0].frames, chain[2].frames, 'the #0 entry took &dev->lock');
    assert.equal(edges[1].frames, chain[1].frames);
    assert.equal(edges[0].held, chain[0].lock, 'the held lock of #0 is the highest entry');
  });
});

describe('circular report, syzbot format', () => {
  const text = fixture('circular-syzbot.txt');
  const report = parseOk(text);
  const splat = report.splats[0];

  it('reads the report without timestamps', () => {
    assert.equal(report.splats.length, 1);
    assert.equal(splat.kind, 'circular');
    assert.equal(splat.startLine, lineOf(text, '====='));
    assert.equal(splat.endLine, lineOf(text, '</TASK>'));
    assert.equal(splat.kernel, '6.9.0-rc4-syzkaller-00031-g1a2b3c4d5e6f #0 Not tainted');
    assert.deepEqual(splat.task, { comm: 'syz-executor.2', pid: 5123, line: 5 });
    assertLock(text, splat.acquiring, 'lock1', '+.+.', [3, 3]);
    assert.equal(splat.acquiring?.name.accessPath, 'lock1');
    assert.equal(splat.acquiring?.at && frameSummary(splat.acquiring.at), 'snd_port_ioctl+0x9c/0x3e0 sound/core/snd_port.c:412');
  });

  it('folds the lock line syzbot repeats for an inlined caller', () => {
    assertLock(text, splat.held, '&snd->open_mutex', '+.+.', [3, 3]);
    assert.equal(splat.held?.range.start.line, lineOf(text, 'but task is already holding lock:') + 1, 'the first of the two lines');
    assert.equal(splat.held?.at && frameSummary(splat.held.at), 'snd_port_ioctl+0x5a/0x3e0 sound/core/snd_port.c:405');
    assert.deepEqual(splat.held?.inlinedAt?.map(frameSummary), ['snd_port_lock_stream sound/core/snd_port.c:98 (inline)']);
    assert.equal(splat.heldLocks.length, 1);
    assert.equal(splat.heldLocks[0].lock.at?.line, 405);
    assert.equal(splat.heldLocks[0].lock.inlinedAt?.[0].function, 'snd_port_lock_stream');
  });

  it('reads inline and file:line frames and maps edges past them', () => {
    assert.deepEqual(
      splat.chain.map((e) => [e.index, e.lock.name.raw, e.frames.length, e.frames.filter((f) => f.inline).length]),
      [
        [1, '&snd->open_mutex', 16, 6],
        [0, 'lock1', 16, 9],
      ],
    );
    assert.deepEqual(
      splat.edges.map((e) => [e.held.name.raw, e.taken.name.raw, e.site?.function, e.site?.file, e.site?.line]),
      [
        ['&snd->open_mutex', 'lock1', 'snd_port_ioctl', 'sound/core/snd_port.c', 412],
        ['lock1', '&snd->open_mutex', 'snd_port_open', 'sound/core/snd_port.c', 187],
      ],
    );
  });

  it('reads the two-CPU scenario and a backtrace ending in a register dump', () => {
    assert.deepEqual(
      splat.scenario?.steps.map((s) => [s.cpu, s.lock?.name.raw]),
      [
        [0, '&snd->open_mutex'],
        [1, 'lock1'],
        [1, '&snd->open_mutex'],
        [0, 'lock1'],
      ],
    );
    assert.equal(splat.scenario?.chainExists, undefined);
    assert.equal(splat.backtrace.length, 19);
    assert.equal(splat.backtrace[0].function, '__dump_stack');
    assert.equal(splat.backtrace[0].inline, true);
    assert.equal(splat.backtrace[18].function, 'entry_SYSCALL_64_after_hwframe');
  });
});

describe('circular report, legacy [ INFO: ] format', () => {
  const text = fixture('circular-legacy.dmesg.txt');
  const splat = parseOk(text).splats[0];

  it('reads the bracketed title and 6-character usage fields', () => {
    assert.equal(splat.kind, 'circular');
    assert.equal(splat.format, 'legacy');
    assert.equal(splat.title.text, 'INFO: possible circular locking dependency detected');
    assert.equal(splat.kernel, '3.16.0-4-amd64 #1 Tainted: G           O');
    assertLock(text, splat.acquiring, '&sb->s_type->i_mutex_key#3', '+.+.+.');
    assert.equal(splat.acquiring?.instance, undefined);
    assert.equal(splat.acquiring?.usageStates?.length, 6);
    assert.equal(splat.acquiring?.usageStates?.[4].state, 'RECLAIM_FS');
    assert.equal(splat.acquiring?.at?.address, 'ffffffff811bd4c5');
    assert.equal(splat.acquiring?.at?.function, 'start_creating');
    assertLock(text, splat.held, '&foo->mutex/1', '+.+.+.');
    assert.equal(splat.held?.at && frameSummary(splat.held.at), 'foo_dev_init_debugfs+0x24/0x90 [foo_dev]');
  });

  it('reads chain entries printed without a timestamp and address-prefixed frames', () => {
    assert.deepEqual(splat.chain.map((e) => [e.index, e.lock.name.raw]), [[1, '&foo->mutex/1'], [0, '&sb->s_type->i_mutex_key#3']]);
    assert.equal(textAt(text, splat.chain[0].lock.range), '&foo->mutex/1');
    assert.equal(splat.chain[0].lock.range.start.character, 7);
    assert.equal(splat.chain[0].frames.length, 8);
    assert.equal(splat.chain[0].frames[2].address, 'ffffffffa02a1288');
    assert.equal(frameSummary(splat.chain[0].frames[2]), 'foo_dev_flush+0x38/0xe0 [foo_dev]');
    assert.equal(splat.chain[1].frames.length, 11);
  });

  it('reads the old held-lock lines and a backtrace after a raw stack dump', () => {
    assert.equal(splat.heldLocks.length, 1);
    assertLock(text, splat.heldLocks[0].lock, '&foo->mutex/1', '+.+.+.');
    assert.equal(splat.heldLocks[0].lock.instance, undefined);
    assert.equal(splat.backtrace.length, 15);
    assert.equal(splat.backtrace[0].function, 'dump_stack');
    assert.equal(splat.endLine, lineOf(text, 'debugfs ready') - 1);
  });

  it('derives the two-lock cycle', () => {
    assert.deepEqual(
      splat.edges.map((e) => [e.held.name.raw, e.taken.name.raw, e.site?.function]),
      [
        ['&foo->mutex/1', '&sb->s_type->i_mutex_key#3', 'start_creating'],
        ['&sb->s_type->i_mutex_key#3', '&foo->mutex/1', 'foo_dev_flush'],
      ],
    );
  });
});
