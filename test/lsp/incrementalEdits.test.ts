/**
 * Keystrokes as an editor sends them, with the default settings (no debounce: the document is
 * analysed as soon as the engine is idle, keystrokes that arrive meanwhile taken together). The
 * server re-extracts only the functions an edit touched; after every edit its diagnostics must be
 * those of a fresh analysis of the same text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTexts } from '../../server/src/analysis/program';
import { diagnosticsByFile } from '../../server/src/lsp/diagnostics';
import { LspTestClient, type Diagnostic } from './lspClient';

const SOURCE = [
  'static DEFINE_SPINLOCK(a);',
  'static DEFINE_SPINLOCK(b);',
  'static DEFINE_MUTEX(m);',
  '',
  'void unrelated(void)',
  '{',
  '\tmutex_lock(&m);',
  '\tmutex_unlock(&m);',
  '}',
  '',
  'void a_then_b(void)',
  '{',
  '\tspin_lock(&a);',
  '\ttake_b();',
  '\tspin_unlock(&a);',
  '}',
  '',
  'void b_then_a(void)',
  '{',
  '\tspin_lock(&b);',
  '\tspin_lock(&a);',
  '\tspin_unlock(&a);',
  '\tspin_unlock(&b);',
  '}',
  '',
  'static void take_b(void)',
  '{',
  '\tspin_lock(&b);',
  '\tspin_unlock(&b);',
  '}',
  '',
].join('\n');

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

const at = (line: number, character: number): Change['range'] => ({ start: { line, character }, end: { line, character } });

/** What matters of a diagnostic, in a stable order. */
function shown(diagnostics: readonly { range: unknown; message: unknown; relatedInformation?: unknown }[]): string[] {
  return diagnostics.map((d) => JSON.stringify([d.range, d.message, d.relatedInformation ?? []])).sort();
}

describe('language server: keystrokes in a document of several functions', () => {
  const uri = 'file:///tmp/lockorder-incremental/edits.c';
  let client: LspTestClient;
  let document: TextDocument;
  let version = 1;
  before(async () => {
    client = await LspTestClient.start();
    document = TextDocument.create(uri, 'c', version, SOURCE);
    client.open(uri, SOURCE);
  });
  after(() => client.stop());

  /** Sends each change as its own keystroke, at once, then waits for the diagnostics of the final text. */
  async function type(...changes: Change[]): Promise<Diagnostic[]> {
    const previous = JSON.stringify(shown(client.diagnostics.get(uri) ?? []));
    for (const change of changes) {
      version++;
      TextDocument.update(document, [change], version);
      client.change(uri, version, [change]);
    }
    const text = document.getText();
    const expected = shown(diagnosticsByFile(analyzeTexts([{ file: uri, text }]).findings, {}).get(uri) ?? []);
    assert.ok(expected.length > 0, 'the text keeps its inversion');
    assert.notEqual(JSON.stringify(expected), previous, 'the edit moves or changes a diagnostic, so that versions can be told apart');
    return client.waitForDiagnostics(uri, (d) => JSON.stringify(shown(d)) === JSON.stringify(expected), `the diagnostics of:\n${text}`);
  }

  it('publishes the diagnostics of the text as opened', async () => {
    await type();
  });

  it('follows lines added at the top in a burst, taken together', async () => {
    await type(...Array.from({ length: 10 }, () => ({ range: at(0, 0), text: '\n' })));
  });

  it('follows spaces typed one by one before a call that takes part in the inversion', async () => {
    const call = document.getText().split('\n').indexOf('\ttake_b();');
    await type(...Array.from({ length: 4 }, () => ({ range: at(call, 1), text: ' ' })));
  });

  it('moves the diagnostics below a line added inside a function above them', async () => {
    const unrelated = document.getText().split('\n').indexOf('void unrelated(void)');
    await type({ range: at(unrelated + 2, 0), text: '\tcount--;\n' });
  });

  it('follows lines deleted at the top and a renamed function', async () => {
    await type({ range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } }, text: '' });
    const bThenA = document.getText().split('\n').indexOf('void b_then_a(void)');
    await type({ range: at(bThenA, 'void b_then_a'.length), text: '_again' });
  });
});
