/**
 * Which part of the graph is shown: a view (cycles and their neighbours, the whole graph, or the
 * locks of the file open in the editor), narrowed by a name search, with or without the edges
 * that were only observed at run time (lockdep).
 */
import type { GraphEdgeJson, GraphJson } from '../../server/src/analysis/graphJson';

export type ViewName = 'cycles' | 'all' | 'file';

export interface Filters {
  view: ViewName;
  search: string;
  showRuntime: boolean;
}

export interface Subgraph {
  nodes: Set<string>;
  edges: Set<string>;
  /** Nodes whose name matches the search (empty when there is no search). */
  matches: Set<string>;
}

export function isRuntimeOnly(edge: GraphEdgeJson): boolean {
  return edge.origin === 'lockdep';
}

export function visibleSubgraph(graph: GraphJson, filters: Filters, currentFile: string | undefined): Subgraph {
  const edges = graph.edges.filter((e) => filters.showRuntime || !isRuntimeOnly(e));
  let nodes = baseNodes(graph, edges, filters.view, currentFile);

  const query = filters.search.trim().toLowerCase();
  const matches = new Set<string>();
  if (query !== '') {
    for (const n of graph.nodes) {
      const named = n.label.toLowerCase().includes(query) || n.id.toLowerCase().includes(query);
      if (named && nodes.has(n.id)) matches.add(n.id);
    }
    // Keep each match's neighbours so that its edges stay in sight.
    const around = withNeighbours(matches, edges);
    nodes = new Set([...around].filter((id) => nodes.has(id)));
  }

  const shownEdges = new Set(edges.filter((e) => nodes.has(e.from) && nodes.has(e.to)).map((e) => e.id));
  return { nodes, edges: shownEdges, matches };
}

function baseNodes(
  graph: GraphJson,
  edges: GraphEdgeJson[],
  view: ViewName,
  currentFile: string | undefined,
): Set<string> {
  switch (view) {
    case 'all':
      return new Set(graph.nodes.map((n) => n.id));
    case 'cycles':
      return withNeighbours(new Set(graph.nodes.filter((n) => n.cycle !== null).map((n) => n.id)), edges);
    case 'file': {
      const inFile = new Set(graph.nodes.filter((n) => currentFile !== undefined && n.files.includes(currentFile)).map((n) => n.id));
      for (const e of edges) {
        if (e.sites.some((s) => s.file === currentFile)) {
          inFile.add(e.from);
          inFile.add(e.to);
        }
      }
      return inFile;
    }
  }
}

function withNeighbours(seeds: Set<string>, edges: GraphEdgeJson[]): Set<string> {
  const out = new Set(seeds);
  for (const e of edges) {
    if (seeds.has(e.from)) out.add(e.to);
    if (seeds.has(e.to)) out.add(e.from);
  }
  return out;
}
