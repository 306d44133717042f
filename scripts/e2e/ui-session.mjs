// A live workbench for Playwright UI tests: code-server with one extension loaded for development
// (as F5 would), a folder open, and the page handed to the test to drive.
//
//   const session = await openUiSession({ extension: repoRoot, workspace: 'test/fixtures/…' });
//   try {
//     await openFile(session.page, 'abba.c');
//     await session.page.screenshot({ path: 'out/e2e-logs/abba.png' });
//   } finally {
//     await session.close();
//   }
import { resolve } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { startCodeServer } from './code-server.mjs';
import { onInterrupt } from './lifetime.mjs';
import { workbenchUrl } from './workbench.mjs';

export { applyQuickFix, hover, openFile, quickFix, runCommand, waitForText } from './workbench-actions.mjs';

/**
 * Resolves once the workbench shows the folder. `close()` stops the browser and the server; it is
 * also run on SIGINT/SIGTERM. `log` collects the page's console for failure reports.
 */
export async function openUiSession({ extension, workspace, viewport = { width: 1280, height: 800 }, env = {} }) {
  const server = await startCodeServer({ env });
  let browser;
  let forget = () => {};
  const close = async () => {
    forget();
    await browser?.close();
    await server.stop();
  };
  forget = onInterrupt(close);
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport });
    const log = [];
    page.on('console', (message) => log.push(`[${message.type()}] ${message.text()}`));
    await page.goto(
      workbenchUrl(server.url, {
        folder: resolve(workspace),
        extensionDevelopmentPath: resolve(extension),
      }),
    );
    await page.locator('.monaco-workbench .explorer-folders-view').waitFor({ timeout: 60_000 });
    return { page, log, serverUrl: server.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
