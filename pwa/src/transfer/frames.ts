// Binary frames on the data channel: a 16-byte header, then payload.
//
//   offset 0  u8   kind      1 = chunk piece, 2 = manifest hashes
//          1  u8   version   1
//          2  u16  reserved  0
//          4  u32  transfer  the transfer id from the `open` message (stale frames are recognisable)
//          8  u32  index     chunk index (kind 1) / first hash index (kind 2)
//         12  u32  offset    byte offset of the payload within the chunk (kind 1), 0 for kind 2
//         16  ...  payload
//
// A chunk (up to 64 MiB) travels as pieces small enough for every data channel (maxMessageSize).
/** The frame layout's own version: unchanged by protocol versions that only change control messages. */
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 16;
export const FrameKind = { Piece: 1, Hashes: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface Frame {
  kind: FrameKind;
  transfer: number;
  index: number;
  offset: number;
  payload: Uint8Array;
}

export function encodeFrame(
  kind: FrameKind,
  transfer: number,
  index: number,
  offset: number,
  payload: Uint8Array,
): ArrayBuffer {
  const buf = new ArrayBuffer(FRAME_HEADER_BYTES + payload.byteLength);
  const view = new DataView(buf);
  view.setUint8(0, kind);
  view.setUint8(1, FRAME_VERSION);
  view.setUint16(2, 0);
  view.setUint32(4, transfer);
  view.setUint32(8, index);
  view.setUint32(12, offset);
  new Uint8Array(buf, FRAME_HEADER_BYTES).set(payload);
  return buf;
}

/** Decodes a frame, or returns null for anything malformed (the caller counts and drops it). */
export function decodeFrame(data: ArrayBuffer): Frame | null {
  if (data.byteLength < FRAME_HEADER_BYTES) return null;
  const view = new DataView(data);
  const kind = view.getUint8(0);
  if (kind !== FrameKind.Piece && kind !== FrameKind.Hashes) return null;
  if (view.getUint8(1) !== FRAME_VERSION || view.getUint16(2) !== 0) return null;
  return {
    kind,
    transfer: view.getUint32(4),
    index: view.getUint32(8),
    offset: view.getUint32(12),
    payload: new Uint8Array(data, FRAME_HEADER_BYTES),
  };
}

/**
 * Payload bytes per frame for a channel: a frame of 256 KiB (Chromium's maxMessageSize), or less if the
 * remote's maxMessageSize is smaller. Each message costs both pages a fixed price (send(), the message
 * event): 64 KiB pieces spent the receiver's main thread 2.5 s per 256 MiB outside any script, against
 * 0.3-0.8 s for a raw channel sending 256 KiB messages (bench --profile). A remote that states no
 * limit gets the 64 KiB payloads every data channel takes.
 */
export function piecePayloadSize(maxMessageSize: number | null | undefined): number {
  if (!maxMessageSize || !Number.isFinite(maxMessageSize)) return 64 * 1024;
  return Math.max(1024, Math.min(256 * 1024, maxMessageSize) - FRAME_HEADER_BYTES);
}
