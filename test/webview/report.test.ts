import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import { fixture, launchBrowser, openReport, SKIP_WITHOUT_CHROMIUM, visibleCounts, type Browser, type PageGlobals, type ReportPage } from './harness';

interface ReportGlobals extends PageGlobals {
  __pwned?: number;
  document: PageGlobals['document'] & {
    querySelectorAll(selector: string): ArrayLike<{ width: number; height: number; getContext(kind: '2d'): CanvasLike | null }>;
  };
}
interface CanvasLike {
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}

describe('standalone HTML report in Chromium', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function assertClean(report: ReportPage): Promise<void> {
    const violations = await report.page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations);
    assert.deepEqual([...report.problems, ...violations], []);
  }

  test('opens from file:// under its strict CSP without a violation, and draws the graph', async () => {
    const report = await openReport(browser, fixture('two-cycles'));
    const p = report.page;
    assert.deepEqual(await visibleCounts(p), { nodes: 8, edges: 8 });
    const styleElements = await p.evaluate(() => (globalThis as unknown as ReportGlobals).document.querySelectorAll('style').length);
    assert.equal(styleElements, 1, 'only the report stylesheet; Cytoscape must not have added one');
    // Something was painted: count opaque pixels on Cytoscape's canvases.
    const painted = await p.evaluate(() => {
      let opaque = 0;
      for (const canvas of Array.from((globalThis as unknown as ReportGlobals).document.querySelectorAll('.lo-graph canvas'))) {
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
      }
      return opaque;
    });
    assert.ok(painted > 2000, `only ${painted} pixels painted`);
    await assertClean(report);

    // The check above means something only if the policy is live and violations are seen.
    await p.evaluate(() => {
      const doc = (globalThis as unknown as { document: { createElement(t: string): { textContent: string }; head: { append(e: unknown): void } } }).document;
      const style = doc.createElement('style');
      style.textContent = 'body { color: red }';
      doc.head.append(style);
    });
    await p.waitForFunction(() => (globalThis as unknown as PageGlobals).__cspViolations.length > 0);
    assert.match((await p.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations))[0], /^style-src/);
    await p.close();
  });

  test('a lock named like markup stays text and runs nothing', async () => {
    const hostile = '</script><script>window.__pwned=1</script><!--';
    const graph = fixture('abba');
    const renamed = JSON.parse(JSON.stringify(graph).replaceAll('"lock1"', JSON.stringify(hostile))) as GraphJson;
    const report = await openReport(browser, renamed, 'hostile.html');
    const p = report.page;
    const label = await p.evaluate((id) => (globalThis as unknown as PageGlobals).__lockorderGraph.cy.getElementById(`n:${id}`).data('label') as string, hostile);
    assert.equal(label, hostile);
    assert.equal(await p.evaluate(() => (globalThis as unknown as ReportGlobals).__pwned), undefined);
    assert.deepEqual(await visibleCounts(p), { nodes: 2, edges: 2 });
    await assertClean(report);
    await p.close();
  });

  test('clicking a site shows where it is, since there is no editor to open', async () => {
    const report = await openReport(browser, fixture('abba'), 'abba.html');
    const p = report.page;
    await p.locator('.lo-option', { hasText: 'lock1 (mutex)' }).click();
    await p.locator('.lo-site', { hasText: 'abba.c:18:2' }).click();
    assert.equal(await p.locator('.lo-status').innerText(), 'examples/abba/abba.c:18:2: mutex_lock(&lock2)');
    await assertClean(report);
    await p.close();
  });

  test('exports download as files: SVG of the view and PNG of the drawing', async () => {
    const report = await openReport(browser, fixture('two-cycles'), 'export.html');
    const p = report.page;
    await p.selectOption('#lo-view', 'all');

    const [svgDownload] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'SVG', exact: true }).click()]);
    assert.equal(svgDownload.suggestedFilename(), 'lockorder-graph.svg');
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    assert.equal(svg.match(/class="lo-node"/g)?.length, 12);
    assert.equal(svg.match(/class="lo-edge"/g)?.length, 11);

    const [pngDownload] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'PNG', exact: true }).click()]);
    assert.equal(pngDownload.suggestedFilename(), 'lockorder-graph.png');
    const png = readFileSync((await pngDownload.path())!);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await assertClean(report);
    await p.close();
  });
});
