/**
 * What the language server's main thread and its engine worker say to each other. The worker owns
 * everything slow (syntax trees, the program, analysis, the workspace walk); the main thread owns
 * the LSP connection and answers hovers from the last snapshot, so no hover waits on an analysis.
 * Every message is plain data (structured clone), and snapshots are kept small: they are sent
 * after every analysis, that is after every pause in typing.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../../analysis/findings';
import type { GraphJson, GraphSiteJson, LockFamily } from '../../analysis/graphJson';
import type { Range } from '../../analysis/sites';
import type { ClearLockdepResult, ImportLockdepResult } from '../protocol';
import type { EngineSettings } from '../settings';

export interface WorkspaceFolderRef {
  uri: string;
  path: string;
}

export type WatchedChange = { uri: string; kind: 'created' | 'changed' | 'deleted' };

/** Questions the main thread asks, each answered by one `reply` with the same id. */
export type EngineRequest =
  | { kind: 'fixes'; key: string }
  | { kind: 'graph' }
  | { kind: 'reportLinks'; uri: string }
  | { kind: 'importLockdep'; key: string; text: string }
  | { kind: 'clearLockdep' };

export type EngineReply = FixesReply | GraphJson | ReportLink[] | ImportLockdepResult | ClearLockdepResult;

/** C sources are analysed; lockdep reports add runtime edges to the analysis. */
export type DocumentLanguage = 'c' | 'lockdep';

export type ToEngine =
  | { type: 'configure'; settings: EngineSettings }
  | { type: 'open'; uri: string; version: number; text: string; language: DocumentLanguage }
  | { type: 'change'; uri: string; version: number; changes: TextDocumentContentChangeEvent[] }
  | { type: 'close'; uri: string }
  | { type: 'index'; folders: WorkspaceFolderRef[] }
  | { type: 'cancelIndex' }
  | { type: 'watched'; changes: WatchedChange[] }
  /** An import replayed into a restarted worker (a new one comes as an `importLockdep` request). */
  | { type: 'importReport'; key: string; text: string }
  | { type: 'request'; id: number; request: EngineRequest }
  /** Shutdown: the worker ends once the task in hand is done. */
  | { type: 'stop' };

export type FromEngine =
  | { type: 'snapshot'; snapshot: SnapshotMessage }
  | { type: 'indexProgress'; indexed: number; total: number }
  | { type: 'indexDone'; indexed: number; total: number; cancelled: boolean }
  | { type: 'log'; level: 'info' | 'error'; message: string }
  | { type: 'reply'; id: number; result: EngineReply };

/** A quick fix as the engine's fixes module describes it: edits to the finding's file. */
export interface QuickFix {
  title: string;
  isPreferred: boolean;
  edits: { range: Range; newText: string }[];
}

export interface FixesReply {
  /** The file the fixes edit; null when the finding is gone. */
  file: string | null;
  fixes: QuickFix[];
}

/** A place where a lock is named (taken, released, or declared), with its class. Hover looks these up. */
export interface LockReference {
  range: Range;
  cls: string;
  kind: string;
}

/**
 * The lock references of one document, packed into numbers: every snapshot sends all of them again
 * (a line added at the top moves every one), and thousands of small objects cost far more to copy
 * between threads, and to collect on both sides, than one array of numbers. Reference `i` is
 * `data[i * 6 .. i * 6 + 5]`: start line, start character, end line, end character, then its index
 * in `classes` and its index in `kinds`.
 */
export interface PackedReferences {
  classes: string[];
  kinds: string[];
  data: Int32Array;
}

const PACKED_FIELDS = 6;

/** Packs references as they are added, in order. */
export class ReferencePacker {
  private readonly classes = new Map<string, number>();
  private readonly kinds = new Map<string, number>();
  private readonly data: number[] = [];

  /** A reference at `range`, or `lines` lines below it. */
  add(range: Range, cls: string, kind: string, lines = 0): void {
    let c = this.classes.get(cls);
    if (c === undefined) this.classes.set(cls, (c = this.classes.size));
    let k = this.kinds.get(kind);
    if (k === undefined) this.kinds.set(kind, (k = this.kinds.size));
    this.data.push(range.start.line + lines, range.start.character, range.end.line + lines, range.end.character, c, k);
  }

  pack(): PackedReferences {
    return { classes: [...this.classes.keys()], kinds: [...this.kinds.keys()], data: Int32Array.from(this.data) };
  }
}

/** The references of a packed list, in the order they were added. */
export function* unpackReferences(packed: PackedReferences): Generator<LockReference> {
  const { data, classes, kinds } = packed;
  for (let at = 0; at + PACKED_FIELDS <= data.length; at += PACKED_FIELDS) {
    yield {
      range: { start: { line: data[at], character: data[at + 1] }, end: { line: data[at + 2], character: data[at + 3] } },
      cls: classes[data[at + 4]],
      kind: kinds[data[at + 5]],
    };
  }
}

/** One direction of the lock order around a class: another class, and where the order is seen. */
export interface LockNeighbour {
  id: string;
  /** Sites seen in all; `sites` holds the first few. */
  count: number;
  sites: GraphSiteJson[];
  /** The edge lies on a reported cycle. */
  onCycle: boolean;
  /** Of `count`, the sites lockdep saw at runtime. */
  lockdep: number;
}

/** A reported cycle, as class ids in order, and whether lockdep saw it happen. */
export interface CycleSummary {
  locks: string[];
  /** `confirmed`: a static cycle with a runtime edge on it; `observed`: found only with runtime edges. */
  lockdep?: 'confirmed' | 'observed';
}

/** What hover tells about a lock class. */
export interface LockSummary {
  kind: string;
  family: LockFamily;
  /** Locks held when this one is taken. */
  heldBefore: LockNeighbour[];
  /** Locks taken while this one is held. */
  takenAfter: LockNeighbour[];
  /** Reported cycles through the class. */
  cycles: CycleSummary[];
  /** Why cycles through it are not reported: lockdep splits the class by key, or does not validate it. */
  lockdepSplit?: string;
}

export interface DeclaredOrderRef {
  locks: string[];
  /** A file URI, or the settings when declared there. */
  file: string;
  range: Range;
}

/** The result of one analysis, as plain data: what the main thread publishes and answers from. */
export interface AnalysisSnapshot {
  /** Increases with every analysis. */
  generation: number;
  findings: Finding[];
  declaredOrders: DeclaredOrderRef[];
  /** Per open document that was analysed: where it names locks (hover is asked about nothing else). */
  references: Record<string, PackedReferences>;
  /** Every class those references name, taken anywhere in the program. */
  locks: Record<string, LockSummary>;
  fileCount: number;
  /** Per open lockdep report: what the editor shows on it. */
  lockdep: Record<string, ReportNote[]>;
}

/**
 * A finding as a snapshot sends it: by an id it keeps for as long as it does not change, its content
 * only in the first snapshot that has it. Findings away from an edit stay the same objects in the
 * engine, so a keystroke sends only the few that changed.
 */
export interface FindingEntry {
  id: number;
  finding?: Finding;
}

/** A snapshot on its way to the main thread, which fills in the findings it already has (`EngineHost`). */
export type SnapshotMessage = Omit<AnalysisSnapshot, 'findings'> & { findings: FindingEntry[] };

/** A diagnostic on a lockdep report: a report's summary, a lock name no class matches, an unusable report. */
export interface ReportNote {
  range: Range;
  severity: Severity;
  code: 'lockdep-report' | 'lockdep-unmapped-lock' | 'lockdep-unusable';
  message: string;
  related: { file: string; range: Range; message: string }[];
}

/** A place in a lockdep report that leads into the sources. */
export interface ReportLink {
  range: Range;
  file: string;
  target: Range;
  tooltip: string;
}

/** The key a diagnostic carries (`data.key`) so a code action can find its finding again. */
export function findingKey(finding: Finding): string {
  const { line, character } = finding.range.start;
  return `${finding.code}|${finding.file}|${line}:${character}`;
}
