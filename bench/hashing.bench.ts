// Hashing speed of the worker the app ships (one streaming pass: chunk hashes + content id; crypto.subtle
// in this secure context; chunks digested by a pool of digest workers) against bare crypto.subtle in the
// same page, BENCH_ROUNDS rounds (default 3) alternating which goes first, true medians. All hash the
// very same in-memory blob (MB megabytes: one random MiB repeated; read once before the rounds, untimed,
// so that no variant pays for moving it into the browser's blob storage) in 1 MiB chunks, timed from the
// start to the last digest (ours: the worker's own timing of the job, from its start to the content id:
// a new hash worker each round, so its digest workers start cold inside the window, as on a first share).
// Baselines, each at its best setting: "subtle, reading" reads the blob in 16 MiB slices (faster here
// than 1 MiB reads) and digests each 1 MiB of it on the page's thread; "subtle, in memory" digests 1 MiB
// buffers already in memory (no read at all): what one thread can do, the ceiling of any one-thread design.
// The "disk" rows do the same with a real file on disk given to the page by path (an <input type=file>,
// as a person picks one; Chromium reads such a File lazily, from the disk or the page cache).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../e2e/lan/index.ts';
import { checkPrerequisites, createLan } from '../e2e/lan/index.ts';
import { measureHashing } from '../e2e/pwa/bench.ts';
import { ensureBuilt } from '../e2e/pwa/build.ts';
import { benchOptions } from './lib/options.ts';
import { median } from './lib/report.ts';

const skip = checkPrerequisites();
const MB = 200;
const VARIANTS = [
  'ours',
  'subtle, reading',
  'subtle, in memory',
  'ours, disk',
  'subtle, reading disk',
] as const;
type Variant = (typeof VARIANTS)[number];

describe.skipIf(skip)('hashing speed', () => {
  let lan: Lan;
  let device: Device;
  let dir: string;

  beforeAll(async () => {
    ensureBuilt();
    lan = await createLan();
    await lan.startTracker({ secure: true });
    device = await lan.startDevice('alice');
  });

  afterAll(async () => {
    await lan?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`hashing worker vs bare crypto.subtle, ${MB} MB`, async () => {
    const { rounds } = benchOptions();
    const page = device.page;
    await page.evaluate((mb) => {
      const chunk = new Uint8Array(1 << 20);
      for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536));
      (globalThis as { benchBlob?: Blob }).benchBlob = new Blob(Array.from({ length: mb }, () => chunk));
    }, MB);
    dir = mkdtempSync(join(tmpdir(), 'meshdrop-hashing-'));
    const path = join(dir, 'bench.bin');
    const mib = new Uint8Array(1 << 20).map(() => (Math.random() * 256) | 0);
    writeFileSync(path, Buffer.concat(Array.from({ length: MB }, () => mib)));
    await page.evaluate(() => {
      const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-file' });
      document.body.append(input);
    });
    await page.setInputFiles('#bench-file', path);
    await page.evaluate(async () => {
      const g = globalThis as { benchBlob?: Blob; benchFile?: File };
      g.benchFile = document.querySelector<HTMLInputElement>('#bench-file')!.files![0]!;
      // untimed: the blob's bytes reach the browser's storage, and the file's the page cache
      for (const blob of [g.benchBlob!, g.benchFile]) {
        const reader = blob.stream().getReader();
        while (!(await reader.read()).done);
      }
    });
    const seen = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < rounds; round++) {
      // rotate the order, so no variant always runs first (or right after another)
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const v of order) {
        // ours: the app's built hash worker, given a blob made the same way (e2e/pwa/bench.ts)
        if (v === 'ours' || v === 'ours, disk') {
          const r = await measureHashing(page, MB, v === 'ours' ? 'benchBlob' : 'benchFile');
          expect(r.contentId).toMatch(/^[0-9a-f]{64}$/);
          seen.get(v)!.push(r.mbPerSecond);
        } else {
          seen.get(v)!.push(await page.evaluate(measureSubtle, v as string));
        }
      }
    }
    const line = (v: Variant) =>
      `  ${v.padEnd(20)} median ${median(seen.get(v)!).toFixed(0).padStart(4)} MB/s   rounds: ${seen
        .get(v)!
        .map((x) => x.toFixed(0))
        .join(', ')}`;
    const ours = median(seen.get('ours')!);
    console.log(
      [
        `hashing bench, ${MB} MB in Chromium, ${rounds} rounds alternating:`,
        ...VARIANTS.map(line),
        `  ours / subtle reading: ${(ours / median(seen.get('subtle, reading')!)).toFixed(2)}`,
        `  ours / subtle in memory: ${(ours / median(seen.get('subtle, in memory')!)).toFixed(2)}`,
        `  ours / subtle reading, disk: ${(median(seen.get('ours, disk')!) / median(seen.get('subtle, reading disk')!)).toFixed(2)}`,
      ].join('\n'),
    );
    expect(ours).toBeGreaterThan(0);
  });
});

/** Runs in the page: a baseline over the page's blob. */
async function measureSubtle(variant: string) {
  const g = globalThis as unknown as { benchBlob: Blob; benchFile: File };
  const blob = variant.endsWith('disk') ? g.benchFile : g.benchBlob;
  const MiB = 1 << 20;
  const t0 = performance.now();
  if (variant.startsWith('subtle, reading')) {
    for (let off = 0; off < blob.size; off += 16 * MiB) {
      const block = await blob.slice(off, off + 16 * MiB).arrayBuffer();
      for (let at = 0; at < block.byteLength; at += MiB)
        await crypto.subtle.digest(
          'SHA-256',
          new Uint8Array(block, at, Math.min(MiB, block.byteLength - at)),
        );
    }
  } else {
    const chunk = new Uint8Array(MiB);
    crypto.getRandomValues(chunk.subarray(0, 65536));
    for (let off = 0; off < blob.size; off += MiB) await crypto.subtle.digest('SHA-256', chunk);
  }
  return blob.size / 1e6 / ((performance.now() - t0) / 1000);
}
