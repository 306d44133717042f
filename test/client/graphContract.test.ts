/**
 * The graph panel's three parties for real, without VS Code: the built language server answers
 * `lockorder/graph`, the bundled page draws it in Chromium (as the webview would), and the session
 * in between carries the page's clicks back. What the page really posts must pass the session's
 * checks and land on the right source line; a mismatch between the page's protocol and the
 * extension's copy of it fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GraphSession, type SessionPorts } from '../../client/src/graph/graphSession';
import type { SiteTarget } from '../../client/src/graph/pageMessages';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import type { GraphResult } from '../../server/src/lsp/protocol';
import { fixturePath, LspTestClient, uriOf } from '../lsp/lspClient';
import { launchBrowser, openWebview, SKIP_WITHOUT_CHROMIUM, waitForFirstFrame, type Browser, type PageGlobals, type WebviewPage } from '../webview/harness';

const FOLDER = fixturePath('cross');
const CONSUMER = uriOf(path.join(FOLDER, 'consumer.c'));

describe('graph panel: server, session and page together', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let server: LspTestClient;
  let browser: Browser;
  let webview: WebviewPage;
  let session: GraphSession;
  let served: GraphResult | undefined;
  const opened: { target: SiteTarget; line: number; column: number }[] = [];
  const saved: { format: string; content: Buffer }[] = [];
  const refused: string[] = [];

  before(async () => {
    server = await LspTestClient.start({ folder: FOLDER });
    await server.waitForNotification('lockorder/status', (s) => s.state === 'ready');
    browser = await launchBrowser();
    webview = await openWebview(browser);
    const ports: SessionPorts = {
      requestGraph: async (uri) => (served = await server.request<GraphResult>('lockorder/graph', { uri })),
      post: async (message) => {
        await webview.send(message);
        return true;
      },
      siteScope: () => ({ folders: [FOLDER], openPaths: [], openUris: [] }),
      openSite: async (target, line, column) => void opened.push({ target, line, column }),
      saveExport: async (format, content) => void saved.push({ format, content: Buffer.from(content) }),
      refused: (reason) => void refused.push(reason),
      failed: (what, error) => assert.fail(`${what}: ${String(error)}`),
    };
    session = new GraphSession(ports, { uri: CONSUMER });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Hands everything the page posted since `from` to the session, as the panel does. */
  async function deliver(from: number): Promise<number> {
    const posted = await webview.posted();
    for (const message of posted.slice(from)) await session.receive(message);
    return posted.length;
  }

  it('answers the page’s ready with the server’s graph, which the page draws', async () => {
    await deliver(0);
    await waitForFirstFrame(webview.page);
    assert.ok(served);
    assert.equal(served.currentFile, CONSUMER);
    const drawn = await webview.page.evaluate(() => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.nodes().map((n) => n.data('key') as string).sort());
    assert.deepEqual(drawn, ['port.lock', 'rx_queue.lock']);
  });

  it('a site clicked in the page opens at the acquisition it names', async () => {
    const before = (await webview.posted()).length;
    await session.focus('rx_queue.lock');
    await webview.page.locator('.lo-details h2', { hasText: 'rx_queue.lock' }).waitFor();
    await webview.page.locator('.lo-site', { hasText: 'consumer.c' }).first().click();
    await webview.waitForPost((m) => m.type === 'openSite');
    await deliver(before);

    assert.deepEqual(refused, []);
    assert.equal(opened.length, 1);
    const { target, line, column } = opened[0];
    assert.equal(target.kind, 'path');
    const file = (target as { path: string }).path;
    assert.equal(file, path.join(FOLDER, 'consumer.c'));
    const text = readFileSync(file, 'utf8').split('\n')[line - 1];
    assert.match(text.slice(column - 1), /^mutex_lock\(&(q|p)->lock\)/);
  });

  it('the page’s SVG, PNG and JSON exports pass the checks and are saved as given', async () => {
    const before = (await webview.posted()).length;
    for (const name of ['SVG', 'PNG', 'JSON']) {
      await webview.page.getByRole('button', { name, exact: true }).click();
      await webview.waitForPost((m) => m.type === 'export' && m.format === name.toLowerCase());
    }
    await deliver(before);

    assert.deepEqual(refused, []);
    assert.deepEqual(saved.map((s) => s.format), ['svg', 'png', 'json']);
    assert.match(saved[0].content.toString('utf8'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.deepEqual([...saved[1].content.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(JSON.parse(saved[2].content.toString('utf8')) as GraphJson, served!.graph);
  });
});
