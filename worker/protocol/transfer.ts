// The device-to-device transfer protocol, spoken over a PeerJS DataConnection with serialization 'raw'.
// Control messages are JSON text frames validated with these schemas; file bytes travel in binary frames
// (see pwa/src/transfer/frames.ts). docs/protocol.md has the sequence diagram.
import { z } from 'zod';
import { CONTENT_ID_PATTERN } from './ids.ts';

export const TRANSFER_PROTOCOL_VERSION = 1;
/** Chunk indices per chunk-request message. */
export const MAX_CHUNKS_PER_REQUEST = 64;
/** Largest control message accepted, in characters. */
export const MAX_CONTROL_MESSAGE = 16 * 1024;

const transferId = z.number().int().min(1).max(0xffffffff);
const contentId = z.string().regex(CONTENT_ID_PATTERN);

export const TRANSFER_ERROR_CODES = ['not_found', 'busy', 'bad_request', 'cancelled', 'internal'] as const;
export type TransferErrorCode = (typeof TRANSFER_ERROR_CODES)[number];

export const controlMessage = z.discriminatedUnion('t', [
  /** downloader -> source: open a transfer for this content, send me its manifest */
  z.strictObject({ t: z.literal('open'), id: transferId, contentId, v: z.number().int().min(1) }),
  /** source -> downloader: the manifest header; `chunkCount * 32` bytes of hashes follow in hash frames */
  z.strictObject({
    t: z.literal('manifest'),
    id: transferId,
    contentId,
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    chunkSize: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
    chunkCount: z.number().int().min(0),
  }),
  /** downloader -> source: send these chunks, in this order */
  z.strictObject({
    t: z.literal('get'),
    id: transferId,
    chunks: z.array(z.number().int().min(0).max(0xffffffff)).min(1).max(MAX_CHUNKS_PER_REQUEST),
  }),
  /** either side: stop this transfer */
  z.strictObject({ t: z.literal('cancel'), id: transferId }),
  /** either side: the transfer failed, with a stable code */
  z.strictObject({
    t: z.literal('error'),
    id: transferId,
    code: z.enum(TRANSFER_ERROR_CODES),
    message: z.string().max(500),
  }),
]);

export type ControlMessage = z.infer<typeof controlMessage>;
