/** Statement sites packed into one number (`Span`): exact both ways, or left a range where they do not fit. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { rangeOfSpan, spanAt, spanMovedBy, spanOf, type Range } from '../../server/src/analysis/sites';

const range = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

describe('spans', () => {
  it('pack a range into a number and back, exactly, up to the largest that fits', () => {
    for (const r of [range(0, 0, 0, 0), range(12, 4, 12, 30), range(7, 2047, 8, 0), range(2 ** 22 - 1, 2047, 2 ** 22 - 1 + 511, 2047), range(100, 0, 611, 5)]) {
      const span = spanOf(r);
      assert.equal(typeof span, 'number', JSON.stringify(r));
      assert.ok(Number.isSafeInteger(span));
      assert.deepEqual(rangeOfSpan(span), r);
    }
  });

  it('keep a range that does not fit as a range: a long line, a long statement, a huge file', () => {
    for (const r of [range(3, 2048, 3, 2100), range(3, 1, 3, 4000), range(5, 0, 517, 1), range(2 ** 22, 0, 2 ** 22, 1)]) {
      assert.deepEqual(spanOf(r), r);
      assert.deepEqual(rangeOfSpan(spanOf(r)), r);
    }
  });

  it('survive JSON, which the worker threads send facts as', () => {
    const span = spanAt(2 ** 22 - 1, 2047, 2 ** 22 - 1 + 511, 2047);
    assert.equal(JSON.parse(JSON.stringify({ site: span })).site, span);
  });

  it('move by whole lines, down and up, and into a range where a packed one no longer fits', () => {
    assert.deepEqual(rangeOfSpan(spanMovedBy(spanOf(range(10, 3, 11, 4)), 5)), range(15, 3, 16, 4));
    assert.deepEqual(rangeOfSpan(spanMovedBy(spanOf(range(10, 3, 11, 4)), -10)), range(0, 3, 1, 4));
    assert.deepEqual(spanMovedBy(spanOf(range(2 ** 22 - 1, 0, 2 ** 22 - 1, 1)), 1), range(2 ** 22, 0, 2 ** 22, 1));
    assert.deepEqual(spanMovedBy(range(3, 2048, 3, 2100), 2), range(5, 2048, 5, 2100));
  });
});
