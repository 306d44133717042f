/**
 * The "Lock Graph" panel: one webview showing the lock-order graph page (webview/src, bundled into
 * dist/webview or out/webview). This file is the VS Code side only; what is sent when, and which
 * page requests are honoured, is decided in graph/graphSession.ts.
 *
 * The page is not kept alive while hidden (a big graph holds a lot of memory); it saves its own
 * view state and asks for the graph again when shown. The serializer brings the panel back after
 * a window reload.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LOCKDEP_LANGUAGE, type GraphResult, type ShowGraphArgs, type StatusParams } from '../../server/src/lsp/protocol';
import { newNonce, renderWebviewHtml } from '../../server/src/report/htmlReport';
import { GraphSession, type SessionPorts } from './graph/graphSession';
import { EXPORT_FILES, positionInDocument, siteColumn, type ExportFormat, type SiteScope, type SiteTarget } from './graph/pageMessages';

export const GRAPH_VIEW_TYPE = 'lockorder.graph';
export const GRAPH_TITLE = 'Lock Graph';

export interface GraphSource {
  /** The lock-order graph as of the server's last analysis; `uri` is the document in view. */
  requestGraph(uri?: string): Promise<GraphResult>;
  /** The server's `lockorder/status` notifications. */
  onDidChangeStatus: vscode.Event<StatusParams>;
  output: vscode.LogOutputChannel;
}

/** Where the bundled page is: dist/ in a packaged extension, out/ in a development checkout. */
const ASSET_DIRS = [path.join('dist', 'webview'), path.join('out', 'webview')];

let current: GraphPanel | undefined;

/** Opens the panel, or reveals the one there is; `args.focus` centres the graph on a lock class. */
export function showGraphPanel(context: vscode.ExtensionContext, source: GraphSource, args: ShowGraphArgs): void {
  if (current) {
    current.show(args);
    return;
  }
  const assets = assetsDir(context.extensionUri);
  const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, GRAPH_TITLE, { viewColumn: vscode.ViewColumn.Beside }, webviewOptions(assets));
  current = new GraphPanel(panel, assets, source, args);
}

/** Re-creates the panel after a reload of the window; its page restores its own view state. */
export function registerGraphPanelSerializer(context: vscode.ExtensionContext, source: GraphSource): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      if (current) {
        // Only one graph panel: a second restored one would be a stale duplicate.
        panel.dispose();
        return;
      }
      const assets = assetsDir(context.extensionUri);
      panel.webview.options = webviewOptions(assets);
      current = new GraphPanel(panel, assets, source, { uri: activeDocumentUri() });
    },
  });
}

/** Scripts on; nothing loadable but the page's own two files. */
function webviewOptions(assets: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [assets] };
}

function assetsDir(extensionUri: vscode.Uri): vscode.Uri {
  const found = ASSET_DIRS.find((dir) => existsSync(path.join(extensionUri.fsPath, dir, 'graph.js')));
  if (!found) throw new Error(`Lockorder: the lock graph page is missing (looked for ${ASSET_DIRS.join(' and ')})`);
  return vscode.Uri.joinPath(extensionUri, ...found.split(path.sep));
}

/** The document in the active text editor; the graph panel itself is not one. */
function activeDocumentUri(): string | undefined {
  return vscode.window.activeTextEditor?.document.uri.toString();
}

/** The graph may have changed without a diagnostic or C document changing: lockdep reports came or went. */
export function graphMayHaveChanged(): void {
  current?.analysisChanged();
}

/** The documents the language server analyses, or merges into the analysis (see languageClient.ts). */
function isAnalysed(document: vscode.TextDocument): boolean {
  return document.languageId === 'c' || document.languageId === LOCKDEP_LANGUAGE || (document.languageId === 'cpp' && document.uri.path.endsWith('.h'));
}

class GraphPanel {
  private readonly session: GraphSession;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    assets: vscode.Uri,
    source: GraphSource,
    args: ShowGraphArgs,
  ) {
    this.session = new GraphSession(this.ports(source), { uri: args.uri ?? activeDocumentUri(), focus: args.focus });
    const webview = panel.webview;
    webview.html = renderWebviewHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'graph.js')).toString(),
      cssUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'graph.css')).toString(),
      cspSource: webview.cspSource,
      nonce: newNonce(),
      title: GRAPH_TITLE,
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((message: unknown) => this.session.receive(message)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.session.pageHidden();
      }),
      panel.onDidDispose(() => this.dispose()),
      source.onDidChangeStatus((status) => this.session.serverStatus(status.state)),
      vscode.languages.onDidChangeDiagnostics(() => this.session.analysisChanged()),
      vscode.workspace.onDidChangeTextDocument(({ document, contentChanges }) => {
        if (contentChanges.length > 0 && isAnalysed(document)) this.session.analysisChanged();
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.session.editorChanged(editor.document.uri.toString());
      }),
    );
  }

  analysisChanged(): void {
    this.session.analysisChanged();
  }

  show(args: ShowGraphArgs): void {
    if (args.uri !== undefined) this.session.editorChanged(args.uri);
    this.panel.reveal(undefined, false);
    if (args.focus !== undefined) void this.session.focus(args.focus);
  }

  private ports(source: GraphSource): SessionPorts {
    const { output } = source;
    return {
      requestGraph: (uri) => source.requestGraph(uri),
      // A panel closed meanwhile rejects; to the session that is a message not delivered.
      post: (message) => this.panel.webview.postMessage(message).then(undefined, () => false),
      siteScope,
      openSite: (target, line, column) => this.openSite(target, line, column),
      saveExport,
      refused: (reason) => output.warn(`Lock graph: ignored a request from the page: ${reason}`),
      failed: (what, error) => {
        const reason = error instanceof Error ? error.message : String(error);
        output.error(`Lock graph: could not ${what}: ${reason}`);
        void vscode.window.showWarningMessage(`Lockorder could not ${what}: ${reason}`);
      },
    };
  }

  private async openSite(target: SiteTarget, line: number, column: number): Promise<void> {
    const uri = target.kind === 'path' ? vscode.Uri.file(target.path) : vscode.Uri.parse(target.uri, true);
    const document = await vscode.workspace.openTextDocument(uri);
    const at = positionInDocument(line, column, document.lineCount, (l) => document.lineAt(l).text.length);
    const position = new vscode.Position(at.line, at.character);
    await vscode.window.showTextDocument(document, {
      viewColumn: siteColumn(this.panel.viewColumn) as vscode.ViewColumn,
      selection: new vscode.Range(position, position),
    });
  }

  private dispose(): void {
    if (current === this) current = undefined;
    this.session.dispose();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}

function siteScope(): SiteScope {
  const fileDocuments = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file');
  return {
    folders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    openPaths: fileDocuments.map((d) => d.uri.fsPath),
    openUris: vscode.workspace.textDocuments.filter((d) => d.uri.scheme !== 'file').map((d) => d.uri.toString()),
  };
}

/** Writes only where the user chose in the save dialog; cancelling the dialog writes nothing. */
async function saveExport(format: ExportFormat, content: Uint8Array): Promise<void> {
  const { name, filter } = EXPORT_FILES[format];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Lock Graph',
    saveLabel: 'Export',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { [filter]: [format] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, content);
}
