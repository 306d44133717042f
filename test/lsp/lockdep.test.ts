/**
 * Lockdep reports in the language server. The workspace is test/fixtures/lockdep-src, whose made-up
 * driver and sound port are written to match the reports' functions and lock names
 * (test/fixtures/lockdep/circular.dmesg.txt, lockdep-src/reports/snd-port.syzbot.txt): a report
 * opened as a `lockdep` document links into them, gets diagnostics of its own, and its edges join
 * the analysis while it is open; a report imported by request stays until cleared.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, repoRoot, uriOf, type Diagnostic } from './lspClient';

const SRC = path.join(repoRoot(), 'test', 'fixtures', 'lockdep-src');
const FOO_C = path.join(SRC, 'drivers', 'misc', 'foo_dev.c');
const FS_H = path.join(SRC, 'include', 'linux', 'fs.h');
const SND_C = path.join(SRC, 'sound', 'core', 'snd_port.c');
const SYZBOT = path.join(SRC, 'reports', 'snd-port.syzbot.txt');
const CIRCULAR = path.join(repoRoot(), 'test', 'fixtures', 'lockdep', 'circular.dmesg.txt');
const PROC = path.join(repoRoot(), 'test', 'fixtures', 'lockdep', 'proc-lockdep.txt');

/** snd_port_open() takes lock1 before the open mutex, against the ioctl: a static ABBA the syzbot report saw. */
const SND_ABBA = readFileSync(SND_C, 'utf8').replace('\tmutex_lock(&snd->open_mutex);\n\tsnd->users++;', '\tmutex_lock(&lock1);\n\tmutex_lock(&snd->open_mutex);\n\tsnd->users++;');

interface Link {
  range: Diagnostic['range'];
  target: string;
  tooltip?: string;
}

/** The 0-based line where `needle`, which may span lines, starts; it must occur once in `text`. */
function lineIn(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0 && text.indexOf(needle, at + 1) < 0, `${JSON.stringify(needle)} must occur once`);
  return text.slice(0, at).split('\n').length - 1;
}

function lineOf(file: string, needle: string): number {
  return lineIn(readFileSync(file, 'utf8'), needle);
}

/** The 0-based line and column of `needle` on the one line of `file` that contains `lineNeedle`. */
function placeOf(file: string, lineNeedle: string, needle = lineNeedle): { line: number; character: number } {
  const line = lineOf(file, lineNeedle);
  const character = readFileSync(file, 'utf8').split('\n')[line].indexOf(needle);
  assert.ok(character >= 0, `${needle} on line ${line + 1} of ${file}`);
  return { line, character };
}

/** `file:///…/foo.c#L36,2`, for a 0-based line and column. */
function target(file: string, line: number, character: number): string {
  return `${uriOf(file)}#L${line + 1},${character + 1}`;
}

function linkAt(links: Link[], at: { line: number; character: number }): Link | undefined {
  return links.find((l) => l.range.start.line === at.line && l.range.start.character === at.character);
}

function mentionsLockdep(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((d) => /lockdep/.test(d.message));
}

describe('language server: lockdep reports', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ folder: SRC });
    // Links and notes are about the whole program: let the walk finish first.
    await client.waitForNotification('lockorder/status', (s) => s.state === 'ready' && s.files >= 3);
  });
  after(() => client.stop());

  const openReport = (uri: string, text: string) => client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lockdep', version: 1, text } });
  const openFixture = (file: string) => openReport(uriOf(file), readFileSync(file, 'utf8'));
  const close = (uri: string) => client.notify('textDocument/didClose', { textDocument: { uri } });
  const links = (uri: string): Promise<Link[]> => client.request('textDocument/documentLink', { textDocument: { uri } });
  const inversionsIn = (uri: string, accept: (d: Diagnostic[]) => boolean, what: string) =>
    client.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'lock-order-inversion').length === 2 && accept(d), what);

  it('announces document links', () => {
    assert.deepEqual(client.initializeResult.capabilities.documentLinkProvider, { resolveProvider: false });
  });

  it('links frames to where their function takes the lock, printed lines to the file, lock names to their first acquisition', async () => {
    const uri = uriOf(CIRCULAR);
    openFixture(CIRCULAR);
    const found = await links(uri);
    const resetLock = placeOf(FOO_C, 'mutex_lock(&dev->lock);\n\tdev->ports = 0', 'mutex_lock');

    // `at: foo_dev_reset+0x2c/0x120 [foo_dev]` of the lock being taken: the acquisition of dev->lock.
    const at = placeOf(CIRCULAR, 'at: foo_dev_reset+0x2c/0x120', 'foo_dev_reset');
    assert.equal(linkAt(found, at)?.target, target(FOO_C, resetLock.line, resetLock.character));
    // foo_dev_configure() takes i_rwsem through its callees: the call that leads there.
    const configure = placeOf(CIRCULAR, 'foo_dev_configure+0x5c/0x200', 'foo_dev_configure');
    const call = placeOf(FOO_C, 'ret = foo_dev_probe_ports(dev);', 'foo_dev_probe_ports');
    const configureLink = linkAt(found, configure);
    assert.equal(configureLink?.target, target(FOO_C, call.line, call.character));
    assert.match(configureLink?.tooltip ?? '', /^foo_dev_configure\(\) via foo_dev_probe_ports\(\) → foo_dev_create_node\(\) → inode_lock\(\)/);
    // The inline frame's function is the header's inode_lock(), which takes the rwsem itself.
    const inline = placeOf(CIRCULAR, 'inode_lock include/linux/fs.h:804 [inline]', 'inode_lock');
    const downWrite = placeOf(FS_H, 'down_write(&inode->i_rwsem);', 'down_write');
    assert.equal(linkAt(found, inline)?.target, target(FS_H, downWrite.line, downWrite.character));
    // An unreliable frame of the backtrace names the function, not a call.
    const unsure = placeOf(CIRCULAR, '[   12.345855]  ? foo_dev_reset', 'foo_dev_reset');
    const definition = placeOf(FOO_C, 'static void foo_dev_reset(', 'foo_dev_reset');
    assert.equal(linkAt(found, unsure)?.target, target(FOO_C, definition.line, definition.character));
    // A lock name: the first acquisition of its class.
    const name = placeOf(CIRCULAR, '(&dev->lock){+.+.}-{3:3}, at: foo_dev_reset', '&dev->lock');
    assert.equal(linkAt(found, name)?.target, target(FOO_C, resetLock.line, resetLock.character));

    // Kernel code, and a workqueue's lockdep map, are not in the sources.
    assert.equal(linkAt(found, placeOf(CIRCULAR, 'vfs_write+0x2f4/0x440', 'vfs_write')), undefined);
    assert.equal(linkAt(found, placeOf(CIRCULAR, '#0: ffff888100a5e538 ((wq_completion)foo_wq)', '(wq_completion)foo_wq')), undefined);
    assert.ok(found.every((l) => l.target.startsWith(uriOf(SRC))), found.map((l) => l.target).join('\n'));
    close(uri);
  });

  it('links a symbolized frame to the acquisition on its line, and its file:line to that line', async () => {
    const uri = uriOf(SYZBOT);
    openFixture(SYZBOT);
    const found = await links(uri);
    const lock1 = placeOf(SND_C, 'mutex_lock(&lock1);', 'mutex_lock');
    const frame = placeOf(SYZBOT, 'at: snd_port_ioctl+0x6c/0x1e0 sound/core/snd_port.c:27', 'snd_port_ioctl');
    assert.equal(lock1.line + 1, 27, 'the fixture has lock1 taken on the printed line');
    assert.equal(linkAt(found, frame)?.target, target(SND_C, lock1.line, lock1.character));
    const printed = placeOf(SYZBOT, 'at: snd_port_ioctl+0x6c/0x1e0 sound/core/snd_port.c:27', 'sound/core/snd_port.c:27');
    assert.equal(linkAt(found, printed)?.target, target(SND_C, 26, 0));
    // fs/open.c is not in the workspace.
    assert.equal(linkAt(found, placeOf(SYZBOT, 'do_dentry_open+0x8da/0x18c0 fs/open.c:955', 'fs/open.c:955')), undefined);
    close(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the closed report cleared');
  });

  it('puts a summary on each report, and notes the lock names no class matches', async () => {
    const uri = uriOf(CIRCULAR);
    openFixture(CIRCULAR);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    const [summary, ...rest] = diagnostics;
    const title = placeOf(CIRCULAR, 'WARNING: possible circular locking dependency detected', 'WARNING');
    assert.deepEqual(summary.range, { start: title, end: { line: title.line, character: title.character + 'WARNING: possible circular locking dependency detected'.length } });
    assert.equal(summary.severity, 2);
    assert.equal(summary.code, 'lockdep-report');
    assert.equal(
      summary.message,
      'possible circular locking dependency: `foo_ctx.mutex/1` → `foo_dev.lock` → `inode.i_rwsem` → `foo_ctx.mutex/1`; statically known: yes (3 of 3 edges)',
    );
    // Each edge the static analysis knows, at its static site.
    const related = (summary.relatedInformation ?? []).map((r) => `${path.basename(r.location.uri)}:${r.location.range.start.line}`).sort();
    const sites = [
      lineOf(FOO_C, 'foo_dev_reset(foo->dev);'),
      lineOf(FOO_C, 'ret = foo_dev_probe_ports(dev);'),
      lineOf(FOO_C, 'foo_dev_sync(foo);'),
    ].map((line) => `foo_dev.c:${line}`);
    assert.deepEqual(related, sites.sort());
    assert.deepEqual(
      rest.map((d) => [d.code, d.severity, d.range.start.line, d.message]),
      [
        ['lockdep-unmapped-lock', 3, lineOf(CIRCULAR, '#0: ffff888100a5e538'), '`(wq_completion)foo_wq` matches no lock in the sources: a lockdep map of the wq_completion family, not a lock in the sources'],
        [
          'lockdep-unmapped-lock',
          3,
          lineOf(CIRCULAR, '#1: ffffc90000b2fe78'),
          '`(work_completion)(&foo->reset_work)` matches no lock in the sources: a lockdep map of the work_completion family, not a lock in the sources',
        ],
      ],
    );

    // An edit that unmakes the title leaves no report: the notes follow the text.
    client.change(uri, 2, [{ range: { start: title, end: { line: title.line, character: title.character + 'WARNING'.length } }, text: 'NOTICE' }]);
    const [edited] = await client.waitForDiagnostics(uri, (d) => d.length === 1 && d[0].code === 'lockdep-unusable', 'the notes of the edited report');
    assert.match(edited.message, /^No lockdep report/);
    close(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the closed report cleared');
  });

  it('counts what a /proc/lockdep file adds', async () => {
    const uri = uriOf(PROC);
    openFixture(PROC);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'lockdep-report'));
    const note = diagnostics.find((x) => x.code === 'lockdep-report')!;
    assert.equal(note.range.start.line, lineOf(PROC, 'cgroup_mutex\n'));
    assert.match(note.message, /^\/proc\/lockdep: \d+ lock dependencies, [1-9]\d* between locks of the sources, [1-9]\d* of them statically known$/);
    close(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the closed report cleared');
  });

  it('says a static ABBA is confirmed at runtime while its report is open, and stops when it is closed', async () => {
    const snd = uriOf(SND_C);
    client.open(snd, SND_ABBA);
    const statically = await inversionsIn(snd, () => true, 'the static ABBA');
    assert.ok(!mentionsLockdep(statically), statically.map((d) => d.message).join('\n'));

    const report = uriOf(SYZBOT);
    openFixture(SYZBOT);
    const chainLines = [lineOf(SYZBOT, '-> #1'), lineOf(SYZBOT, '-> #0')].map((l) => `snd-port.syzbot.txt:${l + 1}`).join(', ');
    const confirmed = await inversionsIn(snd, (d) => d.every((x) => x.message.includes('confirmed at runtime')), 'the ABBA confirmed');
    for (const d of confirmed) {
      assert.ok(d.message.endsWith(` — confirmed at runtime by lockdep (${chainLines})`), d.message);
      assert.ok(d.relatedInformation?.some((r) => r.location.uri === report && r.location.range.start.line === lineOf(SYZBOT, '-> #1')));
    }
    const [summary] = await client.waitForDiagnostics(report, (d) => d.length > 0);
    assert.equal(summary.message, 'possible circular locking dependency: `snd_port.open_mutex` → `lock1` → `snd_port.open_mutex`; statically known: yes (2 of 2 edges)');

    // Hover on `mutex_lock(&lock1)` in snd_port_open(): the cycle and the order lockdep saw.
    const lock1 = lineIn(SND_ABBA, '\tmutex_lock(&lock1);\n\tmutex_lock(&snd->open_mutex);\n\tsnd->users++;');
    const hover = await client.request('textDocument/hover', { textDocument: { uri: snd }, position: { line: lock1, character: 3 } });
    assert.match(hover.contents.value, /- `(lock1|snd_port\.open_mutex)` → `(?!\1)(lock1|snd_port\.open_mutex)` → `\1` — confirmed at runtime by lockdep/);
    assert.match(hover.contents.value, /- `snd_port.open_mutex` ⚠, 2 sites, 1 seen at runtime by lockdep: /);

    close(report);
    const after = await inversionsIn(snd, (d) => !mentionsLockdep(d), 'the confirmation gone with the report');
    assert.deepEqual(after.map((d) => d.message).sort(), statically.map((d) => d.message).sort());
  });

  it('imports a report by request, serves its edges in the graph, and forgets it on clear', async () => {
    const snd = uriOf(SND_C);
    const edgeOrigin = async (id: string) => {
      const { graph } = await client.request('lockorder/graph', { uri: snd });
      return graph.edges.find((e: { id: string }) => e.id === id)?.origin;
    };
    assert.equal(await edgeOrigin('lock1 -> snd_port.open_mutex'), 'static');

    const result = await client.request('lockorder/importLockdep', { text: readFileSync(SYZBOT, 'utf8'), source: uriOf(SYZBOT) });
    assert.deepEqual(result, { key: uriOf(SYZBOT), splats: 1, edges: 2, confirmed: 1, newCycles: 0, unmapped: [] });
    await inversionsIn(snd, (d) => d.every((x) => x.message.includes('confirmed at runtime by lockdep (snd-port.syzbot.txt:')), 'the imported confirmation');
    assert.equal(await edgeOrigin('lock1 -> snd_port.open_mutex'), 'both');
    assert.equal(await edgeOrigin('snd_port.open_mutex -> lock1'), 'both');

    assert.deepEqual(await client.request('lockorder/clearLockdep', null), { cleared: 1 });
    await inversionsIn(snd, (d) => !mentionsLockdep(d), 'the confirmation cleared');
    assert.equal(await edgeOrigin('lock1 -> snd_port.open_mutex'), 'static');
    assert.deepEqual(await client.request('lockorder/clearLockdep', null), { cleared: 0 });
  });

  it('imports from the clipboard under that name, and points nothing into it', async () => {
    const result = await client.request('lockorder/importLockdep', { text: readFileSync(CIRCULAR, 'utf8'), source: 'clipboard' });
    assert.equal(result.key, 'clipboard');
    assert.equal(result.error, undefined);
    assert.equal(result.confirmed, 1, 'the driver\'s static cycle');
    assert.deepEqual(result.unmapped, ['(work_completion)(&foo->reset_work)', '(wq_completion)foo_wq']);
    const foo = uriOf(FOO_C);
    client.open(foo, readFileSync(FOO_C, 'utf8'));
    const confirmed = await client.waitForDiagnostics(foo, (d) => d.length === 3 && d.every((x) => x.message.includes('confirmed at runtime by lockdep (clipboard:')));
    // A confirmed cycle is no longer shown quietly; nothing points into the clipboard, which is no file.
    assert.ok(confirmed.every((d) => d.severity === 2));
    assert.ok(confirmed.every((d) => d.relatedInformation?.every((r) => r.location.uri.startsWith('file:'))));
    assert.ok(![...client.diagnostics.keys()].includes('clipboard'));
    await client.request('lockorder/clearLockdep', null);
    await client.waitForDiagnostics(foo, (d) => d.length === 3 && !mentionsLockdep(d), 'the clipboard import cleared');
    client.notify('textDocument/didClose', { textDocument: { uri: foo } });
  });

  it('survives garbage, truncated and oversized reports, and says why it cannot use them', async () => {
    const garbage = 'file:///tmp/lockorder-lockdep/garbage.lockdep';
    openReport(garbage, readFileSync(process.execPath).subarray(0, 64 * 1024).toString('latin1'));
    const [binary] = await client.waitForDiagnostics(garbage, (d) => d.length > 0);
    assert.deepEqual([binary.code, binary.severity, binary.message], ['lockdep-unusable', 2, 'Lockorder cannot use this lockdep report: The input looks binary, not a kernel log.']);
    assert.deepEqual(await links(garbage), []);

    const prose = 'file:///tmp/lockorder-lockdep/dmesg-boot.txt';
    openReport(prose, '[    0.000000] Linux version 6.6.30\n[    1.000000] lock(&dev->lock); foo+0x1/0x2 -> #0 (\n');
    const [nothing] = await client.waitForDiagnostics(prose, (d) => d.length > 0);
    assert.match(nothing.message, /^No lockdep report, \/proc\/lockdep or \/proc\/lockdep_chains content here/);

    const text = readFileSync(CIRCULAR, 'utf8');
    const cut = 'file:///tmp/lockorder-lockdep/cut.splat';
    openReport(cut, text.slice(0, text.indexOf('[   12.345731] -> #0')));
    const truncated = (await client.waitForDiagnostics(cut, (d) => d.some((x) => x.code === 'lockdep-report'))).find((x) => x.code === 'lockdep-report')!;
    assert.match(truncated.message, /^possible circular locking dependency: .*; the report is cut short before its stack backtrace$/);

    // 9 MiB of log lines: over the 8 MiB limit, opened or imported.
    const huge = `${'[   12.345678] foo_dev: x\n'.repeat(Math.ceil((9 * 1024 * 1024) / 26))}`;
    const big = 'file:///tmp/lockorder-lockdep/huge.lockdep';
    openReport(big, huge);
    const [tooLarge] = await client.waitForDiagnostics(big, (d) => d.length > 0);
    assert.match(tooLarge.message, /larger than the 8 MiB limit/);
    const refused = await client.request('lockorder/importLockdep', { text: huge, source: 'clipboard' });
    assert.match(refused.error, /larger than the 8 MiB limit/);
    const binaryImport = await client.request('lockorder/importLockdep', { text: '\0\0\0', source: 'clipboard' });
    assert.match(binaryImport.error, /looks binary/);
    const malformed = await client.request('lockorder/importLockdep', { text: 42 });
    assert.match(malformed.error, /expected \{ text: string, source: string \}/);
    // Nothing was kept.
    assert.deepEqual(await client.request('lockorder/clearLockdep', null), { cleared: 0 });

    for (const uri of [garbage, prose, cut, big]) close(uri);
    const { graph } = await client.request('lockorder/graph', {});
    assert.ok(graph.nodes.some((n: { id: string }) => n.id === 'foo_dev.lock'), 'the server still analyses the workspace');
    assert.ok(graph.edges.every((e: { origin: string }) => e.origin === 'static'), 'and no report is left in it');
  });
});
