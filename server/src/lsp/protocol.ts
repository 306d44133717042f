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

/** The language id of lockdep reports and kernel logs (see package.json `contributes.languages`). */
export const LOCKDEP_LANGUAGE = 'lockdep';

/** Larger reports are refused, opened or imported: a whole console log belongs in an excerpt. */
export const MAX_LOCKDEP_REPORT_BYTES = 8 * 1024 * 1024;

/**
 * `lockorder/importLockdep`: a lockdep report that is not an open document (the clipboard, a file
 * the client read). Its edges join the analysis until `lockorder/clearLockdep`. Importing from a
 * source already imported replaces that import.
 */
export type ImportLockdepRequestMethod = 'lockorder/importLockdep';
export const IMPORT_LOCKDEP_REQUEST: ImportLockdepRequestMethod = 'lockorder/importLockdep';

export interface ImportLockdepParams {
  text: string;
  /** Where the text came from: a document or file URI, or a name such as `clipboard`. */
  source: string;
}

export interface ImportLockdepResult {
  /** The name the report goes by, in messages (`name:line`) and runtime sites. */
  key: string;
  /** Why nothing was imported. */
  error?: string;
  splats: number;
  /** Runtime edges this report adds to the lock graph. */
  edges: number;
  /** Static cycles a runtime edge of this report lies on. */
  confirmed: number;
  /** Cycles found only with runtime edges of this report. */
  newCycles: number;
  /** Lock names of the report that match no lock in the sources. */
  unmapped: string[];
}

/** `lockorder/clearLockdep`: forgets every imported report (open lockdep documents stay). */
export type ClearLockdepRequestMethod = 'lockorder/clearLockdep';
export const CLEAR_LOCKDEP_REQUEST: ClearLockdepRequestMethod = 'lockorder/clearLockdep';

export interface ClearLockdepResult {
  cleared: number;
}
