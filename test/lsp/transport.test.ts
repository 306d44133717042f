import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, repoRoot, uriOf } from './lspClient';

describe('language server: IPC transport', () => {
  it('speaks LSP over Node IPC when started with --node-ipc, as VS Code starts it', async () => {
    const server = fork(path.join(repoRoot(), 'out', 'server', 'src', 'server.js'), ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
    const received: any[] = [];
    const waiters: (() => void)[] = [];
    server.on('message', (message) => {
      received.push(message);
      waiters.forEach((w) => w());
    });
    const next = (accept: (m: any) => boolean) =>
      new Promise<any>((resolve, reject) => {
        const check = () => {
          const found = received.find(accept);
          if (found) resolve(found);
        };
        server.once('exit', () => reject(new Error('server exited')));
        waiters.push(check);
        check();
      });
    try {
      const uri = uriOf(fixturePath('abba.c'));
      server.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
      const init = await next((m) => m.id === 1);
      assert.equal(init.result.capabilities.textDocumentSync.change, 2);
      server.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
      server.send({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(fixturePath('abba.c'), 'utf8') } },
      });
      const published = await next((m) => m.method === 'textDocument/publishDiagnostics' && m.params.diagnostics.length > 0);
      assert.equal(published.params.uri, uri);
      assert.equal(published.params.diagnostics.length, 2);
      server.send({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: null });
      await next((m) => m.id === 2);
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.send({ jsonrpc: '2.0', method: 'exit', params: null });
      await exited;
    } finally {
      server.kill();
    }
  });
});
