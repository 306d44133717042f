import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { acquisitionSite, isLockingFrame, parseFrame, type StackFrame } from '../../../server/src/analysis/lockdep';

function frame(text: string): StackFrame {
  const parsed = parseFrame(text, 7, 10);
  assert.ok(parsed, `not a frame: ${text}`);
  return parsed;
}

/** The text of a range on the line `text` that was parsed at column 10. */
function covered(text: string, range: { start: { character: number }; end: { character: number } }): string {
  return text.slice(range.start.character - 10, range.end.character - 10);
}

describe('parseFrame', () => {
  it('reads a module frame with offset and size', () => {
    const text = '       foo_dev_reset+0x2c/0x120 [foo_dev]';
    const f = frame(text);
    assert.equal(f.function, 'foo_dev_reset');
    assert.equal(f.offset, 0x2c);
    assert.equal(f.size, 0x120);
    assert.equal(f.module, 'foo_dev');
    assert.equal(f.inline, false);
    assert.equal(f.unreliable, false);
    assert.equal(f.range.start.line, 7);
    assert.equal(covered(text, f.range), 'foo_dev_reset+0x2c/0x120 [foo_dev]');
    assert.equal(covered(text, f.functionRange), 'foo_dev_reset');
  });

  it('reads a build id after the module name', () => {
    const f = frame(' foo_dev_probe+0x1b2/0x2b0 [foo_dev 3a9d0c4e1b7f2a6c58e0d9b4c3a2f1e0d9c8b7a6]');
    assert.equal(f.module, 'foo_dev');
    assert.equal(f.buildId, '3a9d0c4e1b7f2a6c58e0d9b4c3a2f1e0d9c8b7a6');
  });

  it('reads syzbot frames with a source position, inlined or not', () => {
    const text = '       __mutex_lock+0x175/0x9c0 kernel/locking/mutex.c:752';
    const f = frame(text);
    assert.equal(f.file, 'kernel/locking/mutex.c');
    assert.equal(f.line, 752);
    assert.equal(f.offset, 0x175);
    assert.ok(f.fileRange);
    assert.equal(covered(text, f.fileRange), 'kernel/locking/mutex.c:752');

    const inline = frame('       inode_lock include/linux/fs.h:804 [inline]');
    assert.equal(inline.function, 'inode_lock');
    assert.equal(inline.offset, undefined);
    assert.equal(inline.file, 'include/linux/fs.h');
    assert.equal(inline.line, 804);
    assert.equal(inline.inline, true);
  });

  it('reads decode_stacktrace.sh output', () => {
    const text = ' foo_dev_reset (drivers/misc/foo_dev.c:211 (discriminator 2)) foo_dev';
    const f = frame(text);
    assert.equal(f.function, 'foo_dev_reset');
    assert.equal(f.file, 'drivers/misc/foo_dev.c');
    assert.equal(f.line, 211);
    assert.equal(f.module, 'foo_dev');
    assert.ok(f.fileRange);
    assert.equal(covered(text, f.fileRange), 'drivers/misc/foo_dev.c:211');
    assert.equal(frame(' foo_dev_reset+0x2c/0x120 (foo_dev.c:211)').line, 211);
  });

  it('reads old address-prefixed and unreliable frames', () => {
    const text = '  [<ffffffff811bd4c5>] ? start_creating+0x45/0xd0';
    const f = frame(text);
    assert.equal(f.address, 'ffffffff811bd4c5');
    assert.equal(f.unreliable, true);
    assert.equal(f.function, 'start_creating');
    assert.equal(covered(text, f.functionRange), 'start_creating');
    assert.equal(covered(text, f.range), '[<ffffffff811bd4c5>] ? start_creating+0x45/0xd0');
  });

  it('keeps compiler suffixes in the function name', () => {
    assert.equal(frame(' print_usage_bug.part.37+0x1c1/0x1cd').function, 'print_usage_bug.part.37');
  });

  it('rejects lines that are not frames', () => {
    for (const text of [
      'Call Trace:',
      '  lock(&dev->lock);',
      'foo_dev 0000:00:05.0: reset complete',
      ' <TASK>',
      'RIP: 0010:default_idle+0x1a/0x30',
      'Workqueue: foo_wq foo_reset_work [foo_dev]',
      '',
      'kthread',
      'kthread+0xf1/0x120 and some words',
    ]) {
      assert.equal(parseFrame(text, 0, 0), undefined, text);
    }
  });
});

describe('acquisitionSite', () => {
  it('skips lockdep, lock primitives, inlined and unreliable frames', () => {
    const frames = [
      '       check_prev_add kernel/locking/lockdep.c:3134 [inline]',
      '       __lock_acquire+0x2478/0x3b30 kernel/locking/lockdep.c:5137',
      '       lock_acquire+0x1b1/0x560 kernel/locking/lockdep.c:5719',
      '       __mutex_lock_common kernel/locking/mutex.c:608 [inline]',
      '       ? snd_port_ioctl+0x9c/0x3e0',
      '       _raw_spin_lock_irqsave+0x3d/0x60',
      '       down_write+0x3b/0xd0',
      '       snd_port_lock_stream sound/core/snd_port.c:98 [inline]',
      '       snd_port_ioctl+0x9c/0x3e0 sound/core/snd_port.c:412',
    ].map((t, i) => parseFrame(t, i, 0) as StackFrame);
    assert.equal(acquisitionSite(frames)?.line, 412);
    assert.ok(isLockingFrame(frames[5]));
    assert.ok(!isLockingFrame(frames[8]));
  });

  it('is undefined when every frame is locking code', () => {
    assert.equal(acquisitionSite([parseFrame(' mutex_lock_nested+0x1b/0x30', 0, 0) as StackFrame]), undefined);
  });
});
