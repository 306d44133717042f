/**
 * Precision on the whole kernel tree (arch/, drivers/, mm/, net/, sound/): false warnings whose
 * cause is a pattern of general kernel code. Each fixture is quiet where the pattern is sound and
 * keeps a control case that still reports.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseFixtures } from './engineHelpers';

const warnings = (result: ReturnType<typeof analyseFixtures>, fn: string) => result.in(fn).filter((f) => f.severity !== 'information');

describe('tree precision: a lock taken for the caller on one path, the caller\'s released on another', () => {
  const file = 'tree/gate_by_parameter.c';

  it('a gate control that locks when opening and unlocks when closing leaks nothing', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(warnings(result, 'port_gate_ctrl'), [], result.describe());
    assert.deepEqual(warnings(result, 'port_select'), [], result.describe());
  });

  it('a gate control whose opening path gives the lock back when the gate fails holds it on success only', () => {
    const result = analyseFixtures('tree/gate_checked.c');
    assert.deepEqual(warnings(result, 'demod_gate_ctrl'), [], result.describe());
  });

  it('a lock the function takes and releases itself, left held on an error path, is still a leak', () => {
    const result = analyseFixtures(file);
    assert.equal(result.one('unreleased-lock', 'port_read_config').severity, 'warning');
  });
});

describe('tree precision: a write lock downgraded deep in a callee chain', () => {
  const file = 'tree/deep_downgrade.c';

  it('a read release after a callee that may have downgraded the lock, through a local of a middle function, is no mismatch', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('set_break'), [], result.describe());
    assert.deepEqual(result.in('unmap_range'), [], result.describe());
  });

  it('a lock whose mode a callee may have changed still orders the locks taken after the call', () => {
    const result = analyseFixtures(file);
    assert.ok(result.edgeSites('addr_space.map_lock', 'addr_space.other_lock').some((s) => s.startsWith('unmap_range:')), result.edges().join('\n'));
  });

  it('a read release of a write lock no callee downgrades is still a mismatch', () => {
    const result = analyseFixtures(file);
    assert.match(result.one('mismatched-unlock', 'set_break_other').message, /addr_space\.other_lock/);
  });
});

describe('tree precision: locks taken by one loop over a collection, released by another over the same', () => {
  const file = 'tree/paired_loops.c';

  it('a loop that unlocks every element of the collection another loop locked leaves none held', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('reset_all'), [], result.describe());
  });

  it('a loop over the collection between them leaves the paths that locked going on', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('reset_all_then_hive'), [], result.describe());
    assert.deepEqual(result.edgeSites('reset_dev.reset_lock', 'reset_hive.hive_lock'), ['reset_all_then_hive:64'], result.describe());
  });

  it('an element named through a local declared in the body is another one on each pass', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('reset_ports'), [], result.describe());
    assert.deepEqual(result.in('reset_devs'), [], result.describe());
    assert.equal(result.one('unlock-unheld', 'reset_ports_twice').severity, 'warning');
  });

  it('unlocking the elements of another collection leaves the first locked', () => {
    const result = analyseFixtures(file);
    assert.ok(result.of('unreleased-lock', 'reset_all_wrong_list').some((f) => f.severity === 'warning'), result.describe());
  });
});

describe('tree precision: static locks of the same name in two files', () => {
  const files = ['tree/statics/midi_port.c', 'tree/statics/raw_core.c'];

  it("a file's static mutex held while the other file's static of the same name is taken is no double lock", () => {
    const result = analyseFixtures(...files);
    assert.deepEqual(result.in('midi_probe'), [], result.describe());
  });

  it("a file's static mutex taken again through a helper of the same file is still a double lock", () => {
    const result = analyseFixtures(...files);
    assert.match(result.one('double-lock', 'midi_remove').message, /register_mutex/);
  });

  it('a global of one file taken again by the other file is one lock', () => {
    const result = analyseFixtures(...files);
    assert.match(result.one('double-lock', 'midi_count').message, /devices_mutex/);
  });
});
