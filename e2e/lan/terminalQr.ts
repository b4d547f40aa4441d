// Reads the QR codes `npm start` prints, the way a phone camera reads the laptop's screen: the
// terminal's half-block art (with its ANSI colours) is drawn into a bitmap and decoded with jsQR, one
// code at a time: blocks of art lines are split by the text between them and by wide light gaps.
import { createRequire } from 'node:module';

// jsqr is CommonJS whose module.exports is the decoder itself
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

const SCALE = 6; // pixels per module
const BORDER = 4; // modules of quiet zone around the whole picture

const isArt = (line: string) => /[▀▄█]/.test(line);

/** Runs of consecutive art lines: text between two codes printed one under the other splits them. */
function blocks(text: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (isArt(line)) current.push(line);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

/** Column ranges holding art, split where at least 3 columns are light from top to bottom. */
function columnRanges(grid: boolean[][]): [number, number][] {
  const width = Math.max(0, ...grid.map((r) => r.length));
  const used = Array.from({ length: width }, (_, x) => grid.some((row) => row[x]));
  const ranges: [number, number][] = [];
  let start = -1;
  let light = 0;
  for (let x = 0; x <= width; x++) {
    if (x < width && used[x]) {
      if (start < 0) start = x;
      light = 0;
    } else if (start >= 0 && (++light >= 3 || x === width)) {
      ranges.push([start, x - light + 1]);
      start = -1;
      light = 0;
    }
  }
  return ranges;
}

/** Dark (true) or light modules, two per character cell: upper and lower half. */
function modules(lines: string[]): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of lines) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    let fgDark = true;
    let bgDark = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\x1b') {
        const end = line.indexOf('m', i);
        for (const code of line.slice(i + 2, end).split(';')) {
          if (code === '0' || code === '') [fgDark, bgDark] = [true, false];
          else if (code === '30') fgDark = true;
          else if (code === '37') fgDark = false;
          else if (code === '40') bgDark = true;
          else if (code === '47') bgDark = false;
        }
        i = end;
        continue;
      }
      top.push(ch === '█' || ch === '▀' ? fgDark : bgDark);
      bottom.push(ch === '█' || ch === '▄' ? fgDark : bgDark);
    }
    rows.push(top, bottom);
  }
  return rows;
}

function decode(grid: boolean[][]): string | null {
  const cols = Math.max(0, ...grid.map((r) => r.length)) + 2 * BORDER;
  const width = cols * SCALE;
  const height = (grid.length + 2 * BORDER) * SCALE;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  grid.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < SCALE; dy++) {
        for (let dx = 0; dx < SCALE; dx++) {
          const p = (((y + BORDER) * SCALE + dy) * width + (x + BORDER) * SCALE + dx) * 4;
          rgba[p] = rgba[p + 1] = rgba[p + 2] = 0;
        }
      }
    });
  });
  return jsQR(rgba, width, height)?.data ?? null;
}

export function decodeTerminalQrs(text: string): string[] {
  const found: string[] = [];
  for (const lines of blocks(text)) {
    const grid = modules(lines);
    for (const [from, to] of columnRanges(grid)) {
      const data = decode(grid.map((row) => row.slice(from, to)));
      if (data !== null) found.push(data);
    }
  }
  return found;
}
