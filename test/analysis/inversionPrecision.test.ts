/**
 * Precision of lock-order inversions: patterns from real kernel code where a naive reading sees a
 * lock held (or taken) that is not. Each fixture is quiet, and a small edit that makes the order
 * real makes it report.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures, assertOneInversion } from './engineHelpers';

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
});
