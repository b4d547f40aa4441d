// Download throughput of the transfer engine (framing, SHA-256 per chunk, OPFS writes, flow control)
// against a raw RTCDataChannel baseline (64 KiB messages, same water marks, no hashing, no storage),
// between the same two Chromium devices on the test LAN, alternating runs. Prints MB/s and the ratio.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectPair, transfer } from '../e2e/lan/datachannel.ts';
import { checkPrerequisites } from '../e2e/lan/index.ts';
import {
  addFiles,
  createRoom,
  fileRow,
  twoDevices,
  waitConnected,
  waitFileCount,
} from '../e2e/pwa/support.ts';

const skip = checkPrerequisites();
const MIB = 1024 * 1024;
const SIZE = 40 * MIB; // Playwright hands files to the page as buffers of at most 50 MB
const ROUNDS = 2;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(skip)('transfer throughput', () => {
  const env = twoDevices({ secure: true });

  it(`engine vs raw data channel, ${SIZE / MIB} MiB, ${ROUNDS} rounds each`, async () => {
    const link = await createRoom(env.alice.page);
    await env.bob.page.goto(link);
    await waitConnected(env.bob.page);
    const names: string[] = [];
    for (let r = 0; r < ROUNDS; r++) names.push(`bench-${r}.bin`);
    for (const name of names) {
      await addFiles(env.alice.page, [
        { name, mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) },
      ]);
    }
    await waitFileCount(env.bob.page, ROUNDS);

    const raw: number[] = [];
    const engine: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // baseline: a fresh raw channel between two more tabs of the same browsers, on a same-origin page
      // that does not run the app (a second app tab would take over the device's signaling id)
      const rawPages = [await env.alice.context.newPage(), await env.bob.context.newPage()] as const;
      await Promise.all(rawPages.map((p) => p.goto(env.alice.url('/api/health'))));
      await connectPair(rawPages[0], rawPages[1]);
      const base = await transfer(rawPages[0], rawPages[1], SIZE, 120_000);
      expect(base.bytes).toBe(SIZE);
      raw.push(SIZE / 1e6 / (base.ms / 1000));
      await Promise.all(rawPages.map((p) => p.close()));

      // the engine: the app's own Download button, timed from click to verified-and-stored
      const name = names[r]!;
      const started = Date.now();
      await fileRow(env.bob.page, name)
        .getByRole('button', { name: `Download ${name}` })
        .click();
      await env.bob.page.locator(`li[data-download][data-state="done"]`).nth(r).waitFor({ timeout: 120_000 });
      engine.push(SIZE / 1e6 / ((Date.now() - started) / 1000));
    }
    const ratio = median(engine) / median(raw);
    console.log(
      [
        `transfer bench, ${SIZE / MIB} MiB, Chromium to Chromium on the test LAN (2 cores, shared):`,
        `  raw RTCDataChannel baseline: ${raw.map((x) => x.toFixed(1)).join(', ')} MB/s (median ${median(raw).toFixed(1)})`,
        `  MeshDrop engine (hash + OPFS): ${engine.map((x) => x.toFixed(1)).join(', ')} MB/s (median ${median(engine).toFixed(1)})`,
        `  engine / baseline: ${ratio.toFixed(2)}`,
      ].join('\n'),
    );
    expect(ratio).toBeGreaterThan(0);
  });
});
