import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, fixturePath, uriOf, type Diagnostic } from './lspClient';

const abba = uriOf(fixturePath('abba.c'));
const producer = uriOf(fixturePath('cross', 'producer.c'));
const consumer = uriOf(fixturePath('cross', 'consumer.c'));

type TextEdit = { range: Diagnostic['range']; newText: string };

/** Edits as an editor applies a WorkspaceEdit: one incremental change each, last position first. */
function asChanges(edits: TextEdit[]): { range: Diagnostic['range']; text: string }[] {
  return [...edits]
    .sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)
    .map((e) => ({ range: e.range, text: e.newText }));
}

describe('language server: quick fixes', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ folder: fixturePath('cross') });
  });
  after(() => client.stop());

  async function actionsFor(uri: string, diagnostic: Diagnostic) {
    return client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
  }

  it('offers a verified reorder for an ABBA pair; applied, the file analyses clean', async () => {
    client.open(abba, readFileSync(fixturePath('abba.c'), 'utf8'));
    const diagnostics = await client.waitForDiagnostics(abba, (d) => d.length === 2);
    const atStatsReset = diagnostics.find((d) => d.range.start.line === 19)!;
    const actions = await actionsFor(abba, atStatsReset);
    const titles = actions.map((a: { title: string }) => a.title);
    assert.ok(titles.some((t: string) => /^Acquire .* before /.test(t)), titles.join('\n'));
    assert.ok(titles.includes('Ignore `lock-order-inversion` on this line'), titles.join('\n'));
    const preferred = actions.find((a: { isPreferred?: boolean }) => a.isPreferred);
    assert.ok(preferred, 'one fix is preferred');
    assert.equal(preferred.kind, 'quickfix');
    assert.deepEqual(preferred.diagnostics, [atStatsReset]);
    const edits: TextEdit[] = preferred.edit.changes[abba];
    assert.ok(edits.length > 0);
    client.change(abba, 2, asChanges(edits));
    await client.waitForDiagnostics(abba, (d) => d.length === 0, 'abba.c clean after the fix');
  });

  it('fixes a cross-file cycle from either side', async () => {
    client.open(producer, readFileSync(fixturePath('cross', 'producer.c'), 'utf8'));
    client.open(consumer, readFileSync(fixturePath('cross', 'consumer.c'), 'utf8'));
    const [inConsumer] = await client.waitForDiagnostics(consumer, (d) => d.length === 1);
    await client.waitForDiagnostics(producer, (d) => d.length === 1);
    const actions = await actionsFor(consumer, inConsumer);
    const reorders = actions.filter((a: { title: string }) => a.title.startsWith('Acquire'));
    assert.ok(reorders.length > 0, JSON.stringify(actions.map((a: { title: string }) => a.title)));
    const [file] = Object.keys(reorders[0].edit.changes);
    const edits: TextEdit[] = reorders[0].edit.changes[file];
    client.change(file, 2, asChanges(edits));
    await client.waitForDiagnostics(consumer, (d) => d.length === 0, 'consumer.c clean');
    await client.waitForDiagnostics(producer, (d) => d.length === 0, 'producer.c clean');
  });

  it('offers nothing when only other kinds of action are asked for', async () => {
    const diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'lockorder', data: { key: 'k' } };
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri: abba },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['refactor'] },
    });
    assert.deepEqual(actions, []);
  });
});
