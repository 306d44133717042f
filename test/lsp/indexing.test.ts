import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, fixturePath, uriOf } from './lspClient';

/** A scratch copy of the fixture workspace, which the tests change on disk. */
function scratchWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockorder-lsp-'));
  cpSync(fixturePath(), dir, { recursive: true });
  return dir;
}

function progressOf(client: LspTestClient, from = 0) {
  return client.notifications.slice(from).filter((n) => n.method === '$/progress').map((n) => n.params.value);
}

const ABBA_PTHREAD = `#include <pthread.h>
static pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER, y = PTHREAD_MUTEX_INITIALIZER;
void one(void) { pthread_mutex_lock(&x); pthread_mutex_lock(&y); pthread_mutex_unlock(&y); pthread_mutex_unlock(&x); }
void two(void) { pthread_mutex_lock(&y); pthread_mutex_lock(&x); pthread_mutex_unlock(&x); pthread_mutex_unlock(&y); }
`;

describe('language server: workspace index', () => {
  let dir: string;
  let client: LspTestClient;
  before(async () => {
    dir = scratchWorkspace();
    writeFileSync(path.join(dir, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 0]));
    writeFileSync(path.join(dir, 'huge.c'), `/* ${'x'.repeat(5000)} */\n`);
    client = await LspTestClient.start({
      folder: dir,
      settings: { diagnostics: { workspace: true }, ignore: ['vendor/**'], maxFileBytes: 4000 },
    });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes in the background with a work-done progress, k/N files', async () => {
    await client.waitFor('progress end', () => progressOf(client).find((v) => v.kind === 'end'));
    assert.ok(client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create'));
    const [begin, ...rest] = progressOf(client);
    assert.equal(begin.kind, 'begin');
    assert.equal(begin.title, 'Lockorder: indexing');
    assert.equal(begin.cancellable, true);
    // Five sources and blob.c (found binary only when read); vendor/ is ignored, huge.c too large.
    assert.match(begin.message, /^\d+\/6 files$/);
    assert.equal(rest[rest.length - 1].kind, 'end');
  });

  it('publishes diagnostics for unopened files when workspace diagnostics are on, not for ignored ones', async () => {
    for (const file of ['abba.c', 'unicode.c', 'cross/producer.c', 'cross/consumer.c']) {
      const diagnostics = await client.waitForDiagnostics(uriOf(path.join(dir, file)), (d) => d.length > 0);
      assert.ok(diagnostics.every((d) => d.code === 'lock-order-inversion'), file);
    }
    assert.equal(client.diagnostics.has(uriOf(path.join(dir, 'vendor', 'imported.c'))), false);
  });

  it('logs each skipped file once, with the reason', () => {
    const logs = client.logLines();
    const blob = logs.filter((l) => l.includes('blob.c'));
    const huge = logs.filter((l) => l.includes('huge.c'));
    assert.equal(blob.length, 1, logs.join('\n'));
    assert.match(blob[0], /skipped .*blob\.c: binary file/);
    assert.equal(huge.length, 1, logs.join('\n'));
    assert.match(huge[0], /skipped .*huge\.c: file is \d+ bytes, over the limit of 4000/);
  });

  it('follows created, changed and deleted files reported by the watcher', async () => {
    assert.ok(
      client.serverRequests.some((r) => r.method === 'client/registerCapability' && r.params.registrations.some((g: { method: string }) => g.method === 'workspace/didChangeWatchedFiles')),
      'the server asks to watch C files',
    );
    const late = path.join(dir, 'late.c');
    writeFileSync(late, ABBA_PTHREAD);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(late), type: 1 }] });
    await client.waitForDiagnostics(uriOf(late), (d) => d.length === 2);

    writeFileSync(late, '/* nothing left */\n');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(late), type: 2 }] });
    await client.waitForDiagnostics(uriOf(late), (d) => d.length === 0);

    const producer = uriOf(path.join(dir, 'cross', 'producer.c'));
    unlinkSync(path.join(dir, 'cross', 'consumer.c'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(dir, 'cross', 'consumer.c')), type: 3 }] });
    await client.waitForDiagnostics(producer, (d) => d.length === 0, 'the cycle gone with consumer.c');
  });

  it('re-indexes on the lockorder.reindex command', async () => {
    const from = client.notifications.length;
    await client.request('workspace/executeCommand', { command: 'lockorder.reindex', arguments: [] });
    const end = await client.waitFor('second progress end', () => progressOf(client, from).find((v) => v.kind === 'end'));
    assert.ok(end);
    assert.equal(progressOf(client, from)[0].kind, 'begin');
  });
});

describe('language server: cancelling the index', () => {
  let dir: string;
  let client: LspTestClient;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lockorder-lsp-many-'));
    for (let i = 0; i < 400; i++) {
      writeFileSync(path.join(dir, `f${i}.c`), `struct s${i} { spinlock_t lock; };\nvoid f${i}(struct s${i} *s) { spin_lock(&s->lock); spin_unlock(&s->lock); }\n`);
    }
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops when the user cancels the progress, keeping what was read', async () => {
    client = await LspTestClient.start({ folder: dir });
    const begin = await client.waitForNotification('$/progress', (p) => p.value.kind === 'begin');
    client.notify('window/workDoneProgress/cancel', { token: begin.token });
    await client.waitForNotification('$/progress', (p) => p.token === begin.token && p.value.kind === 'end');
    const stopped = await client.waitFor('the log line', () => client.logLines().find((l) => /indexing stopped after \d+\/400 files/.test(l)));
    const indexed = Number(/after (\d+)\//.exec(stopped)![1]);
    assert.ok(indexed < 400, stopped);
    const status = await client.waitForNotification('lockorder/status', (s) => s.state === 'ready');
    assert.equal(status.total, 400);
  });
});

describe('language server: a document opened as the server starts', () => {
  let dir: string;
  let client: LspTestClient;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lockorder-lsp-first-'));
    for (let i = 0; i < 200; i++) {
      writeFileSync(path.join(dir, `f${i}.c`), `struct s${i} { spinlock_t lock; };\nvoid f${i}(struct s${i} *s) { spin_lock(&s->lock); spin_unlock(&s->lock); }\n`);
    }
    writeFileSync(path.join(dir, 'abba.c'), ABBA_PTHREAD);
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets its diagnostics before the folders are walked', async () => {
    client = await LspTestClient.start({ folder: dir });
    const uri = uriOf(path.join(dir, 'abba.c'));
    client.open(uri, ABBA_PTHREAD);
    await client.waitForDiagnostics(uri, (d) => d.length > 0);
    await client.waitForNotification('lockorder/status', (s) => s.state === 'indexing');
    const order = client.notifications.map((n) =>
      n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri ? 'diagnostics' : n.method === 'lockorder/status' && n.params.state === 'indexing' ? 'walk' : '',
    );
    assert.ok(order.indexOf('diagnostics') < order.indexOf('walk'), order.filter((o) => o).join(', '));
  });
});
