import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { analyzeTexts } from '../../server/src/analysis/program';
import { DiagnosticsPublisher, diagnosticsByFile, SITES_PER_ORDER } from '../../server/src/lsp/diagnostics';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { LspTestClient, fixturePath, uriOf, type Diagnostic } from './lspClient';

const abba = fixturePath('abba.c');
const producer = fixturePath('cross', 'producer.c');
const consumer = fixturePath('cross', 'consumer.c');

function lines(diagnostics: Diagnostic[]): number[] {
  return diagnostics.map((d) => d.range.start.line).sort((a, b) => a - b);
}

describe('language server: initialize', () => {
  it('announces incremental sync, hover, quick fixes and the reindex command', async () => {
    const client = await LspTestClient.start();
    try {
      const { capabilities } = client.initializeResult;
      assert.equal(capabilities.textDocumentSync.change, 2);
      assert.equal(capabilities.textDocumentSync.openClose, true);
      assert.equal(capabilities.hoverProvider, true);
      assert.deepEqual(capabilities.codeActionProvider.codeActionKinds, ['quickfix']);
      assert.deepEqual(capabilities.executeCommandProvider.commands, ['lockorder.reindex']);
      assert.equal(client.initializeResult.serverInfo.name, 'lockorder');
    } finally {
      await client.stop();
    }
  });
});

describe('language server: diagnostics', () => {
  let client: LspTestClient;
  before(async () => {
    // The folder gives the server cross/port.h, where the struct types that name the classes live.
    client = await LspTestClient.start({ folder: fixturePath('cross') });
  });
  after(() => client.stop());

  it('reports an ABBA pair at both acquisitions, each pointing at the other', async () => {
    const uri = uriOf(abba);
    client.open(uri, readFileSync(abba, 'utf8'));
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(lines(diagnostics), [10, 19]);
    for (const d of diagnostics) {
      assert.equal(d.source, 'lockorder');
      assert.equal(d.code, 'lock-order-inversion');
      assert.equal(d.codeDescription?.href, 'https://github.com/lockorder/lockorder#lock-order-inversion');
      assert.equal(d.severity, 2);
      assert.match(d.message, /Lock order inversion/);
      const other = d.range.start.line === 10 ? 19 : 10;
      assert.ok(
        d.relatedInformation?.some((r) => r.location.uri === uri && r.location.range.start.line === other),
        `related information of line ${d.range.start.line} names line ${other}: ${JSON.stringify(d.relatedInformation)}`,
      );
    }
  });

  it('clears a cross-file cycle in both files when one side is reordered', async () => {
    const p = uriOf(producer);
    const c = uriOf(consumer);
    client.open(p, readFileSync(producer, 'utf8'));
    client.open(c, readFileSync(consumer, 'utf8'));
    const [inProducer] = await client.waitForDiagnostics(p, (d) => d.length === 1);
    const [inConsumer] = await client.waitForDiagnostics(c, (d) => d.length === 1);
    assert.equal(inProducer.range.start.line, 6);
    assert.equal(inConsumer.range.start.line, 6);
    assert.ok(inProducer.relatedInformation?.some((r) => r.location.uri === c), 'the producer side links to the consumer');
    assert.ok(inConsumer.relatedInformation?.some((r) => r.location.uri === p), 'the consumer side links to the producer');

    // `mutex_lock(&q->lock); mutex_lock(&p->lock);` becomes p then q: two edits in one change.
    client.change(c, 2, [
      { range: { start: { line: 5, character: 13 }, end: { line: 5, character: 14 } }, text: 'p' },
      { range: { start: { line: 6, character: 13 }, end: { line: 6, character: 14 } }, text: 'q' },
    ]);
    await client.waitForDiagnostics(c, (d) => d.length === 0, 'consumer.c cleared');
    await client.waitForDiagnostics(p, (d) => d.length === 0, 'producer.c cleared');
  });

  it('applies severity settings live: error, then off', async () => {
    const uri = uriOf(abba);
    await client.waitForDiagnostics(uri, (d) => d.length === 2);
    client.settings = { severity: { 'lock-order-inversion': 'error' } };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, (d) => d.length === 2 && d.every((x) => x.severity === 1), 'severity error');
    client.settings = { severity: { 'lock-order-inversion': 'off' } };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'inversions turned off');
    client.settings = { severity: { 'lock-order-inversion': 'loud' } };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, (d) => d.length === 2 && d.every((x) => x.severity === 2), 'back to the default');
    const warning = await client.waitFor('a warning', () => client.serverRequests.find((r) => r.method === 'window/showMessageRequest' && r.params.type === 2));
    assert.match(warning.params.message, /One setting is not valid; defaults apply instead/);
    assert.ok(client.logLines().some((l) => l.includes('lockorder.severity.lock-order-inversion: expected one of')));
    client.settings = {};
    client.notify('workspace/didChangeConfiguration', { settings: null });
  });

  it('re-extracts with the project\'s own lock functions when lockorder.lockApis changes', async () => {
    const uri = 'file:///tmp/lockorder-settings/custom.c';
    client.open(
      uri,
      [
        'void one(struct inode *i, struct super *s) { fs_lock(&i->lock); fs_lock(&s->lock); fs_unlock(&s->lock); fs_unlock(&i->lock); }',
        'void two(struct inode *i, struct super *s) { fs_lock(&s->lock); fs_lock(&i->lock); fs_unlock(&i->lock); fs_unlock(&s->lock); }',
        '',
      ].join('\n'),
    );
    const before = await client.waitForDiagnostics(uri, () => true, 'the first analysis of custom.c');
    assert.deepEqual(before, []);
    client.settings = {
      lockApis: [
        { name: 'fs_lock', kind: 'mutex', role: 'acquire' },
        { name: 'fs_unlock', kind: 'mutex', role: 'release' },
      ],
    };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const after = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(after.map((d) => [d.code, d.range.start.line]).sort(), [['lock-order-inversion', 0], ['lock-order-inversion', 1]]);
    client.settings = {};
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
    client.notify('textDocument/didClose', { textDocument: { uri } });
  });

  it('clears the diagnostics of a document when it is closed', async () => {
    const uri = uriOf(abba);
    client.notify('textDocument/didClose', { textDocument: { uri } });
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
  });
});

describe('diagnostics of a cycle with many sites', () => {
  // Six functions take `a` then `b`, two take `b` then `a`: eight diagnostics for one cycle.
  const forward = [0, 1, 2, 3, 4, 5].map((i) => `void forward${i}(void) { spin_lock(&a); spin_lock(&b); spin_unlock(&b); spin_unlock(&a); }`);
  const backward = [0, 1].map((i) => `void backward${i}(void) { spin_lock(&b); spin_lock(&a); spin_unlock(&a); spin_unlock(&b); }`);
  const text = ['static DEFINE_SPINLOCK(a);', 'static DEFINE_SPINLOCK(b);', ...forward, ...backward, ''].join('\n');
  const file = 'file:///busy.c';
  const diagnostics = diagnosticsByFile(analyzeTexts([{ file, text }]).findings, {}).get(file) ?? [];
  const forwardLines = forward.map((_, i) => i + 2);
  const backwardLines = backward.map((_, i) => i + 8);
  const relatedLines = (d: LspDiagnostic) => (d.relatedInformation ?? []).map((r) => r.location.range.start.line);

  it('shows the cycle at every site', () => {
    assert.deepEqual(diagnostics.map((d) => d.range.start.line).sort((a, b) => a - b), [...forwardLines, ...backwardLines]);
  });

  it('names every site of the opposite order when there are few', () => {
    for (const d of diagnostics.filter((d) => forwardLines.includes(d.range.start.line))) {
      for (const line of backwardLines) assert.ok(relatedLines(d).includes(line), `line ${d.range.start.line} names line ${line}: ${JSON.stringify(relatedLines(d))}`);
    }
  });

  it(`names the ${SITES_PER_ORDER} nearest other sites of each order, then one more entry at the next saying how many are left`, () => {
    for (const d of diagnostics) {
      const own = d.range.start.line;
      const related = d.relatedInformation ?? [];
      const more = related.filter((r) => r.message.startsWith('… and'));
      const named = related.filter((r) => !more.includes(r)).map((r) => r.location.range.start.line).filter((line) => forwardLines.includes(line));
      assert.equal(named.length, SITES_PER_ORDER, `line ${own}: ${JSON.stringify(relatedLines(d))}`);
      assert.ok(!named.includes(own), 'a site is not related to itself');
      const others = forwardLines.filter((line) => line !== own);
      const unnamed = others.filter((line) => !named.includes(line));
      const distance = (line: number) => Math.abs(line - own);
      assert.ok(Math.max(...named.map(distance)) <= Math.min(...unnamed.map(distance)), `line ${own} names the nearest: ${named}`);
      // Only the forward order has more sites than the cap: one entry for it, at the nearest unnamed site.
      assert.equal(more.length, 1, JSON.stringify(related));
      const next = more[0].location.range.start.line;
      assert.ok(unnamed.includes(next) && unnamed.every((line) => distance(next) <= distance(line)), `line ${own}: the next is line ${next}`);
      const left = others.length - SITES_PER_ORDER;
      assert.equal(more[0].message, `… and ${left} more ${left === 1 ? 'place takes' : 'places take'} \`a\` before \`b\``);
      const keys = related.map((r) => JSON.stringify(r));
      assert.equal(new Set(keys).size, keys.length, 'no entry twice');
    }
  });
});

describe('diagnostics of a cycle with many sites in two files', () => {
  // Four functions in each file take `dev.a` then `dev.b`; one in the second takes them the other way.
  const struct = 'struct dev { spinlock_t a; spinlock_t b; };';
  const forward = (tag: string) =>
    [0, 1, 2, 3].map((i) => `void ${tag}_forward${i}(struct dev *d) { spin_lock(&d->a); spin_lock(&d->b); spin_unlock(&d->b); spin_unlock(&d->a); }`);
  const first = 'file:///first.c';
  const second = 'file:///second.c';
  const texts = [
    { file: first, text: [struct, ...forward('first'), ''].join('\n') },
    {
      file: second,
      text: [struct, ...forward('second'), 'void second_backward(struct dev *d) { spin_lock(&d->b); spin_lock(&d->a); spin_unlock(&d->a); spin_unlock(&d->b); }', ''].join('\n'),
    },
  ];
  const byFile = diagnosticsByFile(analyzeTexts(texts).findings, {});
  const forwardIn = (d: LspDiagnostic, uri: string) =>
    (d.relatedInformation ?? []).filter((r) => r.location.uri === uri && !r.message.startsWith('… and') && r.location.range.start.line <= 4);

  it('names the sites of the diagnostic\'s own file first', () => {
    const backward = byFile.get(second)!.find((d) => d.range.start.line === 5)!;
    assert.equal(forwardIn(backward, second).length, SITES_PER_ORDER, JSON.stringify(backward.relatedInformation));
    assert.equal(forwardIn(backward, first).length, 0, 'no site of the other file before those of its own');
    for (const d of byFile.get(first)!) {
      assert.equal(forwardIn(d, first).length, SITES_PER_ORDER, `${d.range.start.line}: ${JSON.stringify(d.relatedInformation)}`);
      // The other file is still linked: its backward site, and the rest of the forward order at the next site.
      assert.ok(d.relatedInformation!.some((r) => r.location.uri === second && r.location.range.start.line === 5));
      const more = d.relatedInformation!.filter((r) => r.message.startsWith('… and'));
      assert.deepEqual(more.map((r) => [r.location.uri, r.message]), [[second, '… and 4 more places take `dev.a` before `dev.b`']]);
    }
  });
});

describe('publishing diagnostics', () => {
  const abbaText = readFileSync(abba, 'utf8');
  const uri = 'file:///abba.c';
  const byFile = (text: string) => diagnosticsByFile(analyzeTexts([{ file: uri, text }]).findings, {});

  it('sends a file again only when one of its diagnostics differs, whether the objects are new or kept', () => {
    const sent: number[] = [];
    const publisher = new DiagnosticsPublisher((_, diagnostics) => sent.push(diagnostics.length));
    const open = new Set([uri]);
    const first = byFile(abbaText);
    publisher.update(first, open, false);
    publisher.update(first, open, false);
    publisher.update(byFile(abbaText), open, false);
    assert.deepEqual(sent, [2], 'the same diagnostics, as the same or as new objects, are sent once');
    publisher.update(byFile(`\n${abbaText}`), open, false);
    assert.deepEqual(sent, [2, 2], 'moved diagnostics are sent');
    publisher.update(byFile(abbaText.replace('mutex_lock(&table_lock);\n\tmutex_lock(&stats_lock);', 'mutex_lock(&stats_lock);\n\tmutex_lock(&table_lock);')), open, false);
    assert.deepEqual(sent, [2, 2, 0], 'and so is a clean file');
  });
});
