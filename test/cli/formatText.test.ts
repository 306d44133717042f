import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummary, formatText } from '../../server/src/cli/formatText';
import { finding, sampleResult, site, SAMPLE_GRAPH } from './helpers';

test('gcc-style lines, 1-based, sorted by file and position, related sites indented as notes', () => {
  assert.equal(
    formatText(sampleResult(), { color: false }),
    [
      'src/abba.c:8:2: warning: dev.b_lock taken while holding dev.a_lock; backward() takes them in the opposite order [lock-order-inversion]',
      '  src/abba.c:7:2: note: dev.a_lock taken here',
      'src/abba.c:16:2: warning: dev.a_lock taken while holding dev.b_lock; forward() takes them in the opposite order [lock-order-inversion]',
      '  src/abba.c:15:2: note: dev.b_lock taken here',
      '  src/abba.c:8:2: note: forward() takes dev.b_lock while holding dev.a_lock',
      'src/double.c:21:2: error: dev.a_lock is already held here [double-lock]',
      '  src/double.c:19:2: note: dev.a_lock first taken here',
      'src/odd näme.c:3:1: note: unlock of a lock that is not held [unlock-unheld]',
      '',
    ].join('\n'),
  );
});

test('no findings, no output', () => {
  assert.equal(formatText({ findings: [], graph: SAMPLE_GRAPH }, { color: false }), '');
});

test('colour follows gcc: bold locus, red error, magenta warning, cyan note; nothing else changes', () => {
  const result = { findings: [finding('double-lock', 'error', site('a.c', 0, 0, 'f'), 'held twice', ['l'])], graph: SAMPLE_GRAPH };
  const coloured = formatText(result, { color: true });
  assert.equal(coloured, '\x1b[1ma.c:1:1:\x1b[0m \x1b[1;31merror:\x1b[0m held twice \x1b[1;31m[double-lock]\x1b[0m\n');
  assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), formatText(result, { color: false }));
});

test('the summary counts by severity, with plurals, and mentions skipped files only when there are some', () => {
  const { findings } = sampleResult();
  assert.equal(formatSummary(findings, 12, 0), '4 findings (1 error, 2 warnings, 1 note) in 12 files');
  assert.equal(formatSummary(findings.slice(0, 1), 1, 2), '1 finding (1 error, 0 warnings) in 1 file, 2 skipped');
  assert.equal(formatSummary([], 0, 0), '0 findings (0 errors, 0 warnings) in 0 files');
});
