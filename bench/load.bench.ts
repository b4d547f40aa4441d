// Signaling under load: 1,000 sockets, every pair exchanging 50 relayed messages, against our tracker
// (run as `MESHDROP_RATE_LIMITS=off npm start` runs it) and against the reference PeerJS server (npm
// `peer`), alternating rounds in the same run. Prints messages/s, p50/p99 latency, sockets that did not
// get OPEN within 15 s, and messages lost, per round and as medians.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startReference, startTracker } from './load/servers.ts';
import { type LoadRound, runSignalingLoad } from './load/signalingLoad.ts';
import { type Device, median, pool, TrackerClient } from './load/trackerApi.ts';

const SOCKETS = Number(process.env.LOAD_SOCKETS ?? 1000);
const PER_PAIR = 50;
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 3);

describe('signaling load', () => {
  let ours: (Server & { logTail(): string }) | undefined;
  let reference: Server | undefined;
  beforeAll(async () => {
    [ours, reference] = await Promise.all([startTracker(), startReference()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([ours?.stop(), reference?.stop()]);
  }, 60_000);

  it(`${SOCKETS} sockets, ${PER_PAIR} messages per pair: ours vs the reference PeerJS server`, async () => {
    const api = new TrackerClient(ours!.origin);
    const t0 = performance.now();
    const devices: Device[] = await pool(
      Array.from({ length: SOCKETS }, (_, i) => i),
      16,
      () => api.register(),
    );
    // one room per pair: signaling is only relayed between devices that share a room
    await pool(
      Array.from({ length: SOCKETS / 2 }, (_, k) => k),
      16,
      async (k) => {
        const room = await api.createRoom(devices[2 * k]!);
        await api.join(devices[2 * k + 1]!, room);
      },
    );
    console.log(
      `[load] registered ${SOCKETS} devices and ${SOCKETS / 2} rooms in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const refIds = Array.from({ length: SOCKETS }, () => randomBytes(9).toString('hex'));

    const results: { ours: LoadRound[]; reference: LoadRound[] } = { ours: [], reference: [] };
    for (let r = 0; r < ROUNDS; r++) {
      // fresh tickets each round (they last 5 minutes)
      const tickets = await pool(devices, 16, (d) => api.ticket(d));
      const mine = await runSignalingLoad({
        sockets: SOCKETS,
        perPair: PER_PAIR,
        url: (i) => ours!.socketUrl(devices[i]!.peerId, tickets[i]!),
        id: (i) => devices[i]!.peerId,
      });
      results.ours.push(mine);
      print(`ours, round ${r + 1}`, mine);
      // let the tracker put presence right after 1,000 closes before the other server's round
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const ref = await runSignalingLoad({
        sockets: SOCKETS,
        perPair: PER_PAIR,
        url: (i) => reference!.socketUrl(refIds[i]!, `t${i}`),
        id: (i) => refIds[i]!,
      });
      results.reference.push(ref);
      print(`reference, round ${r + 1}`, ref);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    const summary = (name: string, rounds: LoadRound[]) =>
      `${name}: ${Math.round(median(rounds.map((x) => x.rate)))} msg/s, p50 ${median(rounds.map((x) => x.p50Ms)).toFixed(0)} ms, p99 ${median(rounds.map((x) => x.p99Ms)).toFixed(0)} ms, failed to open ${Math.max(...rounds.map((x) => x.failedToOpen))}, lost ${Math.max(...rounds.map((x) => x.lost))} (medians of ${rounds.length}; worst for failures)`;
    const ratio = median(results.ours.map((x) => x.rate)) / median(results.reference.map((x) => x.rate));
    console.log(
      [
        `[load] signaling, ${SOCKETS} sockets, ${PER_PAIR} relayed messages per pair, loopback, 2 cores shared with the load client:`,
        `  ${summary('ours     ', results.ours)}`,
        `  ${summary('reference', results.reference)}`,
        `  rate ratio ours/reference: ${ratio.toFixed(2)}`,
      ].join('\n'),
    );
    // correctness, not speed, fails the bench: every socket opens and nothing is lost
    for (const round of results.ours) {
      expect(round.failedToOpen).toBe(0);
      expect(round.lost).toBe(0);
    }
  }, 1_200_000);
});

function print(label: string, r: LoadRound) {
  console.log(
    `[load] ${label}: opened ${r.sockets - r.failedToOpen}/${r.sockets} in ${r.openSeconds.toFixed(1)} s; ` +
      `${r.received}/${r.sent} messages, ${Math.round(r.rate)} msg/s, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, lost ${r.lost}`,
  );
}
