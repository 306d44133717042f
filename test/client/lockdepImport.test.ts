import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipboardSource, describeClear, describeImport, mayHoldReport } from '../../client/src/lockdep/importSummary';

const imported = { key: 'file:///logs/dmesg.txt', splats: 1, edges: 3, confirmed: 1, newCycles: 0, unmapped: [] };

describe('lockdep import: what the user is told', () => {
  it('offers the active editor only when it may hold a kernel log', () => {
    assert.deepEqual(['lockdep', 'plaintext', 'log', 'c', 'markdown'].map(mayHoldReport), [true, true, true, false, false]);
  });

  it('numbers clipboard imports so that a second paste does not replace the first', () => {
    assert.deepEqual([0, 1, 2].map(clipboardSource), ['clipboard', 'clipboard-2', 'clipboard-3']);
  });

  it('sums up an import, and says why one failed', () => {
    assert.deepEqual(describeImport(imported, 'dmesg.txt'), {
      level: 'info',
      message: 'Lockorder imported the lockdep report from dmesg.txt: 3 runtime edges added to the lock graph, 1 static cycle confirmed.',
    });
    assert.equal(
      describeImport({ ...imported, edges: 1, confirmed: 0, newCycles: 2, unmapped: ['cgroup_mutex'] }, 'the clipboard').message,
      'Lockorder imported the lockdep report from the clipboard: 1 runtime edge added to the lock graph, 0 static cycles confirmed, 2 cycles found only with runtime edges. 1 lock name matches no lock in the sources (listed in the Lockorder output).',
    );
    assert.deepEqual(describeImport({ ...imported, error: 'The input looks binary, not a kernel log.' }, 'core'), {
      level: 'warning',
      message: 'Lockorder could not import the lockdep report from core: The input looks binary, not a kernel log.',
    });
    assert.equal(describeClear(0), 'Lockorder: no lockdep reports were imported.');
    assert.equal(describeClear(2), 'Lockorder forgot 2 imported lockdep reports.');
  });
});
