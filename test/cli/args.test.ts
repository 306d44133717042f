import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type CliOptions } from '../../server/src/cli/args';

function options(argv: string[]): CliOptions {
  const parsed = parseArgs(argv);
  assert.equal(parsed.kind, 'run', JSON.stringify(parsed));
  return (parsed as { options: CliOptions }).options;
}

function usageError(argv: string[]): string {
  const parsed = parseArgs(argv);
  assert.equal(parsed.kind, 'usage', `expected a usage error for ${JSON.stringify(argv)}, got ${JSON.stringify(parsed)}`);
  return (parsed as { message: string }).message;
}

test('defaults: text report on stdout, fail on warnings, colour allowed', () => {
  assert.deepEqual(options(['kernel/']), { format: 'text', failOn: 'warning', lockdepFiles: [], color: true, paths: ['kernel/'] });
});

test('every option, in separate and --opt=value forms', () => {
  const parsed = options([
    '--format', 'sarif', '-o', 'out.sarif', '--config=ci.json', '--fail-on', 'error',
    '--lockdep', 'a.txt', '--lockdep=b.txt', '--jobs', '4', '--no-color', 'fs', 'mm/slab.c',
  ]);
  assert.deepEqual(parsed, {
    format: 'sarif', output: 'out.sarif', config: 'ci.json', failOn: 'error', lockdepFiles: ['a.txt', 'b.txt'],
    jobs: 4, color: false, paths: ['fs', 'mm/slab.c'],
  });
});

test('options and paths may be interleaved; the last repeat of a single-valued option wins', () => {
  const parsed = options(['a.c', '--format', 'json', 'b.c', '--format=text', '--output', 'r.txt']);
  assert.deepEqual(parsed.paths, ['a.c', 'b.c']);
  assert.equal(parsed.format, 'text');
  assert.equal(parsed.output, 'r.txt');
});

test('-- ends the options, so a path may start with a dash', () => {
  assert.deepEqual(options(['--', '-weird.c', '--format']).paths, ['-weird.c', '--format']);
});

test('help and version win over everything else, even a missing PATH or a bad option value after them', () => {
  assert.equal(parseArgs(['--help']).kind, 'help');
  assert.equal(parseArgs(['-h', 'x.c']).kind, 'help');
  assert.equal(parseArgs(['--version']).kind, 'version');
});

test('usage errors say what is wrong', () => {
  assert.equal(usageError([]), 'no PATH given');
  assert.equal(usageError(['--no-color']), 'no PATH given');
  assert.equal(usageError(['--frobnicate', 'a.c']), "unknown option '--frobnicate'");
  assert.equal(usageError(['--format=xml', 'a.c']), "invalid --format 'xml' (expected text, json, sarif, html)");
  assert.equal(usageError(['--fail-on', 'info', 'a.c']), "invalid --fail-on 'info' (expected error, warning, never)");
  assert.equal(usageError(['a.c', '-o']), "option '-o' needs a value");
  assert.equal(usageError(['--config=', 'a.c']), "option '--config' needs a non-empty value");
  assert.equal(usageError(['-x', 'a.c']), "unknown option '-x'");
  assert.equal(usageError(['--no-color=yes', 'a.c']), "unknown option '--no-color'");
});

test('--jobs takes a whole number from 1 to 1024', () => {
  assert.equal(options(['--jobs', '1', 'a.c']).jobs, 1);
  for (const bad of ['0', '-1', '1.5', 'two', '4x', '1025']) {
    assert.match(usageError(['--jobs', bad, 'a.c']), /^invalid --jobs/, bad);
  }
});
