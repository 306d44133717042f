#!/usr/bin/env node
// Draws images/icon.png, the 128×128 Marketplace icon: a padlock whose body carries a two-lock
// cycle (one edge red: the inverted order). Shapes are signed-distance tests, 4×4 supersampled,
// written with a minimal PNG encoder (zlib from Node). Run: node images/draw-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const samples = 4;

const colors = {
  background: [35, 40, 58],
  shackle: [176, 184, 200],
  body: [229, 181, 58],
  edge: [35, 40, 58],
  inversion: [217, 68, 58],
};

const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= r * r;
};
const ring = (cx, cy, outer, inner) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= outer && d >= inner;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const triangle = (a, b, c) => (x, y) => {
  const side = (p, q) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const s1 = side(a, b), s2 = side(b, c), s3 = side(c, a);
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
};
const both = (f, g) => (x, y) => f(x, y) && g(x, y);
const either = (...fs) => (x, y) => fs.some((f) => f(x, y));

// The cycle on the lock body: two arcs, each ending in an arrowhead pointing clockwise.
const cx = 64, cy = 86, r = 15, w = 3.5;
const arc = ring(cx, cy, r + w / 2, r - w / 2);
const leftArc = both(arc, (x) => x < cx - 3);
const rightArc = both(arc, (x) => x > cx + 3);
// Arrowheads at the top of the right arc and the bottom of the left arc (clockwise).
const headTop = triangle([cx + 9, cy - r - 6], [cx + 9, cy - r + 6], [cx + 1, cy - r]);
const headBottom = triangle([cx - 9, cy + r - 6], [cx - 9, cy + r + 6], [cx - 1, cy + r]);

// Painted in order, later over earlier.
const layers = [
  [roundedRect(0, 0, size, size, 24), colors.background],
  [either(both(ring(64, 50, 27, 18), (x, y) => y <= 50), rect(37, 50, 46, 66), rect(82, 50, 91, 66)), colors.shackle],
  [roundedRect(28, 58, 100, 114, 11), colors.body],
  [either(leftArc, headBottom), colors.edge],
  [either(rightArc, headTop), colors.inversion],
];

function pixel(px, py) {
  const rgba = [0, 0, 0, 0];
  for (let sy = 0; sy < samples; sy++) {
    for (let sx = 0; sx < samples; sx++) {
      const x = px + (sx + 0.5) / samples, y = py + (sy + 0.5) / samples;
      let color = null;
      for (const [inside, c] of layers) if (inside(x, y)) color = c;
      if (color) {
        for (let i = 0; i < 3; i++) rgba[i] += color[i];
        rgba[3] += 255;
      }
    }
  }
  const covered = rgba[3] / 255;
  return covered === 0 ? [0, 0, 0, 0] : [...rgba.slice(0, 3).map((v) => Math.round(v / covered)), Math.round(rgba[3] / samples ** 2)];
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng() {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 4)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (1 + size * 4) + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const target = new URL('./icon.png', import.meta.url);
writeFileSync(target, encodePng());
console.log(`wrote ${target.pathname}`);
