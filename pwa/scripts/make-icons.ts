// Draws the app icons with pngjs (no image tools needed): a white drop on a blue-violet square, with
// three linked dots cut out of it (devices in a mesh). Run: node pwa/scripts/make-icons.ts
// Writes pwa/public/icons/*.png; the PNGs are committed, so this only runs when the design changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type Rgba = [number, number, number, number];

const FROM: [number, number, number] = [58, 75, 216];
const TO: [number, number, number] = [123, 92, 255];
const WHITE: Rgba = [255, 255, 255, 255];

const mix = (t: number): Rgba => [
  Math.round(FROM[0] + (TO[0] - FROM[0]) * t),
  Math.round(FROM[1] + (TO[1] - FROM[1]) * t),
  Math.round(FROM[2] + (TO[2] - FROM[2]) * t),
  255,
];

function inRoundedSquare(x: number, y: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** The drop: a circle plus the triangle from its tip to the tangent points. Unit coordinates. */
function inDrop(x: number, y: number): boolean {
  const c = { x: 0.5, y: 0.585 };
  const r = 0.215;
  const tip = { x: 0.5, y: 0.19 };
  if ((x - c.x) ** 2 + (y - c.y) ** 2 <= r * r) return true;
  const d = c.y - tip.y;
  const theta = Math.acos(r / d);
  // tangent points, measured from the direction centre -> tip (straight up)
  const t1 = { x: c.x + r * Math.sin(theta), y: c.y - r * Math.cos(theta) };
  const t2 = { x: c.x - r * Math.sin(theta), y: t1.y };
  return inTriangle(x, y, tip, t1, t2);
}

function inTriangle(px: number, py: number, a: P, b: P, c: P): boolean {
  const s = (p: P, q: P) => (px - q.x) * (p.y - q.y) - (p.x - q.x) * (py - q.y);
  const d1 = s(a, b);
  const d2 = s(b, c);
  const d3 = s(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

interface P {
  x: number;
  y: number;
}

const NODES: P[] = [
  { x: 0.5, y: 0.47 },
  { x: 0.405, y: 0.64 },
  { x: 0.595, y: 0.64 },
];

function distToSegment(px: number, py: number, a: P, b: P): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

function inMesh(x: number, y: number): boolean {
  if (NODES.some((n) => Math.hypot(x - n.x, y - n.y) <= 0.042)) return true;
  for (let i = 0; i < NODES.length; i++) {
    if (distToSegment(x, y, NODES[i]!, NODES[(i + 1) % NODES.length]!) <= 0.012) return true;
  }
  return false;
}

/** Colour at a unit point, or null outside the icon. `scale` shrinks the symbol (maskable safe zone). */
function colourAt(x: number, y: number, opts: { corner: number; scale: number }): Rgba | null {
  if (opts.corner > 0 && !inRoundedSquare(x, y, opts.corner)) return null;
  const bg = mix((x + y) / 2);
  const sx = (x - 0.5) / opts.scale + 0.5;
  const sy = (y - 0.5) / opts.scale + 0.5;
  if (inDrop(sx, sy) && !inMesh(sx, sy)) return WHITE;
  return bg;
}

function draw(size: number, opts: { corner: number; scale: number }): Buffer {
  const png = new PNG({ width: size, height: size });
  const n = 4; // 4x4 supersampling for smooth edges
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = colourAt((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, opts);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return PNG.sync.write(png);
}

const out = fileURLToPath(new URL('../public/icons/', import.meta.url));
mkdirSync(out, { recursive: true });
const rounded = { corner: 0.22, scale: 1 };
// maskable: full bleed, symbol inside the central 80% circle that every mask keeps
const fullBleed = { corner: 0, scale: 0.78 };
writeFileSync(`${out}icon-192.png`, draw(192, rounded));
writeFileSync(`${out}icon-512.png`, draw(512, rounded));
writeFileSync(`${out}maskable-512.png`, draw(512, fullBleed));
writeFileSync(`${out}apple-touch-icon-180.png`, draw(180, { corner: 0, scale: 0.9 }));
writeFileSync(`${out}favicon-32.png`, draw(32, rounded));
console.log(`icons written to ${out}`);
