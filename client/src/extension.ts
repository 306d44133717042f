/**
 * Lockorder for VS Code: starts the language server and adds the client-side commands. The server
 * does the work; this file only wires it to the editor.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { GRAPH_REQUEST, SHOW_GRAPH_COMMAND, STATUS_NOTIFICATION, type GraphParams, type GraphResult, type StatusParams } from '../../server/src/lsp/protocol';
import { showGraphArgs } from './graph/commandArgs';
import { graphMayHaveChanged, registerGraphPanelSerializer, showGraphPanel, type GraphSource } from './graphPanel';
import { createLanguageClient } from './languageClient';
import { registerLockdepCommands } from './lockdepCommands';
import { serverModule } from './serverModule';
import { LockorderStatusBar } from './statusBar';

const SHOW_OUTPUT_COMMAND = 'lockorder.showOutput';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Lockorder', { log: true });
  const statusBar = new LockorderStatusBar(SHOW_OUTPUT_COMMAND);
  const languageClient = createLanguageClient(serverModule(context.extensionPath), output);
  client = languageClient;
  // The client keeps one handler per notification, so the status is fanned out from here.
  const statusChanges = new vscode.EventEmitter<StatusParams>();
  const graphSource: GraphSource = {
    requestGraph: (uri) => languageClient.sendRequest<GraphResult>(GRAPH_REQUEST, { uri } satisfies GraphParams),
    onDidChangeStatus: statusChanges.event,
    output,
  };
  context.subscriptions.push(
    output,
    statusBar,
    statusChanges,
    languageClient.onNotification(STATUS_NOTIFICATION, (status: StatusParams) => {
      statusBar.update(status);
      statusChanges.fire(status);
    }),
    languageClient.onDidChangeState(({ newState }) => {
      if (newState === State.Stopped) statusBar.stopped();
    }),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => output.show(true)),
    vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, (args?: unknown) =>
      showGraphPanel(context, graphSource, args === undefined ? { uri: vscode.window.activeTextEditor?.document.uri.toString() } : showGraphArgs(args)),
    ),
    registerGraphPanelSerializer(context, graphSource),
    ...registerLockdepCommands(languageClient, output, graphMayHaveChanged),
  );
  await languageClient.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
