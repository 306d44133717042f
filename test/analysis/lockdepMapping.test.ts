/**
 * Lockdep reports merged into the static analysis. The sources under test/fixtures/lockdep-src are
 * written to match the reports' functions and lock names (test/fixtures/lockdep/circular.dmesg.txt
 * and lockdep-src/reports/snd-port.syzbot.txt): lock names and frames map onto them, runtime edges
 * join the graph, and the inversions they confirm or reveal are reported.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/findings';
import { normalizeLockName, parseFrame, parseLockdepReport, type StackFrame } from '../../server/src/analysis/lockdep';
import {
  acquisitionInSources,
  applyLockdep,
  locateFrame,
  mapLockName,
  Workspace,
  type LockdepInput,
  type LockMapping,
} from '../../server/src/analysis/lockdepMerge';
import { analyzeTexts, type AnalysisInput, type ProgramAnalysis, type ProgramOptions } from '../../server/src/analysis/program';
import { describeFindings, repoRoot } from './engineHelpers';

const SRC = 'test/fixtures/lockdep-src';
const FS_H = `${SRC}/include/linux/fs.h`;
const FOO_C = `${SRC}/drivers/misc/foo_dev.c`;
const SND_C = `${SRC}/sound/core/snd_port.c`;
const CIRCULAR = 'test/fixtures/lockdep/circular.dmesg.txt';
const SYZBOT = `${SRC}/reports/snd-port.syzbot.txt`;
const PROC = 'test/fixtures/lockdep/proc-lockdep.txt';

function read(path: string): string {
  return readFileSync(join(repoRoot(), path), 'utf8');
}

function sources(...paths: string[]): AnalysisInput[] {
  return paths.map((file) => ({ file, text: read(file) }));
}

function analysisOf(inputs: AnalysisInput[], options?: ProgramOptions): ProgramAnalysis {
  return analyzeTexts(inputs, options).analysis;
}

function report(path: string, text = read(path)): LockdepInput {
  const parsed = parseLockdepReport(text);
  assert.ok(parsed.ok, `${path} does not parse`);
  return { file: path, report: parsed };
}

/** The 1-based line where `needle`, which may span lines, starts; it must occur once in `path`. */
function lineOf(path: string, needle: string): number {
  const text = read(path);
  const at = text.indexOf(needle);
  assert.ok(at >= 0 && text.indexOf(needle, at + 1) < 0, `${JSON.stringify(needle)} must occur once in ${path}`);
  return text.slice(0, at).split('\n').length;
}

/** A stack as printed, innermost first. */
function stack(...lines: string[]): StackFrame[] {
  return lines.map((text, i) => {
    const frame = parseFrame(text, i, 0);
    assert.ok(frame, `not a frame: ${text}`);
    return frame;
  });
}

function mapped(ws: Workspace, name: string, stacks: StackFrame[][] = []): string {
  const m = mapLockName(ws, normalizeLockName(name), stacks);
  return `${m.classId} (${m.rule ?? m.reason})`;
}

function inversions(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.code === 'lock-order-inversion');
}

/** Two port structs with a `lock` each, a global mutex, and a struct with a field named like a kernel global. */
const PORTS_C = `
struct snd_port { spinlock_t lock; int n; };
struct snd_queue { spinlock_t lock; int n; };
struct mem_pool { spinlock_t pool_lock; };
static DEFINE_MUTEX(registry_mutex);

void snd_port_kick(struct snd_port *port) { spin_lock(&port->lock); port->n++; spin_unlock(&port->lock); }
void snd_queue_flush(struct snd_queue *q) { spin_lock(&q->lock); q->n = 0; spin_unlock(&q->lock); }
void mem_pool_drain(struct mem_pool *p) { spin_lock(&p->pool_lock); spin_unlock(&p->pool_lock); }
void snd_register(void) { mutex_lock(&registry_mutex); mutex_unlock(&registry_mutex); }
`;

const QUEUE_STACK = stack('_raw_spin_lock+0x2f/0x40', 'snd_queue_flush+0x1c/0x80 [snd]', 'snd_timer_fn+0x3a/0x60 [snd]');

describe('lockdep lock names mapped to lock classes', () => {
  it('maps every name form of the reports onto the fixture sources', () => {
    const applied = applyLockdep(analysisOf(sources(FS_H, FOO_C, SND_C)), [report(CIRCULAR), report(SYZBOT), report(PROC)]);
    const table = Object.fromEntries(applied.mappings.map((m: LockMapping) => [m.name, m.rule ? `${m.classId} (${m.rule})` : m.classId]));
    assert.equal(table['&dev->lock'], 'foo_dev.lock (function)');
    assert.equal(table['&foo->mutex/1'], 'foo_ctx.mutex/1 (function)');
    assert.equal(table['&foo->mutex'], 'foo_ctx.mutex (instance)');
    // spinlock_t's inner rlock is the spinlock_t itself.
    assert.equal(table['&(&priv->lock)->rlock'], 'foo_priv.lock (instance)');
    // A lockdep key with nothing of the field in its name: the stack's inline inode_lock() takes only i_rwsem.
    assert.equal(table['&sb->s_type->i_mutex_key#3'], 'inode.i_rwsem (only-lock)');
    assert.equal(table['lock1'], 'lock1 (global)');
    assert.equal(table['&snd->open_mutex'], 'snd_port.open_mutex (function)');
    assert.equal(table['(wq_completion)foo_wq'], 'lockdep:(wq_completion)foo_wq');
    assert.equal(table['cgroup_mutex'], 'lockdep:cgroup_mutex');
  });

  it('takes the only class with the last field, and refuses when two classes share it', () => {
    const one = new Workspace(analysisOf([{ file: 'port.c', text: PORTS_C.replace('struct snd_queue { spinlock_t lock; int n; };', 'struct snd_queue { spinlock_t qlock; int n; };').replace(/q->lock/g, 'q->qlock') }]));
    assert.equal(mapped(one, '&dev->lock'), 'snd_port.lock (field)');
    assert.equal(mapped(one, '&dev->lock/2'), 'snd_port.lock/2 (field)', '/N is the same subclass of the class');

    const two = new Workspace(analysisOf([{ file: 'port.c', text: PORTS_C }]));
    assert.equal(mapped(two, '&dev->lock'), 'lockdep:&dev->lock (ambiguous: `snd_port.lock`, `snd_queue.lock` all end in `lock`)');
    // The expression lockdep printed is how one acquisition writes it: that settles it.
    assert.equal(mapped(two, '&q->lock'), 'snd_queue.lock (instance)');
    // So does the stack that took it.
    assert.equal(mapped(two, '&dev->lock', [QUEUE_STACK]), 'snd_queue.lock (function)');
  });

  it('matches a bare name only as a global, and never takes a lockdep map for a lock', () => {
    const ws = new Workspace(analysisOf([{ file: 'port.c', text: PORTS_C }]));
    assert.equal(mapped(ws, 'registry_mutex'), 'registry_mutex (global)');
    // The kernel's pool_lock is a global, not this struct member.
    assert.equal(mapped(ws, 'pool_lock'), 'lockdep:pool_lock (no lock class in the sources matches)');
    // snd_queue_flush() takes one lock; that names a member's key, never rcu_read_lock or a work item.
    assert.equal(mapped(ws, '&sb->s_type->i_mutex_key#3', [QUEUE_STACK]), 'snd_queue.lock (only-lock)');
    assert.equal(mapped(ws, 'rcu_read_lock', [QUEUE_STACK]), 'lockdep:rcu_read_lock (no lock class in the sources matches)');
    assert.match(mapped(ws, '(work_completion)(&q->work)', [QUEUE_STACK]), /^lockdep:\(work_completion\)\(&q->work\) \(a lockdep map of the work_completion family/);
  });

  it('refuses when the stacks that took a name point at different classes', () => {
    const ws = new Workspace(analysisOf([{ file: 'port.c', text: PORTS_C }]));
    const portStack = stack('_raw_spin_lock+0x2f/0x40', 'snd_port_kick+0x10/0x50 [snd]');
    assert.equal(mapped(ws, '&x->lock', [QUEUE_STACK, portStack]), 'lockdep:&x->lock (the functions that take it take `snd_port.lock`, `snd_queue.lock`)');
  });
});

describe('lockdep frames mapped to the sources', () => {
  const analysis = analysisOf(sources(FS_H, FOO_C, SND_C));
  const ws = new Workspace(analysis);

  it('finds a module frame by function name, compiler suffixes dropped', () => {
    const fn = analysis.functions.find((f) => f.fn.name === 'foo_dev_reset')!.fn;
    for (const text of ['foo_dev_reset+0x2c/0x120 [foo_dev]', 'foo_dev_reset.isra.0+0x2c/0x120 [foo_dev]']) {
      assert.deepEqual(locateFrame(ws, stack(text)[0]), { file: FOO_C, function: 'foo_dev_reset', site: fn.nameRange, chain: [] });
    }
    assert.equal(locateFrame(ws, stack('vfs_write+0x2f4/0x440')[0]), undefined);
  });

  it('places file:line in the program file whose path ends that way', () => {
    const line = lineOf(SND_C, 'mutex_lock(&snd->open_mutex);\n\tsnd->users++');
    const at = locateFrame(ws, stack(`snd_port_open+0x3b/0x120 sound/core/snd_port.c:${line}`)[0]);
    assert.equal(at?.file, SND_C);
    assert.equal(at?.function, 'snd_port_open');
    assert.deepEqual(at?.site.start, { line: line - 1, character: 1 });
    // Another tree's sound/core/snd_port.c is not this one.
    assert.equal(locateFrame(ws, stack(`snd_port_open+0x3b/0x120 other/snd_port.c:${line}`)[0])?.site.start.line, analysis.functions.find((f) => f.fn.name === 'snd_port_open')!.fn.nameRange.start.line);
  });

  it('tells same-named static functions apart only by the file', () => {
    const probe = 'static void probe(struct dev *d) { mutex_lock(&d->m); mutex_unlock(&d->m); }\n';
    const twin = new Workspace(analysisOf([{ file: 'drivers/a.c', text: probe }, { file: 'drivers/b.c', text: probe }]));
    assert.equal(locateFrame(twin, stack('probe+0x1c/0x80 [a]')[0]), undefined);
    assert.equal(locateFrame(twin, stack('probe+0x1c/0x80 drivers/b.c:1')[0])?.file, 'drivers/b.c');
  });

  it('finds where a stack took a lock: the acquisition, or the call out of the sources', () => {
    const taken = acquisitionInSources(ws, stack('__mutex_lock+0x9a/0x940', 'mutex_lock_nested+0x1b/0x30', 'foo_dev_reset+0x2c/0x120 [foo_dev]', 'foo_reset_work+0x7d/0x1b0 [foo_dev]'), 'foo_dev.lock');
    assert.deepEqual([taken?.function, taken && taken.site.start.line + 1], ['foo_dev_reset', lineOf(FOO_C, 'mutex_lock(&dev->lock);\n\tdev->ports = 0')]);
    // The lock was taken in kernel code the sources call: the call in the first function of the sources.
    const outside = acquisitionInSources(ws, stack('__mutex_lock+0x9a/0x940', 'iov_iter_count+0x10/0x40', 'foo_file_write_iter+0x9e/0x1f0 [foo_dev]'), 'lockdep:x');
    assert.deepEqual([outside?.function, outside?.chain, outside && outside.site.start.line + 1], ['foo_file_write_iter', ['iov_iter_count'], lineOf(FOO_C, 'return iov_iter_count(from);')]);
    assert.equal(acquisitionInSources(ws, stack('__mutex_lock+0x9a/0x940', 'kernfs_open+0x10/0x40', 'vfs_open+0x10/0x40'), 'lockdep:x'), undefined);
  });
});

describe('runtime edges merged into the lock graph', () => {
  it('marks each edge static, lockdep or both', () => {
    const analysis = analysisOf(sources(FS_H, FOO_C, SND_C));
    const origins = (inputs: LockdepInput[]) => Object.fromEntries(applyLockdep(analysis, inputs).toJson().edges.map((e) => [e.id, e.origin]));
    const merged = origins([report(CIRCULAR), report(SYZBOT)]);
    assert.equal(merged['foo_ctx.mutex/1 -> foo_dev.lock'], 'both');
    assert.equal(merged['inode.i_rwsem -> foo_ctx.mutex/1'], 'both');
    assert.equal(merged['snd_port.open_mutex -> lock1'], 'both');
    assert.equal(merged['lock1 -> snd_port.open_mutex'], 'lockdep');
    assert.equal(merged['foo_dev.lock -> foo_priv.lock'], 'static');
    assert.equal(merged['lockdep:(wq_completion)foo_wq -> foo_dev.lock'], 'lockdep');
    // /proc/lockdep has that last one too.
    assert.equal(origins([report(PROC)])['foo_dev.lock -> foo_priv.lock'], 'both');
  });

  it('puts a runtime site on the acquisition in the sources, and names the report line', () => {
    const applied = applyLockdep(analysisOf(sources(SND_C)), [report(SYZBOT)]);
    const edge = applied.toJson().edges.find((e) => e.id === 'lock1 -> snd_port.open_mutex')!;
    const line = lineOf(SND_C, 'mutex_lock(&snd->open_mutex);\n\tsnd->users++');
    assert.deepEqual(edge.sites, [
      { file: SND_C, line, column: 2, function: 'snd_port_open', text: `lockdep: &snd->open_mutex taken while holding lock1 (snd-port.syzbot.txt:${lineOf(SYZBOT, '-> #1')})` },
    ]);
    const runtime = applied.runtimeEdges.find((e) => e.to === 'snd_port.open_mutex')!;
    assert.deepEqual([runtime.report.file, runtime.report.range.start.line + 1, runtime.evidence], [SYZBOT, lineOf(SYZBOT, '-> #1'), 'dependency-chain']);
  });

  it('keeps the site in the report when the stack never reaches the sources, and lists unmapped names', () => {
    const applied = applyLockdep(analysisOf(sources(SND_C)), [report(CIRCULAR)]);
    const edge = applied.runtimeEdges.find((e) => e.from === 'lockdep:&foo->mutex/1' && e.to === 'lockdep:&dev->lock');
    assert.ok(edge, applied.runtimeEdges.map((e) => `${e.from} -> ${e.to}`).join('\n'));
    assert.equal(edge.site.file, CIRCULAR);
    assert.equal(edge.site.function, 'foo_dev_reset');
    assert.match(read(CIRCULAR).split('\n')[edge.site.site.start.line], /\]\s+foo_dev_reset\+0x2c\/0x120 \[foo_dev\]$/);
    assert.deepEqual(applied.unmapped.map((m) => m.name), [
      '&dev->lock',
      '&foo->mutex/1',
      '&sb->s_type->i_mutex_key#3',
      '(wq_completion)foo_wq',
      '(work_completion)(&foo->reset_work)',
    ].sort((a, b) => a.localeCompare(b)));
    assert.ok(applied.toJson().nodes.some((n) => n.id === 'lockdep:&dev->lock'));
  });

  it('adds no edge from a class to itself, and does not guess a lock only ever taken outside the sources', () => {
    const applied = applyLockdep(analysisOf(sources(FS_H, FOO_C)), [report('test/fixtures/lockdep/recursive.dmesg.txt')]);
    // `&foo->mutex` taken while holding `&foo->mutex` is a recursion, not an order.
    assert.deepEqual(applied.runtimeEdges.map((e) => `${e.from} -> ${e.to}`), ['lockdep:&dev->mutex -> foo_ctx.mutex']);
    assert.ok([...applied.graph.edges()].every((e) => e.from !== e.to));
    // The driver core's device mutex, though the sources have one class whose field is `mutex`.
    const device = applied.mappings.find((m) => m.name === '&dev->mutex');
    assert.equal(device?.reason, 'only ever taken outside the sources (__driver_attach())');
  });

  it('leaves the analysis as it was', () => {
    const analysis = analysisOf(sources(SND_C));
    const before = JSON.stringify(analysis.toJson());
    const findings = analysis.findings.length;
    applyLockdep(analysis, [report(SYZBOT), report(CIRCULAR)]);
    assert.equal(JSON.stringify(analysis.toJson()), before);
    assert.equal(analysis.findings.length, findings);
  });
});

describe('inversions with runtime evidence', () => {
  it('says a static cycle is confirmed when lockdep saw its edges, and raises it to a warning', () => {
    const analysis = analysisOf(sources(FS_H, FOO_C));
    const [quiet] = inversions(analysis.findings);
    assert.ok(quiet, describeFindings(analysis.findings));
    assert.equal(quiet.severity, 'information', 'a three-call chain alone is shown quietly');
    assert.doesNotMatch(quiet.message, /lockdep/);

    const applied = applyLockdep(analysis, [report(CIRCULAR)]);
    const [confirmed] = inversions(applied.findings);
    assert.equal(inversions(applied.findings).length, 1, describeFindings(applied.findings));
    assert.equal(confirmed.cycleId, quiet.cycleId);
    const chainLines = ['-> #0', '-> #1', '-> #2'].map((n) => lineOf(CIRCULAR, n)).sort((a, b) => a - b);
    assert.match(confirmed.message, new RegExp(`^${escape(quiet.message)} — confirmed at runtime by lockdep \\(circular\\.dmesg\\.txt:\\d+, circular\\.dmesg\\.txt:\\d+, \\+1 more\\)$`));
    const reportLines = confirmed.related.filter((r) => r.file === CIRCULAR).map((r) => r.range.start.line + 1).sort((a, b) => a - b);
    assert.deepEqual(reportLines, chainLines);
    assert.ok(confirmed.sites?.every((s) => s.message.endsWith(confirmed.message.slice(confirmed.message.indexOf(' — ')))));
    assert.equal(confirmed.severity, 'warning');
  });

  it('says a static ABBA is confirmed by the report that saw it', () => {
    const text = read(SND_C).replace('\tmutex_lock(&snd->open_mutex);\n\tsnd->users++;', '\tmutex_lock(&lock1);\n\tmutex_lock(&snd->open_mutex);\n\tsnd->users++;');
    const analysis = analysisOf([{ file: SND_C, text }]);
    const [statically] = inversions(analysis.findings);
    assert.equal(inversions(analysis.findings).length, 1, describeFindings(analysis.findings));
    const [abba] = inversions(applyLockdep(analysis, [report(SYZBOT)]).findings);
    assert.equal(abba.message, `${statically.message} — confirmed at runtime by lockdep (snd-port.syzbot.txt:${lineOf(SYZBOT, '-> #1')}, snd-port.syzbot.txt:${lineOf(SYZBOT, '-> #0')})`);
    assert.deepEqual([abba.file, abba.range, abba.severity], [statically.file, statically.range, statically.severity]);
  });

  it('reports a cycle that a runtime edge closes with a static one, as observed at runtime', () => {
    const analysis = analysisOf(sources(SND_C));
    assert.deepEqual(inversions(analysis.findings), [], 'statically there is only open_mutex -> lock1');
    const applied = applyLockdep(analysis, [report(SYZBOT)]);
    const found = inversions(applied.findings);
    assert.equal(found.length, 1, describeFindings(applied.findings));
    const [inversion] = found;
    assert.deepEqual([...inversion.locks].sort(), ['lock1', 'snd_port.open_mutex']);
    assert.equal(inversion.file, SND_C);
    assert.equal(inversion.function, 'snd_port_open');
    assert.equal(inversion.severity, 'warning');
    assert.match(inversion.message, /^Lock order inversion: `snd_port.open_mutex` is taken while holding `lock1` here, but `lock1` is taken while holding `snd_port.open_mutex` in snd_port_ioctl\(\)/);
    assert.match(inversion.message, / — observed at runtime by lockdep \(snd-port\.syzbot\.txt:\d+, snd-port\.syzbot\.txt:\d+\)$/);
    assert.ok(inversion.related.some((r) => r.file === SYZBOT && r.range.start.line + 1 === lineOf(SYZBOT, '-> #1')));
    assert.equal(inversion.detail, undefined, 'no quick fix edits a runtime site');
    const sites = (inversion.sites ?? []).map((s) => `${s.function}:${s.range.start.line + 1}`);
    assert.equal(new Set(sites).size, sites.length, `a site repeated: ${sites.join(', ')}`);
    assert.deepEqual(applied.cycles, [['lock1', 'snd_port.open_mutex']]);
    assert.equal(applied.toJson().cycles.length, 1);
  });

  it('does not report a static cycle that one outer lock serialises because lockdep saw one of its edges', () => {
    const gated = `
static DEFINE_MUTEX(big_lock);
struct pair { struct mutex a; struct mutex b; };
void ab(struct pair *p) { mutex_lock(&big_lock); mutex_lock(&p->a); mutex_lock(&p->b); mutex_unlock(&p->b); mutex_unlock(&p->a); mutex_unlock(&big_lock); }
void ba(struct pair *p) { mutex_lock(&big_lock); mutex_lock(&p->b); mutex_lock(&p->a); mutex_unlock(&p->a); mutex_unlock(&p->b); mutex_unlock(&big_lock); }
`;
    const proc = 'all lock classes:\n00000000c3d4e5f6 OPS:      12 FD:    1 BD:    2 +.+.: &p->a\n -> [0000000077aa88bb] &p->b\n';
    const analysis = analysisOf([{ file: 'pair.c', text: gated }]);
    assert.deepEqual(inversions(analysis.findings), []);
    const applied = applyLockdep(analysis, [report('proc-lockdep.txt', proc)]);
    assert.deepEqual(applied.runtimeEdges.map((e) => `${e.from} -> ${e.to}`), ['pair.a -> pair.b']);
    assert.deepEqual(inversions(applied.findings), [], describeFindings(applied.findings));
  });

  it('reports a cycle lockdep alone saw, at the report', () => {
    const applied = applyLockdep(analysisOf(sources(SND_C)), [report(CIRCULAR)]);
    const found = inversions(applied.findings);
    assert.equal(found.length, 1, describeFindings(applied.findings));
    assert.equal(found[0].file, CIRCULAR);
    assert.deepEqual([...found[0].locks].sort(), ['lockdep:&dev->lock', 'lockdep:&foo->mutex/1', 'lockdep:&sb->s_type->i_mutex_key#3']);
    assert.match(found[0].message, /observed at runtime by lockdep/);
  });

  it('reports a runtime edge against a declared order', () => {
    const declaredOrders = ['snd_port.open_mutex -> lock1'];
    const analysis = analysisOf(sources(SND_C), { declaredOrders });
    assert.deepEqual(analysis.findings.filter((f) => f.code === 'declared-order-violation'), []);
    const applied = applyLockdep(analysis, [report(SYZBOT)]);
    const violations = applied.findings.filter((f) => f.code === 'declared-order-violation');
    assert.equal(violations.length, 1, describeFindings(applied.findings));
    assert.equal(violations[0].function, 'snd_port_open');
    assert.match(violations[0].message, /against the declared order snd_port.open_mutex -> lock1 .* — observed at runtime by lockdep \(snd-port\.syzbot\.txt:\d+\)$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
