// Figures for docs/signaling.md, measured through the local runtime (workerd under vitest): relay
// throughput of one pair, round-trip latency, and many sockets open at once. Printed, and checked for
// correctness (every message, in order), so a regression fails here too.
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { PeerSocket } from '../signaling/PeerSocket.ts';
import {
  candidate,
  connect,
  newTestPeer,
  offer,
  pairInRoom,
  roomOf,
  stubOf,
  type TestSocket,
  UNLIMITED,
} from './signalingHelpers.ts';

const MESSAGES = 5000;
const SOCKETS = 300;

describe('signaling figures', () => {
  it(`relays ${MESSAGES} CANDIDATEs of one pair in order (rate limit lifted for the sender)`, async () => {
    const [a, b] = await pairInRoom();
    const [sa, sb] = [await connect(a), await connect(b)];
    await runInDurableObject(stubOf(a.peerId), (instance: PeerSocket) => {
      instance.limits.rates = UNLIMITED;
    });
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) sa.send(candidate(b.peerId, i));
    for (let i = 0; i < MESSAGES; i++) {
      const m = await sb.next(10_000);
      if (m.payload.candidate.candidate !== `candidate:${i}`) throw new Error(`out of order at ${i}`);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[figures] one pair relayed ${MESSAGES} messages in ${seconds.toFixed(2)} s = ${Math.round(MESSAGES / seconds)} msg/s`,
    );
    sa.close();
    sb.close();
  }, 120_000);

  it('measures the round trip of an OFFER/ANSWER exchange', async () => {
    const [a, b] = await pairInRoom();
    const [sa, sb] = [await connect(a), await connect(b)];
    // the OFFER cap per destination is not what this measures
    await runInDurableObject(stubOf(a.peerId), (instance: PeerSocket) => {
      instance.limits.rates = UNLIMITED;
    });
    const rounds = 200;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      sa.send(offer(b.peerId, { i }));
      expect((await sb.next()).payload.i).toBe(i);
      sb.send({ type: 'ANSWER', dst: a.peerId, payload: { i } });
      expect((await sa.next()).payload.i).toBe(i);
    }
    const ms = (performance.now() - started) / rounds;
    console.log(
      `[figures] OFFER->ANSWER round trip through two relay objects: ${ms.toFixed(2)} ms on average (${rounds} rounds)`,
    );
    sa.close();
    sb.close();
  }, 60_000);

  it(`holds ${SOCKETS} signaling sockets open at once, each answering`, async () => {
    const started = performance.now();
    const peers = await Promise.all(Array.from({ length: SOCKETS }, () => newTestPeer()));
    const registered = performance.now();
    const sockets: TestSocket[] = await Promise.all(peers.map((p) => connect(p)));
    const opened = performance.now();
    for (const s of sockets) s.send('{"type":"HEARTBEAT"}');
    for (const s of sockets) expect(await s.next()).toEqual({ type: 'HEARTBEAT' });
    // two of them still relay to each other while all are open
    await roomOf(peers[0]!, peers[1]!);
    sockets[0]!.send(offer(peers[1]!.peerId));
    expect(await sockets[1]!.next()).toMatchObject({ type: 'OFFER', src: peers[0]!.peerId });
    console.log(
      `[figures] ${SOCKETS} peers registered with tickets in ${Math.round(registered - started)} ms; ` +
        `${SOCKETS} sockets opened (OPEN received, presence written) in ${Math.round(opened - registered)} ms; all answered heartbeats`,
    );
    for (const s of sockets) s.close();
  }, 120_000);
});
