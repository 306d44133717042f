/**
 * Function-like macros that wrap lock calls (`#define rnode_lock(p) do { raw_spin_lock(&ACCESS_PRIVATE(p,
 * lock)); … } while (0)`) are read as functions of their parameters, so that calls to them take,
 * release, try and save interrupts as a `static inline` wrapper's would.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { preprocessorOnlyFacts } from '../../server/src/analysis/extract';
import { analyseEdited, analyseFixtures, fixture } from './engineHelpers';

describe('wrapper macros', () => {
  const result = analyseFixtures('macros/wrapper_macros.h', 'macros/wrapper_macros.c');
  const summaryOf = (fn: string) => result.analysis.functions.find((f) => f.fn.name === fn)!.result.summary;
  const header = fixture('macros/wrapper_macros.h').text.split('\n');
  const headerLine = (needle: string) => header.findIndex((line) => line.includes(needle));

  it('take the lock of the object their caller passes, with the macro body as the place it is taken', () => {
    assert.deepEqual(summaryOf('rnode_count').acquires.map((l) => `${l.api}:${l.cls.id}:${l.chain.join('>')}`), ['raw_spin_lock:rnode.lock:rnode_lock']);
    const [taken] = summaryOf('rnode_lock').returnsHolding;
    assert.equal(taken.paramIndex, 0);
    assert.deepEqual([taken.site.start.line, taken.site.start.character], [headerLine('raw_spin_lock(&ACCESS_PRIVATE(p, lock));'), 1]);
    assert.deepEqual(summaryOf('rnode_unlock').releasesOnEntry.map((l) => l.paramIndex), [0]);
  });

  it('make sleeping under the lock they take a finding', () => {
    const sleep = result.one('sleep-in-atomic', 'rnode_sleepy');
    assert.equal(sleep.range.start.line, result.line('rnode_sleepy', 'mutex_lock(&n->io_mutex)'));
    assert.deepEqual(sleep.locks, ['rnode.lock']);
  });

  it('pair up in their callers: lock and unlock, irqsave and irqrestore, a statement-expression trylock', () => {
    for (const fn of ['rnode_count', 'rnode_irq', 'rnode_try']) assert.deepEqual(result.in(fn), [], result.describe());
    assert.deepEqual(summaryOf('rnode_trylock').conditional.map((c) => `${c.success}:${c.lock.paramIndex}`), ['nonzero:0']);
  });

  it('order locks through the macro, a trylock not at all, and an irqsave macro wants an irqrestore', () => {
    const inversion = result.one('lock-order-inversion', 'rnode_then_stats');
    assert.deepEqual([...inversion.locks].sort(), ['rnode.lock', 'stats_lock']);
    assert.deepEqual(result.edgeSites('stats_lock', 'rnode.lock'), [`stats_then_rnode:${result.line('stats_then_rnode', 'rnode_lock_irqsave(n, flags)')}`]);
    const mismatch = result.one('mismatched-unlock', 'stats_then_rnode');
    assert.equal(mismatch.range.start.line, result.line('stats_then_rnode', 'raw_spin_unlock(&n->lock)'));
    assert.equal(result.findings.length, 3, result.describe());
  });

  it('are not read when they return from their caller', () => {
    assert.equal(result.analysis.functions.filter((f) => f.fn.name === 'rnode_lock_or_bail').length, 0);
  });

  it('make a header of nothing but such macros one that is parsed', () => {
    const text = '#ifndef NODE_H\n#define NODE_H\n#define node_lock(n) spin_lock(&(n)->lock)\n#endif\n';
    assert.equal(preprocessorOnlyFacts('node.h', text), null);
    assert.ok(preprocessorOnlyFacts('node.h', text.replace('node_lock(n) spin_lock(&(n)->lock)', 'node_ref(n) node_get(n)')));
  });

  it('named for unlocking and calling a helper, release what the helper does', () => {
    const file = 'macros/helper_macros.c';
    const helpers = analyseFixtures(file);
    assert.deepEqual(helpers.findings, [], helpers.describe());
    const summary = helpers.analysis.functions.find((f) => f.fn.name === 'seg_unlock')!.result.summary;
    assert.deepEqual(summary.releasesOnEntry.map((l) => `${l.cls.id}#${l.paramIndex}`), ['seg_perm.lock#0']);
    // Named for something else, the macro is not read: its lock is never seen released.
    const unnamed = analyseEdited(file, ['#define seg_unlock(seg)', '#define seg_put(seg)'], ['\t\tseg_unlock(segs[i]);', '\t\tseg_put(segs[i]);']);
    assert.ok(unnamed.of('sleep-in-atomic', 'detach_segments').length > 0, unnamed.describe());
  });
});
