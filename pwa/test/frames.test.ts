import { describe, expect, it } from 'vitest';
import type { ControlMessage } from '../../worker/protocol/transfer.ts';
import { decodeControl, encodeControl } from '../src/transfer/control.ts';
import {
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameKind,
  piecePayloadSize,
} from '../src/transfer/frames.ts';

describe('binary frames', () => {
  it('round-trip header fields and payload', () => {
    const payload = new Uint8Array([1, 2, 3, 250]);
    const buf = encodeFrame(FrameKind.Piece, 0xfffffffe, 123456, 65536, payload);
    expect(buf.byteLength).toBe(FRAME_HEADER_BYTES + 4);
    const f = decodeFrame(buf)!;
    expect(f).toMatchObject({ kind: FrameKind.Piece, transfer: 0xfffffffe, index: 123456, offset: 65536 });
    expect([...f.payload]).toEqual([1, 2, 3, 250]);
  });

  it('allow an empty payload', () => {
    const f = decodeFrame(encodeFrame(FrameKind.Hashes, 1, 0, 0, new Uint8Array()))!;
    expect(f.payload.length).toBe(0);
  });

  it('reject short, unknown-kind, wrong-version and reserved-bit frames', () => {
    const good = encodeFrame(FrameKind.Piece, 1, 2, 3, new Uint8Array(8));
    expect(decodeFrame(good.slice(0, 15))).toBeNull();
    for (const [at, value] of [
      [0, 3],
      [0, 0],
      [1, 2],
      [2, 1],
      [3, 1],
    ] as const) {
      const bad = good.slice(0);
      new Uint8Array(bad)[at] = value;
      expect(decodeFrame(bad), `byte ${at}=${value}`).toBeNull();
    }
  });

  it('size pieces to the channel', () => {
    expect(piecePayloadSize(262144)).toBe(262144 - 16);
    expect(piecePayloadSize(1024 ** 3)).toBe(262144 - 16); // Firefox states 1 GiB
    expect(piecePayloadSize(16384)).toBe(16384 - 16);
    expect(piecePayloadSize(null)).toBe(65536);
    expect(piecePayloadSize(Number.POSITIVE_INFINITY)).toBe(65536);
  });
});

describe('control messages', () => {
  const id = 7;
  const contentId = 'ab'.repeat(32);

  it('round-trip every kind', () => {
    const messages: ControlMessage[] = [
      { t: 'open', id, contentId, roomId: 'roomroomroomroomroomroomro', v: 3 },
      { t: 'manifest', id, contentId, size: 0, chunkSize: 1 << 20, chunkCount: 0, partial: false },
      { t: 'get', id, chunks: [0, 1, 5] },
      { t: 'cancel', id },
      { t: 'error', id, code: 'not_found', message: 'gone' },
    ];
    for (const m of messages) expect(decodeControl(encodeControl(m))).toEqual(m);
  });

  it('drop malformed and unknown messages instead of throwing', () => {
    for (const text of [
      '',
      'not json',
      'null',
      '[]',
      '{"t":"open"}',
      `{"t":"open","id":0,"contentId":"${contentId}","v":1}`,
      `{"t":"open","id":1,"contentId":"XYZ","v":1}`,
      // version 1 named no room; version 2 must
      `{"t":"open","id":1,"contentId":"${contentId}","v":1}`,
      `{"t":"open","id":1,"contentId":"${contentId}","v":2}`,
      `{"t":"open","id":1,"contentId":"${contentId}","roomId":"../x","v":2}`,
      // a manifest may not promise more chunks than a downloader will ever allocate hashes for
      `{"t":"manifest","id":1,"contentId":"${contentId}","size":1e15,"chunkSize":1024,"chunkCount":976562500000}`,
      '{"t":"get","id":1,"chunks":[]}',
      `{"t":"get","id":1,"chunks":[${Array.from({ length: 65 }, (_, i) => i)}]}`,
      '{"t":"get","id":1,"chunks":[-1]}',
      '{"t":"error","id":1,"code":"teapot","message":""}',
      '{"t":"hack","id":1}',
      `{"t":"cancel","id":1,"extra":true}`,
      `{"t":"cancel","id":1,"pad":"${'x'.repeat(20000)}"}`,
    ]) {
      expect(decodeControl(text), text.slice(0, 60)).toBeNull();
    }
  });
});
