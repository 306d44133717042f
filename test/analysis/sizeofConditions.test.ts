/**
 * Conditions on sizes (`if (sizeof(x) > sizeof(long))`) are decided once per path: assigning `x`
 * changes no size, so a lock taken under such a test is released under the same test.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures } from './engineHelpers';

const file = 'precision/sizeof_tests.c';

describe('precision: tests of sizes', () => {
  it('a variable assigned between two tests of its size leaves the second test decided as the first', () => {
    const result = analyseFixtures(file);
    assert.deepEqual(result.in('xs_copy_blocks'), [], result.describe());
    // A test of the value itself is another matter: the assignment may change it.
    const byValue = analyseEdited(
      file,
      ['\tif (sizeof(blocks) > sizeof(long))\n\t\tspin_lock', '\tif (blocks > 4)\n\t\tspin_lock'],
      ['\tif (sizeof(blocks) > sizeof(long))\n\t\tspin_unlock', '\tif (blocks > 4)\n\t\tspin_unlock'],
    );
    assert.ok(byValue.of('unreleased-lock', 'xs_copy_blocks').length > 0, byValue.describe());
  });
});
