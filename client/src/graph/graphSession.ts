/**
 * The conversation between the extension and one lock-graph page, without the editor: when to
 * fetch the graph from the language server and send it, what to do with the page's requests, and
 * what to ignore. graphPanel.ts connects it to a real webview panel.
 *
 * The page is reloaded whenever its panel is shown again (contexts are not retained while hidden),
 * so every `ready` gets the whole graph afresh; while it is hidden nothing is sent. A refresh that
 * finds the graph unchanged sends nothing, because the page lays the graph out again on every
 * graph it is given.
 */
import type { GraphResult } from '../../../server/src/lsp/protocol';
import { exportContent, parsePageMessage, siteTarget, type ExportFormat, type HostMessage, type SiteScope, type SiteTarget } from './pageMessages';

export interface SessionPorts {
  requestGraph(uri: string | undefined): Promise<GraphResult>;
  /** Resolves to false when the page did not receive the message (it is hidden or gone). */
  post(message: HostMessage): PromiseLike<boolean>;
  siteScope(): SiteScope;
  /** `line` and `column` are 1-based, as checked; the port clamps them to the document. */
  openSite(target: SiteTarget, line: number, column: number): Promise<void>;
  /** Asks the user where to save, and writes there. */
  saveExport(format: ExportFormat, content: Uint8Array): Promise<void>;
  /** A page message was refused; for the log, not for the user. */
  refused(reason: string): void;
  /** Something the user asked for failed. */
  failed(what: string, error: unknown): void;
}

export interface Cancellable {
  cancel(): void;
}

/** Runs `task` after `ms`; the tests pass a clock they advance by hand. */
export type Scheduler = (task: () => Promise<void>, ms: number) => Cancellable;

export const timerScheduler: Scheduler = (task, ms) => {
  const timer = setTimeout(() => void task(), ms);
  return { cancel: () => clearTimeout(timer) };
};

/** Long enough for a burst of keystrokes, diagnostics and editor switches to become one refresh. */
export const REFRESH_DELAY_MS = 400;

export type ServerState = 'starting' | 'indexing' | 'ready';

export class GraphSession {
  private pageReady = false;
  /** What the page shows now, as JSON; undefined when it shows nothing from us yet. */
  private shown: string | undefined;
  private pendingFocus: string | undefined;
  private currentUri: string | undefined;
  private indexing = false;
  /** Numbers the graph requests; only the newest one's answer is sent. */
  private requests = 0;
  private refreshTimer: Cancellable | undefined;

  constructor(
    private readonly ports: SessionPorts,
    start: { uri?: string; focus?: string } = {},
    private readonly schedule: Scheduler = timerScheduler,
    private readonly refreshDelayMs = REFRESH_DELAY_MS,
  ) {
    this.currentUri = start.uri;
    this.pendingFocus = start.focus;
  }

  /** A message from the page, which may be anything. */
  async receive(data: unknown): Promise<void> {
    const parsed = parsePageMessage(data);
    if (!parsed.ok) return this.ports.refused(parsed.error);
    const message = parsed.value;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.shown = undefined;
        return this.refresh();
      case 'openSite': {
        const target = siteTarget(message.file, this.ports.siteScope());
        if (!target.ok) return this.ports.refused(`openSite: ${target.error}`);
        return this.attempt('open the lock site', () => this.ports.openSite(target.value, message.line, message.column));
      }
      case 'export': {
        const content = exportContent(message.format, message.data);
        if (!content.ok) return this.ports.refused(content.error);
        return this.attempt(`export the graph as ${message.format.toUpperCase()}`, () => this.ports.saveExport(message.format, content.value));
      }
    }
  }

  /** Centre the graph on a lock class: now if the page shows a graph, else with the next one. */
  async focus(id: string): Promise<void> {
    if (this.pageReady && this.shown !== undefined && (await this.ports.post({ type: 'focus', id }))) return;
    this.pendingFocus = id;
  }

  /** The panel was hidden, which unloads the page; it says `ready` again when shown. */
  pageHidden(): void {
    this.pageReady = false;
    this.shown = undefined;
    this.cancelRefresh();
  }

  /** The user is looking at another document (the graph can highlight its locks). */
  editorChanged(uri: string): void {
    if (uri === this.currentUri) return;
    this.currentUri = uri;
    this.refreshSoon();
  }

  /**
   * The server's status. While it indexes, the graph changes with every batch of files; the page
   * is updated once indexing is done rather than laid out again and again meanwhile.
   */
  serverStatus(state: ServerState): void {
    this.indexing = state === 'indexing';
    if (state === 'ready') this.refreshSoon();
  }

  /** The analysis may have changed: diagnostics moved, or a C document was edited. */
  analysisChanged(): void {
    if (!this.indexing) this.refreshSoon();
  }

  dispose(): void {
    this.pageHidden();
  }

  private refreshSoon(): void {
    if (!this.pageReady) return;
    this.cancelRefresh();
    this.refreshTimer = this.schedule(() => {
      this.refreshTimer = undefined;
      return this.refresh();
    }, this.refreshDelayMs);
  }

  private cancelRefresh(): void {
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
  }

  private async refresh(): Promise<void> {
    const request = ++this.requests;
    let result: GraphResult;
    try {
      result = await this.ports.requestGraph(this.currentUri);
    } catch (error) {
      return this.ports.failed('get the lock graph from the language server', error);
    }
    if (request !== this.requests || !this.pageReady) return;
    const shown = JSON.stringify(result);
    if (shown === this.shown) return;
    const focus = this.pendingFocus;
    this.pendingFocus = undefined;
    this.shown = shown;
    const delivered = await this.ports.post({ type: 'graph', graph: result.graph, currentFile: result.currentFile, focus });
    if (!delivered && this.shown === shown) {
      this.shown = undefined;
      this.pendingFocus ??= focus;
    }
  }

  private async attempt(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.ports.failed(what, error);
    }
  }
}
