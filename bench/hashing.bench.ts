// Hashing speed of the worker the app ships (one streaming pass: chunk hashes + content id; crypto.subtle
// in this secure context) against a baseline in the same page: bare crypto.subtle.digest per 1 MiB chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../e2e/lan/index.ts';
import { checkPrerequisites, createLan } from '../e2e/lan/index.ts';
import { measureHashing } from '../e2e/pwa/bench.ts';
import { ensureBuilt } from '../e2e/pwa/build.ts';

const skip = checkPrerequisites();
const MB = 200;

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
    const ours = await measureHashing(device.page, MB);
    const subtle = await device.page.evaluate(async (mb) => {
      const chunk = new Uint8Array(1 << 20);
      for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536));
      const blob = new Blob(Array.from({ length: mb }, () => chunk));
      const t0 = performance.now();
      for (let off = 0; off < blob.size; off += 1 << 20) {
        await crypto.subtle.digest('SHA-256', await blob.slice(off, off + (1 << 20)).arrayBuffer());
      }
      return blob.size / 1e6 / ((performance.now() - t0) / 1000);
    }, MB);
    console.log(
      [
        `hashing bench, ${MB} MB in Chromium:`,
        `  MeshDrop hashing worker (crypto.subtle here, wasm on plain http; reads ahead): ${ours.mbPerSecond.toFixed(0)} MB/s`,
        `  crypto.subtle per chunk (baseline, secure contexts only): ${subtle.toFixed(0)} MB/s`,
        `  ours / baseline: ${(ours.mbPerSecond / subtle).toFixed(2)}`,
      ].join('\n'),
    );
    expect(ours.mbPerSecond).toBeGreaterThan(0);
  });
});
