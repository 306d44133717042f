/**
 * The language server's entry. Started by an editor, it runs the LSP connection on the main thread
 * (transport from argv: `--stdio`, `--node-ipc`, `--socket=<port>`); the same file, started as a
 * worker thread, runs the analysis engine. One file for both keeps a bundled server to one file.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { runEngineWorker } from './lsp/engine/worker';
import { startLanguageServer } from './lsp/languageServer';

if (isMainThread) startLanguageServer(__filename);
else if (parentPort) runEngineWorker(parentPort);
