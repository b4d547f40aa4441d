// The command-line peer's throughput on the test LAN, each row against a raw RTCDataChannel between the
// same two endpoints (same machines, same WebRTC stacks, 64 KiB messages, the same water marks; no
// PeerJS, framing, hashing or disk), alternating baseline and engine round by round:
//   CLI → Chromium   `meshdrop share` serving, the app downloading (hash + OPFS)
//   Chromium → CLI   the app serving, `meshdrop get` downloading (hash + disk)
//   CLI → CLI        `meshdrop share` to `meshdrop get`, two headless hosts
// Timing window for both sides: from the first data to the last byte at the receiver; for the engine,
// from its first chunk request ('downloading') to the file verified and on disk. Prints MB/s and ratios.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites, createLan, type Device, type Lan, NodePeer } from '../e2e/lan/index.ts';
import { ensureBuilt } from '../e2e/pwa/build.ts';
import { createRoom } from '../e2e/pwa/support.ts';
import {
  clickDownload,
  FixtureSet,
  fileRowOf,
  MiB,
  shareLoose,
  transitions,
  waitDownloaded,
} from '../e2e/transfer/support.ts';
import { rawNodeAndPage, rawNodeToNode } from './cli/raw.ts';

const skip = checkPrerequisites();
const SIZE = 64 * MiB;
const ROUNDS = 3;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

interface Row {
  name: string;
  raw: number[];
  engine: number[];
}

describe.skipIf(skip)('command-line peer throughput', () => {
  it(`${SIZE / MiB} MiB, ${ROUNDS} rounds each, alternating`, { timeout: 600_000 }, async () => {
    ensureBuilt();
    let lan: Lan | undefined;
    const peers: NodePeer[] = [];
    const sets: FixtureSet[] = [];
    const rows: Row[] = [];
    try {
      lan = await createLan();
      await lan.startTracker({ secure: true });
      const [alice, srv, nas] = await Promise.all([
        lan.startDevice('alice'),
        NodePeer.start(lan, 'srv'),
        NodePeer.start(lan, 'nas'),
      ]);
      peers.push(srv, nas);
      const link = await createRoom(alice.page);
      await srv.exec(['join', link, '--name', 'srv']);
      await nas.exec(['join', link, '--name', 'nas']);
      const rawPage = await alice.context.newPage();
      await rawPage.goto(alice.url('/api/health'));

      // CLI → Chromium
      const fromCli = new FixtureSet('bench from cli');
      sets.push(fromCli);
      const served = Array.from({ length: ROUNDS }, (_, r) =>
        fromCli.add({ name: `cli-${r}.bin`, size: SIZE, folder: '' }),
      );
      const share = srv.run(['share', fromCli.folderDir, '--room', link]);
      await share.waitFor(/Press Ctrl\+C/, 120_000);
      rows.push({ name: 'CLI → Chromium', raw: [], engine: [] });
      for (const [r, fx] of served.entries()) {
        const raw = await rawNodeAndPage(srv, rawPage, SIZE, true);
        expect(raw.bytes).toBe(SIZE);
        rows[0]!.raw.push(mbps(SIZE, raw.ms));
        rows[0]!.engine.push(await appDownload(alice, fx, `cli-${r}`));
      }
      share.kill('SIGINT');
      await share.done(15_000);

      // Chromium → CLI
      const fromApp = new FixtureSet();
      sets.push(fromApp);
      const shared = Array.from({ length: ROUNDS }, (_, r) =>
        fromApp.add({ name: `app-${r}.bin`, size: SIZE }),
      );
      await shareLoose(alice.page, shared);
      for (const fx of shared) await fileRowOf(alice.page, fx).waitFor({ timeout: 60_000 });
      rows.push({ name: 'Chromium → CLI', raw: [], engine: [] });
      for (const fx of shared) {
        const raw = await rawNodeAndPage(srv, rawPage, SIZE, false);
        expect(raw.bytes).toBe(SIZE);
        rows[1]!.raw.push(mbps(SIZE, raw.ms));
        rows[1]!.engine.push(await cliDownload(srv, link, fx.contentId));
      }

      // CLI → CLI
      const between = new FixtureSet('bench between clis');
      sets.push(between);
      const files = Array.from({ length: ROUNDS }, (_, r) =>
        between.add({ name: `nas-${r}.bin`, size: SIZE, folder: '' }),
      );
      const nasShare = nas.run(['share', between.folderDir, '--room', link]);
      await nasShare.waitFor(/Press Ctrl\+C/, 120_000);
      rows.push({ name: 'CLI → CLI', raw: [], engine: [] });
      for (const fx of files) {
        const raw = await rawNodeToNode(nas, srv, SIZE);
        expect(raw.bytes).toBe(SIZE);
        rows[2]!.raw.push(mbps(SIZE, raw.ms));
        rows[2]!.engine.push(await cliDownload(srv, link, fx.contentId));
      }
      nasShare.kill('SIGINT');
      await nasShare.done(15_000);
    } finally {
      for (const p of peers) await p.close();
      await lan?.close();
      for (const s of sets) s.remove();
    }

    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(
      [
        `command-line peer bench, ${SIZE / MiB} MiB per transfer, test LAN (2 cores, shared), ${ROUNDS} rounds alternating:`,
        ...rows.flatMap((row) => [
          `  ${row.name}`,
          `    raw RTCDataChannel: ${fmt(row.raw)} MB/s (median ${median(row.raw).toFixed(1)})`,
          `    MeshDrop (verified, on disk): ${fmt(row.engine)} MB/s (median ${median(row.engine).toFixed(1)})`,
          `    engine / raw: ${(median(row.engine) / median(row.raw)).toFixed(2)}`,
        ]),
      ].join('\n'),
    );
    for (const row of rows) expect(row.engine.every((x) => x > 0)).toBe(true);
  });
});

/** The app's Download button; MB/s from its own 'downloading' → 'done' transitions. */
async function appDownload(
  device: Device,
  fx: { name: string; contentId: string; size: number },
  label: string,
) {
  await clickDownload(device.page, fx as Parameters<typeof clickDownload>[1], 60_000);
  await waitDownloaded(device.page, fx as Parameters<typeof waitDownloaded>[1], 120_000, `bench-${label}`);
  const steps = await transitions(device.page, fx.contentId);
  const start = steps.find((s) => s.state === 'downloading')?.t;
  const done = steps.find((s) => s.state === 'done')?.t;
  if (start === undefined || done === undefined)
    throw new Error(`no timings for ${fx.name}: ${JSON.stringify(steps)}`);
  return mbps(fx.size, done - start);
}

/** `meshdrop get --json`; MB/s from its transfer time (first chunk request to the file in place). */
async function cliDownload(peer: NodePeer, link: string, contentId: string) {
  const out = join(peer.dir, 'bench-out');
  const run = await peer.exec(['--json', 'get', link, contentId, '-o', out, '--overwrite'], 0, 180_000);
  const [result] = (JSON.parse(run.stdout) as { files: { size: number; transferSeconds: number }[] }).files;
  if (!result) throw new Error(run.describe());
  return mbps(result.size, result.transferSeconds * 1000);
}
