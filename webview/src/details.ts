/**
 * The side panel's lower half: what is known about the selected lock class or edge, and the
 * source sites behind it as buttons (Tab to one, Enter opens it in the editor).
 */
import type { GraphEdgeJson, GraphJson, GraphNodeJson, GraphSiteJson } from '../../server/src/analysis/graphJson';
import { baseName, h } from './dom';
import type { ElementRef } from './graphView';

const ORIGIN_TEXT: Record<GraphEdgeJson['origin'], string> = {
  static: 'found in the source',
  lockdep: 'observed at run time by lockdep only',
  both: 'found in the source and observed at run time',
};

export class DetailsPanel {
  private readonly nodes: Map<string, GraphNodeJson>;
  private readonly edges: Map<string, GraphEdgeJson>;
  private readonly edgesInto = new Map<string, GraphEdgeJson[]>();
  private readonly edgesOutOf = new Map<string, GraphEdgeJson[]>();

  constructor(
    private readonly root: HTMLElement,
    private readonly graph: GraphJson,
    private readonly openSite: (site: GraphSiteJson) => void,
  ) {
    this.nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    this.edges = new Map(graph.edges.map((e) => [e.id, e]));
    for (const e of graph.edges) {
      push(this.edgesOutOf, e.from, e);
      push(this.edgesInto, e.to, e);
    }
    this.show(null);
  }

  show(ref: ElementRef | null): void {
    if (ref?.kind === 'node') this.root.replaceChildren(...this.nodeDetails(this.nodes.get(ref.id)!));
    else if (ref?.kind === 'edge') this.root.replaceChildren(...this.edgeDetails(this.edges.get(ref.id)!));
    else {
      this.root.replaceChildren(
        h('h2', {}, 'Details'),
        h('p', { class: 'lo-hint' }, 'Select a lock or an edge (click it, or use the list above) to see where it is taken.'),
      );
    }
  }

  private nodeDetails(node: GraphNodeJson): Node[] {
    const into = this.edgesInto.get(node.id) ?? [];
    const outOf = this.edgesOutOf.get(node.id) ?? [];
    return [
      h('h2', { class: node.cycle === null ? '' : 'lo-on-cycle' }, node.label),
      facts([
        ['Class', node.id],
        ['Kind', `${node.kind} (${node.family})`],
        ['Rank', String(node.rank)],
        ['Cycle', this.cycleText(node.cycle)],
        ['Files', node.files.map(baseName).join(', ') || '—'],
      ]),
      h('h3', {}, `Taken while holding (${into.length})`),
      this.edgeGroups(into, (e) => `holding ${this.label(e.from)}`),
      h('h3', {}, `Held while taking (${outOf.length})`),
      this.edgeGroups(outOf, (e) => `taking ${this.label(e.to)}`),
    ];
  }

  private edgeDetails(edge: GraphEdgeJson): Node[] {
    return [
      h('h2', { class: edge.cycle === null ? '' : 'lo-on-cycle' }, `${this.label(edge.from)} → ${this.label(edge.to)}`),
      facts([
        ['Meaning', `${this.label(edge.to)} is taken while ${this.label(edge.from)} is held`],
        ['Count', String(edge.count)],
        ['Origin', ORIGIN_TEXT[edge.origin]],
        ['Cycle', this.cycleText(edge.cycle)],
      ]),
      h('h3', {}, `Acquisition sites (${edge.sites.length})`),
      this.siteList(edge),
    ];
  }

  private edgeGroups(edges: GraphEdgeJson[], title: (e: GraphEdgeJson) => string): HTMLElement {
    if (edges.length === 0) return h('p', { class: 'lo-hint' }, 'None.');
    return h(
      'ul',
      { class: 'lo-edge-groups' },
      ...edges.map((e) =>
        h('li', {}, h('div', { class: e.cycle === null ? 'lo-group-title' : 'lo-group-title lo-on-cycle' }, `${title(e)} ×${e.count}`), this.siteList(e)),
      ),
    );
  }

  private siteList(edge: GraphEdgeJson): HTMLElement {
    if (edge.sites.length === 0) return h('p', { class: 'lo-hint' }, 'No source site (seen at run time only).');
    return h('ul', { class: 'lo-sites' }, ...edge.sites.map((site) => h('li', {}, this.siteButton(site))));
  }

  private siteButton(site: GraphSiteJson): HTMLButtonElement {
    const where = `${site.file}:${site.line}:${site.column}`;
    const button = h(
      'button',
      { type: 'button', class: 'lo-site', title: `Open ${where}` },
      h('span', { class: 'lo-site-where' }, `${baseName(site.file)}:${site.line}:${site.column}`),
      site.function && h('span', { class: 'lo-site-function' }, ` in ${site.function}()`),
      h('code', { class: 'lo-site-text' }, site.text),
    );
    button.addEventListener('click', () => this.openSite(site));
    return button;
  }

  private label(id: string): string {
    return this.nodes.get(id)?.label ?? id;
  }

  private cycleText(cycle: number | null): string {
    if (cycle === null) return 'none';
    const { id, nodes } = this.graph.cycles[cycle];
    return `#${id}, with ${nodes.map((n) => this.label(n)).join(', ')}`;
  }
}

function facts(rows: [string, string][]): HTMLElement {
  return h('dl', { class: 'lo-facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
