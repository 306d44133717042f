// What the extension contributes to the workbench: its commands, the status bar item's target
// (the log), and a re-index that leaves the findings in place.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, INVERSION, activeExtension, linesWith, openFixture, startExtensionFirst, waitFor, waitForDiagnostics } from './fixture';

/** The commands the palette and the status bar rely on; package.json may contribute more. */
const CORE_COMMANDS = ['lockorder.showGraph', 'lockorder.reindex', 'lockorder.showOutput'];

describe('commands and status', function () {
  startExtensionFirst();

  it('is active and registers every command it contributes', async function () {
    const extension = await activeExtension();
    assert.equal(extension.isActive, true);
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    for (const command of CORE_COMMANDS) assert.ok(contributed.includes(command), `package.json does not contribute ${command}`);
    // reindex is registered by the language client on the server's behalf, so this waits for it.
    let missing: string[] = [];
    await waitFor(
      'every contributed command to be registered',
      async () => {
        const registered = new Set(await vscode.commands.getCommands(true));
        missing = contributed.filter((c) => !registered.has(c));
        return missing.length === 0 ? true : undefined;
      },
      { describe: () => `not registered: ${missing.join(', ')}` },
    );
  });

  it('shows its log, where the status bar item leads', async function () {
    await vscode.commands.executeCommand('lockorder.showOutput');
    // An output channel that is shown becomes a text document of the `output` scheme.
    const log = await waitFor('the Lockorder output channel', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes(EXTENSION_ID)),
      { describe: () => vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ') },
    );
    assert.ok(log);
  });

  it('re-indexes the workspace and keeps its findings', async function () {
    const { document } = await openFixture('net/port_fill.c');
    await waitForDiagnostics(document.uri, 'the cross-file inversion', (d) => linesWith(d, INVERSION).length > 0);
    await vscode.commands.executeCommand('lockorder.reindex');
    await waitForDiagnostics(document.uri, 'the cross-file inversion after re-indexing', (d) => linesWith(d, INVERSION).length > 0);
  });
});
