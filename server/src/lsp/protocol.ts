/**
 * Lockorder's own messages between the language server and its clients, beyond standard LSP.
 * Types and method names only, with no imports of runtime code, so the VS Code client (or any other
 * editor's glue) can import this file type-only and stay decoupled from the server's internals.
 */
import type { GraphJson } from '../analysis/graphJson';

/** `lockorder/graph`: the whole lock-order graph as of the last analysis. */
export type GraphRequestMethod = 'lockorder/graph';
export const GRAPH_REQUEST: GraphRequestMethod = 'lockorder/graph';

export interface GraphParams {
  /** The document the user is looking at; echoed back so the page can highlight its locks. */
  uri?: string;
}

export interface GraphResult {
  graph: GraphJson;
  currentFile?: string;
}

/** `lockorder/status`: sent whenever indexing progresses or an analysis finishes. */
export type StatusNotificationMethod = 'lockorder/status';
export const STATUS_NOTIFICATION: StatusNotificationMethod = 'lockorder/status';

export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready';
  /** Files indexed so far and files to index, while indexing. */
  indexed: number;
  total: number;
  /** Files in the analysed program, and findings across all of them (after severity settings). */
  files: number;
  findings: number;
}

/** Commands the server executes (`workspace/executeCommand`); VS Code shows them in the palette. */
export const REINDEX_COMMAND = 'lockorder.reindex';

/**
 * The client-side command a hover's "Show in graph" link runs. Its single argument is
 * `ShowGraphArgs`, JSON-encoded in the `command:` URI.
 */
export const SHOW_GRAPH_COMMAND = 'lockorder.showGraph';

export interface ShowGraphArgs {
  /** Lock class id to centre the graph on. */
  focus?: string;
  uri?: string;
}
