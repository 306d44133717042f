import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fixture, frameSummary, lineOf, parseOk, textAt } from './helpers';

describe('recursive locking report (printk caller ids)', () => {
  const text = fixture('recursive.dmesg.txt');
  const splat = parseOk(text).splats[0];

  it('reads the header, the task and both locks', () => {
    assert.equal(splat.kind, 'recursive');
    assert.equal(splat.format, 'current');
    assert.equal(splat.title.line, lineOf(text, 'possible recursive locking'));
    assert.deepEqual(splat.task, { comm: 'insmod', pid: 4321, line: lineOf(text, 'is trying to acquire lock:') });
    assert.equal(splat.acquiring?.name.raw, '&foo->mutex');
    assert.equal(splat.acquiring?.instance, 'ffff888104c3a0e8');
    assert.equal(splat.acquiring && textAt(text, splat.acquiring.range), '&foo->mutex');
    assert.equal(splat.acquiring?.range.start.character, 41, 'columns count the timestamp and caller id');
    assert.equal(splat.held?.instance, 'ffff888104c3b8e8');
    assert.equal(splat.held?.at && frameSummary(splat.held.at), 'foo_dev_probe+0x91/0x2b0 [foo_dev]');
  });

  it('reads the one-CPU scenario and the held locks', () => {
    assert.deepEqual(splat.scenario?.cpus, ['CPU0']);
    assert.deepEqual(splat.scenario?.steps.map((s) => [s.cpu, s.action, s.lock?.name.raw]), [
      [0, 'lock', '&foo->mutex'],
      [0, 'lock', '&foo->mutex'],
    ]);
    assert.deepEqual(splat.heldLocks.map((h) => [h.index, h.lock.name.raw, h.lock.usage, h.lock.waitType?.inner]), [
      [0, '&dev->mutex', '....', 3],
      [1, '&foo->mutex', '+.+.', 3],
    ]);
  });

  it('reads build ids in the backtrace and proves the self-dependency', () => {
    assert.equal(splat.backtrace.length, 20);
    assert.equal(splat.backtrace[6].buildId, '3a9d0c4e1b7f2a6c58e0d9b4c3a2f1e0d9c8b7a6');
    assert.deepEqual(splat.edges.map((e) => [e.evidence, e.held.name.raw, e.taken.name.raw, e.site?.function]), [
      ['held-while-acquiring', '&dev->mutex', '&foo->mutex', 'foo_dev_attach'],
      ['held-while-acquiring', '&foo->mutex', '&foo->mutex', 'foo_dev_attach'],
    ]);
    assert.equal(splat.endLine, lineOf(text, '</TASK>'));
  });
});

describe('inconsistent lock state report (4.19)', () => {
  const text = fixture('inconsistent.dmesg.txt');
  const splat = parseOk(text).splats[0];

  it('reads the usage transition and the lock taken in the interrupt', () => {
    assert.equal(splat.kind, 'inconsistent');
    assert.equal(splat.format, 'current');
    assert.deepEqual(splat.usageTransition, { from: 'HARDIRQ-ON-W', to: 'IN-HARDIRQ-W' });
    assert.deepEqual(splat.task, { comm: 'swapper/2', pid: 0, line: lineOf(text, 'takes:') });
    const lock = splat.acquiring;
    assert.ok(lock);
    assert.equal(lock.name.raw, '&(&priv->lock)->rlock');
    assert.equal(lock.name.accessPath, 'priv->lock');
    assert.equal(textAt(text, lock.range), '&(&priv->lock)->rlock');
    assert.equal(lock.usage, '?.+.');
    assert.equal(lock.waitType, undefined, '4.19 prints no wait type');
    assert.deepEqual(lock.usageStates?.[0], { state: 'HARDIRQ', read: false, usedInContext: true, usedWithContextEnabled: true });
    assert.equal(lock.instance, '00000000c6f1d2a4');
  });

  it('reads the trace of the earlier usage', () => {
    assert.equal(splat.traces.length, 1);
    assert.equal(splat.traces[0].label, '{HARDIRQ-ON-W} state was registered');
    assert.equal(splat.traces[0].frames.length, 11);
    assert.equal(frameSummary(splat.traces[0].frames[2]), 'snd_port_start+0x3c/0xa0 [snd_port]');
  });

  it('reads the interrupt in the scenario', () => {
    assert.deepEqual(splat.scenario?.steps.map((s) => [s.action, s.lock?.name.raw, s.inInterrupt]), [
      ['lock', '&(&priv->lock)->rlock', false],
      ['<Interrupt>', undefined, false],
      ['lock', '&(&priv->lock)->rlock', true],
    ]);
    const last = splat.scenario?.steps[2].lock;
    assert.equal(last && textAt(text, last.range), '&(&priv->lock)->rlock');
  });

  it('reads the IRQ backtrace through the register dump, and proves no ordering', () => {
    assert.deepEqual(splat.heldBy, { comm: 'swapper/2', pid: 0, line: lineOf(text, 'no locks held by') });
    assert.deepEqual(splat.heldLocks, []);
    assert.equal(splat.backtrace.length, 22);
    assert.equal(splat.backtrace[1].function, 'print_usage_bug.part.37');
    assert.equal(splat.backtrace[21].function, 'secondary_startup_64');
    assert.equal(splat.endLine, lineOf(text, 'secondary_startup_64+0xa4/0xb0'));
    assert.deepEqual(splat.edges, []);
  });
});

describe('bad unlock balance report', () => {
  const text = fixture('bad-unlock.dmesg.txt');
  const splat = parseOk(text).splats[0];

  it('reads the lock released and where', () => {
    assert.equal(splat.kind, 'bad-unlock');
    assert.equal(splat.title.text, 'WARNING: bad unlock balance detected!');
    assert.deepEqual(splat.task, { comm: 'foo_worker', pid: 812, line: lineOf(text, 'is trying to release lock') });
    const lock = splat.releasing;
    assert.ok(lock);
    assert.equal(lock.name.raw, '&foo->mutex');
    assert.equal(textAt(text, lock.range), '&foo->mutex');
    assert.equal(lock.usage, undefined);
    assert.equal(lock.at?.address, 'ffffffffc0a0137e');
    assert.equal(lock.at && frameSummary(lock.at), 'foo_dev_remove+0x9e/0x120 [foo_dev]');
    assert.equal(splat.acquiring, undefined);
  });

  it('reads the held lock and the backtrace, and proves no ordering', () => {
    assert.deepEqual(splat.heldLocks.map((h) => h.lock.name.raw), ['&dev->lock']);
    assert.equal(splat.backtrace.length, 8);
    assert.deepEqual(splat.edges, []);
    assert.equal(splat.truncated, false);
  });
});

describe('invalid wait context report', () => {
  const text = fixture('invalid-wait-context.dmesg.txt');
  const splat = parseOk(text).splats[0];

  it('reads the bracketed title as the current format, and a comm with a slash', () => {
    assert.equal(splat.kind, 'invalid-wait-context');
    assert.equal(splat.format, 'current');
    assert.equal(splat.title.text, 'BUG: Invalid wait context');
    assert.deepEqual(splat.task, { comm: 'irq/45-snd_port', pid: 377, line: lineOf(text, 'is trying to lock:') });
    assert.deepEqual(splat.context, { outer: 4, inner: 4 });
    assert.deepEqual(splat.acquiring?.waitType, { outer: 3, inner: 3 });
  });

  it('reads rcu_read_lock and a spinlock as held, and proves both came before the mutex', () => {
    assert.deepEqual(splat.heldLocks.map((h) => [h.lock.name.raw, h.lock.waitType]), [
      ['rcu_read_lock', { outer: 1, inner: 2 }],
      ['&port->lock', { outer: 2, inner: 2 }],
    ]);
    assert.deepEqual(splat.edges.map((e) => [e.held.name.raw, e.taken.name.raw, e.site?.function]), [
      ['rcu_read_lock', '&dev->lock', 'foo_dev_notify'],
      ['&port->lock', '&dev->lock', 'foo_dev_notify'],
    ]);
    assert.equal(splat.edges[0].frames, splat.backtrace);
  });
});

describe('irq lock inversion report', () => {
  const text = fixture('irq-inversion.txt');
  const splat = parseOk(text).splats[0];

  it('reads the lock that changed state and the other lock', () => {
    assert.equal(splat.kind, 'irq-inversion');
    assert.equal(splat.irqDirection, 'forwards');
    assert.equal(splat.irqClass, 'HARDIRQ');
    assert.equal(splat.acquiring?.name.raw, '&port->lock');
    assert.equal(splat.acquiring?.usage, '-...');
    assert.equal(splat.other?.name.raw, '&foo->list_lock');
    assert.equal(splat.other && textAt(text, splat.other.range), '&foo->list_lock');
    assert.equal(splat.other?.instance, undefined);
  });

  it('reads the interrupt scenario with local_irq_disable', () => {
    assert.equal(splat.scenario?.title, 'Possible interrupt unsafe locking scenario');
    assert.deepEqual(splat.scenario?.steps.map((s) => [s.cpu, s.action, s.lock?.name.raw ?? null, s.inInterrupt]), [
      [0, 'lock', '&foo->list_lock', false],
      [1, 'local_irq_disable', null, false],
      [1, 'lock', '&port->lock', false],
      [1, 'lock', '&foo->list_lock', false],
      [0, '<Interrupt>', null, false],
      [0, 'lock', '&port->lock', true],
    ]);
  });

  it('reads the shortest dependency path with its usage traces', () => {
    const path = splat.irqDependencyPath;
    assert.deepEqual(path.map((p) => [p.lock.name.raw, p.depth]), [
      ['&foo->list_lock', 1],
      ['&port->lock', 0],
    ]);
    assert.deepEqual(path[0].usageTraces.map((t) => [t.label, t.frames.length]), [
      ['HARDIRQ-ON-W', 5],
      ['SOFTIRQ-ON-W', 5],
      ['INITIAL USE', 5],
    ]);
    assert.deepEqual(path[1].usageTraces.map((t) => t.label), ['IN-HARDIRQ-W', 'INITIAL USE']);
    assert.equal(path[0].acquiredAt.length, 7);
    assert.equal(frameSummary(path[0].acquiredAt[2]), 'snd_port_collect+0x51/0xb0 [snd_port]');
    assert.deepEqual(splat.traces, []);
  });

  it('proves that the irq-safe lock was held when the unsafe one was taken', () => {
    assert.deepEqual(splat.edges.map((e) => [e.evidence, e.held.name.raw, e.taken.name.raw, e.site?.function]), [
      ['irq-dependency', '&port->lock', '&foo->list_lock', 'snd_port_collect'],
    ]);
    assert.equal(splat.backtrace.length, 19);
    assert.equal(splat.endLine, lineOf(text, '</TASK>'));
  });

  it('reverses the path when the search went backwards', () => {
    const backwards = text.replace('took another, HARDIRQ-unsafe lock', 'was taken by another, SOFTIRQ-safe lock');
    const reversed = parseOk(backwards).splats[0];
    assert.equal(reversed.irqDirection, 'backwards');
    assert.equal(reversed.irqClass, 'SOFTIRQ');
    assert.deepEqual(reversed.edges.map((e) => [e.held.name.raw, e.taken.name.raw]), [['&foo->list_lock', '&port->lock']]);
    assert.equal(reversed.edges[0].frames, reversed.irqDependencyPath[0].acquiredAt);
  });
});

describe('irq-safe -> irq-unsafe report', () => {
  const text = fixture('irq-safe-unsafe.txt');
  const splat = parseOk(text).splats[0];

  it('reads the new dependency and proves it', () => {
    assert.equal(splat.kind, 'irq-safe-unsafe');
    assert.equal(splat.irqClass, 'HARDIRQ');
    assert.deepEqual(splat.task, { comm: 'foo_worker', pid: 812, line: 4 });
    assert.equal(splat.acquiring?.name.raw, '&foo->list_lock');
    assert.equal(splat.held?.name.raw, '&port->lock');
    assert.equal(splat.newDependency?.held.name.raw, '&port->lock');
    assert.equal(splat.newDependency?.taken.name.raw, '&foo->list_lock');
    assert.equal(splat.newDependency && textAt(text, splat.newDependency.taken.range), '&foo->list_lock');
    assert.deepEqual(splat.edges.map((e) => [e.evidence, e.held.name.raw, e.taken.name.raw, e.site?.function]), [
      ['new-dependency', '&port->lock', '&foo->list_lock', 'foo_dev_scan'],
    ]);
    assert.deepEqual(splat.traces.map((t) => t.label), [
      '... which became HARDIRQ-irq-safe',
      '... which became HARDIRQ-irq-unsafe',
      'IN-HARDIRQ-W',
      'INITIAL USE',
    ]);
  });
});
