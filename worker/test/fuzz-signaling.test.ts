// Property-based abuse of the relay's frame rule, the part every signaling frame goes through: whatever
// arrives, the answer is a decision (never a throw), a relayed frame names a well-formed destination and
// fits its type's cap, and a malformed `dst` string never closes the socket. Pure, so thousands run fast.
// The live room socket's rule gets the same treatment, and a sample of the generated frames also goes
// through real live sockets (each answered with a pong or closed with 1008, never anything else).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPeerId, SIGNALING_LIMITS } from '../protocol/signaling.ts';
import { decideLiveFrame } from '../rooms/liveRules.ts';
import { decideFrame, TokenBucket } from '../signaling/rules.ts';
import { newTestPeer, openLive, roomOf } from './signalingHelpers.ts';

const RUNS = Number(process.env.FUZZ_SIGNALING_RUNS ?? 6000);
const SELF = 'a'.repeat(26);
const OTHER = 'b'.repeat(26);
let count = 0;

const frames = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      type: fc.constantFrom('OFFER', 'ANSWER', 'CANDIDATE', 'HEARTBEAT', 'LEAVE', 'EXPIRE', 'open', ''),
      dst: fc.oneof(fc.constant(OTHER), fc.constant(SELF), fc.string({ maxLength: 40 }), fc.jsonValue()),
      payload: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue()),
      src: fc.string({ maxLength: 30 }),
    })
    .map((v) => JSON.stringify(v)),
);

describe('fuzzing signaling frames', () => {
  it('decides every frame without throwing, and only relays what it may', () => {
    fc.assert(
      fc.property(frames, (text) => {
        count += 1;
        const bucket = new TokenBucket({ burst: 1e9, perSecond: 1e9 }, 0);
        const d = decideFrame(text, SELF, bucket, 0);
        if (d.kind === 'relay') {
          expect(isPeerId(d.dst)).toBe(true);
          expect(d.dst).not.toBe(SELF);
          const cap =
            d.type === 'CANDIDATE' ? SIGNALING_LIMITS.maxCandidateBytes : SIGNALING_LIMITS.maxOfferBytes;
          expect(new TextEncoder().encode(text).byteLength).toBeLessThanOrEqual(cap);
        }
        if (d.kind === 'expire') expect(isPeerId(d.dst)).toBe(false);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {}
        const dst = (parsed as { dst?: unknown } | null)?.dst;
        const type = (parsed as { type?: unknown } | null)?.type;
        const payload = (parsed as { payload?: unknown } | null)?.payload;
        const wellShaped =
          ['OFFER', 'ANSWER', 'CANDIDATE'].includes(type as string) &&
          typeof payload === 'object' &&
          payload !== null &&
          !Array.isArray(payload);
        // a mistyped id is an unknown destination, never a reason to drop the sender
        if (wellShaped && typeof dst === 'string' && !isPeerId(dst) && text.length < 4000) {
          expect(d.kind).toBe('expire');
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`[fuzz] signaling frames: ${count} generated inputs`);
  });

  it('decides every live-socket frame without throwing: a pong only for a ping', async () => {
    let live = 0;
    const liveFrames = fc.oneof(
      frames,
      fc.constantFrom('{"type":"ping"}', '{ "type": "ping" }', '{"type":"ping","x":1}', '{"type":"pong"}'),
      fc.record({ type: fc.oneof(fc.constant('ping'), fc.jsonValue()) }).map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(liveFrames, (text) => {
        live += 1;
        const d = decideLiveFrame(text);
        let type: unknown;
        try {
          type = (JSON.parse(text) as { type?: unknown } | null)?.type;
        } catch {}
        expect(d.kind).toBe(type === 'ping' && text.length < 64 ? 'pong' : 'close');
      }),
      { numRuns: RUNS / 2 },
    );
    expect(decideLiveFrame(new ArrayBuffer(4)).kind).toBe('close');
    // a sample through real live sockets: the Durable Object answers as the rule says, and stays up
    const a = await newTestPeer();
    const roomId = await roomOf(a);
    const sample = fc.sample(liveFrames, { numRuns: 40, seed: 7 });
    for (const text of sample) {
      const socket = await openLive(roomId, a);
      expect((await socket.next()).type).toBe('hello');
      socket.send(text);
      if (decideLiveFrame(text).kind === 'pong') expect(await socket.next()).toEqual({ type: 'pong' });
      else expect((await socket.closedWithin()).code).toBe(1008);
      socket.close();
      live += 1;
    }
    console.log(
      `[fuzz] live-socket frames: ${live} generated inputs (${sample.length} through real sockets)`,
    );
  });
});
