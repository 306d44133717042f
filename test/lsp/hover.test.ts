import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, fixturePath, repoRoot, uriOf } from './lspClient';

const abba = uriOf(fixturePath('abba.c'));
const unicode = uriOf(fixturePath('unicode.c'));
const header = uriOf(fixturePath('cross', 'port.h'));

describe('language server: hover', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ folder: fixturePath('cross') });
    client.open(abba, readFileSync(fixturePath('abba.c'), 'utf8'));
    await client.waitForDiagnostics(abba, (d) => d.length === 2);
  });
  after(() => client.stop());

  const hover = (uri: string, line: number, character: number) =>
    client.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });

  it('describes the lock of an acquisition: kind, neighbours with links, cycle, graph link', async () => {
    // `mutex_lock(&table_lock);` in table_insert()
    const result = await hover(abba, 9, 15);
    assert.equal(result.contents.kind, 'markdown');
    const text: string = result.contents.value;
    assert.match(text, /Lock `table_lock`\*\* · mutex \(sleeping\)/);
    assert.match(text, /\*\*Taken while it is held:\*\* 1 lock\n- `stats_lock` ⚠, 1 site: \[abba\.c:11\]\(file:\/\/\/.*\/abba\.c#L11\)/);
    assert.match(text, /\*\*Held when it is taken:\*\* 1 lock\n- `stats_lock` ⚠, 1 site: \[abba\.c:20\]\(file:\/\/\/.*\/abba\.c#L20\)/);
    assert.match(text, /\*\*On 1 cycle\*\*/);
    const link = /\[Show in graph\]\(command:lockorder\.showGraph\?([^)]+)\)/.exec(text);
    assert.ok(link, text);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ focus: 'table_lock', uri: abba }]);
    assert.deepEqual(result.range, { start: { line: 9, character: 1 }, end: { line: 9, character: 24 } });
  });

  it('answers on a release and on the declaration', async () => {
    const release = await hover(abba, 12, 17); // mutex_unlock(&stats_lock)
    assert.match(release.contents.value, /Lock `stats_lock`/);
    const declaration = await hover(abba, 3, 22); // static DEFINE_MUTEX(table_lock);
    assert.match(declaration.contents.value, /Lock `table_lock`/);
  });

  it('answers on a struct field declared in a header', async () => {
    client.open(header, readFileSync(fixturePath('cross', 'port.h'), 'utf8'));
    // The header has no findings to wait for: ask until an analysis that includes it and the indexed
    // producer.c (the other half of the cycle) has landed; the index may still be running.
    const result = await client.retry('hover on port.lock in port.h', () => hover(header, 11, 16), (r) => r !== null && /producer\.c/.test(r.contents.value));
    assert.match(result.contents.value, /Lock `port.lock`\*\* · mutex/);
    assert.match(result.contents.value, /- `rx_queue.lock` ⚠, 1 site: \[producer\.c:7\]/);
  });

  it('says why cycles through a class lockdep splits by key are not reported', async () => {
    const file = path.join(repoRoot(), 'test', 'fixtures', 'engine', 'precision', 'lockdep_key_levels.c');
    const levels = uriOf(file);
    client.open(levels, readFileSync(file, 'utf8'));
    // `spin_lock(&leaf->lock);` in tree_cache_flush(): the node lock is keyed per level.
    const result = await client.retry('hover on tree_node.lock', () => hover(levels, 36, 13), (r) => r !== null);
    const text: string = result.contents.value;
    assert.match(text, /Lock `tree_node.lock`/);
    assert.match(text, /- `tree_cache.lock`, 1 site/);
    assert.doesNotMatch(text, /On 1 cycle|⚠/);
    assert.match(text, /Cycles through it are not reported: lockdep splits it by a key that varies \(lockdep\\_set\\_class\(\)\)\./);
  });

  it('gives nothing away from locks', async () => {
    assert.equal(await hover(abba, 11, 3), null); // entries++;
  });

  it('finds the lock at UTF-16 columns after non-ASCII text, also after an incremental edit', async () => {
    client.open(unicode, readFileSync(fixturePath('unicode.c'), 'utf8'));
    // Line 9: `\tspin_lock(&irq_lock); /* déjà */ spin_lock(&dma_lock);`, the second call at column 34.
    const [before] = await client.waitForDiagnostics(unicode, (d) => d.some((x) => x.range.start.line === 9));
    assert.ok(before);
    const site = (d: { range: { start: { line: number; character: number } } }[]) => d.find((x) => x.range.start.line === 9)!.range.start.character;
    assert.equal(site(client.diagnostics.get(unicode)!), 34);
    assert.match((await hover(unicode, 9, 40)).contents.value, /Lock `dma_lock`/);

    const inserted = '/* «ünï» 🔒 */ ';
    client.change(unicode, 2, [{ range: { start: { line: 9, character: 23 }, end: { line: 9, character: 23 } }, text: inserted }]);
    await client.waitForDiagnostics(unicode, (d) => d.some((x) => x.range.start.line === 9 && x.range.start.character === 34 + inserted.length));
    assert.match((await hover(unicode, 9, 40 + inserted.length)).contents.value, /Lock `dma_lock`/);
    assert.match((await hover(unicode, 9, 5)).contents.value, /Lock `irq_lock`/);
  });

  it('serves the whole graph on lockorder/graph, echoing the current file', async () => {
    const result = await client.request('lockorder/graph', { uri: abba });
    assert.equal(result.currentFile, abba);
    assert.equal(result.graph.version, 1);
    const ids = result.graph.nodes.map((n: { id: string }) => n.id);
    for (const id of ['table_lock', 'stats_lock', 'port.lock', 'rx_queue.lock']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    const cycles = result.graph.cycles.map((c: { nodes: string[] }) => [...c.nodes].sort().join(' '));
    assert.ok(cycles.includes('stats_lock table_lock'), cycles.join('; '));
  });

  it('shows the orders declared in the settings, live', async () => {
    client.settings = { declaredOrders: ['stats_lock -> table_lock'] };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const result = await client.retry('hover naming the declared order', () => hover(abba, 9, 15), (r) => /Declared order/.test(r?.contents.value));
    assert.match(result.contents.value, /\*\*Declared order:\*\*\n- `stats_lock` → `table_lock` \(in the settings\)/);
    await client.waitForDiagnostics(abba, (d) => d.some((x) => x.code === 'declared-order-violation' && x.range.start.line === 10));
    client.settings = {};
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(abba, (d) => d.every((x) => x.code === 'lock-order-inversion'));
  });
});
