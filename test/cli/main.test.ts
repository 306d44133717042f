/**
 * The whole command, in process, with a stand-in engine: everything main does around the analysis.
 * (Runs against the real engine are end-to-end tests that spawn bin/lockorder.js.)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LockorderConfig } from '../../server/src/config';
import type { AnalysisResult, SourceFile } from '../../server/src/cli/engineBoundary';
import { main } from '../../server/src/cli/main';
import { finding, repoRoot, sampleResult, site, SAMPLE_GRAPH } from './helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lockorder-main-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(root, 'p-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  /** What the engine was given, or undefined if it was never called. */
  engineCall?: { sources: readonly SourceFile[]; config: LockorderConfig };
}

async function run(argv: string[], cwd: string, result: AnalysisResult = sampleResult(), options: { tty?: boolean; throws?: Error; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let engineCall: Run['engineCall'];
  const status = await main(
    argv,
    {
      cwd,
      env: options.env ?? {},
      stdout: { write: (s: string) => (stdout += s), isTTY: options.tty },
      stderr: { write: (s: string) => (stderr += s), isTTY: options.tty },
    },
    (sources, config, _jobs, _lockdep, _phaseEnded, onProgress) => {
      engineCall = { sources, config };
      if (options.throws) throw options.throws;
      sources.forEach((_, i) => onProgress?.(i + 1, sources.length));
      return result;
    },
  );
  return { status, stdout, stderr, engineCall };
}

const warningOnly: AnalysisResult = {
  findings: [finding('lock-order-inversion', 'warning', site('a.c', 0, 0, 'f'), 'inverted', ['x', 'y'])],
  graph: SAMPLE_GRAPH,
};

test('text report on stdout, summary on stderr, exit 1 for a warning under the default --fail-on', async () => {
  const dir = project({ 'a.c': 'int a;\n', 'sub/b.h': 'int b;\n', 'README': 'not C' });
  const r = (await run(['.'], dir, warningOnly));
  assert.deepEqual(r.engineCall?.sources, [
    { file: 'a.c', path: path.join(dir, 'a.c'), bytes: 7 },
    { file: 'sub/b.h', path: path.join(dir, 'sub/b.h'), bytes: 7 },
  ]);
  assert.equal(r.stdout, 'a.c:1:1: warning: inverted [lock-order-inversion]\n');
  assert.equal(r.stderr, '1 finding (0 errors, 1 warning) in 2 files\n');
  assert.equal(r.status, 1);
  assert.equal((await run(['--fail-on', 'error', '.'], dir, warningOnly)).status, 0);
});

test('json and sarif go to stdout, or to the -o file with nothing on stdout', async () => {
  const dir = project({ 'a.c': '' });
  const json = JSON.parse((await run(['--format', 'json', 'a.c'], dir)).stdout);
  assert.equal(json.findings.length, 4);
  const withOut = project({ 'a.c': '', 'out/.keep': '' });
  const r = (await run(['--format=sarif', '-o', 'out/report.sarif', '--fail-on=never', 'a.c'], withOut));
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
  assert.equal(JSON.parse(fs.readFileSync(path.join(withOut, 'out/report.sarif'), 'utf8')).runs[0].results.length, 4);
  assert.equal(r.stderr, '4 findings (1 error, 2 warnings, 1 note) in 1 file\n');
});

test('-o writes the file relative to the working directory; an unwritable -o is exit 2', async () => {
  const dir = project({ 'a.c': '' });
  const r = (await run(['-o', 'report.txt', '--no-color', 'a.c'], dir));
  assert.equal(r.status, 1);
  assert.match(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), /^src\/abba\.c:8:2: warning: /);
  const bad = (await run(['-o', 'no/such/dir/report.txt', 'a.c'], dir));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^lockorder: cannot write no\/such\/dir\/report\.txt: ENOENT/);
});

test('the configuration in the working directory is used: ignore globs, size limit, severity overrides', async () => {
  const dir = project({
    '.lockorder.json': JSON.stringify({ ignore: ['gen/**'], maxFileBytes: 10, severity: { 'lock-order-inversion': 'off' } }),
    'a.c': 'int a;\n',
    'big.c': 'int big_enough;\n',
    'gen/g.c': 'int g;\n',
  });
  const r = (await run(['.'], dir, warningOnly));
  assert.deepEqual(r.engineCall?.sources.map((i) => i.file), ['a.c']);
  assert.deepEqual(r.engineCall?.config, { ignore: ['gen/**'], maxFileBytes: 10, severity: { 'lock-order-inversion': 'off' } });
  assert.equal(r.stdout, '', 'the only finding was turned off');
  assert.equal(r.stderr, 'lockorder: skipping big.c: file is 16 bytes, over the limit of 10 (maxFileBytes)\n0 findings (0 errors, 0 warnings) in 1 file, 1 skipped\n');
  assert.equal(r.status, 0);
});

test('input errors exit 2 before the engine runs: bad or missing config, missing PATH, missing lockdep file', async () => {
  const dir = project({ 'a.c': '', 'bad.json': '{"ignore": 3, "colour": true}' });
  const cases: [string[], string][] = [
    [['--config', 'bad.json', 'a.c'], 'lockorder: bad.json: colour: unknown key (allowed: lockApis, ignore, severity, maxFileBytes, declaredOrders)\nlockorder: bad.json: ignore: expected an array of strings, got number 3\n'],
    [['--config', 'none.json', 'a.c'], 'lockorder: cannot read config none.json: no such file\n'],
    [['--config', '.', 'a.c'], 'lockorder: cannot read config .: is a directory\n'],
    [['a.c', 'missing.c', 'gone/'], 'lockorder: missing.c: no such file or directory\nlockorder: gone/: no such file or directory\n'],
    [['--lockdep', 'lockdep.txt', 'a.c'], 'lockorder: cannot read lockdep report lockdep.txt: no such file\n'],
  ];
  for (const [argv, stderr] of cases) {
    const r = await run(argv, dir);
    assert.deepEqual([r.status, r.stderr, r.stdout, r.engineCall], [2, stderr, '', undefined], argv.join(' '));
  }
});

test('usage errors exit 2 with a pointer to --help; --help and --version exit 0 on stdout', async () => {
  const dir = project({});
  const usage = (await run(['--format', 'xml', 'a.c'], dir));
  assert.deepEqual([usage.status, usage.stderr], [2, "lockorder: invalid --format 'xml' (expected text, json, sarif, html)\nTry 'lockorder --help' for more information.\n"]);
  const help = (await run(['--help'], dir));
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: lockorder \[options\] PATH\.\.\./);
  const version = (await run(['--version'], dir));
  assert.equal(version.status, 0);
  assert.equal(version.stdout, `lockorder ${JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).version}\n`);
});

test('an engine failure is an internal error with exit 2, not a crash', async () => {
  const dir = project({ 'a.c': '' });
  const r = (await run(['a.c'], dir, sampleResult(), { throws: new Error('boom') }));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^lockorder: internal error: Error: boom\n/);
});

test('--format html inlines the graph page and the graph; without the built page it is an input error', async () => {
  const built = ['graph.js', 'graph.css'].every((f) => fs.existsSync(path.join(repoRoot(), 'out/webview', f)));
  const r = (await run(['--format', 'html', 'a.c'], project({ 'a.c': '' })));
  if (built) {
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^<!DOCTYPE html>/i);
    assert.match(r.stdout, /<title>Lock order: a\.c<\/title>/);
    const embedded = /<script type="application\/json" id="lockorder-data">(.*?)<\/script>/s.exec(r.stdout);
    assert.ok(embedded, 'the graph is embedded as JSON data');
    assert.deepEqual(JSON.parse(embedded[1]), SAMPLE_GRAPH);
  } else {
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^lockorder: html format not available: .*graph\.(js|css)/);
    assert.equal(r.engineCall, undefined);
  }
});

test('progress appears only on a terminal and only for long runs, and is erased before the summary', async () => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 201; i++) many[`f${String(i).padStart(3, '0')}.c`] = '';
  const dir = project(many);
  const quiet = (await run(['.'], dir, { findings: [], graph: SAMPLE_GRAPH }));
  assert.equal(quiet.stderr, '0 findings (0 errors, 0 warnings) in 201 files\n');
  const tty = (await run(['.'], dir, { findings: [], graph: SAMPLE_GRAPH }, { tty: true }));
  assert.ok(tty.stderr.includes('\r[16/201] files'), JSON.stringify(tty.stderr.slice(0, 80)));
  assert.ok(tty.stderr.endsWith('\r[201/201] files\r\x1b[K0 findings (0 errors, 0 warnings) in 201 files\n'));
  const few = (await run(['f000.c'], dir, { findings: [], graph: SAMPLE_GRAPH }, { tty: true }));
  assert.equal(few.stderr, '0 findings (0 errors, 0 warnings) in 1 file\n');
});

test('colour only on a terminal, and never with --no-color, NO_COLOR or -o', async () => {
  const dir = project({ 'a.c': '' });
  assert.match((await run(['a.c'], dir, warningOnly, { tty: true })).stdout, /\x1b\[/);
  assert.doesNotMatch((await run(['--no-color', 'a.c'], dir, warningOnly, { tty: true })).stdout, /\x1b\[/);
  assert.doesNotMatch((await run(['a.c'], dir, warningOnly)).stdout, /\x1b\[/);
  assert.doesNotMatch((await run(['a.c'], dir, warningOnly, { tty: true, env: { NO_COLOR: '1' } })).stdout, /\x1b\[/);
  assert.doesNotMatch((await run(['-o', 'r.txt', 'a.c'], dir, warningOnly, { tty: true })).stdout + fs.readFileSync(path.join(dir, 'r.txt'), 'utf8'), /\x1b\[/);
});

test('LOCKORDER_TIMINGS prints each phase of a run with its wall and CPU time on stderr, in order; the report is unchanged', async () => {
  const dir = project({ 'a.c': 'static DEFINE_MUTEX(a);\nstatic DEFINE_MUTEX(b);\nvoid f(void) { mutex_lock(&a); mutex_lock(&b); mutex_unlock(&b); mutex_unlock(&a); }\n' });
  const runWithEnv = async (env: Record<string, string>) => {
    let stdout = '';
    let stderr = '';
    const status = await main(['--format', 'json', 'a.c'], { cwd: dir, env, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { status, stdout, stderr };
  };
  const plain = await runWithEnv({});
  const timed = await runWithEnv({ LOCKORDER_TIMINGS: '1' });
  assert.doesNotMatch(plain.stderr, /timing/);
  assert.equal(timed.stdout, plain.stdout);
  assert.equal(JSON.parse(timed.stdout).graph.edges.length, 1);
  const phases = [...timed.stderr.matchAll(/^lockorder: timing: (\w+) \d+\.\d\d s wall, \d+\.\d\d s cpu$/gm)].map((m) => m[1]);
  assert.deepEqual(phases, ['files', 'extraction', 'summaries', 'graph', 'inversions', 'findings', 'report']);
  assert.equal(timed.stderr.split('\n').filter((line) => line !== '').length, phases.length + 1, 'only the timings and the summary');
});
