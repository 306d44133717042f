/** bin/lockorder.js as a user runs it: a separate process, exit status and streams. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './helpers';

const root = repoRoot();

function lockorder(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/lockorder.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help prints usage on stdout and exits 0', () => {
  const r = lockorder('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Usage: lockorder \[options\] PATH\.\.\.\n/);
  assert.match(r.stdout, /--fail-on error\|warning\|never/);
  assert.equal(r.stderr, '');
});

test('a usage error exits 2 with the problem on stderr and nothing on stdout', () => {
  const r = lockorder('--format', 'xml', 'test/fixtures/cli/abba.c');
  assert.deepEqual(r, {
    status: 2,
    stdout: '',
    stderr: "lockorder: invalid --format 'xml' (expected text, json, sarif, html)\nTry 'lockorder --help' for more information.\n",
  });
});

test('a nonexistent PATH exits 2 and names the path', () => {
  const r = lockorder('test/fixtures/cli/abba.c', 'test/fixtures/cli/no-such-dir');
  assert.deepEqual(r, { status: 2, stdout: '', stderr: 'lockorder: test/fixtures/cli/no-such-dir: no such file or directory\n' });
});

test('an invalid configuration exits 2 with every problem listed', () => {
  const r = lockorder('--config', 'test/fixtures/cli/bad-config.json', 'test/fixtures/cli/abba.c');
  assert.equal(r.status, 2);
  assert.deepEqual(r.stderr.trimEnd().split('\n'), [
    'lockorder: test/fixtures/cli/bad-config.json: severity.double-lok: unknown finding code (known codes: lock-order-inversion, declared-order-violation, double-lock, unreleased-lock, unlock-unheld, mismatched-unlock, sleep-in-atomic)',
    'lockorder: test/fixtures/cli/bad-config.json: maxFileBytes: expected a positive whole number of bytes, got string "4M"',
  ]);
});
