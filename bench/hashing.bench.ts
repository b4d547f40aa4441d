// Hashing speed of the worker the app ships (one streaming pass: chunk hashes + content id; crypto.subtle
// in this secure context; chunks digested by a pool of digest workers) against bare crypto.subtle in the
// same page, BENCH_ROUNDS rounds (default 3) alternating which goes first, true medians. All hash the
// very same in-memory blob (MB megabytes: one random MiB repeated, each copy stamped with its index, so
// ours' content id is checked against node:crypto's; read once before the rounds, untimed,
// so that no variant pays for moving it into the browser's blob storage) in 1 MiB chunks, timed from the
// start to the last digest (ours: the worker's own timing of the job, from its start to the content id:
// a new hash worker each round, so its digest workers start cold inside the window, as on a first share).
// Baselines, each at its best setting: "subtle, reading" reads the blob in 16 MiB slices (faster here
// than 1 MiB reads) and digests each 1 MiB of it on the page's thread; "subtle, in memory" digests 1 MiB
// buffers already in memory (no read at all): what one thread can do, the ceiling of any one-thread design.
// The "disk" rows do the same with a real file on disk given to the page by path (an <input type=file>,
// as a person picks one; Chromium reads such a File lazily, from the disk or the page cache).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../e2e/lan/index.ts';
import { checkPrerequisites, createLan } from '../e2e/lan/index.ts';
import { measureHashing } from '../e2e/pwa/bench.ts';
import { ensureBuilt } from '../e2e/pwa/build.ts';
import { reference } from '../pwa/test/contentKit.ts';
import { chooseChunkSize } from '../worker/protocol/content.ts';
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
    // one random MiB, each copy stamped with its index: every chunk differs (a hash put in the wrong
    // place changes the id), and node:crypto computes the id the answers must have
    const mib = randomBytes(1 << 20);
    const stamped = (i: number) => {
      const copy = Buffer.from(mib);
      copy.writeUInt32LE(i, 0);
      return copy;
    };
    const bytes = Buffer.concat(Array.from({ length: MB }, (_, i) => stamped(i)));
    const expectedId = reference(bytes, chooseChunkSize(bytes.length));
    await page.evaluate(
      ([b64, mb]) => {
        const base = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const parts = Array.from({ length: mb }, (_, i) => {
          const copy = base.slice();
          new DataView(copy.buffer).setUint32(0, i, true);
          return copy;
        });
        (globalThis as { benchBlob?: Blob }).benchBlob = new Blob(parts);
      },
      [mib.toString('base64'), MB] as const,
    );
    dir = mkdtempSync(join(tmpdir(), 'meshdrop-hashing-'));
    const path = join(dir, 'bench.bin');
    writeFileSync(path, bytes);
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
          expect(r.contentId).toBe(expectedId);
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
