/**
 * The language client: which documents the server sees, how it is started (a Node process over
 * IPC), and what happens when it dies (restart, with a message, unless it keeps dying).
 */
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LOCKDEP_LANGUAGE, SHOW_GRAPH_COMMAND } from '../../server/src/lsp/protocol';

/** Crashes tolerated within the window before the server is left stopped. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

export function createLanguageClient(module: string, output: vscode.LogOutputChannel): LanguageClient {
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const crashes: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'c' },
      { scheme: 'untitled', language: 'c' },
      // VS Code opens `.h` files as C++ unless told otherwise; kernel headers are C.
      { scheme: 'file', language: 'cpp', pattern: '**/*.h' },
      // Lockdep reports: their edges join the analysis while they are open.
      { scheme: 'file', language: LOCKDEP_LANGUAGE },
      { scheme: 'untitled', language: LOCKDEP_LANGUAGE },
    ],
    outputChannel: output,
    // Hovers link to the graph; that one command may run from them, nothing else.
    markdown: { isTrusted: { enabledCommands: [SHOW_GRAPH_COMMAND] } },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0] > RESTART_WINDOW_MS) crashes.shift();
        if (crashes.length > MAX_RESTARTS) {
          return {
            action: CloseAction.DoNotRestart,
            message: `The Lockorder language server stopped ${crashes.length} times in a few minutes and will not be restarted. See the Lockorder output for details; run "Developer: Reload Window" to try again.`,
          };
        }
        return { action: CloseAction.Restart, message: 'The Lockorder language server stopped unexpectedly and is being restarted.' };
      },
    },
  };
  return new LanguageClient('lockorder', 'Lockorder', serverOptions, clientOptions);
}
