/**
 * Opens the lock-graph page in headless Debian Chromium, either as the VS Code webview would see
 * it (a fake acquireVsCodeApi records what the page posts, and the test plays the host) or as the
 * standalone HTML report loaded from a file:// URL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type cytoscape from 'cytoscape';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import { renderGraphHtml, renderWebviewHtml, type GraphAssets } from '../../server/src/report/htmlReport';
import { repoRoot } from '../repoRoot';

export { repoRoot };

export const CHROMIUM = '/usr/bin/chromium';
export const SKIP_WITHOUT_CHROMIUM = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found; install Debian's chromium to run the page tests`;


export function fixture(name: string): GraphJson {
  return JSON.parse(readFileSync(join(repoRoot(), 'test/fixtures/graphs', `${name}.json`), 'utf8')) as GraphJson;
}

let assets: Promise<GraphAssets> | undefined;

/** The page bundle, built in memory from the current sources so the tests never run a stale one. */
export function pageAssets(): Promise<GraphAssets> {
  const script = pathToFileURL(join(repoRoot(), 'scripts/build-webview.mjs')).href;
  assets ??= import(script).then((m: { bundleWebview(): Promise<GraphAssets> }) => m.bundleWebview());
  return assets;
}

export interface Browser {
  context: BrowserContext;
  /** A scratch directory for page files, removed by close(). */
  dir: string;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'lockorder-page-'));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    dir,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects CSP violations and errors from the moment the document exists. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

const CSP_LISTENER = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
`;

export interface ReportPage {
  page: Page;
  problems: string[];
  file: string;
}

/** The standalone report, written to a file and opened from a file:// URL. */
export async function openReport(browser: Browser, graph: GraphJson, name = 'report.html'): Promise<ReportPage> {
  const file = join(browser.dir, name);
  writeFileSync(file, renderGraphHtml(graph, await pageAssets()));
  const page = await browser.context.newPage();
  const problems = watchProblems(page);
  await page.addInitScript(CSP_LISTENER);
  await page.goto(pathToFileURL(file).href);
  await waitForFirstFrame(page);
  return { page, problems, file };
}

export type Posted = { type: string; [key: string]: unknown };

/**
 * The page's global object as seen from page.evaluate callbacks, which run in the browser; Node's
 * type definitions know no `window`, so callbacks cast `globalThis` to this.
 */
export interface PageGlobals {
  __lockorderGraph: {
    cy: cytoscape.Core;
    state: { filters: { view: string; search: string; showRuntime: boolean }; selected: { kind: string; id: string } | null };
  };
  __posted: Posted[];
  __savedState(): unknown;
  __cspViolations: string[];
  acquireVsCodeApi: unknown;
  postMessage(message: unknown, targetOrigin: string): void;
  document: { documentElement: { style: { setProperty(name: string, value: string): void } } | null };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { childList: boolean }): void; disconnect(): void };
}

export interface WebviewPage {
  page: Page;
  problems: string[];
  /** Sends a host→page message, as the extension's webview.postMessage would. */
  send(message: unknown): Promise<void>;
  /** Everything the page has posted to the host so far. */
  posted(): Promise<Posted[]>;
  /** Waits until the page has posted a message that satisfies `match`, and returns it. */
  waitForPost(match: (message: Posted) => boolean): Promise<Posted>;
  /** The last state the page saved with setState. */
  savedState(): Promise<unknown>;
}

/**
 * The page as VS Code loads it: renderWebviewHtml's shell with external script and stylesheet,
 * a fake acquireVsCodeApi (optionally holding state from an earlier life of the panel), and the
 * theme variables VS Code sets on <html>.
 */
export async function openWebview(
  browser: Browser,
  options: { state?: unknown; theme?: Record<string, string> } = {},
): Promise<WebviewPage> {
  const { script, css } = await pageAssets();
  writeFileSync(join(browser.dir, 'graph.js'), script);
  writeFileSync(join(browser.dir, 'graph.css'), css);
  const file = join(browser.dir, 'webview.html');
  writeFileSync(
    file,
    renderWebviewHtml({ scriptUri: 'graph.js', cssUri: 'graph.css', cspSource: 'file:', nonce: 'test-nonce-1234', title: 'Lock graph' }),
  );

  const page = await browser.context.newPage();
  const problems = watchProblems(page);
  await page.addInitScript(CSP_LISTENER);
  await page.addInitScript(
    ({ state, theme }) => {
      const w = globalThis as unknown as PageGlobals;
      const posted: Posted[] = [];
      let saved = state;
      w.__posted = posted;
      w.__savedState = () => saved;
      let acquired = false;
      w.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi called twice');
        acquired = true;
        return {
          postMessage: (message: unknown) => posted.push(JSON.parse(JSON.stringify(message)) as Posted),
          getState: () => saved,
          setState: (next: unknown) => {
            saved = next;
          },
        };
      };
      // VS Code puts its theme variables on <html> before any page script runs; <html> does not
      // exist yet when an init script runs, so set them the moment the parser creates it.
      const applyTheme = () => {
        const root = w.document.documentElement;
        if (!root) return false;
        for (const [name, value] of Object.entries(theme)) root.style.setProperty(name, value);
        return true;
      };
      if (!applyTheme()) {
        const observer = new w.MutationObserver(() => applyTheme() && observer.disconnect());
        observer.observe(w.document, { childList: true });
      }
    },
    { state: options.state, theme: options.theme ?? {} },
  );
  await page.goto(pathToFileURL(file).href);

  const posted = () => page.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
  const waitForPost = async (match: (message: Posted) => boolean): Promise<Posted> => {
    // The matcher runs here, in Node, so poll the page's record until it has a match.
    for (;;) {
      const all = await posted();
      const found = all.find(match);
      if (found) return found;
      await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).__posted.length > n, all.length);
    }
  };
  await waitForPost((m) => m.type === 'ready');
  return {
    page,
    problems,
    send: (message) => page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message),
    posted,
    waitForPost,
    savedState: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__savedState()),
  };
}

/** Sends a graph and waits until it has been drawn. */
export async function showGraph(webview: WebviewPage, message: { graph: GraphJson; currentFile?: string; focus?: string }) {
  const drawn = await graphsDrawn(webview.page);
  await webview.send({ type: 'graph', ...message });
  await waitForFirstFrame(webview.page, drawn);
}

/** The page marks the first frame it draws of each graph it is given. */
function graphsDrawn(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByName('lockorder:first-frame').length);
}

export async function waitForFirstFrame(page: Page, alreadyDrawn = 0): Promise<void> {
  await page.waitForFunction((n) => performance.getEntriesByName('lockorder:first-frame').length > n, alreadyDrawn);
}

/** Counts of what the drawing holds right now (the page removes filtered-out elements). */
export function visibleCounts(page: Page): Promise<{ nodes: number; edges: number }> {
  return page.evaluate(() => {
    const cy = (globalThis as unknown as PageGlobals).__lockorderGraph.cy;
    return { nodes: cy.nodes().length, edges: cy.edges().length };
  });
}
