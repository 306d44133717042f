/**
 * The language server's main thread: the LSP connection and its handlers. Analysis runs in the
 * engine worker (`EngineHost`); this thread keeps the open documents' text and the imported lockdep
 * reports (to replay them into a restarted worker), the settings, and the last analysis snapshot,
 * from which hovers and diagnostics are answered without waiting for any analysis in progress.
 *
 * Documents in the `lockdep` language are reports, not C: their edges join the analysis, and they
 * get diagnostics and links of their own.
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../analysis/findings';
import { applySeverityOverrides } from '../config';
import { quickFixes } from './codeActions';
import { DiagnosticsPublisher, FindingDiagnostics } from './diagnostics';
import type { AnalysisSnapshot, DocumentLanguage, ToEngine, WatchedChange, WorkspaceFolderRef } from './engine/messages';
import { EngineHost } from './engineHost';
import { guarded } from './guard';
import { hoverAt } from './hover';
import { documentLinks, importKey, reportDiagnostics } from './lockdepDocuments';
import { LockIndex } from './lockIndex';
import { IndexProgress } from './progress';
import {
  CLEAR_LOCKDEP_REQUEST,
  GRAPH_REQUEST,
  IMPORT_LOCKDEP_REQUEST,
  LOCKDEP_LANGUAGE,
  MAX_LOCKDEP_REPORT_BYTES,
  REINDEX_COMMAND,
  STATUS_NOTIFICATION,
  type ClearLockdepResult,
  type GraphParams,
  type GraphResult,
  type ImportLockdepResult,
  type StatusParams,
} from './protocol';
import { DEFAULT_SETTINGS, readSettings, type ServerSettings } from './settings';
import { canonicalUri, isUri, pathOfUri } from './uris';

const EMPTY_GRAPH: GraphResult['graph'] = { version: 1, nodes: [], edges: [], cycles: [] };

/** Starts the server on the transport named in argv (`--stdio`, `--node-ipc`, `--socket=`). */
export function startLanguageServer(entryScript: string): void {
  const connection = createConnection(ProposedFeatures.all);
  new LockorderServer(connection, entryScript).listen();
}

class LockorderServer {
  private settings: ServerSettings = DEFAULT_SETTINGS;
  private capabilities: ClientCapabilities = {};
  private folders: WorkspaceFolderRef[] = [];
  private readonly documents = new Map<string, TextDocument>();
  /** Imported lockdep reports by key, to replay into a restarted worker. */
  private readonly imports = new Map<string, string>();
  private readonly engine: EngineHost;
  private readonly publisher: DiagnosticsPublisher;
  private readonly diagnostics = new FindingDiagnostics();
  private readonly progress: IndexProgress;
  private index: LockIndex | undefined;
  private indexRequested = false;
  private status: StatusParams = { state: 'starting', indexed: 0, total: 0, files: 0, findings: 0 };

  constructor(
    private readonly connection: Connection,
    entryScript: string,
  ) {
    this.publisher = new DiagnosticsPublisher((uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }));
    this.progress = new IndexProgress(connection, () => this.engine.send({ type: 'cancelIndex' }));
    this.engine = new EngineHost(
      entryScript,
      {
        snapshot: (snapshot) => this.onSnapshot(snapshot),
        indexProgress: (indexed, total) => this.onIndexProgress(indexed, total),
        indexDone: (indexed, total, cancelled) => this.onIndexDone(indexed, total, cancelled),
        log: (level, message) => (level === 'error' ? connection.console.error(message) : connection.console.log(message)),
      },
      () => this.replay(),
    );
  }

  listen(): void {
    const c = this.connection;
    const log = c.console;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(guarded(log, 'initialized', undefined, () => this.initialized()));
    c.onDidOpenTextDocument(
      guarded(log, 'didOpen', undefined, ({ textDocument: d }) => {
        const uri = canonicalUri(d.uri);
        const doc = TextDocument.create(uri, d.languageId, d.version, d.text);
        this.documents.set(uri, doc);
        this.engine.send({ type: 'open', uri, version: d.version, text: d.text, language: languageOf(doc) });
      }),
    );
    c.onDidChangeTextDocument(
      guarded(log, 'didChange', undefined, ({ textDocument: d, contentChanges }) => {
        const uri = canonicalUri(d.uri);
        const doc = this.documents.get(uri);
        if (!doc) return;
        TextDocument.update(doc, contentChanges, d.version);
        this.engine.send({ type: 'change', uri, version: d.version, changes: contentChanges });
      }),
    );
    c.onDidCloseTextDocument(
      guarded(log, 'didClose', undefined, ({ textDocument: d }) => {
        const uri = canonicalUri(d.uri);
        this.documents.delete(uri);
        this.engine.send({ type: 'close', uri });
        this.publish();
      }),
    );
    c.onDidChangeWatchedFiles(
      guarded(log, 'didChangeWatchedFiles', undefined, ({ changes }) => {
        const kinds: Record<FileChangeType, WatchedChange['kind']> = { 1: 'created', 2: 'changed', 3: 'deleted' };
        this.engine.send({ type: 'watched', changes: changes.map((ch) => ({ uri: canonicalUri(ch.uri), kind: kinds[ch.type] })) });
      }),
    );
    c.onDidChangeConfiguration(guarded(log, 'didChangeConfiguration', undefined, ({ settings }) => this.loadSettings(settings)));
    c.onHover(
      guarded(log, 'hover', null, ({ textDocument, position }) =>
        this.index ? hoverAt(this.index, canonicalUri(textDocument.uri), position) : null,
      ),
    );
    c.onCodeAction(guarded(log, 'codeAction', [], (params) => quickFixes(params, (key) => this.engine.requestFixes(key))));
    c.onDocumentLinks(
      guarded(log, 'documentLink', [], async ({ textDocument }) => {
        const uri = canonicalUri(textDocument.uri);
        const doc = this.documents.get(uri);
        return doc && languageOf(doc) === 'lockdep' ? documentLinks(await this.engine.requestReportLinks(uri)) : [];
      }),
    );
    c.onExecuteCommand(
      guarded(log, 'executeCommand', undefined, ({ command }) => {
        if (command === REINDEX_COMMAND) this.startIndex();
      }),
    );
    c.onRequest(
      GRAPH_REQUEST,
      guarded(log, GRAPH_REQUEST, { graph: EMPTY_GRAPH }, async (params: GraphParams | undefined): Promise<GraphResult> => ({
        graph: await this.engine.requestGraph(),
        ...(params?.uri !== undefined && { currentFile: canonicalUri(params.uri) }),
      })),
    );
    c.onRequest(
      IMPORT_LOCKDEP_REQUEST,
      guarded(log, IMPORT_LOCKDEP_REQUEST, importFailure('lockdep report', 'the server failed on it (see its log)'), (params: unknown) => this.importLockdep(params)),
    );
    c.onRequest(
      CLEAR_LOCKDEP_REQUEST,
      guarded(log, CLEAR_LOCKDEP_REQUEST, { cleared: 0 }, (): Promise<ClearLockdepResult> => {
        this.imports.clear();
        return this.engine.clearLockdep();
      }),
    );
    c.onShutdown(() => this.engine.dispose());
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities;
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
    this.folders = foldersOf(folders);
    this.engine.start();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentLinkProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [REINDEX_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'lockorder' },
    };
  }

  private async initialized(): Promise<void> {
    const workspace = this.capabilities.workspace;
    if (workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{c,h}' }] });
    }
    if (workspace?.didChangeConfiguration?.dynamicRegistration) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'lockorder' });
    }
    if (workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(
        guarded(this.connection.console, 'didChangeWorkspaceFolders', undefined, ({ added, removed }) => {
          const gone = new Set(removed.map((f) => canonicalUri(f.uri)));
          this.folders = [...this.folders.filter((f) => !gone.has(f.uri)), ...foldersOf(added)];
          this.startIndex();
        }),
      );
    }
    await this.loadSettings(undefined);
    this.startIndex();
  }

  /** Pulls the settings when the client serves `workspace/configuration`, else takes what was pushed. */
  private async loadSettings(pushed: unknown): Promise<void> {
    let section: unknown = isObject(pushed) ? pushed.lockorder : undefined;
    if (this.capabilities.workspace?.configuration) {
      [section] = await this.connection.workspace.getConfiguration([{ section: 'lockorder' }]);
    }
    const problems: string[] = [];
    this.settings = readSettings(section, (problem) => problems.push(problem));
    for (const problem of problems) this.connection.console.warn(`Lockorder: ${problem}`);
    if (problems.length > 0) {
      const what = problems.length === 1 ? 'One setting is' : `${problems.length} settings are`;
      void this.connection.window.showWarningMessage(`Lockorder: ${what} not valid; defaults apply instead. See the Lockorder output for details.`);
    }
    this.engine.send({ type: 'configure', settings: this.settings.engine });
    this.publish();
  }

  /**
   * Walks the workspace folders (again). Without folders there is nothing to walk, unless some were
   * walked before and have been removed since: that walk drops their files.
   */
  private startIndex(): void {
    if (this.folders.length === 0 && !this.indexRequested) return;
    this.indexRequested = true;
    this.engine.send({ type: 'index', folders: this.folders });
  }

  /** What a fresh engine worker needs to catch up. */
  private replay(): ToEngine[] {
    const messages: ToEngine[] = [{ type: 'configure', settings: this.settings.engine }];
    for (const doc of this.documents.values()) messages.push({ type: 'open', uri: doc.uri, version: doc.version, text: doc.getText(), language: languageOf(doc) });
    for (const [key, text] of this.imports) messages.push({ type: 'importReport', key, text });
    if (this.indexRequested) messages.push({ type: 'index', folders: this.folders });
    return messages;
  }

  /** `lockorder/importLockdep`: the report is kept (for a restarted worker) only when it adds something. */
  private async importLockdep(params: unknown): Promise<ImportLockdepResult> {
    if (!isObject(params) || typeof params.text !== 'string' || typeof params.source !== 'string') {
      return importFailure('lockdep report', 'expected { text: string, source: string }');
    }
    const key = importKey(params.source);
    // Each UTF-16 unit is at least one UTF-8 byte: no need to hand the worker what it will refuse.
    if (params.text.length > MAX_LOCKDEP_REPORT_BYTES) {
      return importFailure(key, `the report is larger than the ${MAX_LOCKDEP_REPORT_BYTES / 1024 / 1024} MiB limit; import an excerpt around it`);
    }
    const result = await this.engine.importLockdep(key, params.text);
    if (result.error === undefined) this.imports.set(key, params.text);
    else this.imports.delete(key);
    return result;
  }

  private onSnapshot(snapshot: AnalysisSnapshot): void {
    this.index = new LockIndex(snapshot);
    this.publish();
  }

  /** Publishes the diagnostics of the files in scope whose diagnostics changed. */
  private publish(): void {
    const snapshot = this.index?.snapshot;
    if (!snapshot) return;
    const everyFile = this.settings.workspaceDiagnostics;
    // The snapshot has references for exactly the open documents it analysed, and notes for the open reports.
    const analysedOpen = new Set([...Object.keys(snapshot.references), ...Object.keys(snapshot.lockdep)].filter((uri) => this.documents.has(uri)));
    const touchesOpen = (f: Finding) => analysedOpen.has(f.file) || (f.sites ?? []).some((s) => analysedOpen.has(s.file));
    const byFile = this.diagnostics.byFile(everyFile ? snapshot.findings : snapshot.findings.filter(touchesOpen), this.settings.severity);
    for (const [uri, notes] of Object.entries(snapshot.lockdep)) {
      if (analysedOpen.has(uri)) byFile.set(uri, [...(byFile.get(uri) ?? []), ...reportDiagnostics(notes)]);
    }
    // A finding located in an import that is no file (the clipboard) has nowhere to be shown.
    for (const key of byFile.keys()) if (!isUri(key)) byFile.delete(key);
    this.publisher.update(byFile, analysedOpen, everyFile);
    const findings = applySeverityOverrides(snapshot.findings, { severity: this.settings.severity }).length;
    this.updateStatus({ state: this.status.state === 'starting' ? 'ready' : this.status.state, files: snapshot.fileCount, findings });
  }

  private onIndexProgress(indexed: number, total: number): void {
    this.progress.report(indexed, total);
    this.updateStatus({ state: 'indexing', indexed, total });
  }

  private onIndexDone(indexed: number, total: number, cancelled: boolean): void {
    this.progress.done();
    if (cancelled) this.connection.console.log(`Lockorder: indexing stopped after ${indexed}/${total} files`);
    this.updateStatus({ state: 'ready', indexed, total });
  }

  private updateStatus(change: Partial<StatusParams>): void {
    const next = { ...this.status, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.status)) return;
    this.status = next;
    void this.connection.sendNotification(STATUS_NOTIFICATION, next);
  }
}

function foldersOf(folders: readonly { uri: string }[]): WorkspaceFolderRef[] {
  return folders.flatMap((f) => {
    const uri = canonicalUri(f.uri);
    const path = pathOfUri(uri);
    return path === undefined ? [] : [{ uri, path }];
  });
}

function languageOf(doc: TextDocument): DocumentLanguage {
  return doc.languageId === LOCKDEP_LANGUAGE ? 'lockdep' : 'c';
}

function importFailure(key: string, error: string): ImportLockdepResult {
  return { key, error, splats: 0, edges: 0, confirmed: 0, newCycles: 0, unmapped: [] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
