/**
 * The lock-graph panel's entry point, as the rest of the client calls it.
 *
 * INTERFACE STUB: the webview panel (webview/src, built by scripts/build-webview.mjs) replaces the
 * body of `showGraphPanel`; the signature is the contract with extension.ts. Until then the
 * command summarises the graph in a message, so hover links and the command palette work.
 */
import * as vscode from 'vscode';
import type { GraphResult, ShowGraphArgs } from '../../server/src/lsp/protocol';

export interface GraphSource {
  /** The lock-order graph as of the server's last analysis; `uri` is the document in view. */
  requestGraph(uri?: string): Promise<GraphResult>;
}

export async function showGraphPanel(_context: vscode.ExtensionContext, source: GraphSource, args: ShowGraphArgs): Promise<void> {
  const { graph } = await source.requestGraph(args.uri);
  const focus = args.focus ? ` around \`${args.focus}\`` : '';
  void vscode.window.showInformationMessage(
    `Lock graph${focus}: ${graph.nodes.length} locks, ${graph.edges.length} orders, ${graph.cycles.length} cycles.`,
  );
}
