/**
 * Writes the elements in view (all that Cytoscape holds) as a standalone SVG, from the positions and edge geometry Cytoscape
 * already computed, so the file matches the screen without a rendering library.
 */
import type cytoscape from 'cytoscape';
import { NODE_HEIGHT } from './layout';
import type { Palette } from './theme';

type Point = { x: number; y: number };

const PADDING = 24;

export function toSvg(cy: cytoscape.Core, p: Palette): string {
  const shown = cy.elements();
  const nodes = shown.nodes();
  const edges = shown.edges();
  const box = shown.boundingBox({});
  const x = Math.floor(box.x1 - PADDING);
  const y = Math.floor(box.y1 - PADDING);
  const width = Math.ceil(box.w + 2 * PADDING);
  const height = Math.ceil(box.h + 2 * PADDING);

  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${x} ${y} ${width} ${height}" width="${width}" height="${height}" font-family="${xml(p.font)}">`,
    '<defs>',
    marker('lo-arrow', p.edge),
    marker('lo-arrow-cycle', p.cycle),
    '</defs>',
    `<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${p.background}"/>`,
    ...edges.map((edge) => edgeSvg(edge, p)),
    ...nodes.map((node) => nodeSvg(node, p)),
    '</svg>',
  ];
  return lines.join('\n') + '\n';
}

function marker(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
}

function edgeSvg(edge: cytoscape.EdgeSingular, p: Palette): string {
  const onCycle = edge.hasClass('cycle');
  const colour = onCycle ? p.cycle : p.edge;
  const source = edge.sourceEndpoint();
  const target = edge.targetEndpoint();
  const dash = edge.hasClass('lockdep') ? ' stroke-dasharray="6 4"' : '';
  const tail = edge.hasClass('both') ? `<circle cx="${n(source.x)}" cy="${n(source.y)}" r="4" fill="${colour}"/>` : '';
  const mid = edge.midpoint();
  const label = String(edge.data('count'));
  const labelWidth = 6.5 * label.length + 6;
  return [
    `<g class="lo-edge" data-id="${xml(edge.data('key') as string)}">`,
    `<path d="${pathThrough(source, edge.controlPoints() ?? [], target)}" fill="none" stroke="${colour}" stroke-width="${n(edge.data('width') as number)}"${dash} marker-end="url(#${onCycle ? 'lo-arrow-cycle' : 'lo-arrow'})"/>`,
    tail,
    `<rect x="${n(mid.x - labelWidth / 2)}" y="${n(mid.y - 8)}" width="${n(labelWidth)}" height="16" rx="3" fill="${p.background}"/>`,
    `<text x="${n(mid.x)}" y="${n(mid.y)}" font-size="10" text-anchor="middle" dominant-baseline="central" fill="${onCycle ? p.cycle : p.foreground}">${xml(label)}</text>`,
    '</g>',
  ].join('');
}

/** Cytoscape's bezier edges are quadratic pieces joined at the midpoints of their control points. */
function pathThrough(source: Point, controls: Point[], target: Point): string {
  let d = `M${n(source.x)},${n(source.y)}`;
  controls.forEach((c, i) => {
    const end = i === controls.length - 1 ? target : { x: (c.x + controls[i + 1].x) / 2, y: (c.y + controls[i + 1].y) / 2 };
    d += ` Q${n(c.x)},${n(c.y)} ${n(end.x)},${n(end.y)}`;
  });
  if (controls.length === 0) d += ` L${n(target.x)},${n(target.y)}`;
  return d;
}

function nodeSvg(node: cytoscape.NodeSingular, p: Palette): string {
  const { x, y } = node.position();
  const w = node.data('w') as number;
  const h = NODE_HEIGHT;
  const onCycle = node.hasClass('cycle');
  const spinning = node.hasClass('spinning');
  const stroke = onCycle ? p.cycle : spinning ? p.spinning : p.sleeping;
  const paint = `fill="${p.nodeFill}" stroke="${stroke}" stroke-width="${onCycle ? 3 : 2}"`;
  const shape = spinning
    ? `<polygon points="${[
        [x - w / 2, y],
        [x - w / 4, y - h / 2],
        [x + w / 4, y - h / 2],
        [x + w / 2, y],
        [x + w / 4, y + h / 2],
        [x - w / 4, y + h / 2],
      ]
        .map(([px, py]) => `${n(px)},${n(py)}`)
        .join(' ')}" ${paint}/>`
    : `<rect x="${n(x - w / 2)}" y="${n(y - h / 2)}" width="${n(w)}" height="${h}" rx="6" ${paint}/>`;
  return [
    `<g class="lo-node" data-id="${xml(node.data('key') as string)}">`,
    shape,
    `<text x="${n(x)}" y="${n(y)}" font-size="12" text-anchor="middle" dominant-baseline="central" fill="${onCycle ? p.cycle : p.foreground}">${xml(node.data('label') as string)}</text>`,
    '</g>',
  ].join('');
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
