/**
 * A layered ("Sugiyama-style") layout that trusts the server's ranks instead of computing its own:
 * a lock's layer is its rank, so locks taken first sit at the top and arrows point down to the
 * locks taken under them. Only the order within each layer is computed here, by a few barycenter
 * sweeps, which cost O(sweeps × (nodes + edges)) and so stay instant at thousands of nodes.
 * Members of one cycle share a rank and are kept together: a pair side by side, a longer cycle
 * round a ring.
 */

export interface LayoutNode {
  id: string;
  rank: number;
  /** Nodes with the same group (a cycle) are placed next to each other. */
  group: number | null;
  width: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface Point {
  x: number;
  y: number;
}

export const NODE_HEIGHT = 30;
const NODE_GAP = 36;
/** Wider than NODE_GAP so that both arrows of an ABBA pair, and their counts, can be seen. */
const PAIR_GAP = 90;
const ROW_GAP = 34;
const LAYER_GAP = 96;
const SWEEPS = 4;
/** Very wide layers are wrapped into rows so that a big graph keeps a screen-like shape. */
const MIN_ROW_WIDTH = 1200;
const ASPECT = 1.6;

export function layeredLayout(nodes: LayoutNode[], edges: LayoutEdge[]): Map<string, Point> {
  const layers = initialLayers(nodes);
  orderLayers(layers, nodes, edges);
  return placeRows(layers, edges);
}

/** Layers indexed by dense rank; each starts ordered by cycle, then id, so the result is stable. */
function initialLayers(nodes: LayoutNode[]): LayoutNode[][] {
  const ranks = [...new Set(nodes.map((n) => n.rank))].sort((a, b) => a - b);
  const layerOf = new Map(ranks.map((rank, i) => [rank, i]));
  const layers: LayoutNode[][] = ranks.map(() => []);
  for (const n of nodes) layers[layerOf.get(n.rank)!].push(n);
  const groupOrder = (n: LayoutNode) => n.group ?? Number.MAX_SAFE_INTEGER;
  for (const layer of layers) {
    layer.sort((a, b) => groupOrder(a) - groupOrder(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return layers;
}

function orderLayers(layers: LayoutNode[][], nodes: LayoutNode[], edges: LayoutEdge[]): void {
  const layerIndex = new Map<string, number>();
  layers.forEach((layer, i) => layer.forEach((n) => layerIndex.set(n.id, i)));
  const above = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const below = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    const from = layerIndex.get(e.from);
    const to = layerIndex.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    const [upper, lower] = from < to ? [e.from, e.to] : [e.to, e.from];
    below.get(upper)!.push(lower);
    above.get(lower)!.push(upper);
  }

  // Positions are normalised to 0..1 within a layer, since long edges reach layers of other sizes.
  const pos = new Map<string, number>();
  const record = (layer: LayoutNode[]) => layer.forEach((n, i) => pos.set(n.id, (i + 0.5) / layer.length));
  layers.forEach(record);

  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let i = 1; i < layers.length; i++) {
      layers[i] = byBarycenter(layers[i], above, pos);
      record(layers[i]);
    }
    for (let i = layers.length - 2; i >= 0; i--) {
      layers[i] = byBarycenter(layers[i], below, pos);
      record(layers[i]);
    }
  }
}

/** Sorts a layer by the mean position of each node's neighbours; a cycle moves as one block. */
function byBarycenter(layer: LayoutNode[], neighbours: Map<string, string[]>, pos: Map<string, number>): LayoutNode[] {
  const key = new Map<string, number>();
  for (const n of layer) {
    const around = neighbours.get(n.id)!;
    key.set(n.id, around.length === 0 ? pos.get(n.id)! : around.reduce((s, m) => s + pos.get(m)!, 0) / around.length);
  }
  const blockKey = new Map<number, number>();
  const groups = new Map<number, LayoutNode[]>();
  for (const n of layer) {
    if (n.group === null) continue;
    const members = groups.get(n.group);
    if (members) members.push(n);
    else groups.set(n.group, [n]);
  }
  for (const [group, members] of groups) {
    blockKey.set(group, members.reduce((s, m) => s + key.get(m.id)!, 0) / members.length);
  }
  const outer = (n: LayoutNode) => (n.group === null ? key.get(n.id)! : blockKey.get(n.group)!);
  return [...layer].sort(
    (a, b) =>
      outer(a) - outer(b) || (a.group ?? -1) - (b.group ?? -1) || key.get(a.id)! - key.get(b.id)! || pos.get(a.id)! - pos.get(b.id)!,
  );
}

/** A unit of placement: one lock, or all members of one cycle, which stay together. */
interface Block {
  width: number;
  height: number;
  /** Member centres relative to the block's centre. */
  members: { id: string; dx: number; dy: number }[];
}

function placeRows(layers: LayoutNode[][], edges: LayoutEdge[]): Map<string, Point> {
  const successors = new Map<string, string[]>();
  for (const e of edges) {
    const list = successors.get(e.from);
    if (list) list.push(e.to);
    else successors.set(e.from, [e.to]);
  }
  const blockLayers = layers.map((layer) => blocksOf(layer, successors));
  const pitch = NODE_HEIGHT + ROW_GAP;
  const totalWidth = blockLayers.flat().reduce((s, b) => s + b.width + NODE_GAP, 0);
  const maxRowWidth = Math.max(MIN_ROW_WIDTH, Math.sqrt(ASPECT * totalWidth * pitch));

  const out = new Map<string, Point>();
  let y = 0;
  for (const blocks of blockLayers) {
    for (const row of wrap(blocks, maxRowWidth)) {
      const rowWidth = row.reduce((s, b) => s + b.width, 0) + NODE_GAP * (row.length - 1);
      const rowHeight = Math.max(...row.map((b) => b.height));
      let x = -rowWidth / 2;
      for (const block of row) {
        for (const m of block.members) out.set(m.id, { x: x + block.width / 2 + m.dx, y: y + rowHeight / 2 + m.dy });
        x += block.width + NODE_GAP;
      }
      y += rowHeight + ROW_GAP;
    }
    y += LAYER_GAP - ROW_GAP;
  }
  return out;
}

/** Consecutive members of one cycle (the ordering keeps them consecutive) form one block. */
function blocksOf(layer: LayoutNode[], successors: Map<string, string[]>): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < layer.length; ) {
    let j = i + 1;
    if (layer[i].group !== null) while (j < layer.length && layer[j].group === layer[i].group) j++;
    const members = layer.slice(i, j);
    blocks.push(members.length <= 2 ? strip(members) : ring(aroundCycle(members, successors)));
    i = j;
  }
  return blocks;
}

/** One lock, or an ABBA pair side by side with room for the two arrows between them. */
function strip(members: LayoutNode[]): Block {
  const width = members.reduce((s, m) => s + m.width, 0) + PAIR_GAP * (members.length - 1);
  let x = -width / 2;
  const placed = members.map((m) => {
    const dx = x + m.width / 2;
    x += m.width + PAIR_GAP;
    return { id: m.id, dx, dy: 0 };
  });
  return { width, height: NODE_HEIGHT, members: placed };
}

/**
 * Three or more locks of one cycle go round an ellipse, so that no edge between two of them runs
 * through a third. The ellipse is flattened because labels are much wider than they are tall.
 */
function ring(members: LayoutNode[]): Block {
  const k = members.length;
  const widest = Math.max(...members.map((m) => m.width));
  const ry = Math.max(NODE_HEIGHT + 12, (k * (NODE_HEIGHT + 12)) / Math.PI);
  const rx = ry + widest / 2 + 10;
  const placed = members.map((m, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / k;
    return { id: m.id, dx: rx * Math.cos(angle), dy: ry * Math.sin(angle), half: m.width / 2 };
  });
  const left = Math.min(...placed.map((p) => p.dx - p.half));
  const right = Math.max(...placed.map((p) => p.dx + p.half));
  const top = Math.min(...placed.map((p) => p.dy)) - NODE_HEIGHT / 2;
  const bottom = Math.max(...placed.map((p) => p.dy)) + NODE_HEIGHT / 2;
  return {
    width: right - left,
    height: bottom - top,
    members: placed.map((p) => ({ id: p.id, dx: p.dx - (left + right) / 2, dy: p.dy - (top + bottom) / 2 })),
  };
}

/** Orders a cycle's members along its edges where it can, so the arrows run round the ring. */
function aroundCycle(members: LayoutNode[], successors: Map<string, string[]>): LayoutNode[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  const order: LayoutNode[] = [];
  let next: LayoutNode | undefined = members[0];
  while (next) {
    order.push(next);
    byId.delete(next.id);
    const step: string | undefined = (successors.get(next.id) ?? []).find((id) => byId.has(id));
    next = step !== undefined ? byId.get(step) : byId.values().next().value;
  }
  return order;
}

function wrap(blocks: Block[], maxRowWidth: number): Block[][] {
  const rows: Block[][] = [];
  let row: Block[] = [];
  let width = 0;
  for (const b of blocks) {
    if (row.length > 0 && width + b.width > maxRowWidth) {
      rows.push(row);
      row = [];
      width = 0;
    }
    row.push(b);
    width += b.width + NODE_GAP;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}
