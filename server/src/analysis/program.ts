/**
 * A program: the lock facts of every file analysed together. Files are added, replaced and removed
 * one at a time (the language server does this on every keystroke); `analyze()` recomputes
 * summaries bottom-up over the call graph, reusing every function whose facts and callee summaries
 * did not change, then rebuilds the graph and the findings.
 */
import { extractFile } from './extract';
import { checkDeclaredOrders, DeclaredOrderIndex } from './declaredOrders';
import type { Finding, Severity } from './findings';
import { compareFindings } from './findings';
import { CalleeLookup, FlowResult, LocalFinding, analyzeFunction } from './flow';
import type { FileFacts, FunctionFacts } from './functionFacts';
import type { GraphJson } from './graphJson';
import { findInversions } from './inversions';
import { ClassResolver, TypeTable } from './lockClasses';
import { DEFAULT_CATALOGUE, LockApiCatalogue } from './lockApis';
import { LockGraph } from './lockGraph';
import { parseC, ParseBudget } from './parser';
import type { Range } from './sites';
import { FunctionSummary, summarySignature } from './summaries';

export interface ProgramOptions {
  catalogue?: LockApiCatalogue;
  /** Orders declared in the config file: `a -> b -> c`. */
  declaredOrders?: string[];
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
  toJson(): GraphJson;
}

interface CachedFlow {
  result: FlowResult;
  signature: string;
}

export class LockProgram {
  private readonly files = new Map<string, FileFacts>();
  private readonly cache = new WeakMap<FunctionFacts, CachedFlow>();
  private types: TypeTable | null = null;
  private typeSignature = '';
  readonly catalogue: LockApiCatalogue;

  constructor(private readonly options: ProgramOptions = {}) {
    this.catalogue = options.catalogue ?? DEFAULT_CATALOGUE;
  }

  setFile(facts: FileFacts): void {
    this.files.set(facts.file, facts);
    this.types = null;
  }

  removeFile(file: string): void {
    if (this.files.delete(file)) this.types = null;
  }

  file(file: string): FileFacts | undefined {
    return this.files.get(file);
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  analyze(): ProgramAnalysis {
    const types = this.typeTable();
    const functions = this.functionIndex();
    const results = this.summarise(functions, types);
    const graph = new LockGraph();
    for (const { fn, result } of results) addToGraph(graph, fn, result);
    const declared = DeclaredOrderIndex.of([...this.files.values()], this.options.declaredOrders ?? []);
    const { findings: inversions, cycles } = findInversions(graph, declared);
    const findings = [
      ...results.flatMap(({ fn, result }) => result.findings.map((f) => localFinding(fn, f))),
      ...inversions,
      ...checkDeclaredOrders(graph, declared, cycles),
    ];
    const kept = findings.filter((f) => !this.ignored(f)).sort(compareFindings);
    return {
      findings: kept,
      graph,
      cycles,
      functions: results,
      declared,
      toJson: () => graph.toJson(cycles),
    };
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

  /** Struct, typedef and global facts change rarely; when they do, every cached flow is stale. */
  private typeTable(): TypeTable {
    if (this.types) return this.types;
    const files = [...this.files.values()];
    const signature = files
      .map((f) => `${f.file}:${JSON.stringify(f.structs)}${JSON.stringify(f.typedefs)}${Object.keys(f.globals).join(',')}`)
      .sort()
      .join('\n');
    if (signature !== this.typeSignature) {
      this.typeSignature = signature;
      this.epoch++;
    }
    this.types = TypeTable.of(files);
    return this.types;
  }

  private epoch = 0;

  private functionIndex(): FunctionIndex {
    const byName = new Map<string, FunctionFacts[]>();
    const all: FunctionFacts[] = [];
    for (const file of [...this.files.keys()].sort()) {
      for (const fn of this.files.get(file)!.functions) {
        all.push(fn);
        const list = byName.get(fn.name);
        if (list) list.push(fn);
        else byName.set(fn.name, [fn]);
      }
    }
    return { all, byName };
  }

  /** Summaries callees-first (Tarjan order); recursive groups iterate until their summaries settle. */
  private summarise(index: FunctionIndex, types: TypeTable): FunctionAnalysis[] {
    const summaries = new Map<FunctionFacts, { summary: FunctionSummary; signature: string }>();
    const resolve = (name: string, from: FunctionFacts) => resolveCallee(index, name, from);
    const results = new Map<FunctionFacts, FlowResult>();
    const run = (fn: FunctionFacts): boolean => {
      const lookup: CalleeLookup = {
        summaryOf: (name) => {
          const callee = resolve(name, fn);
          const known = callee ? summaries.get(callee) : undefined;
          return known ? { summary: known.summary, signature: known.signature } : undefined;
        },
      };
      const cached = this.cache.get(fn);
      let result: FlowResult;
      if (cached && cached.signature === `${this.epoch}` && consultedStillValid(cached.result, lookup)) {
        result = cached.result;
      } else {
        result = analyzeFunction(fn, new ClassResolver(types, fn), this.catalogue, lookup);
        this.cache.set(fn, { result, signature: `${this.epoch}` });
      }
      results.set(fn, result);
      const signature = summarySignature(result.summary);
      const changed = summaries.get(fn)?.signature !== signature;
      summaries.set(fn, { summary: result.summary, signature });
      return changed;
    };
    for (const component of callGraphComponents(index, resolve)) {
      if (component.length === 1 && !callsItself(component[0], resolve)) {
        run(component[0]);
        continue;
      }
      // Recursion: iterate a bounded number of times; summaries only grow, so this settles quickly.
      for (let pass = 0; pass < 3; pass++) {
        let changed = false;
        for (const fn of component) changed = run(fn) || changed;
        if (!changed) break;
      }
    }
    return index.all.map((fn) => ({ fn, result: results.get(fn)! }));
  }
}

interface FunctionIndex {
  all: FunctionFacts[];
  byName: Map<string, FunctionFacts[]>;
}

/**
 * Which definition a call reaches: one in the same file first (statics and inline helpers), then a
 * global one, then a static inline in a header. Several global ones (per-config variants) take the
 * first in file order, deterministically.
 */
function resolveCallee(index: FunctionIndex, name: string, from: FunctionFacts): FunctionFacts | undefined {
  const candidates = index.byName.get(name);
  if (!candidates) return undefined;
  return (
    candidates.find((c) => c.file === from.file) ??
    candidates.find((c) => !c.isStatic) ??
    candidates.find((c) => /\.h$/i.test(c.file))
  );
}

/** A cached flow stays valid while every callee it consulted still has the summary it saw. */
function consultedStillValid(result: FlowResult, lookup: CalleeLookup): boolean {
  for (const [name, signature] of result.consulted) {
    if ((lookup.summaryOf(name)?.signature ?? '') !== signature) return false;
  }
  return true;
}

function callsOf(fn: FunctionFacts): Set<string> {
  const names = new Set<string>();
  const visit = (stmts: FunctionFacts['body']) => {
    for (const s of stmts) {
      switch (s.t) {
        case 'call':
          names.add(s.name);
          break;
        case 'if':
          collectCondCalls(s.cond, names);
          visit(s.then);
          visit(s.else);
          break;
        case 'loop':
          if (s.cond) collectCondCalls(s.cond, names);
          visit(s.body);
          break;
        case 'switch':
          s.cases.forEach(visit);
          break;
        case 'scope':
          visit(s.body);
          break;
        default:
          break;
      }
    }
  };
  visit(fn.body);
  return names;
}

function collectCondCalls(cond: import('./functionFacts').Cond, names: Set<string>): void {
  if (cond.op === 'and' || cond.op === 'or') {
    collectCondCalls(cond.left, names);
    collectCondCalls(cond.right, names);
  } else if (cond.op === 'not') collectCondCalls(cond.arg, names);
  else if (cond.op === 'call') names.add(cond.stmt.name);
}

function callsItself(fn: FunctionFacts, resolve: (name: string, from: FunctionFacts) => FunctionFacts | undefined): boolean {
  return [...callsOf(fn)].some((name) => resolve(name, fn) === fn);
}

/** Tarjan over functions; components come out callees-first. */
function callGraphComponents(
  index: FunctionIndex,
  resolve: (name: string, from: FunctionFacts) => FunctionFacts | undefined,
): FunctionFacts[][] {
  const successors = new Map<FunctionFacts, FunctionFacts[]>();
  for (const fn of index.all) {
    const out: FunctionFacts[] = [];
    for (const name of callsOf(fn)) {
      const callee = resolve(name, fn);
      if (callee && callee !== fn) out.push(callee);
    }
    successors.set(fn, out);
  }
  const order = new Map<FunctionFacts, number>();
  const low = new Map<FunctionFacts, number>();
  const onStack = new Set<FunctionFacts>();
  const stack: FunctionFacts[] = [];
  const components: FunctionFacts[][] = [];
  let counter = 0;
  for (const root of index.all) {
    if (order.has(root)) continue;
    const work: [FunctionFacts, number][] = [[root, 0]];
    order.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const next = successors.get(v)!;
      if (i < next.length) {
        top[1]++;
        const w = next[i];
        if (!order.has(w)) {
          order.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === order.get(v)) {
        const component: FunctionFacts[] = [];
        let w: FunctionFacts;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

function addToGraph(graph: LockGraph, fn: FunctionFacts, result: FlowResult): void {
  for (const a of result.acquisitions) graph.addNode(a.cls.id, a.kind, a.cls.resolved, fn.file);
  for (const e of result.edges) {
    graph.addNode(e.from.id, e.fromKind, e.from.resolved);
    graph.addNode(e.to.id, e.toKind, e.to.resolved, e.chain.length > 0 ? undefined : fn.file);
    graph.addEdge(e.from.id, e.to.id, {
      file: fn.file,
      function: fn.name,
      site: e.site,
      heldSite: e.heldSite,
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
      innerSite: e.innerSite,
    });
  }
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

/** Parses and extracts one file. The tree is returned for callers that re-parse incrementally. */
export function factsOf(file: string, text: string, catalogue: LockApiCatalogue = DEFAULT_CATALOGUE, budget: ParseBudget = {}): FileFacts {
  const tree = parseC(text, undefined, budget);
  return extractFile(file, text, tree, catalogue);
}

export function analyzeTexts(inputs: AnalysisInput[], options: ProgramOptions = {}): Required<AnalysisResult> & { analysis: ProgramAnalysis } {
  const program = new LockProgram(options);
  const skipped: { file: string; reason: string }[] = [];
  for (const input of inputs) {
    try {
      program.setFile(factsOf(input.file, input.text, program.catalogue, { timeoutMs: 10_000 }));
    } catch (error) {
      skipped.push({ file: input.file, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const analysis = program.analyze();
  return { findings: analysis.findings, graph: analysis.toJson(), skipped, analysis };
}

export type { Range };
