import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, fixturePath, uriOf } from './lspClient';

const abba = uriOf(fixturePath('abba.c'));

describe('language server: garbage in, answers out', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
    client.open(abba, readFileSync(fixturePath('abba.c'), 'utf8'));
    await client.waitForDiagnostics(abba, (d) => d.length === 2);
  });
  after(() => client.stop());

  /** Hover on `mutex_lock(&table_lock)` in abba.c, from the latest analysis. */
  async function stillAnswers(): Promise<void> {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: abba }, position: { line: 9, character: 15 } });
    assert.match(hover.contents.value, /Lock `table_lock`/);
  }

  it('survives a binary file opened as C', async () => {
    const bytes = readFileSync(process.execPath).subarray(0, 64 * 1024);
    const uri = 'file:///tmp/lockorder-garbage/binary.c';
    client.open(uri, bytes.toString('latin1'));
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the (empty) diagnostics of the binary file');
    await stillAnswers();
  });

  it('survives half-typed C, edited keystroke by keystroke', async () => {
    const uri = 'file:///tmp/lockorder-garbage/typing.c';
    // Every prefix of this function is sent: all but the last are half-typed.
    const text = 'void f(struct dev *d)\n{\n\tspin_lock(&d->lock);\n\tif (d->x) {\n\t\tmutex_lock(&d->m);\n\t}\n}\n';
    client.open(uri, '');
    for (let i = 0; i < text.length; i++) {
      const before = text.slice(0, i);
      const line = before.split('\n').length - 1;
      const character = before.length - before.lastIndexOf('\n') - 1;
      client.change(uri, i + 2, [{ range: { start: { line, character }, end: { line, character } }, text: text[i] }]);
    }
    await stillAnswers();
    const hover = await client.retry('hover in the half-typed file', () =>
      client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 5 } }), (h) => h !== null);
    assert.match(hover.contents.value, /Lock `dev\.lock`/);
  });

  it('survives 10,000 nested braces and still analyses the file', async () => {
    const uri = 'file:///tmp/lockorder-garbage/nested.c';
    // A double lock buried 10,000 blocks deep: past the walker's depth, so no path-dependent report.
    client.open(uri, `void f(void)\n${'{'.repeat(10_000)}spin_lock(&l);spin_lock(&l);${'}'.repeat(10_000)}\n`);
    const diagnostics = await client.waitForDiagnostics(uri, () => true);
    assert.deepEqual(diagnostics, []);
    await stillAnswers();
  });

  it('answers requests about documents it never saw', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.c' }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri: 'file:///nowhere.c' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'lockorder', data: { key: 'nonsense' } }] },
    });
    assert.deepEqual(actions, []);
    client.change('file:///never-opened.c', 3, [{ text: 'int x;' }]);
    await stillAnswers();
  });
});
