/**
 * The example shipped in examples/: the ABBA module reports exactly one inversion naming both
 * threads, at the acquisitions that close the cycle; its fixed version reports nothing.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyse, assertOneInversion, repoFile } from './engineHelpers';

describe('bundled examples', () => {
  it('examples/abba/abba.c reports exactly one inversion naming both functions', () => {
    const result = analyse(repoFile('examples/abba/abba.c'));
    const inversion = assertOneInversion(result, ['abba_thread1', 'abba_thread2'], ['lock1', 'lock2']);
    assert.deepEqual(result.findings, [inversion]);
    assert.deepEqual(
      (inversion.sites ?? []).map((s) => `${s.function}:${s.range.start.line}`).sort(),
      [`abba_thread1:${result.line('abba_thread1', 'mutex_lock(&lock2)')}`, `abba_thread2:${result.line('abba_thread2', 'mutex_lock(&lock1)')}`],
    );
    assert.equal(inversion.severity, 'warning');
    assert.deepEqual(result.edges(), ['lock1 -> lock2', 'lock2 -> lock1']);
  });

  it('examples/abba-fixed/abba.c reports nothing', () => {
    const result = analyse(repoFile('examples/abba-fixed/abba.c'));
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgeSites('lock1', 'lock2').map((s) => s.replace(/:\d+$/, '')), ['abba_thread1', 'abba_thread2']);
  });
});
