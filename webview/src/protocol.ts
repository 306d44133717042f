/**
 * Messages between the graph page and its host (the VS Code panel), and the checks that every
 * incoming message passes before the page acts on it. A webview's `message` events can carry
 * anything, so nothing is trusted by its `type` alone.
 */
import type { GraphJson } from '../../server/src/analysis/graphJson';

export type ExportFormat = 'svg' | 'png' | 'json';

export type PageMessage =
  | { type: 'ready' }
  | { type: 'openSite'; file: string; line: number; column: number }
  /** `data` is SVG text, a PNG data URL, or JSON text. */
  | { type: 'export'; format: ExportFormat; data: string };

export type HostMessage =
  /** `focus` is a lock class id to centre on. */
  | { type: 'graph'; graph: GraphJson; currentFile?: string; focus?: string }
  | { type: 'focus'; id: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function isCycleRef(value: unknown, cycles: number): boolean {
  return value === null || (isCount(value) && value < cycles);
}

export function parseHostMessage(data: unknown): Parsed<HostMessage> {
  if (!isObject(data)) return { ok: false, error: 'message is not an object' };
  if (data.type === 'focus') {
    if (typeof data.id !== 'string') return { ok: false, error: 'focus: id must be a string' };
    return { ok: true, value: { type: 'focus', id: data.id } };
  }
  if (data.type === 'graph') {
    if (!isOptionalString(data.currentFile)) return { ok: false, error: 'graph: currentFile must be a string' };
    if (!isOptionalString(data.focus)) return { ok: false, error: 'graph: focus must be a string' };
    const graph = parseGraph(data.graph);
    if (!graph.ok) return graph;
    return {
      ok: true,
      value: { type: 'graph', graph: graph.value, currentFile: data.currentFile, focus: data.focus },
    };
  }
  return { ok: false, error: `unknown message type ${JSON.stringify(data.type)}` };
}

/** Checks every field the page reads, and that edges and cycles name existing nodes. */
export function parseGraph(data: unknown): Parsed<GraphJson> {
  const problem = graphProblem(data);
  return problem === null ? { ok: true, value: data as GraphJson } : { ok: false, error: `graph: ${problem}` };
}

function graphProblem(g: unknown): string | null {
  if (!isObject(g)) return 'not an object';
  if (g.version !== 1) return `unsupported version ${JSON.stringify(g.version)}`;
  if (!Array.isArray(g.nodes) || !Array.isArray(g.edges) || !Array.isArray(g.cycles)) {
    return 'nodes, edges and cycles must be arrays';
  }
  const cycleCount = g.cycles.length;
  const nodeIds = new Set<string>();
  for (const [i, n] of g.nodes.entries()) {
    const where = `nodes[${i}]`;
    if (!isObject(n)) return `${where} is not an object`;
    if (typeof n.id !== 'string' || typeof n.label !== 'string' || typeof n.kind !== 'string') {
      return `${where}: id, label and kind must be strings`;
    }
    if (n.family !== 'spinning' && n.family !== 'sleeping') return `${where}: bad family`;
    if (!isCount(n.rank)) return `${where}: rank must be a non-negative integer`;
    if (!isCycleRef(n.cycle, cycleCount)) return `${where}: bad cycle`;
    if (!Array.isArray(n.files) || !n.files.every((f) => typeof f === 'string')) return `${where}: bad files`;
    if (nodeIds.has(n.id)) return `${where}: duplicate id ${n.id}`;
    nodeIds.add(n.id);
  }
  const edgeIds = new Set<string>();
  for (const [i, e] of g.edges.entries()) {
    const where = `edges[${i}]`;
    if (!isObject(e)) return `${where} is not an object`;
    if (typeof e.id !== 'string' || edgeIds.has(e.id)) return `${where}: missing or duplicate id`;
    edgeIds.add(e.id);
    if (typeof e.from !== 'string' || !nodeIds.has(e.from)) return `${where}: from names no node`;
    if (typeof e.to !== 'string' || !nodeIds.has(e.to)) return `${where}: to names no node`;
    if (!isCount(e.count)) return `${where}: count must be a non-negative integer`;
    if (!isCycleRef(e.cycle, cycleCount)) return `${where}: bad cycle`;
    if (e.origin !== 'static' && e.origin !== 'lockdep' && e.origin !== 'both') return `${where}: bad origin`;
    if (!Array.isArray(e.sites)) return `${where}: sites must be an array`;
    for (const [j, s] of e.sites.entries()) {
      const ok =
        isObject(s) &&
        typeof s.file === 'string' &&
        isCount(s.line) &&
        isCount(s.column) &&
        typeof s.function === 'string' &&
        typeof s.text === 'string';
      if (!ok) return `${where}.sites[${j}] is malformed`;
    }
  }
  for (const [i, c] of g.cycles.entries()) {
    const ok = isObject(c) && isCount(c.id) && Array.isArray(c.nodes) && c.nodes.every((id) => nodeIds.has(id as string));
    if (!ok) return `cycles[${i}] is malformed`;
  }
  return null;
}
