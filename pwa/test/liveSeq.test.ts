import { describe, expect, it } from 'vitest';
import { parseLiveFrame } from '../src/net/liveParse.ts';
import { decideHello, decideSeq } from '../src/state/liveSeq.ts';
import { added, hello, member, shared } from './fixtures.ts';

describe('live seq decisions', () => {
  it('applies the next event, ignores old ones, flags gaps', () => {
    expect(decideSeq(4, 5)).toBe('apply');
    expect(decideSeq(4, 4)).toBe('ignore');
    expect(decideSeq(4, 2)).toBe('ignore');
    expect(decideSeq(4, 6)).toBe('gap');
    expect(decideSeq(null, 1)).toBe('ignore');
  });

  it('a hello at our seq is in sync, anything else resyncs', () => {
    expect(decideHello(7, 7)).toBe('in-sync');
    expect(decideHello(7, 9)).toBe('resync');
    expect(decideHello(7, 3)).toBe('resync');
    expect(decideHello(null, 0)).toBe('resync');
  });
});

describe('live frames', () => {
  it('accepts hello, events and pong', () => {
    expect(parseLiveFrame(JSON.stringify(hello(3, [member('a')])))).toMatchObject({ kind: 'hello' });
    expect(parseLiveFrame(JSON.stringify(added(4, shared('s', 'a', 'c'))))).toMatchObject({ kind: 'event' });
    expect(parseLiveFrame('{"type":"pong"}')).toEqual({ kind: 'pong' });
    expect(
      parseLiveFrame(JSON.stringify({ type: 'presence', peerId: 'a', online: false, seq: 1, at: 1 })),
    ).toMatchObject({
      kind: 'event',
    });
  });

  it('drops anything malformed or unknown instead of throwing', () => {
    for (const text of [
      'not json',
      'null',
      '[]',
      '{"type":"hello","seq":"1","roomId":"r","members":[]}',
      '{"type":"share-added","seq":1,"at":1,"share":{"shareId":"s"}}',
      '{"type":"presence","peerId":"a","online":"yes","seq":1,"at":1}',
      '{"type":"teleport","seq":1,"at":1}',
      '{"type":"renamed","peerId":"a","name":"x"}',
    ]) {
      expect(parseLiveFrame(text), text).toBeNull();
    }
  });
});
