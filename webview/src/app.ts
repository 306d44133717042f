/**
 * The page's controller: holds the filters and the selection, keeps the drawing, the list and the
 * details panel in step, and saves what a person would expect back after the panel is hidden.
 */
import type { GraphJson, GraphSiteJson } from '../../server/src/analysis/graphJson';
import { DetailsPanel } from './details';
import { baseName } from './dom';
import { ElementList, type ListItem } from './elementList';
import { exportView } from './exporter';
import { GraphView, type ElementRef } from './graphView';
import type { Host } from './host';
import type { ExportFormat } from './protocol';
import type { Skeleton } from './skeleton';
import { onThemeChange, readPalette, type Palette } from './theme';
import { visibleSubgraph, type Filters, type ViewName } from './view';

interface Viewport {
  zoom: number;
  pan: { x: number; y: number };
}

/** What survives hide/restore in VS Code. */
interface SavedState {
  filters: Filters;
  selected: ElementRef | null;
  viewport: Viewport | null;
}

export interface GraphUpdate {
  graph: GraphJson;
  currentFile?: string;
  focus?: string;
}

export class GraphPage {
  private filters: Filters;
  private selected: ElementRef | null;
  private savedViewport: Viewport | null;
  private palette: Palette;
  private graph: GraphJson | null = null;
  private currentFile: string | undefined;
  private view: GraphView | null = null;
  private details: DetailsPanel | null = null;
  private readonly list: ElementList;
  private saveTimer: number | undefined;

  constructor(
    private readonly host: Host,
    private readonly ui: Skeleton,
  ) {
    const saved = parseSavedState(host.loadState());
    this.filters = saved?.filters ?? { view: 'cycles', search: '', showRuntime: true };
    this.selected = saved?.selected ?? null;
    this.savedViewport = saved?.viewport ?? null;
    this.palette = readPalette();
    this.list = new ElementList(ui.listScroller, ui.list, (ref) => this.select(ref, true));
    this.wireControls();
    exposeForTests(this);
    onThemeChange(() => {
      this.palette = readPalette();
      this.view?.restyle(this.palette);
    });
  }

  showGraph({ graph, currentFile, focus }: GraphUpdate): void {
    const first = this.graph === null;
    this.graph = graph;
    this.currentFile = currentFile;
    this.ui.currentFileOption.disabled = currentFile === undefined;
    this.ui.currentFileOption.textContent = currentFile ? `Current file (${baseName(currentFile)})` : 'Current file';
    if (this.filters.view === 'file' && currentFile === undefined) this.filters.view = 'cycles';
    if (this.filters.view === 'cycles' && graph.cycles.length === 0) this.filters.view = 'all';

    this.palette = readPalette();
    this.view?.cy.destroy();
    this.view = new GraphView(this.ui.graph, graph, this.palette, (ref) => this.select(ref, false));
    this.view.cy.one('render', () => performance.mark('lockorder:first-frame'));
    this.view.cy.on('viewport', () => this.saveSoon());
    this.details = new DetailsPanel(this.ui.details, graph, (site) => this.openSite(site));

    this.syncControls();
    this.applyFilters();
    if (first && this.savedViewport) this.view.cy.viewport(this.savedViewport);
    if (!this.selected || !this.view.isShown(this.selected)) this.selected = null;
    this.select(this.selected, false);
    if (focus !== undefined) this.focus(focus);
  }

  /** Centres on a lock class, widening the view first if the filters hide it. */
  focus(id: string): void {
    if (!this.view || !this.graph?.nodes.some((n) => n.id === id)) return;
    const ref: ElementRef = { kind: 'node', id };
    if (!this.view.isShown(ref)) {
      this.filters = { ...this.filters, view: 'all', search: '' };
      this.syncControls();
      this.applyFilters();
    }
    this.select(ref, true);
  }

  get state(): { filters: Filters; selected: ElementRef | null; graph: GraphJson | null } {
    return { filters: { ...this.filters }, selected: this.selected, graph: this.graph };
  }

  get cy() {
    return this.view?.cy;
  }

  private select(ref: ElementRef | null, centre: boolean): void {
    this.selected = ref;
    this.view?.select(ref);
    if (ref && centre) this.view?.centreOn(ref);
    this.details?.show(ref);
    this.list.reflect(ref);
    this.saveSoon();
  }

  private applyFilters(): void {
    if (!this.graph || !this.view) return;
    const sub = visibleSubgraph(this.graph, this.filters, this.currentFile);
    this.view.show(sub);
    this.list.setItems(this.listItems(sub.nodes, sub.edges));
    if (this.selected && !this.view.isShown(this.selected)) this.select(null, false);
    else this.list.reflect(this.selected);
    this.setStatus(this.summary(sub.nodes.size, sub.edges.size));
    this.saveSoon();
  }

  private listItems(nodes: Set<string>, edges: Set<string>): ListItem[] {
    const graph = this.graph!;
    const label = new Map(graph.nodes.map((n) => [n.id, n.label]));
    const byCycleThenName = (a: ListItem, b: ListItem) => Number(b.onCycle) - Number(a.onCycle) || a.text.localeCompare(b.text);
    const nodeItems = graph.nodes
      .filter((n) => nodes.has(n.id))
      .map((n) => ({ ref: { kind: 'node', id: n.id }, text: `${n.label} (${n.kind})`, onCycle: n.cycle !== null }) as ListItem)
      .sort(byCycleThenName);
    const edgeItems = graph.edges
      .filter((e) => edges.has(e.id))
      .map((e) => ({ ref: { kind: 'edge', id: e.id }, text: `${label.get(e.from)} → ${label.get(e.to)} ×${e.count}`, onCycle: e.cycle !== null }) as ListItem)
      .sort(byCycleThenName);
    return [...nodeItems, ...edgeItems];
  }

  private summary(nodes: number, edges: number): string {
    const graph = this.graph!;
    if (nodes === 0) {
      return this.filters.search.trim() ? `No lock matches “${this.filters.search.trim()}” in this view.` : 'Nothing to show in this view.';
    }
    const cycles = graph.cycles.length === 1 ? '1 cycle' : `${graph.cycles.length} cycles`;
    return `${nodes} of ${graph.nodes.length} locks, ${edges} of ${graph.edges.length} edges, ${cycles}`;
  }

  private openSite(site: GraphSiteJson): void {
    if (this.host.kind === 'vscode') {
      this.host.post({ type: 'openSite', file: site.file, line: site.line, column: site.column });
    } else {
      this.setStatus(`${site.file}:${site.line}:${site.column}: ${site.text}`);
    }
  }

  private export(format: ExportFormat): void {
    if (!this.view || !this.graph) return;
    exportView(format, this.view.cy, this.graph, this.palette, this.host);
  }

  private wireControls(): void {
    const ui = this.ui;
    ui.view.addEventListener('change', () => this.setFilters({ view: ui.view.value as ViewName }));
    ui.search.addEventListener('input', () => this.setFilters({ search: ui.search.value }));
    ui.runtime.addEventListener('change', () => this.setFilters({ showRuntime: ui.runtime.checked }));
    ui.fit.addEventListener('click', () => this.view?.fit());
    for (const format of ['svg', 'png', 'json'] as const) {
      ui.exports[format].addEventListener('click', () => this.export(format));
    }
  }

  private setFilters(change: Partial<Filters>): void {
    this.filters = { ...this.filters, ...change };
    this.applyFilters();
  }

  private syncControls(): void {
    this.ui.view.value = this.filters.view;
    this.ui.search.value = this.filters.search;
    this.ui.runtime.checked = this.filters.showRuntime;
  }

  private setStatus(text: string): void {
    this.ui.status.textContent = text;
    this.ui.status.title = text;
  }

  private saveSoon(): void {
    if (this.host.kind !== 'vscode') return;
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => {
      const cy = this.view?.cy;
      const viewport = cy ? { zoom: cy.zoom(), pan: cy.pan() } : null;
      this.host.saveState({ filters: this.filters, selected: this.selected, viewport } satisfies SavedState);
    }, 200);
  }
}

function parseSavedState(raw: unknown): SavedState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Partial<SavedState>;
  const f = s.filters;
  const filtersOk =
    typeof f === 'object' &&
    f !== null &&
    ['cycles', 'all', 'file'].includes(f.view) &&
    typeof f.search === 'string' &&
    typeof f.showRuntime === 'boolean';
  if (!filtersOk) return null;
  const selectedOk =
    s.selected === null ||
    (typeof s.selected === 'object' && (s.selected.kind === 'node' || s.selected.kind === 'edge') && typeof s.selected.id === 'string');
  const v = s.viewport;
  const viewportOk =
    v === null || (typeof v === 'object' && Number.isFinite(v.zoom) && Number.isFinite(v.pan?.x) && Number.isFinite(v.pan?.y));
  return { filters: f, selected: selectedOk ? s.selected! : null, viewport: viewportOk ? v! : null };
}

/** Tests and the benchmark read the Cytoscape instance and the page state through this handle. */
function exposeForTests(page: GraphPage): void {
  (window as unknown as { __lockorderGraph: GraphPage }).__lockorderGraph = page;
}
