import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Browser, PageGlobals, SKIP_WITHOUT_CHROMIUM, launchBrowser, repoRoot, visibleCounts, waitForFirstFrame } from '../webview/harness';

// The CI artifact a user gets: `lockorder --format html` on the bundled ABBA module, opened as a file.
describe('the HTML report of the bundled example', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('opens in Chromium and shows the ABBA cycle, with no CSP violation', async () => {
    const report = join(browser.dir, 'abba-report.html');
    const cli = spawnSync(process.execPath, [join(repoRoot(), 'bin/lockorder.js'), '--format', 'html', '-o', report, 'examples/abba'], {
      cwd: repoRoot(),
      encoding: 'utf8',
    });
    assert.equal(cli.status, 1, `exit status 1 for a warning; stderr: ${cli.stderr}`);
    const page = await browser.context.newPage();
    await page.addInitScript(`window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective));`);
    await page.goto(pathToFileURL(report).href);
    await waitForFirstFrame(page);
    assert.deepEqual(await visibleCounts(page), { nodes: 2, edges: 2 });
    const drawn = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const cy = g.__lockorderGraph.cy;
      return {
        locks: cy.nodes().map((n) => n.data('key') as string).sort(),
        cycleEdges: cy.edges('.cycle').length,
        violations: g.__cspViolations,
      };
    });
    assert.deepEqual(drawn, { locks: ['lock1', 'lock2'], cycleEdges: 2, violations: [] });
  });
});
