import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Severity } from '../../server/src/analysis/findings';
import { exitCodeFor } from '../../server/src/cli/exitCode';
import { finding, site } from './helpers';

const withSeverities = (...severities: Severity[]) =>
  severities.map((s, i) => finding('double-lock', s, site('a.c', i, 0, 'f'), 'm', ['l']));

test('no findings: 0 whatever the threshold', () => {
  for (const failOn of ['error', 'warning', 'never'] as const) assert.equal(exitCodeFor([], failOn), 0);
});

test('--fail-on warning (the default) fails on warnings and errors only', () => {
  assert.equal(exitCodeFor(withSeverities('warning'), 'warning'), 1);
  assert.equal(exitCodeFor(withSeverities('error'), 'warning'), 1);
  assert.equal(exitCodeFor(withSeverities('information', 'hint'), 'warning'), 0);
});

test('--fail-on error ignores warnings', () => {
  assert.equal(exitCodeFor(withSeverities('warning', 'information'), 'error'), 0);
  assert.equal(exitCodeFor(withSeverities('warning', 'error'), 'error'), 1);
});

test('--fail-on never always passes', () => {
  assert.equal(exitCodeFor(withSeverities('error', 'error'), 'never'), 0);
});
