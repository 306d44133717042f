/**
 * The engine side of the language server, run in a worker thread: open documents and their trees,
 * the workspace walk, the program, and the analyses. It is driven by `ToEngine` messages and
 * answers with `FromEngine` messages; nothing here knows about LSP connections.
 *
 * Timing: an open or a closed document is analysed at once; keystrokes wait for `debounceMs` of
 * quiet per document (by default none: the document is analysed as soon as the worker is idle, and
 * the keystrokes that arrived while it was busy are re-parsed together). Analyses are coalesced:
 * any number of requests before the event loop turns again make one `analyze()`. The workspace walk
 * reads one file per turn of the event loop, so edits and cancellation are handled between files.
 *
 * Lockdep reports (open `lockdep` documents and imports) are merged into every analysis; an edit of
 * a report waits for quiet like a keystroke in C.
 */
import { catalogueFor } from '../../cli/engineBoundary';
import { extractFile } from '../../analysis/extract';
import type { Finding } from '../../analysis/findings';
import { fixesFor } from '../../analysis/fixes';
import type { LockApiCatalogue } from '../../analysis/lockApis';
import { Deadline, FILE_BUDGET_MS } from '../../analysis/parser';
import { factsOf, LockProgram, type ProgramAnalysis } from '../../analysis/program';
import type { ImportLockdepResult } from '../protocol';
import { DEFAULT_SETTINGS, needsReindex, type EngineSettings } from '../settings';
import { pathOfUri } from '../uris';
import { DocumentStore } from './documentStore';
import { LockdepReports } from './lockdepReports';
import { LockdepView } from './lockdepView';
import { findingKey, type EngineReply, type EngineRequest, type FixesReply, type FromEngine, type ToEngine, type WatchedChange } from './messages';
import { buildSnapshot, FindingIds, ReleaseReferences } from './snapshot';
import { WorkspaceFiles, type WorkspaceFile } from './workspaceIndex';

/** Progress messages are sent at most this often while indexing. */
const PROGRESS_INTERVAL_MS = 100;

export class EngineSession {
  private settings: EngineSettings = DEFAULT_SETTINGS.engine;
  private catalogue: LockApiCatalogue = catalogueFor({});
  private program = new LockProgram({ catalogue: this.catalogue });
  private readonly documents = new DocumentStore();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Open documents left out for their size, each logged once. */
  private readonly oversized = new Set<string>();
  private workspace: WorkspaceFiles | undefined;
  /** Files the last walk found (plus ones the watcher reported since): the closed ones are read from disk. */
  private workspaceUris = new Set<string>();
  /** Increases for every walk; a walk stops as soon as it is no longer the current one. */
  private indexRun = 0;
  /** The walk in progress, if any. */
  private indexing: { indexed: number; total: number } | undefined;
  private analysisQueued = false;
  /** Something changed since the last analysis. */
  private analysisDue = false;
  private generation = 0;
  private lastAnalysis: ProgramAnalysis | undefined;
  private readonly reports = new LockdepReports();
  /** The last analysis with the reports merged in; undefined when there are none. */
  private lastLockdep: LockdepView | undefined;
  /** Which findings the main thread has, so that a snapshot sends only the new ones in full. */
  private readonly findingIds = new FindingIds();
  /** The releases each open function names, kept while its facts are unchanged. */
  private readonly releases = new ReleaseReferences();

  constructor(private readonly emit: (message: FromEngine) => void) {}

  handle(message: ToEngine): void {
    try {
      this.dispatch(message);
    } catch (error) {
      this.log('error', `Lockorder: engine failed on '${message.type}': ${describe(error)}`);
      if (message.type === 'request') this.emit({ type: 'reply', id: message.id, result: emptyAnswer(message.request) });
    }
  }

  private dispatch(message: ToEngine): void {
    switch (message.type) {
      case 'configure':
        return this.configure(message.settings);
      case 'open':
        if (message.language === 'lockdep') {
          this.reports.openDocument(message.uri, message.version, message.text);
          return this.requestAnalysis();
        }
        this.documents.open(message.uri, message.version, message.text);
        return this.refreshNow(message.uri);
      case 'change':
        if (this.documents.change(message.uri, message.version, message.changes)) this.refreshLater(message.uri);
        // A report has no tree to refresh: the wait ends in an analysis, which reads it again.
        else if (this.reports.changeDocument(message.uri, message.version, message.changes)) this.refreshLater(message.uri);
        return;
      case 'close':
        return this.close(message.uri);
      case 'importReport':
        this.reports.import(message.key, message.text);
        return this.requestAnalysis();
      case 'index':
        this.workspace = new WorkspaceFiles(message.folders, this.settings, (line) => this.log('info', line));
        return this.startIndex();
      case 'cancelIndex':
        return this.cancelIndex();
      case 'watched':
        return this.watched(message.changes);
      case 'request':
        return this.emit({ type: 'reply', id: message.id, result: this.answer(message.request) });
    }
  }

  private configure(settings: EngineSettings): void {
    const before = this.settings;
    this.settings = settings;
    const apisChanged = JSON.stringify(before.lockApis) !== JSON.stringify(settings.lockApis);
    const ordersChanged = JSON.stringify(before.declaredOrders) !== JSON.stringify(settings.declaredOrders);
    if (!apisChanged && !ordersChanged && !needsReindex(before, settings)) return;
    if (apisChanged) this.catalogue = catalogueFor({ lockApis: settings.lockApis });
    const previous = this.program;
    this.program = new LockProgram({ catalogue: this.catalogue, declaredOrders: settings.declaredOrders });
    if (apisChanged) {
      // Extraction depends on the lock APIs: every file is extracted again, open ones from their trees.
      for (const uri of this.documents.uris()) this.refresh(uri);
    } else {
      for (const name of previous.fileNames()) this.program.setFile(previous.file(name)!);
      // A new size limit may take an open document in or leave it out.
      if (before.maxFileBytes !== settings.maxFileBytes) for (const uri of this.documents.uris()) this.refresh(uri);
    }
    if (this.workspace && needsReindex(before, settings)) {
      this.workspace = new WorkspaceFiles(this.workspace.folders, settings, (line) => this.log('info', line));
      this.startIndex();
    }
    this.requestAnalysis();
  }

  // -------------------------------------------------------------------------------------------
  // Documents

  private refreshNow(uri: string): void {
    this.cancelPending(uri);
    this.refresh(uri);
    this.requestAnalysis();
  }

  private refreshLater(uri: string): void {
    this.cancelPending(uri);
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        this.guarded('refresh', () => this.refreshNow(uri));
      }, this.settings.debounceMs),
    );
  }

  private cancelPending(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer) clearTimeout(timer);
    this.pending.delete(uri);
  }

  /** Re-parses (incrementally) and re-extracts an open document into the program: only its changed functions are walked. */
  private refresh(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const text = doc.document.getText();
    const oversize = bytesOver(text, this.settings.maxFileBytes);
    if (oversize !== undefined) {
      this.program.removeFile(uri);
      // One line when the document goes over the limit, not one per keystroke.
      if (!this.oversized.has(uri)) {
        this.oversized.add(uri);
        this.log('info', `Lockorder: not analysing ${uri}: it is ${oversize} bytes, over the limit of ${this.settings.maxFileBytes} (lockorder.maxFileBytes)`);
      }
      return;
    }
    this.oversized.delete(uri);
    try {
      const deadline = new Deadline(FILE_BUDGET_MS);
      const tree = this.documents.parse(doc, deadline);
      this.program.setFile(extractFile(uri, text, tree, this.catalogue, { deadline, reuse: doc.functions }));
    } catch (error) {
      // Leaving stale facts would put diagnostics on lines that moved; leave the file out instead.
      this.program.removeFile(uri);
      this.log('info', `Lockorder: could not analyse ${uri} (version ${doc.document.version}): ${describe(error)}`);
    }
  }

  private close(uri: string): void {
    this.cancelPending(uri);
    if (this.reports.closeDocument(uri)) return this.requestAnalysis();
    this.documents.close(uri);
    this.oversized.delete(uri);
    // The editor's buffer may have differed from the disk; a workspace file goes back to its saved text.
    const path = pathOfUri(uri);
    if (this.workspaceUris.has(uri) && path !== undefined && this.workspace) this.loadFromDisk({ uri, path }, this.workspace);
    else this.program.removeFile(uri);
    this.requestAnalysis();
  }

  // -------------------------------------------------------------------------------------------
  // The workspace

  private startIndex(): void {
    const workspace = this.workspace;
    if (!workspace) return;
    // A walk in progress is superseded, not cancelled: its progress carries on as this one's.
    const run = ++this.indexRun;
    // Listing the folders takes a while on a big workspace: an analysis already queued (a document
    // just opened) goes first, so that its diagnostics do not wait for the walk.
    void turnOfEventLoop().then(() => {
      if (run === this.indexRun) this.guarded('index', () => this.listAndIndex(run, workspace));
    });
  }

  private listAndIndex(run: number, workspace: WorkspaceFiles): void {
    const files = workspace.list();
    const found = new Set(files.map((f) => f.uri));
    for (const uri of this.workspaceUris) {
      if (!found.has(uri) && !this.documents.has(uri)) this.program.removeFile(uri);
    }
    this.workspaceUris = found;
    const ordered = this.nearOpenDocumentsFirst(files);
    this.indexing = { indexed: 0, total: ordered.length };
    this.emit({ type: 'indexProgress', indexed: 0, total: ordered.length });
    void this.indexFiles(run, ordered, workspace);
  }

  /** Files beside an open document are likely to share its locks: they go first. */
  private nearOpenDocumentsFirst(files: WorkspaceFile[]): WorkspaceFile[] {
    const openDirs = new Set(this.documents.uris().map((uri) => uri.slice(0, uri.lastIndexOf('/') + 1)));
    const near = (f: WorkspaceFile) => openDirs.has(f.uri.slice(0, f.uri.lastIndexOf('/') + 1));
    return [...files.filter(near), ...files.filter((f) => !near(f))];
  }

  private async indexFiles(run: number, files: WorkspaceFile[], workspace: WorkspaceFiles): Promise<void> {
    let lastReport = Date.now();
    for (const [i, file] of files.entries()) {
      await turnOfEventLoop();
      if (run !== this.indexRun) return;
      // Open documents are analysed from the editor's text, not from the disk.
      if (!this.documents.has(file.uri)) this.guarded('index', () => this.loadFromDisk(file, workspace));
      this.indexing!.indexed = i + 1;
      if (Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = Date.now();
        this.emit({ type: 'indexProgress', indexed: i + 1, total: files.length });
      }
    }
    await turnOfEventLoop();
    if (run !== this.indexRun) return;
    this.indexing = undefined;
    this.emit({ type: 'indexDone', indexed: files.length, total: files.length, cancelled: false });
    this.requestAnalysis();
  }

  /** Ends the running walk, if any; what it read so far stays in the program. */
  private cancelIndex(): void {
    if (!this.indexing) return;
    const { indexed, total } = this.indexing;
    this.indexing = undefined;
    this.indexRun++;
    this.emit({ type: 'indexDone', indexed, total, cancelled: true });
    this.requestAnalysis();
  }

  private loadFromDisk(file: WorkspaceFile, workspace: WorkspaceFiles): void {
    const text = workspace.read(file.path);
    if (text === undefined) {
      this.program.removeFile(file.uri);
      return;
    }
    try {
      this.program.setFile(factsOf(file.uri, text, this.catalogue, { timeoutMs: FILE_BUDGET_MS }));
    } catch (error) {
      this.program.removeFile(file.uri);
      this.log('info', `Lockorder: skipped ${file.path}: ${describe(error)}`);
    }
  }

  private watched(changes: WatchedChange[]): void {
    const workspace = this.workspace;
    if (!workspace) return;
    for (const change of changes) {
      if (this.documents.has(change.uri)) continue;
      if (change.kind === 'deleted') {
        // A deleted directory is reported as itself: everything under it goes too.
        for (const uri of [...this.workspaceUris]) {
          if ((uri === change.uri || uri.startsWith(`${change.uri}/`)) && !this.documents.has(uri)) {
            this.workspaceUris.delete(uri);
            this.program.removeFile(uri);
          }
        }
        continue;
      }
      const path = pathOfUri(change.uri);
      if (path === undefined || !workspace.includes(path)) continue;
      this.workspaceUris.add(change.uri);
      this.loadFromDisk({ uri: change.uri, path }, workspace);
    }
    this.requestAnalysis();
  }

  // -------------------------------------------------------------------------------------------
  // Analysis

  private requestAnalysis(): void {
    this.analysisDue = true;
    if (this.analysisQueued) return;
    this.analysisQueued = true;
    setImmediate(() => {
      this.analysisQueued = false;
      if (this.analysisDue) this.guarded('analysis', () => this.analyse());
    });
  }

  private analyse(): ProgramAnalysis {
    this.analysisDue = false;
    const analysis = this.program.analyze();
    this.lastAnalysis = analysis;
    this.lastLockdep = this.reports.isEmpty() ? undefined : new LockdepView(analysis, this.reports.all());
    this.generation++;
    this.emit({ type: 'snapshot', snapshot: buildSnapshot(this.generation, analysis, this.program, this.documents.uris(), this.lastLockdep, this.findingIds, this.releases) });
    return analysis;
  }

  private answer(request: EngineRequest): EngineReply {
    switch (request.kind) {
      case 'graph': {
        const analysis = this.current();
        return (this.lastLockdep?.merged ?? analysis).toJson();
      }
      case 'fixes':
        return this.fixes(request.key);
      case 'reportLinks': {
        this.current();
        const report = this.reports.get(request.uri);
        return report && this.lastLockdep ? this.lastLockdep.links(report) : [];
      }
      case 'importLockdep':
        return this.importReport(request.key, request.text);
      case 'clearLockdep': {
        const cleared = this.reports.clearImports();
        if (cleared > 0) this.requestAnalysis();
        return { cleared };
      }
    }
  }

  /** Imports a report and says what it added; a report that adds nothing is not kept. */
  private importReport(key: string, text: string): ImportLockdepResult {
    const report = this.reports.import(key, text);
    this.analysisDue = true;
    this.current();
    const summary = this.lastLockdep!.summary(this.reports.get(key) ?? report);
    if (summary.error !== undefined) {
      this.reports.forgetImport(key);
      this.requestAnalysis();
    }
    return summary;
  }

  /** Quick fixes come from the static findings: a fix edits the sources, and is verified against them. */
  private fixes(key: string): FixesReply {
    const analysis = this.current();
    const finding = analysis.findings.find((f) => findingKey(f) === key);
    const text = finding && this.textOf(finding.file);
    if (!finding || text === undefined) return { file: null, fixes: [] };
    const fixes = fixesFor(finding.file, text, finding, (file, edited) => this.findingsWith(file, edited), this.catalogue);
    return { file: finding.file, fixes: fixes.map(({ title, isPreferred, edits }) => ({ title, isPreferred, edits })) };
  }

  /**
   * An analysis of the current text: pending keystrokes are taken in first, so that (for quick
   * fixes) the findings' positions and the text agree.
   */
  private current(): ProgramAnalysis {
    for (const uri of [...this.pending.keys()]) {
      this.cancelPending(uri);
      this.refresh(uri);
      this.analysisDue = true;
    }
    return this.analysisDue || !this.lastAnalysis ? this.analyse() : this.lastAnalysis;
  }

  /** The program's findings if `file` read `text`; the program is left as it was. */
  private findingsWith(file: string, text: string): Finding[] {
    const original = this.program.file(file);
    try {
      this.program.setFile(factsOf(file, text, this.catalogue, { timeoutMs: FILE_BUDGET_MS }));
      return this.program.analyze().findings;
    } finally {
      if (original) this.program.setFile(original);
      else this.program.removeFile(file);
    }
  }

  private textOf(uri: string): string | undefined {
    const doc = this.documents.get(uri);
    if (doc) return doc.document.getText();
    const path = pathOfUri(uri);
    return path !== undefined && this.workspace ? this.workspace.read(path) : undefined;
  }

  private guarded(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.log('error', `Lockorder: ${what} failed: ${describe(error)}`);
    }
  }

  private log(level: 'info' | 'error', message: string): void {
    this.emit({ type: 'log', level, message });
  }
}

function emptyAnswer(request: EngineRequest): EngineReply {
  switch (request.kind) {
    case 'graph':
      return { version: 1, nodes: [], edges: [], cycles: [] };
    case 'fixes':
      return { file: null, fixes: [] };
    case 'reportLinks':
      return [];
    case 'importLockdep':
      return { key: request.key, error: 'the engine failed on it (see the Lockorder output)', splats: 0, edges: 0, confirmed: 0, newCycles: 0, unmapped: [] };
    case 'clearLockdep':
      return { cleared: 0 };
  }
}

function turnOfEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function describe(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'too deeply nested to analyse';
  return error instanceof Error ? error.message : String(error);
}

/** The document's size in UTF-8 bytes when it is over `limit`, else undefined (without encoding small texts). */
function bytesOver(text: string, limit: number): number | undefined {
  // A UTF-16 unit is at most 3 bytes of UTF-8, and at least 1.
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : undefined;
}
