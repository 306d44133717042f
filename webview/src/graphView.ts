/**
 * The drawing: a Cytoscape instance that holds exactly the elements the filters let through,
 * placed by `layeredLayout`. Filtered-out elements are removed rather than hidden: Cytoscape pays
 * for every element it holds (style, bounds) even when it is not drawn, and that cost dominates
 * the first frame of a big graph. Cytoscape ids are prefixed (`n:`/`e:`) because nodes and edges
 * share one id space there but not in the JSON; `data('key')` is the JSON id.
 */
import cytoscape from 'cytoscape';
import type { GraphEdgeJson, GraphJson } from '../../server/src/analysis/graphJson';
import { layeredLayout, NODE_HEIGHT, type LayoutNode } from './layout';
import type { Palette } from './theme';
import type { Subgraph } from './view';

export type ElementRef = { kind: 'node' | 'edge'; id: string };

export const cyId = (ref: ElementRef): string => (ref.kind === 'node' ? `n:${ref.id}` : `e:${ref.id}`);

const LABEL_FONT_SIZE = 12;
const MAX_ZOOM_ON_FIT = 1.6;
const FIT_PADDING = 28;

export class GraphView {
  readonly cy: cytoscape.Core;
  private readonly nodeDefs: Map<string, cytoscape.NodeDefinition>;
  private readonly edgeDefs: Map<string, cytoscape.EdgeDefinition>;

  constructor(
    container: HTMLElement,
    private readonly graph: GraphJson,
    palette: Palette,
    onSelect: (ref: ElementRef | null) => void,
  ) {
    preventCytoscapeStyleInjection();
    ({ nodes: this.nodeDefs, edges: this.edgeDefs } = elementDefinitions(graph, palette.font));
    const large = graph.nodes.length > 500;
    this.cy = cytoscape({
      container,
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
    const edges: GraphEdgeJson[] = [];
    for (const n of this.graph.nodes) {
      if (sub.nodes.has(n.id)) nodes.push({ id: n.id, rank: n.rank, group: n.cycle, width: this.nodeDefs.get(n.id)!.data.w as number });
    }
    for (const e of this.graph.edges) if (sub.edges.has(e.id)) edges.push(e);
    const started = performance.now();
    const positions = layeredLayout(nodes, edges);
    performance.measure('lockorder:layout', { start: started });

    const cy = this.cy;
    cy.batch(() => {
      cy.elements()
        .filter((ele) => !(ele.isNode() ? sub.nodes : sub.edges).has(ele.data('key') as string))
        .remove();
      const present = new Set(cy.elements().map((ele) => ele.id()));
      cy.nodes().positions((node) => positions.get(node.data('key') as string)!);
      cy.nodes().forEach((node) => {
        const match = sub.matches.has(node.data('key') as string);
        if (node.hasClass('match') !== match) node.toggleClass('match', match);
      });
      // New elements arrive with their place and classes, which is far cheaper than setting them after.
      const added: cytoscape.ElementDefinition[] = [];
      for (const { id } of nodes) {
        const def = this.nodeDefs.get(id)!;
        if (present.has(def.data.id!)) continue;
        const classes = sub.matches.has(id) ? `${def.classes} match` : def.classes;
        added.push({ ...def, data: { ...def.data }, position: positions.get(id), classes });
      }
      for (const { id } of edges) {
        const def = this.edgeDefs.get(id)!;
        if (!present.has(def.data.id!)) added.push({ ...def, data: { ...def.data } });
      }
      cy.add(added);
    });
    this.fit();
  }

  /**
   * Fits the view to the nodes, from their positions and widths alone: Cytoscape's own fit()
   * measures every label and edge first, which costs more than a second at 5,000 elements.
   */
  fit(): void {
    const nodes = this.cy.nodes();
    if (nodes.empty()) return;
    let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
    nodes.forEach((node) => {
      const { x, y } = node.position();
      const half = (node.data('w') as number) / 2;
      [x1, x2] = [Math.min(x1, x - half), Math.max(x2, x + half)];
      [y1, y2] = [Math.min(y1, y - NODE_HEIGHT / 2), Math.max(y2, y + NODE_HEIGHT / 2)];
    });
    const [width, height] = [this.cy.width() - 2 * FIT_PADDING, this.cy.height() - 2 * FIT_PADDING];
    const fitting = Math.min(width / (x2 - x1), height / (y2 - y1));
    // A handful of locks would otherwise be blown up to fill the screen.
    const zoom = Math.max(this.cy.minZoom(), Math.min(MAX_ZOOM_ON_FIT, fitting));
    this.cy.viewport({
      zoom,
      pan: { x: this.cy.width() / 2 - (zoom * (x1 + x2)) / 2, y: this.cy.height() / 2 - (zoom * (y1 + y2)) / 2 },
    });
  }

  restyle(palette: Palette): void {
    this.cy.style().fromJson(styleRules(palette)).update();
  }

  select(ref: ElementRef | null): void {
    this.cy.elements(':selected').unselect();
    if (ref) this.cy.getElementById(cyId(ref)).select();
  }

  isShown(ref: ElementRef): boolean {
    return this.cy.getElementById(cyId(ref)).nonempty();
  }

  /** Brings a lock, or an edge with both its locks, into the middle at a readable zoom. */
  centreOn(ref: ElementRef): void {
    const ele = this.cy.getElementById(cyId(ref));
    if (ele.empty()) return;
    const target = ele.isEdge() ? ele.union(ele.connectedNodes()) : ele;
    const box = target.boundingBox({});
    const fitting = Math.min((this.cy.width() * 0.9) / box.w, (this.cy.height() * 0.9) / box.h);
    this.cy.zoom(Math.min(Math.max(this.cy.zoom(), 1), fitting));
    this.cy.center(target);
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

function elementDefinitions(graph: GraphJson, font: string) {
  const measure = document.createElement('canvas').getContext('2d')!;
  measure.font = `${LABEL_FONT_SIZE}px ${font}`;
  const nodes = new Map<string, cytoscape.NodeDefinition>();
  for (const n of graph.nodes) {
    nodes.set(n.id, {
      group: 'nodes',
      data: {
        id: `n:${n.id}`,
        key: n.id,
        label: n.label,
        // Hexagons need more room at the ends than rounded rectangles.
        w: Math.ceil(measure.measureText(n.label).width) + (n.family === 'spinning' ? 36 : 22),
      },
      classes: [n.family, n.cycle === null ? '' : 'cycle'].join(' ').trim(),
    });
  }
  const edges = new Map<string, cytoscape.EdgeDefinition>();
  for (const e of graph.edges) {
    edges.set(e.id, {
      group: 'edges',
      data: {
        id: `e:${e.id}`,
        key: e.id,
        source: `n:${e.from}`,
        target: `n:${e.to}`,
        count: e.count,
        width: 1.2 + Math.min(4.8, Math.log2(Math.max(1, e.count)) * 1.2),
      },
      classes: [e.origin, e.cycle === null ? '' : 'cycle'].join(' ').trim(),
    });
  }
  return { nodes, edges };
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
  ];
}
