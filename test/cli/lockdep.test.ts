/**
 * `lockorder --lockdep FILE`: the whole command in process, with the real engine, over the sources
 * written to match the lockdep reports (test/fixtures/lockdep-src).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import { main } from '../../server/src/cli/main';
import { repoRoot, sampleResult } from './helpers';

const SRC = 'test/fixtures/lockdep-src';
const SYZBOT = `${SRC}/reports/snd-port.syzbot.txt`;
const CIRCULAR = 'test/fixtures/lockdep/circular.dmesg.txt';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockorder-lockdep-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  engineCalled: boolean;
}

/** Runs in the repository root; `stubEngine` replaces the analysis to see whether it was reached. */
async function lockorder(argv: string[], options: { stubEngine?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let engineCalled = false;
  const io = { cwd: repoRoot(), env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const stub = () => {
    engineCalled = true;
    return sampleResult();
  };
  const status = options.stubEngine ? await main(argv, io, stub) : await main(argv, io);
  return { status, stdout, stderr, engineCalled: options.stubEngine ? engineCalled : true };
}

function edgeOrigins(graph: GraphJson): Record<string, string> {
  return Object.fromEntries(graph.edges.map((e) => [e.id, e.origin]));
}

test('--lockdep merges the report: JSON edges marked origin lockdep, the new cycle reported', async () => {
  const r = await lockorder(['--format', 'json', '--lockdep', SYZBOT, SRC]);
  const json = JSON.parse(r.stdout);
  const origins = edgeOrigins(json.graph);
  assert.equal(origins['lock1 -> snd_port.open_mutex'], 'lockdep');
  assert.equal(origins['snd_port.open_mutex -> lock1'], 'both');
  assert.equal(origins['foo_dev.lock -> foo_priv.lock'], 'static');
  const observed = json.findings.filter((f: { message: string }) => f.message.includes('observed at runtime by lockdep (snd-port.syzbot.txt:'));
  assert.equal(observed.length, 1, r.stdout);
  assert.match(r.stderr, /^lockorder: lockdep: 2 runtime edges from 1 report; 0 static cycles confirmed, 1 cycle found only with runtime edges\n/m);
  assert.equal(r.status, 1, 'the new inversion is a warning');
});

test('without --lockdep the graph has static edges only', async () => {
  const r = await lockorder(['--format', 'json', SRC]);
  const origins = new Set(Object.values(edgeOrigins(JSON.parse(r.stdout).graph)));
  assert.deepEqual([...origins], ['static']);
  assert.doesNotMatch(r.stderr, /lockdep/);
});

test('--lockdep is repeatable, and names it cannot match are listed on stderr', async () => {
  const r = await lockorder(['--format', 'json', '--lockdep', SYZBOT, `--lockdep=${CIRCULAR}`, SRC]);
  const origins = edgeOrigins(JSON.parse(r.stdout).graph);
  assert.equal(origins['foo_ctx.mutex/1 -> foo_dev.lock'], 'both');
  assert.equal(origins['lockdep:(wq_completion)foo_wq -> foo_dev.lock'], 'lockdep');
  assert.match(r.stderr, /lockdep: 7 runtime edges from 2 reports; 1 static cycle confirmed, 1 cycle found only with runtime edges\n/);
  assert.ok(
    r.stderr.includes(
      'lockorder: lockdep: 2 lock names not matched to a lock in the sources (kept as lockdep:<name>):\n' +
        '  (work_completion)(&foo->reset_work): a lockdep map of the work_completion family, not a lock in the sources\n' +
        '  (wq_completion)foo_wq: a lockdep map of the wq_completion family, not a lock in the sources\n',
    ),
    r.stderr,
  );
});

test('a report over 8 MiB exits 2 with the size, before the analysis', async () => {
  const big = path.join(tmp, 'console.log');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 8 * 1024 * 1024 + 1);
  const r = await lockorder(['--lockdep', big, SRC], { stubEngine: true });
  assert.deepEqual([r.status, r.stdout, r.engineCalled], [2, '', false]);
  assert.equal(r.stderr, `lockorder: lockdep report ${big} is 8388609 bytes, over the 8 MiB limit; pass an excerpt around the report\n`);
});

test('a binary file given as a report exits 2 with a clear message', async () => {
  const binary = path.join(tmp, 'vmcore');
  fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x3e, 0x00]));
  const r = await lockorder(['--lockdep', binary, SRC], { stubEngine: true });
  assert.deepEqual([r.status, r.stdout, r.engineCalled], [2, '', false]);
  assert.equal(r.stderr, `lockorder: cannot use lockdep report ${binary}: The input looks binary, not a kernel log.\n`);
});

test('a log without any lockdep report is noted, and the run goes on', async () => {
  const quiet = path.join(tmp, 'quiet.log');
  fs.writeFileSync(quiet, '[    0.000000] Linux version 6.6.30-foo\n[    1.000000] foo_dev: probed\n');
  const r = await lockorder(['--fail-on', 'never', '--lockdep', quiet, SRC]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, new RegExp(`^lockorder: lockdep: no lockdep report, /proc/lockdep or /proc/lockdep_chains content in ${quiet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
});
