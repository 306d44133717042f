import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson, JSON_REPORT_VERSION, type JsonReport } from '../../server/src/cli/formatJson';
import { sampleResult, SAMPLE_GRAPH } from './helpers';

const report = JSON.parse(formatJson(sampleResult(), '1.2.3')) as JsonReport;

test('the envelope: version, tool, findings, and the graph unchanged', () => {
  assert.deepEqual(Object.keys(report), ['version', 'tool', 'findings', 'graph']);
  assert.equal(report.version, JSON_REPORT_VERSION);
  assert.deepEqual(report.tool, { name: 'lockorder', version: '1.2.3' });
  assert.deepEqual(report.graph, SAMPLE_GRAPH);
});

test('a finding with every field, positions 1-based and endColumn just past the end', () => {
  assert.deepEqual(report.findings[1], {
    code: 'lock-order-inversion',
    severity: 'warning',
    message: 'dev.a_lock taken while holding dev.b_lock; forward() takes them in the opposite order',
    file: 'src/abba.c',
    line: 16,
    column: 2,
    endLine: 16,
    endColumn: 11,
    function: 'backward',
    locks: ['dev.b_lock', 'dev.a_lock'],
    related: [
      { file: 'src/abba.c', line: 15, column: 2, function: 'backward', message: 'dev.b_lock taken here' },
      { file: 'src/abba.c', line: 8, column: 2, function: 'forward', message: 'forward() takes dev.b_lock while holding dev.a_lock' },
    ],
    cycleId: 'c0',
  });
});

test('findings are sorted; a finding outside a cycle has cycleId null and an empty function stays empty', () => {
  assert.deepEqual(
    report.findings.map((f) => `${f.file}:${f.line}`),
    ['src/abba.c:8', 'src/abba.c:16', 'src/double.c:21', 'src/odd näme.c:3'],
  );
  assert.equal(report.findings[2].cycleId, null);
  assert.equal(report.findings[3].function, '');
  assert.deepEqual(report.findings[3].related, []);
});

test('output is one JSON document ending in a newline', () => {
  const text = formatJson({ findings: [], graph: SAMPLE_GRAPH }, '1.2.3');
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text).findings, []);
});
