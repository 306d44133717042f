import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fixture, lineOf, parseOk, textAt } from './helpers';

describe('/proc/lockdep', () => {
  const text = fixture('proc-lockdep.txt');
  const report = parseOk(text);

  it('reads every class with its counters and usage', () => {
    assert.equal(report.splats.length, 0);
    assert.equal(report.classes.length, 14);
    const dev = report.classes.find((c) => c.name.raw === '&dev->lock');
    assert.ok(dev);
    assert.equal(dev.key, '00000000c3d4e5f6');
    assert.equal(dev.ops, 412);
    assert.equal(dev.forwardDeps, 9);
    assert.equal(dev.backwardDeps, 2);
    assert.equal(dev.usage, '+.+.');
    assert.equal(dev.usageStates?.length, 4);
    assert.equal(dev.line, lineOf(text, ': &dev->lock'));
    assert.equal(textAt(text, dev.nameRange), '&dev->lock');
  });

  it('reads the direct dependencies of each class', () => {
    const dev = report.classes.find((c) => c.name.raw === '&dev->lock');
    assert.deepEqual(dev?.dependencies.map((d) => [d.key, d.name.raw, d.name.accessPath]), [
      ['0000000077aa88bb', '&sb->s_type->i_mutex_key#3', 'sb->s_type->i_mutex_key'],
      ['00000000e1f2a3b4', '&(&priv->lock)->rlock', 'priv->lock'],
    ]);
    for (const d of dev?.dependencies ?? []) assert.equal(textAt(text, d.nameRange), d.name.raw);
    assert.deepEqual(report.classes.find((c) => c.name.raw === 'pool_lock')?.dependencies, []);
  });

  it('tells apart subclasses that share a key', () => {
    const shared = report.classes.filter((c) => c.key === '000000008899aabb');
    assert.deepEqual(shared.map((c) => [c.name.raw, c.name.subclass, c.dependencies.map((d) => d.name.raw)]), [
      ['&foo->mutex', undefined, ['&(&priv->lock)->rlock']],
      ['&foo->mutex/1', 1, ['&dev->lock']],
    ]);
  });

  it('reads pseudo-locks and plain names', () => {
    const names = report.classes.map((c) => c.name.raw);
    for (const n of ['lock1', '(wq_completion)events', '(work_completion)(&foo->reset_work)', 'rcu_read_lock', '&obj_hash[i].lock']) {
      assert.ok(names.includes(n), n);
    }
    assert.equal(report.classes.find((c) => c.name.raw === 'rcu_read_lock')?.ops, 904872);
  });

  it('reads class lines without OPS (no CONFIG_DEBUG_LOCKDEP)', () => {
    const report2 = parseOk('all lock classes:\nffffffff82a3c6d8 FD:   45 BD:    1 +.+.: cgroup_mutex\n -> [ffffffff82a3c720] css_set_lock\n');
    assert.equal(report2.classes.length, 1);
    assert.equal(report2.classes[0].ops, undefined);
    assert.equal(report2.classes[0].forwardDeps, 45);
    assert.equal(report2.classes[0].dependencies[0].name.raw, 'css_set_lock');
  });
});

describe('/proc/lockdep_chains', () => {
  const text = fixture('proc-lockdep-chains.txt');
  const report = parseOk(text);

  it('reads each chain in order with its irq context', () => {
    assert.deepEqual(
      report.chains.map((c) => [c.irqContext, c.locks.map((l) => l.name.raw)]),
      [
        ['0', ['&dev->lock', '&sb->s_type->i_mutex_key#3']],
        ['0', ['(wq_completion)events', '(work_completion)(&foo->reset_work)', '&foo->mutex/1', '&dev->lock']],
        ['1', ['&(&priv->lock)->rlock']],
        ['2', ['rcu_read_lock', '&foo->list_lock']],
      ],
    );
    const second = report.chains[1];
    assert.equal(second.line, 5);
    assert.deepEqual(second.locks.map((l) => l.key), ['000000005e6f7a8b', '000000004a3b2c1d', '000000008899aabb', '00000000c3d4e5f6']);
    for (const l of second.locks) assert.equal(textAt(text, l.range), l.name.raw);
    assert.equal(report.classes.length, 0);
  });

  it('reads the named irq contexts of newer kernels', () => {
    const chains = parseOk('all lock chains:\nirq_context: hardirq|softirq\n[000000001a2b3c4d] &port->lock\n').chains;
    assert.equal(chains[0].irqContext, 'hardirq|softirq');
    assert.equal(chains[0].locks[0].name.accessPath, 'port->lock');
  });
});
