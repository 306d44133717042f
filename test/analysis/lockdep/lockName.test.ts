import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeUsage, normalizeLockName } from '../../../server/src/analysis/lockdep';
import { findLockToken } from '../../../server/src/analysis/lockdep/lockName';

describe('normalizeLockName', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['&dev->lock', { accessPath: 'dev->lock', field: 'lock' }],
    // spinlock_t before 5.7: the name is its inner raw lock; the engine sees the spinlock_t.
    ['&(&priv->lock)->rlock', { accessPath: 'priv->lock', field: 'lock' }],
    ['&sb->s_type->i_mutex_key#3', { accessPath: 'sb->s_type->i_mutex_key', field: 'i_mutex_key', version: 3 }],
    ['&foo->mutex/1', { accessPath: 'foo->mutex', field: 'mutex', subclass: 1 }],
    ['&type->s_umount_key#31/1', { accessPath: 'type->s_umount_key', field: 's_umount_key', version: 31, subclass: 1 }],
    ['lock1', { accessPath: 'lock1', field: 'lock1' }],
    ['rcu_read_lock', { accessPath: 'rcu_read_lock', field: 'rcu_read_lock' }],
    ['(wq_completion)events', { accessPath: 'events', field: 'events', tag: 'wq_completion' }],
    ['(work_completion)(&foo->reset_work)', { accessPath: 'foo->reset_work', field: 'reset_work', tag: 'work_completion' }],
    ['&obj_hash[i].lock', { accessPath: 'obj_hash[i].lock', field: 'lock' }],
    ['(console_sem).lock', { accessPath: 'console_sem.lock', field: 'lock' }],
    // (&x)->y is x.y in C.
    ['&(&q->wait)->lock', { accessPath: 'q->wait.lock', field: 'lock' }],
    ['&(&(&x->a)->b)->rlock', { accessPath: 'x->a.b', field: 'b' }],
    ['slock-AF_INET/1', { accessPath: 'slock-AF_INET', field: 'slock-AF_INET', subclass: 1 }],
    // Only a trailing number is a subclass: workqueue names may contain slashes.
    ['(wq_completion)xfs-buf/sda1', { accessPath: 'xfs-buf/sda1', tag: 'wq_completion' }],
  ];
  for (const [raw, expected] of cases) {
    it(raw, () => {
      const name = normalizeLockName(raw);
      assert.equal(name.raw, raw);
      for (const [key, value] of Object.entries(expected)) assert.equal(name[key as keyof typeof name], value, key);
      for (const key of ['version', 'subclass', 'tag'] as const) {
        if (!(key in expected)) assert.equal(name[key], undefined, key);
      }
    });
  }
});

describe('decodeUsage', () => {
  it('reads write/read pairs per irq state', () => {
    assert.deepEqual(decodeUsage('?.+-'), [
      { state: 'HARDIRQ', read: false, usedInContext: true, usedWithContextEnabled: true },
      { state: 'HARDIRQ', read: true, usedInContext: false, usedWithContextEnabled: false },
      { state: 'SOFTIRQ', read: false, usedInContext: false, usedWithContextEnabled: true },
      { state: 'SOFTIRQ', read: true, usedInContext: true, usedWithContextEnabled: false },
    ]);
  });

  it('reads the RECLAIM_FS pair of 6-character fields', () => {
    const states = decodeUsage('+.+.-.');
    assert.equal(states.length, 6);
    assert.deepEqual(states[4], { state: 'RECLAIM_FS', read: false, usedInContext: true, usedWithContextEnabled: false });
  });
});

describe('findLockToken', () => {
  it('keeps nested parentheses in the name and reads usage and wait type', () => {
    const text = ' #1: ffffc90000b2fe78 ((work_completion)(&foo->reset_work)){+.+.}-{0:0}, at: x+0x1/0x2';
    const token = findLockToken(text);
    assert.ok(token);
    assert.equal(token.name, '(work_completion)(&foo->reset_work)');
    assert.equal(text.slice(token.nameStart, token.nameEnd), token.name);
    assert.equal(token.usage, '+.+.');
    assert.deepEqual(token.waitType, { outer: 0, inner: 0 });
    assert.equal(text.slice(token.end), ', at: x+0x1/0x2');
  });

  it('finds the second token of a dependency line', () => {
    const text = ' (&port->lock){-...}-{2:2} -> (&foo->list_lock){+.+.}-{2:2}';
    const first = findLockToken(text);
    assert.ok(first);
    const second = findLockToken(text, first.end);
    assert.equal(second?.name, '&foo->list_lock');
  });

  it('ignores parentheses without a usage field, and a stray closing one', () => {
    assert.equal(findLockToken('lock(&dev->lock);'), undefined);
    assert.equal(findLockToken('oops){+.+.}'), undefined);
    assert.equal(findLockToken(' (&(&priv->lock)->rlock){-...}')?.name, '&(&priv->lock)->rlock');
  });
});
