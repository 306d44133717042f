/**
 * A program: the lock facts of every file analysed together. Files are added, replaced and removed
 * one at a time (the language server does this on every keystroke); `analyze()` recomputes
 * summaries bottom-up over the call graph, reusing every function whose facts and callee summaries
 * did not change, then rebuilds the graph and the findings.
 */
import { extractFile, preprocessorOnlyFacts } from './extract';
import { checkDeclaredOrders, DeclaredOrderIndex } from './declaredOrders';
import type { Finding, Severity } from './findings';
import { compareFindings } from './findings';
import { CalleeLookup, FlowResult, LocalFinding, analyzeFunction, isDowngrade } from './flow';
import { allStatements, conditionLeaves, type FileFacts, type FunctionFacts, type Stmt } from './functionFacts';
import { calleesFirst, stronglyConnected } from './stronglyConnected';
import type { GraphJson } from './graphJson';
import { findInversions, InversionMemo } from './inversions';
import { ClassResolver, TypeTable } from './lockClasses';
import { DEFAULT_CATALOGUE, LockApiCatalogue } from './lockApis';
import { LockGraph, type EdgeSite } from './lockGraph';
import { lineShift, movedResult, movesSummary, rangeMover, type FunctionPlace } from './movedFunctions';
import { keyAssignmentsOf, LockdepKeys, type KeyAssignment } from './lockdepKeys';
import { Deadline, FILE_BUDGET_MS } from './parser';
import type { Range } from './sites';
import { summarySignature, type FunctionSummary } from './summaries';

/** The phases of `analyze()`, in order, as `ProgramOptions.onPhase` names them when each ends. */
export type AnalysisPhase = 'summaries' | 'graph' | 'inversions' | 'findings';

export interface ProgramOptions {
  catalogue?: LockApiCatalogue;
  /** Orders declared in the config file: `a -> b -> c`. */
  declaredOrders?: string[];
  /** Told as each phase of `analyze()` ends (the CLI's `LOCKORDER_TIMINGS`). */
  onPhase?: (phase: AnalysisPhase) => void;
}

export interface FunctionAnalysis {
  fn: FunctionFacts;
  result: FlowResult;
}

export interface ProgramAnalysis {
  findings: Finding[];
  graph: LockGraph;
  /** The cycles reported as inversions (class ids in order). */
  cycles: string[][];
  functions: FunctionAnalysis[];
  declared: DeclaredOrderIndex;
  /** Classes lockdep splits by key or does not validate: cycles through them are not reported. */
  keys: LockdepKeys;
  toJson(): GraphJson;
}

interface FunctionState {
  result: FlowResult;
  signature: string;
  /**
   * The signature and the places the summary's locks and sleeps come from: callers copy those
   * places into their edges, so they are revisited when either changes (a line added above a lock).
   */
  change: string;
  /** What the function adds to the graph and the findings, built once per analysis of it. */
  contribution: Contribution;
}

/**
 * The state of a function as analysed here. Its signature and change text are made when first asked
 * for: a first analysis asks only for those of recursive groups, and a whole kernel tree's worth of
 * them would be a fifth of what the analysis keeps.
 */
class AnalysedState implements FunctionState {
  private signatureText: string | undefined;
  private changeText: string | undefined;

  constructor(
    readonly result: FlowResult,
    readonly contribution: Contribution,
  ) {}

  get signature(): string {
    return (this.signatureText ??= summarySignature(this.result.summary));
  }

  get change(): string {
    return (this.changeText ??= `${this.signature}\u0001${summarySites(this.result.summary)}`);
  }
}

/**
 * The state of a function that only moved: the analysis made at an earlier place of it (`origin`,
 * made where `at` says) and how many lines below that it is now. Its edges' sites, which the
 * graph needs, are moved at once; its result and summary places only when first read (a caller
 * analysed again, a request): a line added at the top of a big file moves every function below it on
 * every keystroke, and most are read by nobody before they move again. Moved again, it is moved from
 * the same origin by both moves.
 */
class MovedState implements FunctionState {
  private moved: FlowResult | undefined;
  private movedChange: string | undefined;

  constructor(
    readonly origin: FlowResult,
    readonly at: FunctionPlace,
    readonly delta: number,
    readonly signature: string,
    readonly contribution: Contribution,
    /** Whether a place of its summary is its own, so that it moves with it (`movesSummary`). */
    readonly movesSummary: boolean,
  ) {}

  get result(): FlowResult {
    return (this.moved ??= movedResult(this.origin, this.at, this.delta));
  }

  get change(): string {
    return (this.movedChange ??= `${this.signature}\u0001${summarySites(this.result.summary)}`);
  }
}

/**
 * The result of a state for what does not depend on where the function is (local findings, which
 * only unmoved results have; the classes and flags of its summary): without moving a moved one.
 */
function resultAnyPlace(state: FunctionState): FlowResult {
  return state instanceof MovedState ? state.origin : state.result;
}

/** A function's analysis in an analysis's list; a moved one's result is moved when read. */
class MovedAnalysis implements FunctionAnalysis {
  constructor(
    readonly fn: FunctionFacts,
    private readonly state: MovedState,
  ) {}

  get result(): FlowResult {
    return this.state.result;
  }
}

/** A function that is an analysed one moved by `delta` lines, with what that one was and called. */
interface MovedFunction {
  before: FunctionFacts;
  state: FunctionState;
  delta: number;
  calls: Set<string>;
}

/** What one file adds to an analysis: its functions' results, graph and local findings. */
interface FilePart {
  functions: FunctionAnalysis[];
  graph: LockGraph;
  findings: Finding[];
  /** Each function's lockdep key assignments, where it makes any. */
  keys: KeyAssignment[][];
}

interface Contribution {
  nodes: { id: string; kind: string; resolved: boolean; file?: string }[];
  edges: { from: string; to: string; site: EdgeSite }[];
  findings: Finding[];
  /** Lockdep keys the function gives locks (`lockdep_set_class()`, `mutex_init()`). */
  keys: KeyAssignment[];
}

/**
 * The program's functions, indexed by name for call resolution. Kept up to date as files come and
 * go, so a keystroke costs work proportional to what it changed.
 */
export class LockProgram {
  private readonly files = new Map<string, FileFacts>();
  private readonly byName = new Map<string, FunctionFacts[]>();
  /** Files defining a function-like macro of a name (`FileFacts.macros`). */
  private readonly macroFiles = new Map<string, Set<string>>();
  /** Each file's directories as `homeOf` counts them. */
  private readonly homes = new Map<string, string[]>();
  /**
   * Functions that call a name: who to revisit when that name's summary changes. Made when first
   * asked for, then kept up to date: a first analysis never asks (every function is in its work),
   * and on a whole kernel tree the index was millions of entries made while the files came in.
   */
  private callerIndex: Map<string, Set<FunctionFacts>> | undefined;
  private readonly calls = new Map<FunctionFacts, Set<string>>();
  /** Each new function's statements, nested ones included, listed when its calls are: its analysis reads them too. */
  private readonly statementLists = new Map<FunctionFacts, Stmt[]>();
  private readonly states = new Map<FunctionFacts, FunctionState>();
  private readonly dirty = new Set<FunctionFacts>();
  /** The type signatures of files replaced before (see `noteTypes`). */
  private readonly typeSignatures = new Map<string, string>();
  private types: TypeTable | null = null;
  private typesChanged = true;
  /** Per calling file: name → definition reached (null: none). */
  private resolveCache = new Map<string, Map<string, FunctionFacts | null>>();
  /** Each file's part of the analysis, until one of its functions is analysed again. */
  private readonly parts = new Map<string, FilePart>();
  /** The file names in order; null when a file came or went. */
  private sortedFiles: string[] | null = null;
  /** The parts of the files before and after one file, merged, while only that file changes. */
  private around: { file: string; before: FilePart; after: FilePart } | undefined;
  /** The states of functions whose file was replaced, to tell callers whether their summaries changed. */
  private readonly replaced = new Map<string, FunctionState>();
  /** The last analysis's inversion findings, reused for cycles whose sites did not change. */
  private readonly inversions = new InversionMemo();
  readonly catalogue: LockApiCatalogue;

  constructor(private readonly options: ProgramOptions = {}) {
    this.catalogue = options.catalogue ?? DEFAULT_CATALOGUE;
  }

  /**
   * Adds or replaces a file. A function whose facts are the very object the file had before (the
   * language server's incremental extraction reuses the facts of untouched functions) keeps its
   * analysis; it is revisited only if what it calls changes.
   */
  setFile(facts: FileFacts): void {
    const previous = this.files.get(facts.file);
    const oldNames = new Set(previous?.functions.map((f) => f.name) ?? []);
    const newNames = new Set(facts.functions.map((f) => f.name));
    const kept = this.keptFunctions(facts);
    const moved = this.movedFunctions(facts, kept);
    this.dropFunctions(facts.file, kept);
    this.forgetPart(facts.file);
    if (!this.files.has(facts.file)) this.forgetOrder();
    // Calls resolve differently only where a name gained or lost a definition here.
    for (const name of [...oldNames].filter((n) => !newNames.has(n))) this.dirtyCallersOf(name);
    this.indexMacros(facts.file, facts.macros ?? []);
    // Where the export mark of a name changed, calls to it may reach another definition.
    const exportedBefore = new Set(this.files.get(facts.file)?.functions.filter((f) => f.exported).map((f) => f.name) ?? []);
    for (const fn of facts.functions) if (!!fn.exported !== exportedBefore.has(fn.name)) this.dirtyCallersOf(fn.name);
    this.files.set(facts.file, facts);
    this.noteTypes(facts, previous);
    for (const fn of facts.functions) {
      const list = this.byName.get(fn.name);
      if (list) list.push(fn);
      else this.byName.set(fn.name, [fn]);
      if (kept.has(fn)) continue;
      // A function that only moved calls what it called (and its body is not looked into).
      let names = moved.get(fn)?.calls;
      if (!names) {
        const statements = allStatements(fn.body);
        names = callsIn(statements);
        this.statementLists.set(fn, statements);
      }
      this.calls.set(fn, names);
      if (this.callerIndex) indexCalls(this.callerIndex, fn, names);
      if (!oldNames.has(fn.name)) this.dirtyCallersOf(fn.name);
      if (!moved.has(fn)) this.dirty.add(fn);
    }
    this.resolveCache.clear();
    // A function that only moved takes its old analysis, moved, unless a name it calls gained or
    // lost a definition here (its calls may resolve differently).
    const renamed = new Set([...oldNames, ...newNames].filter((name) => !oldNames.has(name) || !newNames.has(name)));
    const shifted: FunctionFacts[] = [];
    for (const [fn, { state, delta, before }] of moved) {
      if ([...this.calls.get(fn)!].some((name) => renamed.has(name))) {
        this.dirty.add(fn);
        continue;
      }
      this.states.set(fn, this.movedState(fn, before, state, delta));
      shifted.push(fn);
    }
    // Callers copy the places of a summary's locks into their edges: they follow it.
    for (const fn of shifted) if ((this.states.get(fn) as MovedState).movesSummary) this.dirtyCallersOf(fn.name);
  }

  /**
   * The new functions of `facts` that are old ones moved by whole lines, analysed and not waiting to
   * be analysed again, with their old state. Functions with local findings are left out: their
   * messages name lines ("taken at line N").
   */
  private movedFunctions(facts: FileFacts, kept: ReadonlySet<FunctionFacts>): Map<FunctionFacts, MovedFunction> {
    const moved = new Map<FunctionFacts, MovedFunction>();
    const old = this.files.get(facts.file);
    if (!old || old === facts || this.typesChanged) return moved;
    const candidates = new Map<string, FunctionFacts[]>();
    for (const fn of old.functions) {
      const state = this.states.get(fn);
      if (kept.has(fn) || !state || this.dirty.has(fn) || resultAnyPlace(state).findings.length > 0) continue;
      const list = candidates.get(fn.name);
      if (list) list.push(fn);
      else candidates.set(fn.name, [fn]);
    }
    for (const fn of facts.functions) {
      if (kept.has(fn)) continue;
      const list = candidates.get(fn.name);
      for (const [i, before] of (list ?? []).entries()) {
        const delta = lineShift(before, fn);
        if (delta === undefined) continue;
        moved.set(fn, { before, state: this.states.get(before)!, delta, calls: this.calls.get(before)! });
        list!.splice(i, 1);
        break;
      }
    }
    return moved;
  }

  /** The state of `before`, analysed at its old place, for `fn`: the same function `delta` lines further down. */
  private movedState(fn: FunctionFacts, before: FunctionFacts, state: FunctionState, delta: number): MovedState {
    // Only the name, file and lines of the old facts are kept, not their body.
    const [origin, at, lines] =
      state instanceof MovedState ? [state.origin, state.at, state.delta + delta] : [state.result, { name: before.name, file: before.file, range: before.range }, delta];
    // The classes it adds, their kinds and files, its local findings (none) and lockdep keys do not
    // move: only its edges' sites do.
    const { nodes, findings, keys } = state.contribution;
    const edges = edgesOf(fn, origin, rangeMover(at, lines));
    const summaryMoves = state instanceof MovedState ? state.movesSummary : movesSummary(origin, at);
    return new MovedState(origin, at, lines, state.signature, { nodes, edges, findings, keys }, summaryMoves);
  }

  /** The functions of `facts` that are the same objects as in the file's current facts. */
  private keptFunctions(facts: FileFacts): Set<FunctionFacts> {
    const before = this.files.get(facts.file);
    if (!before || before === facts) return new Set();
    const old = new Set(before.functions);
    return new Set(facts.functions.filter((fn) => old.has(fn)));
  }

  /** Records the file's macros; calls to a name it gains or loses as a macro may resolve differently. */
  private indexMacros(file: string, macros: readonly string[]): void {
    const before = new Set(this.files.get(file)?.macros ?? []);
    const after = new Set(macros);
    for (const name of before) {
      if (after.has(name)) continue;
      const files = this.macroFiles.get(name);
      files?.delete(file);
      if (files?.size === 0) this.macroFiles.delete(name);
      this.dirtyCallersOf(name);
    }
    for (const name of after) {
      if (before.has(name)) continue;
      let files = this.macroFiles.get(name);
      if (!files) this.macroFiles.set(name, (files = new Set()));
      files.add(file);
      this.dirtyCallersOf(name);
    }
  }

  private dirtyCallersOf(name: string): void {
    // Until a first analysis every function is dirty already: on a whole kernel tree, walking the
    // callers of every name as its definitions arrive costs seconds for nothing.
    if (this.states.size === 0) return;
    for (const caller of this.callersOf(name)) this.dirty.add(caller);
  }

  private callersOf(name: string): ReadonlySet<FunctionFacts> {
    if (!this.callerIndex) {
      this.callerIndex = new Map();
      for (const [fn, names] of this.calls) indexCalls(this.callerIndex, fn, names);
    }
    return this.callerIndex.get(name) ?? NO_CALLERS;
  }

  removeFile(file: string): void {
    const old = this.files.get(file);
    if (!old) return;
    this.dropFunctions(file);
    for (const fn of old.functions) this.dirtyCallersOf(fn.name);
    this.indexMacros(file, []);
    this.files.delete(file);
    this.forgetPart(file);
    this.forgetOrder();
    this.typeSignatures.delete(file);
    this.forgetTypes();
    this.resolveCache.clear();
  }

  /** The struct, typedef and global facts of every file, as the last analysis used them. */
  typeTable(): TypeTable {
    return (this.types ??= TypeTable.of(this.files.values()));
  }

  /** A function's flow result, as of the last analysis. */
  resultOf(fn: FunctionFacts): FlowResult | undefined {
    return this.states.get(fn)?.result;
  }

  /**
   * A function's acquisitions as of the last analysis, and how many lines below their sites they are
   * now: a function that only moved keeps its old result until something reads it, and acquisitions
   * are all its own, so they move with it.
   */
  acquisitionsOf(fn: FunctionFacts): { acquisitions: FlowResult['acquisitions']; lines: number } | undefined {
    const state = this.states.get(fn);
    if (!state) return undefined;
    return state instanceof MovedState ? { acquisitions: state.origin.acquisitions, lines: state.delta } : { acquisitions: state.result.acquisitions, lines: 0 };
  }

  file(file: string): FileFacts | undefined {
    return this.files.get(file);
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** Takes the file's functions out of the program; `kept` ones stay analysed, out of the name index only. */
  private dropFunctions(file: string, kept: ReadonlySet<FunctionFacts> = new Set()): void {
    const old = this.files.get(file);
    if (!old) return;
    for (const fn of old.functions) {
      const list = this.byName.get(fn.name)?.filter((f) => f !== fn) ?? [];
      if (list.length > 0) this.byName.set(fn.name, list);
      else this.byName.delete(fn.name);
      if (kept.has(fn)) continue;
      for (const name of this.calls.get(fn) ?? []) this.callerIndex?.get(name)?.delete(fn);
      this.calls.delete(fn);
      this.statementLists.delete(fn);
      const state = this.states.get(fn);
      if (state) this.replaced.set(functionKey(fn), state);
      this.states.delete(fn);
      this.dirty.delete(fn);
    }
  }

  /**
   * Struct, typedef and global facts change rarely; when they do, every function is revisited. A
   * new file may bring types; a replaced one changes them only where its structs, typedefs,
   * globals or statics changed. Signatures are made for replaced files only (and kept for the next
   * time): a one-shot analysis of a whole tree makes none.
   */
  private noteTypes(facts: FileFacts, previous: FileFacts | undefined): void {
    if (previous) {
      const signature = typeSignatureOf(facts);
      const before = this.typeSignatures.get(facts.file) ?? typeSignatureOf(previous);
      this.typeSignatures.set(facts.file, signature);
      if (signature === before) return;
    }
    this.forgetTypes();
  }

  /** The type table is made again at the next analysis, and every function is analysed again. */
  private forgetTypes(): void {
    this.types = null;
    this.typesChanged = true;
  }

  analyze(): ProgramAnalysis {
    if (!this.types) this.types = TypeTable.of(this.files.values());
    if (this.typesChanged) {
      for (const file of this.files.values()) for (const fn of file.functions) this.dirty.add(fn);
      this.typesChanged = false;
    }
    const phaseEnded = this.options.onPhase ?? (() => {});
    this.summarise(this.types);
    phaseEnded('summaries');
    const { functions, graph, local, keys } = this.assemble();
    phaseEnded('graph');
    const declared = DeclaredOrderIndex.of([...this.files.values()], this.options.declaredOrders ?? []);
    const lockdepKeys = LockdepKeys.of(keys);
    const { findings: inversions, cycles } = findInversions(graph, declared, lockdepKeys, this.inversions);
    const declaredViolations = checkDeclaredOrders(graph, declared, cycles);
    phaseEnded('inversions');
    const findings = [
      ...local,
      ...inversions,
      ...declaredViolations,
    ];
    const kept = findings.filter((f) => !this.ignored(f)).sort(compareFindings);
    phaseEnded('findings');
    return { findings: kept, graph, cycles, functions, declared, keys: lockdepKeys, toJson: () => graph.toJson(cycles) };
  }

  /**
   * The functions, graph and local findings of every file, in file order. Each file's part is kept
   * until one of its functions is analysed again, so a keystroke rebuilds the part of its own file
   * and merges the others' parts as they were.
   */
  private assemble(): { functions: FunctionAnalysis[]; graph: LockGraph; local: Finding[]; keys: KeyAssignment[][] } {
    const files = (this.sortedFiles ??= [...this.files.keys()].sort());
    const changed = files.filter((file) => !this.parts.has(file));
    // One file changed (a keystroke): the parts before and after it are merged once, and kept
    // for as long as only that file changes.
    if (changed.length === 1 && this.around?.file !== changed[0]) {
      const at = files.indexOf(changed[0]);
      this.around = { file: changed[0], before: this.merged(files.slice(0, at)), after: this.merged(files.slice(at + 1)) };
    }
    const around = this.around;
    const whole = around && changed.length <= 1 ? this.merged([around.file], around.before, around.after) : this.merged(files);
    return { functions: whole.functions, graph: whole.graph, local: whole.findings, keys: whole.keys };
  }

  /** The parts of `files`, in order, merged into one (between `first` and `last`, when given). */
  private merged(files: string[], first?: FilePart, last?: FilePart): FilePart {
    const parts: FilePart[] = [];
    if (first) parts.push(first);
    for (const file of files) {
      let part = this.parts.get(file);
      if (!part) this.parts.set(file, (part = this.partOf(this.files.get(file)!)));
      parts.push(part);
    }
    if (last) parts.push(last);
    const graph = new LockGraph();
    for (const part of parts) graph.merge(part.graph);
    const all = <T>(list: (part: FilePart) => T[]): T[] => ([] as T[]).concat(...parts.map(list));
    return { functions: all((p) => p.functions), graph, findings: all((p) => p.findings), keys: all((p) => p.keys) };
  }

  /** A file came or went: the order of files, and what was merged around one, are redone. */
  private forgetOrder(): void {
    this.sortedFiles = null;
    this.around = undefined;
  }

  /** Forgets a file's part; the merged parts around another file included it. */
  private forgetPart(file: string): void {
    this.parts.delete(file);
    if (this.around && this.around.file !== file) this.around = undefined;
  }

  private partOf(facts: FileFacts): FilePart {
    const part: FilePart = { functions: [], graph: new LockGraph(), findings: [], keys: [] };
    const partners = this.releasersIn(facts);
    for (const fn of facts.functions) {
      const state = this.states.get(fn)!;
      const { contribution } = state;
      part.functions.push(state instanceof MovedState ? new MovedAnalysis(fn, state) : { fn, result: state.result });
      for (const n of contribution.nodes) part.graph.addNode(n.id, n.kind, n.resolved, n.file);
      for (const e of contribution.edges) part.graph.addEdge(e.from, e.to, e.site);
      for (const f of contribution.findings) part.findings.push(partners.size > 0 ? handedOver(f, partners) : f);
      if (contribution.keys.length > 0) part.keys.push(contribution.keys);
    }
    return part;
  }

  /**
   * Lock classes a function of this file releases for its caller on some paths only (`if (c->rtnl)
   * rtnl_unlock();`, one case of a switch), with the first such function. A plain unlock wrapper,
   * releasing on every path, is no sign of a hand-over: a leak beside it is still a leak.
   */
  private releasersIn(facts: FileFacts): Map<string, string> {
    const partners = new Map<string, string>();
    for (const fn of facts.functions) {
      for (const lock of resultAnyPlace(this.states.get(fn)!).summary.releasesOnEntry) {
        const onSomePaths = lock.partial || lock.someReturns;
        if (onSomePaths && !isDowngrade(lock, this.catalogue) && !partners.has(lock.cls.id)) partners.set(lock.cls.id, fn.name);
      }
    }
    return partners;
  }

  /** `lockorder-ignore` on the finding's line or the line before silences it. */
  private ignored(finding: Finding): boolean {
    const ignores = this.files.get(finding.file)?.ignores;
    if (!ignores) return false;
    const line = finding.range.start.line;
    for (const at of [line, line - 1]) {
      const codes = ignores[at];
      if (codes === null) return true;
      if (codes && codes.includes(finding.code)) return true;
    }
    return false;
  }

  /**
   * Which definition a call reaches: one in the same file first (statics and inline helpers), else
   * the nearest that the file can see: a global one, or a static inline in a header, nearest by
   * directory (two drivers may each define a non-exported function of one name: each calls its
   * own). At the same distance an exported one comes first, then a global one (per-config variants
   * of a function: its body over a header's stub), then the first by path, deterministically. A
   * function-like macro of the name nearer than any of them is what the call expands, so it reaches
   * none (`mt76_rmw()`, a macro calling through a pointer in one driver, a static inline in another).
   */
  private resolve(name: string, from: FunctionFacts): FunctionFacts | undefined {
    let cache = this.resolveCache.get(from.file);
    if (!cache) this.resolveCache.set(from.file, (cache = new Map()));
    const known = cache.get(name);
    if (known !== undefined) return known ?? undefined;
    const candidates = this.byName.get(name);
    let found: FunctionFacts | undefined;
    if (candidates) {
      found = candidates.find((c) => c.file === from.file);
      if (!found) {
        const visible = candidates.filter((c) => !c.isStatic || isHeader(c.file));
        const nearest = visible.length > 1 ? this.nearestOf(visible, from.file) : visible[0];
        const macroDistance = nearest ? this.nearestMacro(name, from.file) : -1;
        found = nearest && macroDistance <= this.closeness(nearest.file, from.file) ? nearest : undefined;
      }
    }
    cache.set(name, found ?? null);
    return found;
  }

  private nearestOf(definitions: FunctionFacts[], from: string): FunctionFacts {
    const ranked = definitions.map((fn) => ({ fn, closeness: this.closeness(fn.file, from) }));
    ranked.sort((a, b) => b.closeness - a.closeness || Number(!!b.fn.exported) - Number(!!a.fn.exported) || Number(a.fn.isStatic) - Number(b.fn.isStatic) || (a.fn.file < b.fn.file ? -1 : a.fn.file > b.fn.file ? 1 : 0));
    return ranked[0].fn;
  }

  /** How close the nearest macro definition of `name` that `from` can see is; -1 for none. */
  private nearestMacro(name: string, from: string): number {
    let best = -1;
    for (const file of this.macroFiles.get(name) ?? []) {
      if (file === from) return Number.MAX_SAFE_INTEGER;
      if (isHeader(file)) best = Math.max(best, this.closeness(file, from));
    }
    return best;
  }

  /** Directories `file`'s home has in common with `from`'s (see `homeOf`). */
  private closeness(file: string, from: string): number {
    const a = this.homeOf(file);
    const b = this.homeOf(from);
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  }

  /**
   * The directories a file belongs to: its own, except for a header under an `include` directory,
   * which belongs where that directory does (`include/linux/x.h` to the whole tree, `drivers/gpu/
   * drm/amd/include/x.h` to `drivers/gpu/drm/amd`): what sees it.
   */
  private homeOf(file: string): string[] {
    let home = this.homes.get(file);
    if (!home) {
      const dirs = file.split(/[\\/]/).slice(0, -1);
      const include = isHeader(file) ? dirs.lastIndexOf('include') : -1;
      this.homes.set(file, (home = include >= 0 ? dirs.slice(0, include) : dirs));
    }
    return home;
  }

  /**
   * Recomputes the dirty functions callees-first (Tarjan order over the dirty part of the call
   * graph); a function whose summary changed makes its callers dirty for another round. Recursive
   * groups iterate until their summaries settle, a bounded number of times.
   */
  private summarise(types: TypeTable): void {
    for (let round = 0; round < MAX_ROUNDS && this.dirty.size > 0; round++) {
      const work = [...this.dirty];
      this.dirty.clear();
      const inWork = new Set(work);
      // With every function in the work (a first analysis), no caller is left to make dirty: the
      // changed functions are not even noted (on a whole kernel tree, walking the callers of every
      // name defined many times over costs seconds).
      const everyFunction = inWork.size >= this.functionCount();
      const changed = new Set<FunctionFacts>();
      const noteChanged = (fn: FunctionFacts) => {
        if (!everyFunction) changed.add(fn);
      };
      // Found calling themselves while the components are made, which resolves every call anyway.
      const selfCalling = new Set<FunctionFacts>();
      for (const component of this.components(work, inWork, selfCalling)) {
        // Reached from the work but not in it: a settled function whose summary stands.
        if (!component.some((fn) => inWork.has(fn))) continue;
        if (component.length === 1 && !selfCalling.has(component[0])) {
          if (this.run(component[0], types)) noteChanged(component[0]);
          continue;
        }
        const before = new Map(component.map((fn) => [fn, this.lastChange(fn)]));
        this.settleGroup(component, types);
        for (const fn of component) if (this.lastChange(fn) !== before.get(fn)) noteChanged(fn);
      }
      for (const fn of changed) {
        for (const caller of this.callersOf(fn.name)) if (!inWork.has(caller)) this.dirty.add(caller);
      }
    }
    this.dirty.clear();
    this.replaced.clear();
  }

  /**
   * A recursive group starts from no summaries, as in a fresh analysis (started from its own last
   * ones, its call chains would grow with every re-analysis). Members run callees first as far as the
   * recursion allows, so that a member's first summary already sees most of what it calls; a member
   * runs again only when a callee in the group changed since, until the group settles or each has
   * had MAX_GROUP_PASSES runs. Met in another order, a wrapper pair's release not yet known when its
   * callers ran left them "returning holding" the lock, and that stuck three levels up.
   */
  private settleGroup(component: FunctionFacts[], types: TypeTable): void {
    const members = new Set(component);
    const callees = new Map(component.map((fn) => [fn, this.calleesAmong(fn, members)]));
    const order = calleesFirst(component, (fn) => callees.get(fn)!);
    // Who in the group calls whom, the other way round: a member that changed makes those stale.
    const callers = new Map<FunctionFacts, FunctionFacts[]>();
    for (const caller of component) {
      for (const callee of callees.get(caller)!) {
        const list = callers.get(callee);
        if (list) list.push(caller);
        else callers.set(callee, [caller]);
      }
    }
    for (const fn of component) this.states.delete(fn);
    let stale = new Set(order);
    for (let pass = 0; pass < MAX_GROUP_PASSES && stale.size > 0; pass++) {
      const now = stale;
      stale = new Set();
      for (const fn of order) {
        // Made stale earlier in this pass by a callee that comes before it: runs now.
        if (!now.has(fn) && !stale.has(fn)) continue;
        stale.delete(fn);
        const previous = this.states.get(fn)?.change;
        this.run(fn, types);
        if (this.states.get(fn)?.change === previous) continue;
        for (const caller of callers.get(fn) ?? []) stale.add(caller);
        if (this.callsItself(fn)) stale.add(fn);
      }
    }
  }

  /** Analyses one function; true when its summary changed. */
  private run(fn: FunctionFacts, types: TypeTable): boolean {
    // Asked on every path through every call: looked up once per name (null: none).
    const summaries = new Map<string, FunctionSummary | null>();
    const lookup: CalleeLookup = {
      summaryOf: (name) => {
        let summary = summaries.get(name);
        if (summary === undefined) {
          const callee = this.resolve(name, fn);
          summaries.set(name, (summary = (callee && this.states.get(callee)?.result.summary) || null));
        }
        return summary ?? undefined;
      },
    };
    const before = this.lastChange(fn);
    const resolver = new ClassResolver(types, fn);
    const statements = this.statementLists.get(fn) ?? allStatements(fn.body);
    this.statementLists.delete(fn);
    const result = analyzeFunction(fn, resolver, this.catalogue, lookup, statements);
    const state = new AnalysedState(result, contributionOf(fn, result, keyAssignmentsOf(fn, resolver, this.calls.get(fn))));
    this.states.set(fn, state);
    this.forgetPart(fn.file);
    // (Never analysed before: changed, without making its change text.)
    return before === undefined || before !== state.change;
  }

  /** The summary (with its sites) this function had when last analysed, as a comparable string. */
  private lastChange(fn: FunctionFacts): string | undefined {
    return this.states.get(fn)?.change ?? this.replaced.get(functionKey(fn))?.change;
  }

  private callsItself(fn: FunctionFacts): boolean {
    for (const name of this.calls.get(fn) ?? []) if (this.resolve(name, fn) === fn) return true;
    return false;
  }

  /**
   * Tarjan from the functions in `work`; components come out callees-first. A recursive group is
   * found whole even when only some of its members changed: settled from part of it, it would keep
   * the other members' old summaries and end where a fresh analysis of the same code does not. Its
   * members all reach a changed one, so they are among the changed functions' callers, however
   * indirect: a set that stays small where code is edited (drivers' callbacks have no named callers).
   * Every function in a component has its calls resolved on the way: those calling themselves are
   * added to `selfCalling`.
   */
  private components(work: FunctionFacts[], inWork: Set<FunctionFacts>, selfCalling: Set<FunctionFacts>): FunctionFacts[][] {
    const reaching = new Set(inWork);
    if (reaching.size < this.functionCount()) {
      const queue = [...work];
      for (let fn = queue.pop(); fn; fn = queue.pop()) {
        for (const caller of this.callersOf(fn.name)) {
          if (reaching.has(caller)) continue;
          reaching.add(caller);
          queue.push(caller);
        }
      }
    }
    return stronglyConnected(work, (fn) => this.calleesAmong(fn, reaching, selfCalling));
  }

  private functionCount(): number {
    let count = 0;
    for (const file of this.files.values()) count += file.functions.length;
    return count;
  }

  /** The functions of `among` that `fn` calls, itself aside (noted in `selfCalling`, when given, if it does). */
  private calleesAmong(fn: FunctionFacts, among: Set<FunctionFacts>, selfCalling?: Set<FunctionFacts>): FunctionFacts[] {
    const out: FunctionFacts[] = [];
    for (const name of this.calls.get(fn) ?? []) {
      const callee = this.resolve(name, fn);
      if (callee === fn) selfCalling?.add(fn);
      else if (callee && among.has(callee)) out.push(callee);
    }
    return out;
  }
}

const NO_CALLERS: ReadonlySet<FunctionFacts> = new Set();

function indexCalls(index: Map<string, Set<FunctionFacts>>, fn: FunctionFacts, names: Iterable<string>): void {
  for (const name of names) {
    let callers = index.get(name);
    if (!callers) index.set(name, (callers = new Set()));
    callers.add(fn);
  }
}

function isHeader(file: string): boolean {
  return /\.h$/i.test(file);
}

function functionKey(fn: FunctionFacts): string {
  return `${fn.file}\u0000${fn.name}`;
}

/** Rounds of caller re-analysis after summaries change; deeper ripples stop here. */
const MAX_ROUNDS = 8;
/** How many times a member of a recursive group may run before its summary is taken as it is. */
const MAX_GROUP_PASSES = 4;

/** Where a summary's locks and sleeps come from, as text. */
function summarySites(summary: FunctionSummary): string {
  const at = (l: { file: string; site: Range }) => `${l.file}:${l.site.start.line}:${l.site.start.character}`;
  const locks = [...summary.acquires, ...summary.returnsHolding, ...summary.conditional.map((c) => c.lock), ...summary.releasesOnEntry];
  return [...locks.map(at), summary.sleeps ? at(summary.sleeps) : ''].join(',');
}

function typeSignatureOf(facts: FileFacts): string {
  return `${JSON.stringify(facts.structs)}${JSON.stringify(facts.typedefs)}${Object.keys(facts.globals).join(',')}|${facts.statics?.join(',') ?? ''}`;
}

/** The names a function's statements (`allStatements`) call, in statements and in conditions. */
function callsIn(statements: Stmt[]): Set<string> {
  const names = new Set<string>();
  for (const s of statements) {
    if (s.t === 'call') names.add(s.name);
    const cond = s.t === 'if' ? s.cond : s.t === 'loop' ? s.cond : null;
    for (const leaf of cond ? conditionLeaves(cond) : []) if (leaf.op === 'call') names.add(leaf.stmt.name);
  }
  return names;
}

/** What a function that takes, orders and reports nothing adds: shared, as its empty result is (see flow.ts). */
const NO_CONTRIBUTION: Contribution = { nodes: [], edges: [], findings: [], keys: [] };

function contributionOf(fn: FunctionFacts, result: FlowResult, keys: Contribution['keys']): Contribution {
  if (result.acquisitions.length === 0 && result.edges.length === 0 && result.findings.length === 0 && keys.length === 0) return NO_CONTRIBUTION;
  const nodes: Contribution['nodes'] = result.acquisitions.map((a) => ({ id: a.cls.id, kind: a.kind, resolved: a.cls.resolved, file: fn.file }));
  for (const e of result.edges) {
    nodes.push({ id: e.from.id, kind: e.fromKind, resolved: e.from.resolved });
    nodes.push({ id: e.to.id, kind: e.toKind, resolved: e.to.resolved, file: e.chain.length > 0 ? undefined : fn.file });
  }
  const findings = result.findings.filter((f) => isReliable(fn, f)).map((f) => localFinding(fn, f));
  return { nodes, edges: edgesOf(fn, result), findings, keys };
}

/** The edges of `result`, their sites placed by `place` (a moved function's old result moved with it). */
function edgesOf(fn: FunctionFacts, result: FlowResult, place: (range: Range, file: string) => Range = (range) => range): Contribution['edges'] {
  return result.edges.map((e) => {
    const site: EdgeSite = {
      file: fn.file,
      function: fn.name,
      site: place(e.site, fn.file),
      heldSite: place(e.heldSite, fn.file),
      text: e.text,
      chain: e.chain,
      gates: e.gates,
      fromMode: e.fromMode,
      toMode: e.toMode,
      fromKind: e.fromKind,
      toKind: e.toKind,
      resolved: e.from.resolved && e.to.resolved,
      origin: 'static',
      innerFile: e.innerFile,
      innerSite: e.innerSite && place(e.innerSite, e.innerFile ?? fn.file),
    };
    // Set after the literal, not spread into it: a spread makes every site a slow copy (a keystroke
    // that moves a big file's functions makes thousands).
    if (e.guarded) site.guarded = true;
    return { from: e.from.id, to: e.to.id, site };
  });
}

/**
 * Findings that rest on the exact paths through a function are not reported where the parser could
 * not read it cleanly (macro soup, code being typed): those paths may be the parser's, not the code's.
 */
const PATH_DEPENDENT = new Set<LocalFinding['code']>(['double-lock', 'unreleased-lock', 'unlock-unheld']);

function isReliable(fn: FunctionFacts, f: LocalFinding): boolean {
  return fn.syntaxErrors === 0 || !PATH_DEPENDENT.has(f.code);
}

/**
 * A lock left held on some return paths, where another function of the file releases it for its
 * caller (`pre_doit()` takes it for a command and `post_doit()` drops it): most likely handed over
 * to that partner, which no single function shows. A mention, not a warning.
 */
function handedOver(finding: Finding, partners: Map<string, string>): Finding {
  const partner = finding.code === 'unreleased-lock' && finding.severity !== 'information' ? partners.get(finding.locks[0]) : undefined;
  if (!partner || partner === finding.function) return finding;
  return { ...finding, severity: 'information', message: `${finding.message}; ${partner}() in this file releases it for its caller, so it may be handed over` };
}

function localFinding(fn: FunctionFacts, f: LocalFinding): Finding {
  const severity: Severity = f.uncertain ? 'information' : f.code === 'double-lock' ? 'error' : 'warning';
  const finding: Finding = {
    code: f.code,
    severity,
    message: f.message,
    file: fn.file,
    range: f.site,
    function: fn.name,
    locks: f.locks,
    related: f.related.map((r) => ({ file: fn.file, range: r.site, function: fn.name, message: r.message })),
  };
  if (f.fix?.kind === 'release') finding.detail = { kind: 'unreleased', lockText: f.fix.lockText, releaseCall: f.fix.releaseCall };
  if (f.fix?.kind === 'mismatch') {
    finding.detail = { kind: 'mismatch', expectedRelease: f.fix.expectedRelease, releaseRange: f.fix.releaseRange, calleeRange: f.fix.releaseRange };
  }
  return finding;
}

// ---------------------------------------------------------------------------------------------
// One-shot use: the CLI and tests.

export interface AnalysisInput {
  file: string;
  text: string;
}

export interface AnalysisResult {
  findings: Finding[];
  graph: GraphJson;
  /** Files whose parse was cut off or failed, with why. */
  skipped?: { file: string; reason: string }[];
}

/**
 * Parses and extracts one file. With a budget, both together must end within `timeoutMs` or the
 * file is cut off with a `BudgetExceeded`. A text of preprocessor lines only is not parsed (see
 * `preprocessorOnlyFacts`).
 */
export function factsOf(file: string, text: string, catalogue: LockApiCatalogue = DEFAULT_CATALOGUE, budget: { timeoutMs?: number } = {}): FileFacts {
  const withoutCode = preprocessorOnlyFacts(file, text, catalogue);
  if (withoutCode) return withoutCode;
  const deadline = budget.timeoutMs === undefined ? undefined : new Deadline(budget.timeoutMs);
  return extractFile(file, text, null, catalogue, { deadline });
}

export function analyzeTexts(inputs: AnalysisInput[], options: ProgramOptions = {}): Required<AnalysisResult> & { analysis: ProgramAnalysis } {
  const program = new LockProgram(options);
  const skipped: { file: string; reason: string }[] = [];
  for (const input of inputs) {
    try {
      program.setFile(factsOf(input.file, input.text, program.catalogue, { timeoutMs: FILE_BUDGET_MS }));
    } catch (error) {
      skipped.push({ file: input.file, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const analysis = program.analyze();
  return { findings: analysis.findings, graph: analysis.toJson(), skipped, analysis };
}

export type { Range };
