// Limits shared by the tracker and the PWA. The tracker enforces them; the PWA reads them to stay inside.

export const LIMITS = {
  /** Largest JSON request body the API reads, in bytes. */
  maxBodyBytes: 256 * 1024,
  /** Files per `POST /api/rooms/:roomId/shares` request. */
  maxSharesPerRequest: 100,
  /** Characters (UTF-16 code units) in a display name. */
  maxPeerNameLength: 40,
  /** Characters in a file name. */
  maxFileNameLength: 255,
  /** Characters in a relative folder path. */
  maxPathLength: 1024,
  /** Characters in a MIME type. */
  maxTypeLength: 127,
  /** Characters in a search query. */
  maxQueryLength: 200,
  /** Files per page of the room listing. */
  maxPageSize: 100,
  defaultPageSize: 50,
  /** Chunk sizes the tracker accepts (bytes). */
  minChunkSize: 1024,
  maxChunkSize: 64 * 1024 * 1024,
  /** Largest file size: JSON numbers are exact up to 2^53-1. */
  maxFileSize: Number.MAX_SAFE_INTEGER,
  /** Shares one device may have in one room (one per content). */
  maxSharesPerPeerInRoom: 5000,
  /** Rooms one device may own at once. */
  maxRoomsOwned: 100,
  /** Rooms one device may be a member of at once. */
  maxMemberships: 200,
  /** Sources listed per file; `sourceCount` says how many there are in all. */
  maxSourcesListed: 20,
  /** Lifetime of a signaling ticket. */
  ticketTtlMs: 5 * 60 * 1000,
} as const;
