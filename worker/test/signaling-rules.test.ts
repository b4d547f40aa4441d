// The relay's pure rules and the ordered outbox, with plain values and a fake clock.
import { describe, expect, it } from 'vitest';
import { Outbox } from '../signaling/outbox.ts';
import { PeerRooms, ROOMS_TTL_MS } from '../signaling/peerRooms.ts';
import { decideFrame, expiredSenders, isSilent, TokenBucket } from '../signaling/rules.ts';

const SELF = 'a'.repeat(26);
const OTHER = 'b'.repeat(26);
const bucket = () => new TokenBucket({ burst: 300, perSecond: 100 }, 0);

describe('decideFrame', () => {
  it('relays the allow-listed types with the fields it validated, and ignores heartbeats', () => {
    const payload = { sdp: { type: 'offer' }, connectionId: 'dc_1' };
    for (const type of ['OFFER', 'ANSWER', 'CANDIDATE']) {
      const d = decideFrame(JSON.stringify({ type, dst: OTHER, src: 'liar', payload }), SELF, bucket(), 0);
      expect(d).toEqual({ kind: 'relay', type, dst: OTHER, payload });
    }
    expect(decideFrame('{"type":"HEARTBEAT"}', SELF, bucket(), 0)).toEqual({ kind: 'ignore' });
    // a frame to oneself goes nowhere
    expect(decideFrame(JSON.stringify({ type: 'OFFER', dst: SELF, payload: {} }), SELF, bucket(), 0)).toEqual(
      { kind: 'ignore' },
    );
  });

  it('closes on unknown types, bad shapes, non-JSON, binary and oversized frames', () => {
    const close = (m: string | ArrayBuffer) => {
      const d = decideFrame(m, SELF, bucket(), 0);
      return d.kind === 'close' ? d.code : d.kind;
    };
    expect(close('{"type":"EXPIRE","dst":"x"}')).toBe(1008);
    expect(close('{"type":"LEAVE"}')).toBe(1008);
    expect(close('null')).toBe(1008);
    expect(close('[]')).toBe(1008);
    expect(close(JSON.stringify({ type: 'OFFER', dst: OTHER }))).toBe(1008);
    expect(close(JSON.stringify({ type: 'OFFER', dst: OTHER, payload: 'x' }))).toBe(1008);
    expect(close(JSON.stringify({ type: 'OFFER', dst: OTHER, payload: null }))).toBe(1008);
    expect(close(JSON.stringify({ type: 'OFFER', dst: 42, payload: {} }))).toBe(1008);
    expect(close('{')).toBe(1007);
    expect(close(new ArrayBuffer(3))).toBe(1003);
    // every frame is capped at 64 KiB before it is parsed, and each type at its own cap after
    expect(close(JSON.stringify({ type: 'HEARTBEAT', s: 'x'.repeat(64 * 1024) }))).toBe(1009);
    for (const [type, cap] of [
      ['OFFER', 32 * 1024],
      ['ANSWER', 32 * 1024],
      ['CANDIDATE', 4 * 1024],
    ] as const) {
      const justUnder = JSON.stringify({ type, dst: OTHER, payload: { s: '' } });
      const atCap = JSON.stringify({ type, dst: OTHER, payload: { s: 'x'.repeat(cap - justUnder.length) } });
      expect(close(atCap)).toBe('relay');
      expect(close(atCap.replace('"x', '"xx'))).toBe(1009);
    }
    // multi-byte characters count in UTF-8 bytes, not UTF-16 units
    const wide = JSON.stringify({ type: 'OFFER', dst: OTHER, payload: { s: 'é'.repeat(17_000) } });
    expect(wide.length).toBeLessThan(32 * 1024);
    expect(close(wide)).toBe(1009);
  });
});

describe('decideFrame: destinations that are not ids (item 10)', () => {
  it('answers EXPIRE naming the destination as written, and never closes', () => {
    for (const dst of ['Bob', 'some-typo', '', 'A'.repeat(26), `${OTHER}x`]) {
      const d = decideFrame(JSON.stringify({ type: 'OFFER', dst, payload: {} }), SELF, bucket(), 0);
      expect(d).toEqual({ kind: 'expire', dst });
    }
    const long = 'x'.repeat(5000);
    expect(
      decideFrame(JSON.stringify({ type: 'CANDIDATE', dst: long, payload: {} }), SELF, bucket(), 0),
    ).toEqual({ kind: 'expire', dst: long.slice(0, 256) });
  });
});

describe('TokenBucket', () => {
  it('allows the burst, then the sustained rate', () => {
    const b = bucket();
    let ok = 0;
    for (let i = 0; i < 400; i++) if (b.take(0)) ok++;
    expect(ok).toBe(300);
    // half a second later: 50 more
    ok = 0;
    for (let i = 0; i < 100; i++) if (b.take(500)) ok++;
    expect(ok).toBe(50);
    // a client sending 100/s forever is never refused
    const steady = bucket();
    for (let t = 0; t < 60_000; t += 10) expect(steady.take(t)).toBe(true);
  });

  it('refills to the burst, never beyond', () => {
    const b = bucket();
    for (let i = 0; i < 300; i++) b.take(0);
    let ok = 0;
    for (let i = 0; i < 400; i++) if (b.take(3_600_000)) ok++;
    expect(ok).toBe(300);
  });
});

describe('liveness and expiry', () => {
  it('counts a socket silent only past the limit', () => {
    expect(isSilent(1000, 1000 + 35_000)).toBe(false);
    expect(isSilent(1000, 1000 + 35_001)).toBe(true);
  });

  it('names each sender with an expired frame once', () => {
    const queued = [
      { src: 'x', expiresAt: 5 },
      { src: 'y', expiresAt: 9 },
      { src: 'x', expiresAt: 7 },
    ];
    expect(expiredSenders(queued, 6)).toEqual(['x']);
    expect(expiredSenders(queued, 9).sort()).toEqual(['x', 'y']);
    expect(expiredSenders(queued, 4)).toEqual([]);
  });
});

describe('Outbox', () => {
  const jitter = () => new Promise((r) => setTimeout(r, Math.random() * 5));

  it('delivers each destination in push order, in batches of one sender, whatever the latencies', async () => {
    const got = new Map<string, string[]>();
    const calls: number[] = [];
    const outbox = new Outbox({
      deliver: async (dst, src, _kind, frames) => {
        await jitter();
        calls.push(frames.length);
        expect(frames.every((f) => f.startsWith(src))).toBe(true);
        got.set(dst, [...(got.get(dst) ?? []), ...frames]);
        return true;
      },
      refused: () => {},
    });
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const src = i % 7 < 5 ? 's1' : 's2';
      pushes.push(outbox.push(`d${i % 3}`, src, 'relay', `${src}:${i}`));
      if (i % 50 === 0) await jitter();
    }
    expect(outbox.busy('d0')).toBe(true);
    await Promise.all(pushes);
    for (let d = 0; d < 3; d++) {
      expect(got.get(`d${d}`)?.map((f) => Number(f.split(':')[1]))).toEqual(
        Array.from({ length: 100 }, (_, k) => 3 * k + d),
      );
    }
    expect(calls.length).toBeLessThan(300);
    expect(outbox.size).toBe(0);
    expect(outbox.busy('d0')).toBe(false);
  });

  it('refuses once per refused relay batch, naming its sender, and still sends notices', async () => {
    const refused: string[] = [];
    const delivered: string[] = [];
    const outbox = new Outbox({
      deliver: async (_dst, _src, kind, frames) => {
        if (kind === 'relay') return false;
        delivered.push(...frames.map((f) => `${kind}:${f}`));
        return true;
      },
      refused: (dst, src) => refused.push(`${src}>${dst}`),
    });
    await Promise.all([
      outbox.push('z', 'a', 'relay', '1'),
      outbox.push('z', 'a', 'relay', '2'),
      outbox.push('z', 'a', 'leave', 'L'),
      outbox.push('z', 'b', 'expire', 'E'),
    ]);
    expect(refused).toEqual(['a>z']);
    expect(delivered).toEqual(['leave:L', 'expire:E']);
  });

  it('turns a failed delivery into a refusal and keeps going', async () => {
    const refused: string[] = [];
    let fail = true;
    const delivered: string[] = [];
    const outbox = new Outbox({
      deliver: async (_dst, _src, _kind, frames) => {
        if (fail) {
          fail = false;
          throw new Error('overloaded');
        }
        delivered.push(...frames);
        return true;
      },
      refused: (dst) => refused.push(dst),
    });
    const orig = console.error;
    console.error = () => {};
    try {
      await outbox.push('z', 'a', 'relay', '1');
      await outbox.push('z', 'a', 'relay', '2');
    } finally {
      console.error = orig;
    }
    expect(refused).toEqual(['z']);
    expect(delivered).toEqual(['2']);
  });
});

describe('PeerRooms', () => {
  it('trusts remembered rooms for ROOMS_TTL_MS, then reads them again (a lost notice is not forever)', async () => {
    let now = 0;
    const catalog = new Map([
      [SELF, ['r1']],
      [OTHER, ['r1']],
    ]);
    const rooms = new PeerRooms(
      async (peer) => catalog.get(peer) ?? [],
      () => now,
    );
    await rooms.load(SELF);
    await rooms.load(OTHER);
    expect(rooms.check(SELF, OTHER)).toBe(true);
    // OTHER left the room; the notice never came
    catalog.set(OTHER, []);
    now = ROOMS_TTL_MS;
    expect(rooms.check(SELF, OTHER)).toBe(true);
    now = ROOMS_TTL_MS + 1;
    expect(rooms.check(SELF, OTHER)).toBeUndefined();
    expect((await rooms.load(OTHER)).rooms.size).toBe(0);
  });
});
