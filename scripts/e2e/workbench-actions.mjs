// Small, keyboard-first moves on the VS Code workbench for UI tests. Each waits for the workbench to
// react (a widget appears, an editor tab opens) instead of sleeping.

const quickInput = '.quick-input-widget';

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab to be active. */
export async function openFile(page, relativePath) {
  const name = relativePath.split('/').pop();
  await page.keyboard.press('Control+P');
  const input = page.locator(`${quickInput} input`);
  await input.waitFor();
  await input.fill(relativePath);
  // Quick Open searches asynchronously; accept only once the wanted file is the first pick.
  await page.locator(`${quickInput} .monaco-list-row`).first().filter({ hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Runs a command by its palette title (F1), e.g. "Lockorder: Show Lock Graph". */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator(`${quickInput} input`);
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator(`${quickInput} .monaco-list-row`).first().filter({ hasText: title }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(quickInput).waitFor({ state: 'hidden' });
}

/** Hovers the first occurrence of `text` in the active editor and returns the hover widget. */
export async function hover(page, text) {
  const token = page.locator('.editor-instance .view-lines span', { hasText: text }).first();
  await token.hover();
  const widget = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
  await widget.waitFor();
  return widget;
}

/** Waits until `text` is visible somewhere in the workbench (a notification, a tree, a hover). */
export async function waitForText(page, text, timeout = 30_000) {
  await page.getByText(text).first().waitFor({ timeout });
}

/** Presses Ctrl+. at the cursor and returns the rows of the code-action menu that opens. */
export async function quickFix(page) {
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget');
  await menu.waitFor();
  return menu.locator('.monaco-list-row.action');
}

/**
 * Opens the code-action menu and applies the action titled `title`. The menu lies under a pointer
 * block, so the row is chosen with the arrow keys, as a user would.
 */
export async function applyQuickFix(page, title) {
  const rows = await quickFix(page);
  const wanted = rows.filter({ hasText: title });
  await wanted.waitFor();
  for (let moves = await rows.count(); moves > 0 && !(await isFocused(wanted)); moves--) {
    await page.keyboard.press('ArrowDown');
  }
  if (!(await isFocused(wanted))) throw new Error(`no code action titled "${title}"`);
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden' });
}

async function isFocused(row) {
  return (await row.getAttribute('class'))?.split(' ').includes('focused') ?? false;
}
