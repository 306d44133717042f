/**
 * The lock-order graph as plain JSON: what the CLI's `--format json` prints under `graph`, what the
 * `lockorder/graph` LSP request returns, and what the graph page draws. The producer computes cycles
 * (strongly connected components) and ranks so that a consumer only lays out and draws.
 */

/** Spinning locks must not be held across sleeps; sleeping locks may sleep. */
export type LockFamily = 'spinning' | 'sleeping';

export interface GraphSiteJson {
  /** Path (CLI) or URI (language server), echoed back by the page when a site is clicked. */
  file: string;
  /** 1-based, as people count. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  function: string;
  /** How the second lock was reached, e.g. "spin_lock(&b->lock)" or "via foo() → bar()". */
  text: string;
}

export interface GraphNodeJson {
  /** The lock class, e.g. `snd_port.lock`, `lock1`, `inode.i_rwsem/1`. */
  id: string;
  label: string;
  /** The lock's kind from the API that takes it: spinlock, rwlock, mutex, rwsem, semaphore, ... */
  kind: string;
  family: LockFamily;
  /** Longest-path layer in the acyclic condensation: 0 for locks never taken under another. */
  rank: number;
  /** Index into `cycles` when the node lies on a cycle, else null. */
  cycle: number | null;
  /** Files with an acquisition of this class. */
  files: string[];
}

export type EdgeOrigin = 'static' | 'lockdep' | 'both';

export interface GraphEdgeJson {
  id: string;
  /** The lock held. */
  from: string;
  /** The lock taken while `from` is held. */
  to: string;
  count: number;
  cycle: number | null;
  origin: EdgeOrigin;
  sites: GraphSiteJson[];
}

export interface GraphCycleJson {
  id: number;
  nodes: string[];
}

export interface GraphJson {
  version: 1;
  nodes: GraphNodeJson[];
  edges: GraphEdgeJson[];
  cycles: GraphCycleJson[];
}
