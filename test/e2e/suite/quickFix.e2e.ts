// The reorder quick fix: applied through the same API the light bulb uses, it rewrites
// stats_reset() to take the locks in the established order, and the inversion goes away.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { INVERSION, fixtureUri, lineOf, linesWith, openFixture, startExtensionFirst, waitForDiagnostics } from './fixture';

const FIX_TITLE = /^Acquire table_lock before stats_lock\b/;

describe('quick fix', function () {
  startExtensionFirst();
  const uri = fixtureUri('abba.c');
  let original: string | undefined;

  afterEach(async function () {
    // Put the file back as it was on disk, so later tests (and a second run) see the bug again.
    if (original === undefined) return;
    const document = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), original);
    assert.ok(await vscode.workspace.applyEdit(edit), 'reverting abba.c failed');
    assert.ok(await document.save(), 'saving the reverted abba.c failed');
    original = undefined;
  });

  it('reorders the inverted acquisitions and the inversion clears', async function () {
    const { document } = await openFixture('abba.c');
    const reset = lineOf(document, 'mutex_lock(&table_lock)', lineOf(document, 'void stats_reset'));
    const diagnostics = await waitForDiagnostics(uri, `an inversion on line ${reset + 1}`, (d) =>
      linesWith(d, INVERSION).includes(reset + 1),
    );
    const inversion = diagnostics.find((d) => d.range.start.line === reset)!;

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      inversion.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    const reorder = actions.find((a) => FIX_TITLE.test(a.title));
    assert.ok(reorder, `no reorder fix among: ${JSON.stringify(titles)}`);
    assert.ok(reorder.edit, 'the reorder fix carries no edit');
    assert.equal(reorder.isPreferred, true);

    original = document.getText();
    assert.ok(await vscode.workspace.applyEdit(reorder.edit), 'applyEdit refused the fix');

    const body = document.getText(new vscode.Range(lineOf(document, 'void stats_reset'), 0, document.lineCount, 0));
    const calls = body.match(/mutex_(?:un)?lock\(&\w+\)/g);
    assert.deepEqual(calls, [
      'mutex_lock(&table_lock)',
      'mutex_lock(&stats_lock)',
      'mutex_unlock(&stats_lock)',
      'mutex_unlock(&table_lock)',
    ]);
    await waitForDiagnostics(uri, 'no inversion once stats_reset() is reordered', (d) => linesWith(d, INVERSION).length === 0);
  });

  it('finds the inversion again once the file is reverted', async function () {
    // Guards the afterEach above: the next run must start from the buggy file.
    const { document } = await openFixture('abba.c');
    const reset = lineOf(document, 'mutex_lock(&table_lock)', lineOf(document, 'void stats_reset'));
    await waitForDiagnostics(uri, `the inversion back on line ${reset + 1}`, (d) => linesWith(d, INVERSION).includes(reset + 1));
    assert.equal(document.isDirty, false);
  });
});
