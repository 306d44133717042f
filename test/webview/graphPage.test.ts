import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  fixture,
  launchBrowser,
  openWebview,
  showGraph,
  SKIP_WITHOUT_CHROMIUM,
  visibleCounts,
  type Browser,
  type PageGlobals,
  type WebviewPage,
} from './harness';

/** Distinctive theme colours, so that a drawn colour can only have come from the theme. */
const THEME = {
  '--vscode-errorForeground': '#ff1010',
  '--vscode-editorLineNumber-foreground': '#708090',
  '--vscode-editor-background': '#101820',
};
const CYCLE_RGB = 'rgb(255,16,16)';
const EDGE_RGB = 'rgb(112,128,144)';

describe('lock graph page in a VS Code webview', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let browser: Browser;
  const open: WebviewPage[] = [];

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function page(state?: unknown): Promise<WebviewPage> {
    const webview = await openWebview(browser, { theme: THEME, state });
    open.push(webview);
    return webview;
  }

  /** Every test ends here: a page that logged an error or broke its CSP fails the test. */
  async function done(webview: WebviewPage): Promise<void> {
    const violations = await webview.page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations);
    assert.deepEqual([...webview.problems, ...violations], []);
    await webview.page.close();
  }

  function elementStyles(webview: WebviewPage) {
    return webview.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).__lockorderGraph.cy.elements().map((e) => ({
        key: e.data('key') as string,
        cycle: e.hasClass('cycle'),
        colour: String(e.isNode() ? e.style('border-color') : e.style('line-color')),
        lineStyle: e.isEdge() ? String(e.style('line-style')) : '',
        tail: e.isEdge() ? String(e.style('source-arrow-shape')) : '',
      })),
    );
  }

  test('draws the ABBA fixture: two locks, two edges, all in the theme error colour, which it follows', async () => {
    const webview = await page();
    await showGraph(webview, { graph: fixture('abba') });
    assert.deepEqual(await visibleCounts(webview.page), { nodes: 2, edges: 2 });
    const styles = await elementStyles(webview);
    assert.equal(styles.length, 4);
    for (const s of styles) {
      assert.equal(s.cycle, true, s.key);
      assert.equal(s.colour, CYCLE_RGB, s.key);
    }

    // VS Code switches themes by rewriting the variables on <html>; the drawing follows.
    await webview.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).document.documentElement!.style.setProperty('--vscode-errorForeground', '#00ff00'),
    );
    await webview.page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.getElementById('e:lock1->lock2').style('line-color') === 'rgb(0,255,0)',
    );
    await done(webview);
  });

  test('shows cycles and their neighbours by default; runtime-only edges are dashed', async () => {
    const webview = await page();
    await showGraph(webview, { graph: fixture('two-cycles') });
    assert.deepEqual(await visibleCounts(webview.page), { nodes: 8, edges: 8 });
    const styles = new Map((await elementStyles(webview)).map((s) => [s.key, s]));

    const runtimeOnCycle = styles.get('snd_card.controls_lock->snd_port.lock')!;
    assert.equal(runtimeOnCycle.lineStyle, 'dashed');
    assert.equal(runtimeOnCycle.colour, CYCLE_RGB);
    const both = styles.get('mm.mmap_lock->mapping.i_mmap_rwsem')!;
    assert.equal(both.lineStyle, 'solid');
    assert.equal(both.tail, 'circle');
    assert.equal(both.colour, EDGE_RGB);
    assert.notEqual(styles.get('sb.s_umount')!.colour, CYCLE_RGB);
    assert.equal(styles.get('mm.mmap_lock')!.colour, CYCLE_RGB);

    assert.match(await webview.page.locator('.lo-status').innerText(), /^8 of 12 locks, 8 of 11 edges, 2 cycles$/);
    await done(webview);
  });

  test('filters: whole graph, runtime edges, search, current file', async () => {
    const webview = await page();
    const p = webview.page;
    await showGraph(webview, { graph: fixture('two-cycles'), currentFile: 'mm/memory.c' });
    const visibleNodes = () =>
      p.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.nodes().map((n) => n.data('key') as string).sort());

    await p.selectOption('#lo-view', 'all');
    assert.deepEqual(await visibleCounts(p), { nodes: 12, edges: 11 });

    await p.uncheck('#lo-runtime');
    assert.deepEqual(await visibleCounts(p), { nodes: 12, edges: 9 });
    await p.check('#lo-runtime');

    await p.fill('#lo-search', 'snd');
    assert.deepEqual(await visibleCounts(p), { nodes: 4, edges: 4 });
    const matches = await p.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.nodes('.match').length);
    assert.equal(matches, 4);

    await p.fill('#lo-search', 'zone');
    assert.deepEqual(await visibleNodes(), ['mapping.i_mmap_rwsem', 'zone.lock']);
    await p.fill('#lo-search', '');

    await p.selectOption('#lo-view', 'file');
    assert.deepEqual(await visibleNodes(), ['inode.i_rwsem', 'mapping.i_mmap_rwsem', 'mm.mmap_lock']);
    assert.deepEqual(await visibleCounts(p), { nodes: 3, edges: 3 });

    await p.selectOption('#lo-view', 'cycles');
    await p.fill('#lo-search', 'zone');
    assert.deepEqual(await visibleCounts(p), { nodes: 0, edges: 0 });
    assert.match(await p.locator('.lo-status').innerText(), /No lock matches “zone”/);
    await done(webview);
  });

  test('clicking a node lists its sites; clicking a site asks the host to open it', async () => {
    const webview = await page();
    const p = webview.page;
    await showGraph(webview, { graph: fixture('abba') });
    const at = await p.evaluate(() => {
      const cy = (globalThis as unknown as PageGlobals).__lockorderGraph.cy;
      return cy.getElementById('n:lock1').renderedPosition();
    });
    const box = (await p.locator('.lo-graph').boundingBox())!;
    await p.mouse.click(box.x + at.x, box.y + at.y);

    await p.locator('.lo-details h2', { hasText: 'lock1' }).waitFor();
    assert.equal(await p.locator('.lo-site').count(), 2);
    await p.locator('.lo-site', { hasText: 'abba.c:28:2' }).click();
    const message = await webview.waitForPost((m) => m.type === 'openSite');
    assert.deepEqual(message, { type: 'openSite', file: 'examples/abba/abba.c', line: 28, column: 2 });
    await done(webview);
  });

  test('keyboard: Tab to the list, choose an edge, Tab to its site, Enter opens it', async () => {
    const webview = await page();
    const p = webview.page;
    await showGraph(webview, { graph: fixture('two-cycles') });
    const focused = () => p.evaluate(() => {
      const active = (globalThis as unknown as { document: { activeElement: { className: string } | null } }).document.activeElement;
      return active?.className ?? '';
    });

    await p.focus('#lo-search');
    for (let i = 0; i < 12 && (await focused()) !== 'lo-list'; i++) await p.keyboard.press('Tab');
    assert.equal(await focused(), 'lo-list');

    // The list holds locks (cycle members first), then edges; the last edge by name is this one.
    await p.keyboard.press('End');
    await p.locator('.lo-details h2', { hasText: 'snd_port.lock → snd_card.files_lock' }).waitFor();
    const selected = await p.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.$(':selected').map((e) => e.data('key') as string));
    assert.deepEqual(selected, ['snd_port.lock->snd_card.files_lock']);

    await p.keyboard.press('Tab');
    assert.equal(await focused(), 'lo-site');
    await p.keyboard.press('Enter');
    const message = await webview.waitForPost((m) => m.type === 'openSite');
    assert.deepEqual(message, { type: 'openSite', file: 'sound/core/seq/seq_ports.c', line: 260, column: 2 });
    await done(webview);
  });

  test('a focus message centres on a lock even when the filters hide it', async () => {
    const webview = await page();
    const p = webview.page;
    await showGraph(webview, { graph: fixture('two-cycles') });
    assert.equal(await p.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.getElementById('n:zone.lock').empty()), true);

    await webview.send({ type: 'focus', id: 'zone.lock' });
    await p.waitForFunction(() => (globalThis as unknown as PageGlobals).__lockorderGraph.state.selected?.id === 'zone.lock');
    assert.equal(await p.inputValue('#lo-view'), 'all');
    const centred = await p.evaluate(() => {
      const cy = (globalThis as unknown as PageGlobals).__lockorderGraph.cy;
      const node = cy.getElementById('n:zone.lock');
      const at = node.renderedPosition();
      return { visible: node.nonempty(), dx: Math.round(at.x - cy.width() / 2), dy: Math.round(at.y - cy.height() / 2) };
    });
    assert.deepEqual(centred, { visible: true, dx: 0, dy: 0 });
    await done(webview);
  });

  test('malformed host messages are ignored and reported', async () => {
    const webview = await page();
    const p = webview.page;
    await showGraph(webview, { graph: fixture('abba') });
    const badEdge = { id: 'x', from: 'lock1', to: 'nowhere', count: 1, cycle: null, origin: 'static', sites: [] };
    await webview.send({ type: 'graph', graph: { version: 1, nodes: [], edges: [badEdge], cycles: [] } });
    await p.locator('.lo-status', { hasText: 'Ignored a malformed message' }).waitFor();
    await webview.send({ type: 'focus', id: 42 });
    await p.locator('.lo-status', { hasText: 'focus: id must be a string' }).waitFor();
    assert.deepEqual(await visibleCounts(p), { nodes: 2, edges: 2 });
    // The page also warns on the console; that is expected here, errors are not.
    await done(webview);
  });

  test('filters, selection and viewport survive hide and restore', async () => {
    const first = await page();
    await showGraph(first, { graph: fixture('two-cycles') });
    await first.page.selectOption('#lo-view', 'all');
    await first.page.fill('#lo-search', 'snd');
    await first.page.locator('.lo-option', { hasText: 'snd_card.files_lock (spinlock)' }).click();
    await first.page.waitForFunction(() => {
      const saved = (globalThis as unknown as PageGlobals).__savedState() as { selected?: { id: string } } | undefined;
      return saved?.selected?.id === 'snd_card.files_lock';
    });
    const state = await first.savedState();
    const zoom = await first.page.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.zoom());
    await done(first);

    const second = await page(state);
    await showGraph(second, { graph: fixture('two-cycles') });
    const p = second.page;
    assert.equal(await p.inputValue('#lo-view'), 'all');
    assert.equal(await p.inputValue('#lo-search'), 'snd');
    assert.deepEqual(await visibleCounts(p), { nodes: 4, edges: 4 });
    await p.locator('.lo-details h2', { hasText: 'snd_card.files_lock' }).waitFor();
    assert.equal(await p.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.zoom()), zoom);
    await done(second);
  });

  test('exports the view as SVG, the drawing as PNG and the graph as JSON', async () => {
    const webview = await page();
    const p = webview.page;
    const graph = fixture('two-cycles');
    await showGraph(webview, { graph });

    await p.getByRole('button', { name: 'SVG', exact: true }).click();
    const svg = String((await webview.waitForPost((m) => m.type === 'export' && m.format === 'svg')).data);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(svg.match(/class="lo-node"/g)?.length, 8);
    assert.equal(svg.match(/class="lo-edge"/g)?.length, 8);
    assert.equal(svg.match(/stroke-dasharray/g)?.length, 1, 'one runtime-only edge in view');
    assert.equal(svg.match(/marker-end="url\(#lo-arrow-cycle\)"/g)?.length, 5, 'five edges on cycles');

    await p.getByRole('button', { name: 'PNG', exact: true }).click();
    const png = String((await webview.waitForPost((m) => m.type === 'export' && m.format === 'png')).data);
    assert.match(png, /^data:image\/png;base64,iVBORw0KGgo/);

    await p.getByRole('button', { name: 'JSON', exact: true }).click();
    const json = String((await webview.waitForPost((m) => m.type === 'export' && m.format === 'json')).data);
    assert.deepEqual(JSON.parse(json), graph);
    await done(webview);
  });

  test('layout: ranks run downwards, crossings are removed, an ABBA pair sits side by side', async () => {
    const webview = await page();
    const p = webview.page;
    const graph = fixture('crossing');
    await showGraph(webview, { graph });
    const positions = await p.evaluate(() =>
      Object.fromEntries(
        (globalThis as unknown as PageGlobals).__lockorderGraph.cy.nodes().map((n) => [n.data('key') as string, n.position()]),
      ),
    );
    for (const e of graph.edges) assert.ok(positions[e.from].y < positions[e.to].y, `${e.id} points down`);

    const crossings = (x: (id: string) => number) => {
      let count = 0;
      for (const e of graph.edges) {
        for (const f of graph.edges) {
          const sameLayers = positions[e.from].y === positions[f.from].y && positions[e.to].y === positions[f.to].y;
          if (e.id < f.id && sameLayers && (x(e.from) - x(f.from)) * (x(e.to) - x(f.to)) < 0) count++;
        }
      }
      return count;
    };
    // The fixture is built so that name order crosses every edge pair; the page must untangle it.
    assert.ok(crossings((id) => id.charCodeAt(0)) > 0);
    assert.equal(crossings((id) => positions[id].x), 0);

    await showGraph(webview, { graph: fixture('abba') });
    const [a, b] = await p.evaluate(() =>
      ['n:lock1', 'n:lock2'].map((id) => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.getElementById(id).position()),
    );
    assert.equal(a.y, b.y);
    assert.notEqual(a.x, b.x);
    await done(webview);
  });
});
