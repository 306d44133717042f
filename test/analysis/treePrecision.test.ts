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

  it('a lock the function takes and releases itself, left held on an error path, is still a leak', () => {
    const result = analyseFixtures(file);
    assert.equal(result.one('unreleased-lock', 'port_read_config').severity, 'warning');
  });
});
