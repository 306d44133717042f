/**
 * The drawing: one Cytoscape instance holding the whole graph, with filtered-out elements hidden
 * and the visible ones placed by `layeredLayout`. Cytoscape ids are prefixed (`n:`/`e:`) because
 * nodes and edges share one id space there but not in the JSON; `data('key')` is the JSON id.
 */
import cytoscape from 'cytoscape';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import { layeredLayout, NODE_HEIGHT, type LayoutEdge, type LayoutNode } from './layout';
import type { Palette } from './theme';
import type { Subgraph } from './view';

export type ElementRef = { kind: 'node' | 'edge'; id: string };

export const cyId = (ref: ElementRef): string => (ref.kind === 'node' ? `n:${ref.id}` : `e:${ref.id}`);

const LABEL_FONT_SIZE = 12;
const MAX_ZOOM_ON_FIT = 1.4;

export class GraphView {
  readonly cy: cytoscape.Core;

  constructor(
    container: HTMLElement,
    private readonly graph: GraphJson,
    palette: Palette,
    onSelect: (ref: ElementRef | null) => void,
  ) {
    preventCytoscapeStyleInjection();
    const large = graph.nodes.length > 500;
    this.cy = cytoscape({
      container,
      elements: toElements(graph, palette.font),
      style: styleRules(palette) as unknown as cytoscape.StylesheetStyle[],
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
      // Big graphs pan and zoom smoothly when a cached bitmap stands in for the drawing meanwhile.
      textureOnViewport: large,
      hideEdgesOnViewport: large,
    });
    this.cy.on('tap', 'node, edge', (event) => {
      const ele = event.target as cytoscape.SingularElementArgument;
      onSelect({ kind: ele.isNode() ? 'node' : 'edge', id: ele.data('key') as string });
    });
    this.cy.on('tap', (event) => {
      if (event.target === this.cy) onSelect(null);
    });
  }

  /** Shows exactly `sub` and lays it out afresh, so that a filtered view has no holes. */
  show(sub: Subgraph): void {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (const n of this.graph.nodes) {
      if (!sub.nodes.has(n.id)) continue;
      nodes.push({ id: n.id, rank: n.rank, group: n.cycle, width: this.node(n.id).data('w') as number });
    }
    for (const e of this.graph.edges) if (sub.edges.has(e.id)) edges.push(e);
    const positions = layeredLayout(nodes, edges);

    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        const key = node.data('key') as string;
        const point = positions.get(key);
        node.toggleClass('hidden', point === undefined);
        node.toggleClass('match', sub.matches.has(key));
        if (point) node.position(point);
      });
      this.cy.edges().forEach((edge) => {
        edge.toggleClass('hidden', !sub.edges.has(edge.data('key') as string));
      });
    });
    this.fit();
  }

  fit(): void {
    const visible = this.cy.elements(':visible');
    if (visible.empty()) return;
    this.cy.fit(visible, 24);
    // A handful of locks would otherwise be blown up to fill the screen.
    if (this.cy.zoom() > MAX_ZOOM_ON_FIT) {
      this.cy.zoom(MAX_ZOOM_ON_FIT);
      this.cy.center(visible);
    }
  }

  restyle(palette: Palette): void {
    this.cy.style().fromJson(styleRules(palette)).update();
  }

  select(ref: ElementRef | null): void {
    this.cy.elements(':selected').unselect();
    if (ref) this.cy.getElementById(cyId(ref)).select();
  }

  isVisible(ref: ElementRef): boolean {
    const ele = this.cy.getElementById(cyId(ref));
    return ele.nonempty() && ele.visible();
  }

  centreOn(ref: ElementRef): void {
    const ele = this.cy.getElementById(cyId(ref));
    if (ele.empty() || !ele.visible()) return;
    this.cy.zoom(Math.max(this.cy.zoom(), 1));
    this.cy.center(ele);
  }

  private node(id: string): cytoscape.NodeSingular {
    return this.cy.getElementById(`n:${id}`) as cytoscape.NodeSingular;
  }
}

/**
 * Cytoscape adds a `<style>` (setting `position: relative` on its container) unless an element
 * with this id exists. A strict CSP blocks that style and reports a violation, so the page sets
 * the rule in graph.css and leaves an inert marker with the id instead.
 */
function preventCytoscapeStyleInjection(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id)) return;
  const marker = document.createElement('meta');
  marker.id = id;
  document.head.append(marker);
}

function toElements(graph: GraphJson, font: string): cytoscape.ElementDefinition[] {
  const measure = document.createElement('canvas').getContext('2d')!;
  measure.font = `${LABEL_FONT_SIZE}px ${font}`;
  const nodes = graph.nodes.map((n) => ({
    group: 'nodes' as const,
    data: {
      id: `n:${n.id}`,
      key: n.id,
      label: n.label,
      // Hexagons need more room at the ends than rounded rectangles.
      w: Math.ceil(measure.measureText(n.label).width) + (n.family === 'spinning' ? 36 : 22),
    },
    classes: [n.family, n.cycle === null ? '' : 'cycle'].join(' ').trim(),
  }));
  const edges = graph.edges.map((e) => ({
    group: 'edges' as const,
    data: {
      id: `e:${e.id}`,
      key: e.id,
      source: `n:${e.from}`,
      target: `n:${e.to}`,
      count: e.count,
      width: 1.2 + Math.min(4.8, Math.log2(Math.max(1, e.count)) * 1.2),
    },
    classes: [e.origin, e.cycle === null ? '' : 'cycle'].join(' ').trim(),
  }));
  return [...nodes, ...edges];
}

type StyleRule = { selector: string; style: Record<string, string | number | number[]> };

function styleRules(p: Palette): StyleRule[] {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: 'data(w)',
        height: NODE_HEIGHT,
        'background-color': p.nodeFill,
        'border-width': 2,
        'border-color': p.sleeping,
        label: 'data(label)',
        color: p.foreground,
        'font-family': p.font,
        'font-size': LABEL_FONT_SIZE,
        'text-valign': 'center',
        'text-halign': 'center',
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node.spinning', style: { shape: 'hexagon', 'border-color': p.spinning } },
    { selector: 'node.cycle', style: { 'border-color': p.cycle, 'border-width': 3, color: p.cycle } },
    {
      selector: 'node.match',
      style: { 'underlay-color': p.match, 'underlay-opacity': 0.45, 'underlay-padding': 5, 'underlay-shape': 'round-rectangle' },
    },
    {
      selector: 'edge',
      style: {
        'curve-style': 'bezier',
        width: 'data(width)',
        'line-color': p.edge,
        'target-arrow-shape': 'triangle',
        'target-arrow-color': p.edge,
        'source-arrow-color': p.edge,
        'arrow-scale': 1.1,
        label: 'data(count)',
        'font-family': p.font,
        'font-size': 10,
        color: p.foreground,
        'text-background-color': p.background,
        'text-background-opacity': 1,
        'text-background-padding': 2,
        'text-background-shape': 'round-rectangle',
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'edge.lockdep', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4] } },
    { selector: 'edge.both', style: { 'source-arrow-shape': 'circle' } },
    {
      selector: 'edge.cycle',
      style: { 'line-color': p.cycle, 'target-arrow-color': p.cycle, 'source-arrow-color': p.cycle, color: p.cycle },
    },
    {
      selector: ':selected',
      style: { 'underlay-color': p.focus, 'underlay-opacity': 0.5, 'underlay-padding': 6 },
    },
    { selector: '.hidden', style: { display: 'none' } },
  ];
}
