// The device-to-device transfer protocol, spoken over a PeerJS DataConnection with serialization 'raw'.
// Control messages are JSON text frames validated with these schemas; file bytes travel in binary frames
// (see pwa/src/transfer/frames.ts). docs/protocol.md has the sequence diagram and the limits.
import { z } from 'zod';
import { CONTENT_ID_PATTERN, ID_PATTERN } from './ids.ts';

/**
 * Version 2 names the room in `open`: a device serves a file only within a room both share.
 * Version 3 adds partial sources: the manifest says whether the source holds every chunk, and a partial
 * source says which chunks it holds in `have` messages (more as it verifies them).
 * Version 4 adds `coming`: a partial source also says which chunks it has asked for and not yet got, so
 * a downloader leaves those to it instead of fetching them from the original source a second time.
 */
export const TRANSFER_PROTOCOL_VERSION = 4;
/** Versions a source serves: a version-3 downloader is served as before (it is sent no `coming`). */
export const SERVED_PROTOCOL_VERSIONS = [3, 4] as const;
/** Chunk indices per chunk-request message. */
export const MAX_CHUNKS_PER_REQUEST = 64;
/** Largest control message accepted, in characters. */
export const MAX_CONTROL_MESSAGE = 16 * 1024;
/** Chunk ranges per `have` message (a longer have-map goes in several messages). */
export const MAX_HAVE_RANGES = 256;
/** A partial source tells a downloader about newly verified chunks at most this often. */
export const HAVE_ANNOUNCE_MS = 250;
/** A partial source tells a downloader what it has asked for (`coming`) at most this often. */
export const COMING_ANNOUNCE_MS = 50;
/**
 * Chunks one `coming` message may claim: an honest downloader has at most its window in flight, and
 * whatever it claims beyond this is its own loss (the rest is not said). A downloader ignores longer claims.
 */
export const MAX_COMING_CHUNKS = 256;
/**
 * A `coming` claim a downloader honours for this long after it first saw it; a chunk still not held by
 * then is fetched elsewhere, and the claimer's later claims are ignored (it is slow, or it lies).
 */
export const COMING_MS = 10_000;

/**
 * What both ends rely on. A downloader stays inside them; a source enforces them and answers anything
 * beyond with an error (or closes the connection), so a hostile peer cannot make either side allocate,
 * queue or wait without bound.
 */
export const TRANSFER_LIMITS = {
  /** Chunks in one manifest (32 bytes of hashes each: 2 MiB). Beyond it a file cannot be transferred. */
  maxChunkCount: 65_536,
  /** Chunk indices a source keeps queued per transfer; a `get` beyond it fails the transfer. */
  maxQueuedChunks: 4 * MAX_CHUNKS_PER_REQUEST,
  /** Chunks a downloader has requested from one source and not yet received (within maxQueuedChunks). */
  maxChunksInFlight: 2 * MAX_CHUNKS_PER_REQUEST,
  /** Transfers one device may have open at a source at once; more are answered `busy`. */
  maxTransfersPerRemote: 4,
  /** Transfers a source serves at once, all downloaders together. */
  maxTransfers: 16,
  /** A transfer with nothing queued and no request for this long is ended with `timeout`. */
  transferIdleMs: 60_000,
} as const;

const transferId = z.number().int().min(1).max(0xffffffff);
const contentId = z.string().regex(CONTENT_ID_PATTERN);

export const TRANSFER_ERROR_CODES = [
  'not_found',
  'busy',
  'bad_request',
  'cancelled',
  'internal',
  /** the transfer was idle too long (or the version is not spoken): open it again when needed */
  'timeout',
  'version',
] as const;
export type TransferErrorCode = (typeof TRANSFER_ERROR_CODES)[number];

export const controlMessage = z.discriminatedUnion('t', [
  /** downloader -> source: open a transfer for this content, listed in this room; send me its manifest */
  z.strictObject({
    t: z.literal('open'),
    id: transferId,
    contentId,
    roomId: z.string().regex(ID_PATTERN),
    v: z.literal(SERVED_PROTOCOL_VERSIONS),
  }),
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
    chunkCount: z.number().int().min(0).max(TRANSFER_LIMITS.maxChunkCount),
    /** the source holds only some chunks (it is downloading them itself): `have` messages say which */
    partial: z.boolean(),
  }),
  /**
   * partial source -> downloader: it now holds (verified) these chunks, as [start, end) pairs, flat and
   * ascending. A claim, not a promise: the downloader checks it against the manifest's chunk count and
   * still verifies every chunk; a source that claims and does not deliver misses its deadlines.
   */
  z.strictObject({
    t: z.literal('have'),
    id: transferId,
    ranges: z
      .array(z.number().int().min(0).max(TRANSFER_LIMITS.maxChunkCount))
      .min(2)
      .max(2 * MAX_HAVE_RANGES)
      .refine((r) => r.length % 2 === 0, 'pairs'),
  }),
  /**
   * partial source -> downloader (version 4): the chunks it has asked its own sources for and not yet
   * verified, as [start, end) pairs like `have`, replacing the previous `coming` (empty: none). A claim
   * about the near future, weaker than `have`: the downloader leaves those chunks to this source for at
   * most COMING_MS, never asks it for them before a `have`, and checks the claim's size and ranges.
   */
  z.strictObject({
    t: z.literal('coming'),
    id: transferId,
    ranges: z
      .array(z.number().int().min(0).max(TRANSFER_LIMITS.maxChunkCount))
      .max(2 * MAX_HAVE_RANGES)
      .refine((r) => r.length % 2 === 0, 'pairs'),
  }),
  /** downloader -> source: send these chunks, in this order (of a partial source: only chunks it said it has) */
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

/** An `open` of another protocol version: answered with `version` so that side can say "update". */
export const foreignOpen = z.looseObject({
  t: z.literal('open'),
  id: transferId,
  v: z.number().int().min(1).max(0xffff),
});
