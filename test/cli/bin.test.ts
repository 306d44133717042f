/** bin/lockorder.js as a user runs it: a separate process, exit status and streams. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

test('a binary file is skipped with a note and not counted, whether one thread reads the files or several', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockorder-bin-'));
  try {
    fs.copyFileSync(path.join(root, 'test/fixtures/cli/abba.c'), path.join(dir, 'abba.c'));
    fs.writeFileSync(path.join(dir, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    // Enough files for the worker threads to be used.
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `f${i}.c`), `int f${i}(void) { return ${i}; }\n`);
    for (const jobs of ['1', '2']) {
      const r = lockorder('--jobs', jobs, '--fail-on', 'never', dir);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stderr.split('\n').slice(0, -2), [`lockorder: skipping ${path.join(dir, 'blob.c')}: binary file (NUL byte in the first 8 KiB)`], jobs);
      assert.match(r.stderr, /\) in 41 files, 1 skipped\n$/, jobs);
      assert.match(r.stdout, /abba\.c:\d+:\d+: warning: .*\[lock-order-inversion\]/, jobs);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
