// Hashing speed of the worker the app ships (one streaming pass: chunk hashes + content id; crypto.subtle
// in this secure context; chunks digested by a pool of digest workers) against bare crypto.subtle in the
// same page, BENCH_ROUNDS rounds (default 3) alternating which goes first, true medians. Both hash the
// same kind of in-memory blob (MB megabytes: one random MiB repeated) in 1 MiB chunks, timed from the
// start to the last digest (ours: the worker's own timing of the job).
// Baselines, each at its best setting: "subtle, reading" reads the blob in 16 MiB slices (faster here
// than 1 MiB reads) and digests each 1 MiB of it on the page's thread; "subtle, in memory" digests 1 MiB
// buffers already in memory (no read at all): what one thread can do, the ceiling of any one-thread design.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../e2e/lan/index.ts';
import { checkPrerequisites, createLan } from '../e2e/lan/index.ts';
import { measureHashing } from '../e2e/pwa/bench.ts';
import { ensureBuilt } from '../e2e/pwa/build.ts';
import { benchOptions } from './lib/options.ts';
import { median } from './lib/report.ts';

const skip = checkPrerequisites();
const MB = 200;
type Variant = 'ours' | 'subtle, reading' | 'subtle, in memory';
const VARIANTS: Variant[] = ['ours', 'subtle, reading', 'subtle, in memory'];

describe.skipIf(skip)('hashing speed', () => {
  let lan: Lan;
  let device: Device;

  beforeAll(async () => {
    ensureBuilt();
    lan = await createLan();
    await lan.startTracker({ secure: true });
    device = await lan.startDevice('alice');
  });

  afterAll(async () => {
    await lan?.close();
  });

  it(`hashing worker vs bare crypto.subtle, ${MB} MB`, async () => {
    const { rounds } = benchOptions();
    const page = device.page;
    await page.evaluate((mb) => {
      const chunk = new Uint8Array(1 << 20);
      for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536));
      (globalThis as { benchBlob?: Blob }).benchBlob = new Blob(Array.from({ length: mb }, () => chunk));
    }, MB);
    const seen = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < rounds; round++) {
      // rotate the order, so no variant always runs first (or right after another)
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const v of order) {
        // ours: the app's built hash worker, given a blob made the same way (e2e/pwa/bench.ts)
        if (v === 'ours') {
          const r = await measureHashing(page, MB);
          expect(r.contentId).toMatch(/^[0-9a-f]{64}$/);
          seen.get(v)!.push(r.mbPerSecond);
        } else {
          seen.get(v)!.push(await page.evaluate(measureSubtle, v as string));
        }
      }
    }
    const line = (v: Variant) =>
      `  ${v.padEnd(18)} median ${median(seen.get(v)!).toFixed(0).padStart(4)} MB/s   rounds: ${seen
        .get(v)!
        .map((x) => x.toFixed(0))
        .join(', ')}`;
    const ours = median(seen.get('ours')!);
    console.log(
      [
        `hashing bench, ${MB} MB in Chromium, ${rounds} rounds alternating:`,
        line('ours'),
        line('subtle, reading'),
        line('subtle, in memory'),
        `  ours / subtle reading: ${(ours / median(seen.get('subtle, reading')!)).toFixed(2)}`,
        `  ours / subtle in memory: ${(ours / median(seen.get('subtle, in memory')!)).toFixed(2)}`,
      ].join('\n'),
    );
    expect(ours).toBeGreaterThan(0);
  });
});

/** Runs in the page: a baseline over the page's blob. */
async function measureSubtle(variant: string) {
  const blob = (globalThis as unknown as { benchBlob: Blob }).benchBlob;
  const MiB = 1 << 20;
  const t0 = performance.now();
  if (variant === 'subtle, reading') {
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
