// "Show Lock Graph" opens the graph as a webview panel beside the code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { INVERSION, linesWith, openFixture, startExtensionFirst, waitFor, waitForDiagnostics } from './fixture';

const GRAPH_VIEW_TYPE = 'lockorder.graph';
const GRAPH_TITLE = 'Lock Graph';

/** Webview tabs report the extension's viewType with a workbench prefix (`mainThreadWebview-…`). */
function graphTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(GRAPH_VIEW_TYPE));
}

function describeTabs(): string {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? t.input.viewType : typeof t.input})`)
    .join(', ');
}

describe('lock graph', function () {
  startExtensionFirst();
  afterEach(async function () {
    await vscode.window.tabGroups.close(graphTabs());
  });

  it('opens a webview panel titled "Lock Graph"', async function () {
    const { document } = await openFixture('abba.c');
    await waitForDiagnostics(document.uri, 'the ABBA inversion', (d) => linesWith(d, INVERSION).length > 0);
    assert.deepEqual(graphTabs(), [], 'a graph panel was already open');

    await vscode.commands.executeCommand('lockorder.showGraph');
    const [tab] = await waitFor('a webview tab for the lock graph', () => (graphTabs().length > 0 ? graphTabs() : undefined), {
      describe: describeTabs,
    });
    assert.equal(tab.label, GRAPH_TITLE);
  });

  it('reuses the open panel instead of opening a second one', async function () {
    await openFixture('abba.c');
    await vscode.commands.executeCommand('lockorder.showGraph');
    await waitFor('the graph panel', () => (graphTabs().length > 0 ? true : undefined), { describe: describeTabs });
    await openFixture('net/port_fill.c');
    await vscode.commands.executeCommand('lockorder.showGraph', { focus: 'port.lock' });
    await waitFor('the graph tab to be brought to the front', () => (graphTabs().some((t) => t.isActive) ? true : undefined), {
      describe: describeTabs,
    });
    assert.equal(graphTabs().length, 1, describeTabs());
  });
});
