#!/usr/bin/env node
// What a user sees, driven through the real workbench (code-server + Chromium + Playwright) on a
// scratch copy of test/fixtures/e2e-workspace:
//   1. squiggle   abba.c opens with the ABBA inversion underlined (and counted in the status bar);
//   2. hover      hovering a lock shows its class and the locks taken before and after it;
//   3. quick fix  Ctrl+. offers the reorder, and applying it clears the squiggle;
//   4. graph      "Show Lock Graph" from the palette, the cross-file cycle's edge chosen in the
//                 page, one of its sites clicked: the editor lands on that acquisition.
// Each step saves a screenshot to out/e2e-shots/. Steps run in order and stop at the first failure
// (each needs the one before). Prints `ui: N passed, M failed` last; exits 1 on any failure.
//
//   node scripts/e2e/ui-test.mjs [--update-docs]
//
// --update-docs copies the README's screenshots to docs/ (ui-squiggle, ui-hover, ui-quickfix, ui-graph).
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openFile, openUiSession, quickFix, runCommand } from './ui-session.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shotsDir = join(repoRoot, 'out/e2e-shots');
const docShots = {
  '1-squiggle.png': 'ui-squiggle.png',
  '2-hover.png': 'ui-hover.png',
  '3-quickfix-menu.png': 'ui-quickfix.png',
  '4-graph.png': 'ui-graph.png',
};

// abba.c, 1-based as the editor shows it: stats_reset() takes stats_lock (line 33) and then
// table_lock (line 34), the other way round from table_insert() and table_lookup().
const RESET_STATS_LINE = 33;
const RESET_TABLE_LINE = 34;
const ABBA_LAST_LINE = readFileSync(join(repoRoot, 'test/fixtures/e2e-workspace/abba.c'), 'utf8').trimEnd().split('\n').length;
const REORDER_FIX = 'Acquire table_lock before stats_lock';
// The cross-file cycle's edge that queue_drain() adds, and where it does.
const CROSS_EDGE = 'rx_queue.lock → port.lock';
const CROSS_SITE = { file: 'queue_drain.c', line: 7 };

const VIEWPORT = { width: 1440, height: 1080 };
// With the panel hidden, abba.c ends about 700 pixels down.
const EDITOR_SHOT_HEIGHT = 760;

const editor = '.editor-instance .monaco-editor';
const warningSquiggles = `${editor} .squiggly-warning`;

const { values: options } = parseArgs({ options: { 'update-docs': { type: 'boolean', default: false } } });

/**
 * Moves the cursor with Go to Line (Ctrl+G), which takes `line:character`. The status bar counts
 * columns visually (a tab is several), so only the line is checked there.
 */
async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
}

/**
 * Picks `wanted` among the open code-action menu's `rows`. The menu lies under a pointer block, so
 * the row is reached with the arrow keys, as a user would.
 */
async function chooseAction(page, rows, wanted) {
  const focused = async () => (await wanted.getAttribute('class'))?.split(' ').includes('focused') ?? false;
  for (let moves = await rows.count(); moves > 0 && !(await focused()); moves--) await page.keyboard.press('ArrowDown');
  if (!(await focused())) fail(`could not move to "${await wanted.innerText()}" in the code-action menu`);
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden' });
}

/** Scrolls the active editor a line at a time (Ctrl+Down) until line `last` is in view. */
async function scrollToLine(page, last) {
  await page.locator(`${editor} .view-lines`).first().click();
  await page.keyboard.press('Control+Home');
  const lastLine = page.locator(`${editor} .line-numbers`, { hasText: new RegExp(`^\\s*${last}\\s*$`) });
  for (let presses = 0; presses < 40 && !(await lastLine.isVisible()); presses++) await page.keyboard.press('Control+ArrowDown');
  if (!(await lastLine.isVisible())) fail(`could not scroll line ${last} into view`);
}

/** Shows or hides the bottom panel (Ctrl+J toggles it). */
async function togglePanel(page, wanted) {
  await page.keyboard.press('Control+J');
  await page.locator('.part.panel').waitFor({ state: wanted });
}

/** The webview frame that runs the graph page (it sets window.__lockorderGraph). */
async function graphFrame(page, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const ready = await frame.evaluate(() => Boolean(window.__lockorderGraph?.cy)).catch(() => false);
      if (ready) return frame;
    }
    // The page has not loaded yet; new frames announce themselves.
    await page.waitForEvent('framenavigated', { timeout: Math.max(1, Math.min(500, deadline - Date.now())) }).catch(() => {});
  }
  throw new Error('no webview frame with window.__lockorderGraph appeared');
}

const steps = [
  {
    name: 'squiggle: abba.c shows the ABBA inversion',
    shot: '1-squiggle.png',
    async run(page) {
      await openFile(page, 'abba.c');
      await page.locator(warningSquiggles).first().waitFor();
      // The status bar item counts the workspace's findings: one per cycle.
      await page.locator('.statusbar-item', { hasText: 'Lockorder: 2' }).waitFor();
      // The Problems panel spells the findings out under the squiggles.
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'Lock order inversion' }).first().waitFor();
      await scrollToLine(page, ABBA_LAST_LINE); // all three functions above the panel
    },
  },
  {
    name: 'hover: stats_lock names the locks taken before and after it',
    shot: '2-hover.png',
    shotHeight: EDITOR_SHOT_HEIGHT,
    async run(page) {
      await togglePanel(page, 'hidden'); // the whole file fits in the editor
      await goTo(page, RESET_STATS_LINE, 14); // on `stats_lock` in mutex_lock(&stats_lock)
      const cursor = (await page.locator(`${editor} .cursor`).first().boundingBox()) ?? fail('no cursor in the editor');
      await page.mouse.move(cursor.x + 30, cursor.y + cursor.height / 2);
      const widget = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content', { hasText: 'Lock stats_lock' }).first();
      await widget.waitFor();
      const text = await widget.innerText();
      for (const wanted of ['Held when it is taken', 'Taken while it is held', 'table_lock', 'On 1 cycle']) {
        if (!text.includes(wanted)) fail(`the hover lacks "${wanted}":\n${text}`);
      }
    },
  },
  {
    name: 'quick fix: Ctrl+. reorders stats_reset() and the squiggle clears',
    shot: '3-quickfix-applied.png',
    async run(page, shoot) {
      await page.mouse.move(0, 0); // put the hover away
      await page.keyboard.press('Escape');
      await goTo(page, RESET_TABLE_LINE, 2);
      const rows = await quickFix(page);
      const reorder = rows.filter({ hasText: REORDER_FIX });
      await reorder.waitFor();
      await shoot('3-quickfix-menu.png', EDITOR_SHOT_HEIGHT);
      await chooseAction(page, rows, reorder);
      await page.locator(warningSquiggles).first().waitFor({ state: 'detached' });
      // The ABBA cycle is gone from the count; the cross-file one remains.
      await page.locator('.statusbar-item', { hasText: 'Lockorder: 1' }).waitFor();
    },
  },
  {
    name: 'graph: the cross-file edge leads to its acquisition site',
    shot: '5-graph-site-opened.png',
    async run(page, shoot) {
      // Undo the fix, so that the graph shows both cycles.
      await page.keyboard.press('Control+Z');
      await page.locator(warningSquiggles).first().waitFor();

      await page.keyboard.press('Control+B'); // the side bar's room goes to the graph
      await page.locator('.part.sidebar').waitFor({ state: 'hidden' });

      await runCommand(page, 'Lockorder: Show Lock Graph');
      await page.locator('.tab.active', { hasText: 'Lock Graph' }).waitFor();
      const frame = await graphFrame(page);
      const edge = frame.locator('.lo-list .lo-option', { hasText: CROSS_EDGE });
      await edge.click();
      const site = frame.locator('.lo-details .lo-site', { hasText: `${CROSS_SITE.file}:${CROSS_SITE.line}:` });
      await site.waitFor();

      // For the picture, the graph alone, fitted to the whole editor area.
      const codeTab = page.locator('.tab[data-resource-name="abba.c"]');
      await runCommand(page, 'View: Toggle Maximize Editor Group');
      await codeTab.waitFor({ state: 'hidden' });
      await frame.locator('.lo-toolbar button', { hasText: 'Fit' }).click();
      await shoot('4-graph.png');
      await runCommand(page, 'View: Toggle Maximize Editor Group');
      await codeTab.waitFor();

      await site.click();
      await page.locator(`.tab.active[data-resource-name="${CROSS_SITE.file}"]`).waitFor();
      await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${CROSS_SITE.line},` }).waitFor();
    },
  },
];

function fail(message) {
  throw new Error(message);
}

async function main() {
  mkdirSync(shotsDir, { recursive: true });
  // The quick fix edits abba.c: work on a scratch copy, never on the repository's fixture.
  const scratch = mkdtempSync(join(tmpdir(), 'lockorder-ui-'));
  const workspace = join(scratch, 'e2e-workspace'); // the name the Explorer shows
  cpSync(join(repoRoot, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
  let passed = 0;
  let failed = 0;
  let session;
  try {
    session = await openUiSession({ extension: repoRoot, workspace, viewport: VIEWPORT });
    const { page } = session;
    page.setDefaultTimeout(20_000);
    // Finished hovers and menus only: fade-ins are skipped. `height` crops an editor-only picture
    // below the last line of abba.c.
    const shoot = (name, height) =>
      page.screenshot({ path: join(shotsDir, name), animations: 'disabled', clip: { x: 0, y: 0, ...VIEWPORT, ...(height && { height }) } });
    for (const step of steps) {
      const started = Date.now();
      try {
        await step.run(page, shoot);
        await shoot(step.shot, step.shotHeight);
        passed++;
        console.log(`ui: ✔ ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failed++;
        console.error(`ui: ✘ ${step.name}\n${err.stack ?? err}`);
        await shoot('failure.png').catch(() => {});
        console.error(`ui: the page as it was is in ${join(shotsDir, 'failure.png')}; its console:\n${session.log.slice(-30).join('\n')}`);
        break;
      }
    }
  } catch (err) {
    failed++;
    console.error(`ui: the workbench did not open: ${err.stack ?? err}`);
  } finally {
    await session?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  const skipped = steps.length - passed - failed;
  if (skipped > 0) console.error(`ui: ${skipped} later step(s) not run`);
  if (failed === 0 && options['update-docs']) {
    for (const [shot, doc] of Object.entries(docShots)) copyFileSync(join(shotsDir, shot), join(repoRoot, 'docs', doc));
    console.log(`ui: copied ${Object.keys(docShots).length} screenshots to docs/`);
  }
  console.log(`ui: ${passed} passed, ${failed + skipped} failed`);
  return failed + skipped === 0;
}

process.exit((await main()) ? 0 : 1);
