/**
 * A small LSP client for protocol tests: spawns the built server (`node out/server/src/server.js
 * --stdio`), frames JSON-RPC with Content-Length headers, answers the server's own requests the
 * way an editor would, and lets tests wait on what the server sends (never on time).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the test');
    dir = parent;
  }
  return dir;
}

export function fixturePath(...segments: string[]): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'workspace', ...segments);
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface Notification {
  method: string;
  params: any;
}

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: { location: { uri: string; range: Diagnostic['range'] }; message: string }[];
  data?: unknown;
}

export interface StartOptions {
  /** Workspace folder (a directory); none when absent. */
  folder?: string;
  /** The `lockorder` settings section served through `workspace/configuration`. */
  settings?: Record<string, unknown>;
  /** Advertise `window.workDoneProgress` (default true). */
  workDoneProgress?: boolean;
}

const WAIT_LIMIT_MS = 30_000;

export class LspTestClient {
  /** Every notification from the server, in order. */
  readonly notifications: Notification[] = [];
  /** Every request the server made of the client, in order. */
  readonly serverRequests: Notification[] = [];
  readonly diagnostics = new Map<string, Diagnostic[]>();
  settings: Record<string, unknown>;
  stderr = '';
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly watchers = new Set<() => void>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('exit', () => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new Error(`server exited; stderr:\n${this.stderr}`));
      this.pending.clear();
      this.wake();
    });
  }

  /** Spawns the server and completes the initialize handshake. */
  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const server = path.join(repoRoot(), 'out', 'server', 'src', 'server.js');
    const child = spawn(process.execPath, [server, '--stdio'], { cwd: repoRoot() });
    const client = new LspTestClient(child, options);
    const folders = options.folder ? [{ uri: uriOf(options.folder), name: path.basename(options.folder) }] : null;
    client.initializeResult = await client.request('initialize', {
      processId: process.pid,
      rootUri: folders ? folders[0].uri : null,
      workspaceFolders: folders,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        window: { workDoneProgress: options.workDoneProgress ?? true },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, dataSupport: true },
        },
      },
    });
    client.notify('initialized', {});
    return client;
  }

  initializeResult: any;

  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(new Error(`server exited; stderr:\n${this.stderr}`));
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Writes raw bytes to the server's stdin (for framing tests). */
  writeRaw(bytes: Buffer | string): void {
    this.child.stdin.write(bytes);
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  }

  change(uri: string, version: number, contentChanges: unknown[]): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  /** Resolves with the first value `probe` returns that is not undefined, checked now and on every message. */
  waitFor<T>(what: string, probe: () => T | undefined, limitMs = WAIT_LIMIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          finish();
          return reject(error);
        }
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (this.exited) {
          finish();
          reject(new Error(`server exited while waiting for ${what}; stderr:\n${this.stderr}`));
        }
      };
      // A safety net so a broken server fails the test instead of hanging it; not a pacing sleep.
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for ${what}; stderr:\n${this.stderr.slice(-4000)}`));
      }, limitMs);
      const finish = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      this.watchers.add(check);
      check();
    });
  }

  /** Repeats a request (each round trip is the pacing, there is no sleep) until its answer satisfies `accept`. */
  async retry<T>(what: string, ask: () => Promise<T>, accept: (answer: T) => boolean, limitMs = WAIT_LIMIT_MS): Promise<T> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const answer = await ask();
      if (accept(answer)) return answer;
      if (Date.now() > deadline) throw new Error(`gave up on ${what}: last answer ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The latest diagnostics for `uri` once they satisfy `accept`. */
  waitForDiagnostics(uri: string, accept: (diagnostics: Diagnostic[]) => boolean, what = `diagnostics for ${uri}`): Promise<Diagnostic[]> {
    return this.waitFor(what, () => {
      const current = this.diagnostics.get(uri);
      return current && accept(current) ? current : undefined;
    });
  }

  /** The first notification at or after index `from` matching `accept`. */
  waitForNotification(method: string, accept: (params: any) => boolean = () => true, from = 0): Promise<any> {
    return this.waitFor(method, () => this.notifications.slice(from).find((n) => n.method === method && accept(n.params))?.params);
  }

  /** Server log lines (`window/logMessage`) so far. */
  logLines(): string[] {
    return this.notifications.filter((n) => n.method === 'window/logMessage').map((n) => n.params.message as string);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      this.child.kill();
    }
    await exited;
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (!Number.isFinite(length)) throw new Error(`bad header from server: ${header}`);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      this.serverRequests.push({ method: message.method, params: message.params });
      this.send({ jsonrpc: '2.0', id: message.id, result: this.answer(message.method, message.params) });
    } else if (message.method !== undefined) {
      this.notifications.push({ method: message.method, params: message.params });
      if (message.method === 'textDocument/publishDiagnostics') {
        const { uri, diagnostics } = message.params as { uri: string; diagnostics: Diagnostic[] };
        this.diagnostics.set(uri, diagnostics);
      }
    } else if (typeof message.id === 'number') {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else waiter?.resolve(message.result);
    }
    this.wake();
  }

  /** What an editor answers to the server's requests. */
  private answer(method: string, params: any): unknown {
    if (method === 'workspace/configuration') {
      return (params.items as { section?: string }[]).map((item) => (item.section === 'lockorder' ? this.settings : null));
    }
    return null;
  }

  private wake(): void {
    for (const check of [...this.watchers]) check();
  }
}
