/**
 * The page's fixed parts, built once: the toolbar, the drawing area with its legend, and the side
 * panel. The HTML shell (see server/src/report/htmlReport.ts) holds nothing but the assets and,
 * in a standalone report, the graph data.
 */
import { h, svg } from './dom';
import type { ExportFormat } from './protocol';

export interface Skeleton {
  view: HTMLSelectElement;
  currentFileOption: HTMLOptionElement;
  search: HTMLInputElement;
  runtime: HTMLInputElement;
  fit: HTMLButtonElement;
  exports: Record<ExportFormat, HTMLButtonElement>;
  status: HTMLElement;
  graph: HTMLElement;
  listScroller: HTMLElement;
  list: HTMLUListElement;
  details: HTMLElement;
}

export function buildSkeleton(parent: HTMLElement): Skeleton {
  const currentFileOption = h('option', { value: 'file' }, 'Current file');
  const view = h(
    'select',
    { id: 'lo-view' },
    h('option', { value: 'cycles' }, 'Cycles and neighbours'),
    h('option', { value: 'all' }, 'Whole graph'),
    currentFileOption,
  );
  const search = h('input', { id: 'lo-search', type: 'search', placeholder: 'Lock name…', spellcheck: 'false' });
  const runtime = h('input', { id: 'lo-runtime', type: 'checkbox', checked: true });
  const fit = h('button', { type: 'button', class: 'lo-button' }, 'Fit');
  const exports = {
    svg: h('button', { type: 'button', class: 'lo-button', title: 'Export the graph in view as SVG' }, 'SVG'),
    png: h('button', { type: 'button', class: 'lo-button', title: 'Export the graph in view as PNG' }, 'PNG'),
    json: h('button', { type: 'button', class: 'lo-button', title: 'Export the whole graph as JSON' }, 'JSON'),
  };
  const status = h('output', { class: 'lo-status', 'aria-live': 'polite' });
  const graph = h('div', { class: 'lo-graph', role: 'img', 'aria-label': 'Lock-order graph; use the list of locks and edges to explore it by keyboard' });
  const list = h('ul', { class: 'lo-list', 'aria-label': 'Locks and edges in view' });
  const listScroller = h('div', { class: 'lo-list-scroll' }, list);
  const details = h('section', { class: 'lo-details', 'aria-live': 'polite' });

  parent.append(
    h(
      'div',
      { class: 'lo-app' },
      h(
        'header',
        { class: 'lo-toolbar' },
        h('label', { class: 'lo-field' }, 'View ', view),
        h('label', { class: 'lo-field' }, 'Search ', search),
        h('label', { class: 'lo-field' }, runtime, ' Runtime (lockdep) edges'),
        h('span', { class: 'lo-buttons', role: 'group', 'aria-label': 'Export' }, fit, 'Export:', exports.svg, exports.png, exports.json),
        status,
      ),
      h(
        'div',
        { class: 'lo-main' },
        h('div', { class: 'lo-stage' }, graph, legend()),
        h(
          'aside',
          { class: 'lo-side' },
          h('section', { class: 'lo-elements' }, h('h2', {}, 'Locks and edges in view'), listScroller),
          details,
        ),
      ),
    ),
  );
  return { view, currentFileOption, search, runtime, fit, exports, status, graph, listScroller, list, details };
}

function legend(): HTMLElement {
  const icon = (...children: Element[]) =>
    svg('svg', { class: 'lo-icon', viewBox: '0 0 36 16', width: 36, height: 16, 'aria-hidden': 'true' }, ...children);
  const line = (cls: string) => svg('line', { class: cls, x1: 3, y1: 8, x2: 28, y2: 8 });
  const head = (cls: string) => svg('path', { class: cls, d: 'M27,3 L35,8 L27,13 z' });
  const item = (glyph: Element, text: string) => h('li', {}, glyph, ' ', text);
  return h(
    'ul',
    { class: 'lo-legend', 'aria-label': 'Legend' },
    item(icon(svg('polygon', { class: 'lo-shape-spinning', points: '2,8 8,2 28,2 34,8 28,14 8,14' })), 'spinning lock'),
    item(icon(svg('rect', { class: 'lo-shape-sleeping', x: 2, y: 2, width: 32, height: 12, rx: 3 })), 'sleeping lock'),
    item(icon(line('lo-stroke-cycle'), head('lo-fill-cycle')), 'on a cycle: possible deadlock'),
    item(icon(line('lo-stroke-edge'), head('lo-fill-edge')), 'taken while holding (label: count)'),
    item(icon(line('lo-stroke-edge lo-dashed'), head('lo-fill-edge')), 'seen at run time only (lockdep)'),
    item(icon(svg('circle', { class: 'lo-fill-edge', cx: 5, cy: 8, r: 3.5 }), line('lo-stroke-edge'), head('lo-fill-edge')), 'in source and at run time'),
  );
}
