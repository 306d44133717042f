// Hover on a lock: its class, the locks held when it is taken and those taken while it is held.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { INVERSION, lineOf, linesWith, openFixture, positionIn, startExtensionFirst, waitFor, waitForDiagnostics } from './fixture';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** The lines of `text` from the line starting with `**heading` up to the next blank line. */
function section(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`**${heading}`));
  assert.ok(start >= 0, `no "${heading}" section in the hover:\n${text}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('hover', function () {
  startExtensionFirst();
  it('names the lock class and the locks taken before and after it', async function () {
    const { document } = await openFixture('abba.c');
    await waitForDiagnostics(document.uri, 'the ABBA inversion', (d) => linesWith(d, INVERSION).length > 0);
    const line = lineOf(document, 'mutex_lock(&stats_lock)', lineOf(document, 'void stats_reset'));
    const at = positionIn(document, line, 'stats_lock');

    const text = await waitFor('a Lockorder hover on stats_lock', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
      const text = hoverText(hovers);
      return text.includes('**Lock `stats_lock`**') ? text : undefined;
    });

    assert.match(text, /\*\*Lock `stats_lock`\*\* · mutex/);
    // table_insert() and table_lookup() hold table_lock when they take stats_lock ...
    assert.match(section(text, 'Held when it is taken'), /`table_lock` ⚠, 2 sites/);
    // ... and stats_reset() takes table_lock while holding it.
    assert.match(section(text, 'Taken while it is held'), /`table_lock` ⚠, 1 site/);
    assert.match(section(text, 'On 1 cycle'), /`stats_lock` → `table_lock` → `stats_lock`|`table_lock` → `stats_lock` → `table_lock`/);
    assert.match(text, /\[Show in graph\]\(command:lockorder\.showGraph\?/);
  });

  it('says nothing over code that is not a lock', async function () {
    const { document } = await openFixture('abba.c');
    const line = lineOf(document, 'entries++');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      positionIn(document, line, 'entries'),
    );
    assert.doesNotMatch(hoverText(hovers), /\*\*Lock /);
  });
});
