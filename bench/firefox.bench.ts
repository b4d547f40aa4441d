// Chromium ↔ Firefox on the test LAN, on the secure origin and on plain http: the app's download against
// a bare RTCDataChannel between the same two devices, both directions, 3 rounds each, alternating raw and
// ours.
//   raw:  e2e/lan/datachannel.ts (ordered, reliable, 64 KiB messages, 4 MiB high / 1 MiB low water),
//         timed at the receiver from its first byte to its last
//   ours: the app's Download button (framing, SHA-256 of every chunk, storage: OPFS over HTTPS,
//         IndexedDB on plain http), timed in the receiving page from the download's "downloading" state
//         (manifest verified, chunks flowing) to "done" (every chunk verified and stored): the same
//         first-to-last-byte window, plus the finish
// Prints MB/s of every round, the medians, and ours/raw per direction.
import { describe, expect, it } from 'vitest';
import { crossRound, type Direction, median, rawRound } from '../e2e/browsers/bench.ts';
import { joinRoom } from '../e2e/browsers/support.ts';
import { type Ui, uiOf } from '../e2e/browsers/ui.ts';
import type { Device, FirefoxDevice, Lan } from '../e2e/lan/index.ts';
import { checkPrerequisites, createLan } from '../e2e/lan/index.ts';
import { ensureBuilt } from '../e2e/pwa/build.ts';
import { createRoom } from '../e2e/pwa/support.ts';
import { FixtureSet, MiB } from '../e2e/transfer/support.ts';

const skip = checkPrerequisites({ firefox: true });
const SIZE = 64 * MiB;
const ROUNDS = 3;

describe.skipIf(skip)('Chromium ↔ Firefox throughput', () => {
  for (const secure of [true, false]) {
    const origin = secure ? 'secure origin (OPFS)' : 'plain http (IndexedDB)';
    it(`${origin}: ours vs raw data channel, ${SIZE / MiB} MiB, ${ROUNDS} rounds each way`, {
      timeout: 900_000,
    }, async () => {
      ensureBuilt();
      const lan: Lan = await createLan();
      const set = new FixtureSet();
      try {
        await lan.startTracker({ secure });
        const [alice, fox]: [Device, FirefoxDevice] = await Promise.all([
          lan.startDevice('alice'),
          lan.startFirefox('fox', { path: null }),
        ]);
        const a: Ui = uiOf(alice);
        const f: Ui = uiOf(fox);
        const directions: Direction[] = [
          { label: 'Chromium → Firefox', from: a, to: f, raw: [], ours: [] },
          { label: 'Firefox → Chromium', from: f, to: a, raw: [], ours: [] },
        ];
        await joinRoom(f, await createRoom(alice.page));
        for (const d of directions) {
          for (let r = 0; r < ROUNDS; r++) {
            d.raw.push(await rawRound(d, SIZE));
            d.ours.push(await crossRound(d, set.add({ name: `${d.label} ${r}.bin`, size: SIZE })));
          }
        }
        const lines = [
          `Chromium ↔ Firefox, ${SIZE / MiB} MiB, ${origin}, test LAN (2 cores; MB/s, rounds in order):`,
        ];
        for (const d of directions) {
          lines.push(
            `  ${d.label}  raw: ${d.raw.map((x) => x.toFixed(1)).join(', ')} (median ${median(d.raw).toFixed(1)})` +
              `  ours: ${d.ours.map((x) => x.toFixed(1)).join(', ')} (median ${median(d.ours).toFixed(1)})` +
              `  ours/raw: ${(median(d.ours) / median(d.raw)).toFixed(2)}`,
          );
        }
        console.log(lines.join('\n'));
        for (const d of directions) expect(Math.min(...d.raw, ...d.ours)).toBeGreaterThan(0);
      } finally {
        await lan.close();
        set.remove();
      }
    });
  }
});
