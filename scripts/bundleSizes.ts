// The PWA build's JavaScript chunks with their sizes, the first load marked: the entry script and what
// index.html preloads (what a phone must fetch before the first screen). Used by the build test and by
// `npm run bench -- firstload`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Chunk {
  name: string;
  bytes: number;
  gzip: number;
  firstLoad: boolean;
}

export function chunksOf(dist: string): Chunk[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const first = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!));
  return readdirSync(join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((name) => {
      const text = readFileSync(join(dist, 'assets', name));
      return {
        name,
        bytes: text.length,
        gzip: gzipSync(text, { level: 9 }).length,
        firstLoad: first.has(name),
      };
    })
    .sort((a, b) => Number(b.firstLoad) - Number(a.firstLoad) || b.bytes - a.bytes);
}

export function firstLoadOf(chunks: Chunk[]): { bytes: number; gzip: number } {
  const first = chunks.filter((c) => c.firstLoad);
  return { bytes: first.reduce((n, c) => n + c.bytes, 0), gzip: first.reduce((n, c) => n + c.gzip, 0) };
}
