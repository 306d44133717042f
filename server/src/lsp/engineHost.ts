/**
 * The main thread's handle on the engine worker: starts it, forwards messages, matches replies to
 * their requests (quick fixes, the graph, lockdep reports), and restarts it when it dies, replaying
 * the settings, open documents and imported reports. The worker's stdout is captured: with `--stdio`, a stray write would corrupt the
 * LSP stream.
 */
import { Worker } from 'node:worker_threads';
import type { GraphJson } from '../analysis/graphJson';
import type { Finding } from '../analysis/findings';
import type { AnalysisSnapshot, EngineReply, EngineRequest, FixesReply, FromEngine, ReportLink, SnapshotMessage, ToEngine } from './engine/messages';
import type { ClearLockdepResult, ImportLockdepResult } from './protocol';

export interface EngineEvents {
  snapshot(snapshot: AnalysisSnapshot): void;
  indexProgress(indexed: number, total: number): void;
  indexDone(indexed: number, total: number, cancelled: boolean): void;
  log(level: 'info' | 'error', message: string): void;
}

/** More deaths than this within the window and the worker stays down. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60_000;
/** How long a shutdown waits for the worker to finish its current task: longer than a file's time budget. */
const STOP_GRACE_MS = 12_000;

export class EngineHost {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: EngineReply) => void; fallback: EngineReply }>();
  private readonly deaths: number[] = [];
  private disposed = false;
  /** The findings of the worker's last snapshot, by id: the next one sends only new findings in full. */
  private findings = new Map<number, Finding>();

  /**
   * @param script the server's entry module, which runs the engine when started as a worker
   * @param replay the messages that bring a fresh worker up to date (settings, open documents, index)
   */
  constructor(
    private readonly script: string,
    private readonly events: EngineEvents,
    private readonly replay: () => ToEngine[],
  ) {}

  start(): void {
    const worker = new Worker(this.script, { stdout: true, stderr: true });
    this.worker = worker;
    // A new worker numbers its findings afresh, and sends each in full once.
    this.findings = new Map();
    worker.stdout.on('data', (chunk: Buffer) => this.events.log('info', chunk.toString().trimEnd()));
    worker.stderr.on('data', (chunk: Buffer) => this.events.log('error', chunk.toString().trimEnd()));
    worker.on('message', (message: FromEngine) => {
      if (worker === this.worker) this.receive(message);
    });
    worker.on('error', (error) => this.events.log('error', `Lockorder: engine worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => this.exited(worker, code));
    for (const message of this.replay()) worker.postMessage(message);
  }

  send(message: ToEngine): void {
    this.worker?.postMessage(message);
  }

  /** Quick fixes for the finding with this key, built on the current text. */
  requestFixes(key: string): Promise<FixesReply> {
    return this.request({ kind: 'fixes', key }, { file: null, fixes: [] });
  }

  /** The whole lock graph, as of the current text, runtime edges included. */
  requestGraph(): Promise<GraphJson> {
    return this.request({ kind: 'graph' }, { version: 1, nodes: [], edges: [], cycles: [] });
  }

  /** Links from the open lockdep report `uri` into the sources. */
  requestReportLinks(uri: string): Promise<ReportLink[]> {
    return this.request({ kind: 'reportLinks', uri }, []);
  }

  /** Merges a report into the analysis under `key`, replacing an import of that key. */
  importLockdep(key: string, text: string): Promise<ImportLockdepResult> {
    const fallback = { key, error: 'the engine is not running', splats: 0, edges: 0, confirmed: 0, newCycles: 0, unmapped: [] };
    return this.request({ kind: 'importLockdep', key, text }, fallback);
  }

  clearLockdep(): Promise<ClearLockdepResult> {
    return this.request({ kind: 'clearLockdep' }, { cleared: 0 });
  }

  /**
   * Resolves with `fallback` when there is no worker, or it dies before answering. The worker
   * answers each kind of request with its own kind of reply, which is what `T` stands for.
   */
  private request<T extends EngineReply>(request: EngineRequest, fallback: T): Promise<T> {
    if (!this.worker) return Promise.resolve(fallback);
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, { resolve: resolve as (result: EngineReply) => void, fallback });
      this.send({ type: 'request', id, request });
    });
  }

  /**
   * Stops the worker between two tasks: terminating it in the middle of a parse would abort the
   * whole process (the parser calls back into JavaScript to check its time budget). A worker that
   * has not stopped after STOP_GRACE_MS is terminated anyway.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToEngine);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
    await Promise.race([exited, late]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private receive(message: FromEngine): void {
    switch (message.type) {
      case 'snapshot':
        return this.events.snapshot(this.resolve(message.snapshot));
      case 'indexProgress':
        return this.events.indexProgress(message.indexed, message.total);
      case 'indexDone':
        return this.events.indexDone(message.indexed, message.total, message.cancelled);
      case 'log':
        return this.events.log(message.level, message.message);
      case 'reply': {
        const waiting = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        waiting?.resolve(message.result);
        return;
      }
    }
  }

  /** The snapshot with every finding's content, from this message or the ones before. */
  private resolve(message: SnapshotMessage): AnalysisSnapshot {
    const byId = new Map<number, Finding>();
    const findings: Finding[] = [];
    for (const { id, finding } of message.findings) {
      const known = finding ?? this.findings.get(id);
      if (!known) {
        // Cannot happen while messages arrive in order; the finding is left out rather than the snapshot.
        this.events.log('error', `Lockorder: the engine named finding ${id} without having sent it`);
        continue;
      }
      byId.set(id, known);
      findings.push(known);
    }
    this.findings = byId;
    return { ...message, findings };
  }

  private exited(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    for (const { resolve, fallback } of this.waiting.values()) resolve(fallback);
    this.waiting.clear();
    if (this.disposed) return;
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length > 0 && now - this.deaths[0] > RESTART_WINDOW_MS) this.deaths.shift();
    if (this.deaths.length > MAX_RESTARTS) {
      this.events.log('error', `Lockorder: the engine stopped (exit code ${code}) ${this.deaths.length} times in a few minutes; not restarting it. Reload the window to try again.`);
      return;
    }
    this.events.log('error', `Lockorder: the engine stopped (exit code ${code}); restarting it.`);
    this.start();
  }
}
