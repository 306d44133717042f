/**
 * The language server's workspace index on a hostile tree: a directory symlink back to its parent
 * (a loop), a symlink to itself, and a directory nobody may read. Indexing must finish, analyse
 * every real file once, and log each thing it left out once, with the reason.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, uriOf } from '../lsp/lspClient';

const ABBA = (a: string, b: string) => `#include <pthread.h>
static pthread_mutex_t ${a} = PTHREAD_MUTEX_INITIALIZER, ${b} = PTHREAD_MUTEX_INITIALIZER;
void ${a}_then_${b}(void) { pthread_mutex_lock(&${a}); pthread_mutex_lock(&${b}); pthread_mutex_unlock(&${b}); pthread_mutex_unlock(&${a}); }
void ${b}_then_${a}(void) { pthread_mutex_lock(&${b}); pthread_mutex_lock(&${a}); pthread_mutex_unlock(&${a}); pthread_mutex_unlock(&${b}); }
`;

describe('language server: indexing a workspace with a symlink loop and an unreadable directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockorder-hostile-'));
  const closed = path.join(dir, 'closed');
  writeFileSync(path.join(dir, 'top.c'), ABBA('x', 'y'));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'inner.c'), ABBA('p', 'q'));
  symlinkSync('..', path.join(dir, 'sub', 'up'));
  symlinkSync('self.c', path.join(dir, 'self.c'));
  mkdirSync(closed);
  writeFileSync(path.join(closed, 'hidden.c'), ABBA('m', 'n'));
  chmodSync(closed, 0o000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ folder: dir, settings: { diagnostics: { workspace: true } } });
    await client.waitFor('indexing to finish', () => client.notifications.find((n) => n.method === '$/progress' && n.params.value.kind === 'end'));
  });
  after(async () => {
    await client.stop();
    chmodSync(closed, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes, and analyses each real file once', async () => {
    for (const file of ['top.c', 'sub/inner.c']) {
      await client.waitForDiagnostics(uriOf(path.join(dir, file)), (d) => d.length === 2 && d.every((x) => x.code === 'lock-order-inversion'));
    }
    const published = [...client.diagnostics.keys()].filter((uri) => uri.includes('/up/'));
    assert.deepEqual(published, [], 'nothing is analysed again through the loop');
  });

  it('logs the loop and the self-link once each, with the reason', () => {
    const logs = client.logLines();
    const loop = logs.filter((l) => l.includes(`${path.join('sub', 'up')}:`));
    assert.equal(loop.length, 1, logs.join('\n'));
    assert.match(loop[0], /skipped .*sub\/up: symlink loop back to /);
    const self = logs.filter((l) => l.includes('self.c'));
    assert.equal(self.length, 1, logs.join('\n'));
    assert.match(self[0], /skipped .*self\.c: symlink loop/);
  });

  it('logs the unreadable directory once and goes on', { skip: canStillRead(closed) && 'running as root: permissions are not enforced' }, () => {
    const logs = client.logLines().filter((l) => l.includes(closed));
    assert.equal(logs.length, 1, client.logLines().join('\n'));
    assert.match(logs[0], /skipped .*closed: permission denied/);
    assert.equal(client.diagnostics.has(uriOf(path.join(closed, 'hidden.c'))), false);
  });

  it('still answers hover once a file is opened after the walk', async () => {
    const file = path.join(dir, 'top.c');
    client.open(uriOf(file), ABBA('x', 'y'));
    // Line 2: `void x_then_y(void) { pthread_mutex_lock(&x); …`
    const ask = () => client.request('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: { line: 2, character: 30 } });
    const hover = await client.retry('hover in top.c', ask, (h) => h !== null);
    assert.match(hover.contents.value, /Lock `x`/);
  });
});

function canStillRead(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
