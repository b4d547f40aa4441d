export declare const LIMITS: {
  /** Largest JSON request body the API reads, in bytes. */
  readonly maxBodyBytes: number;
  /** Files per `POST /api/rooms/:roomId/shares` request. */
  readonly maxSharesPerRequest: 100;
  /** Characters (UTF-16 code units) in a display name. */
  readonly maxPeerNameLength: 40;
  /** Characters in a file name. */
  readonly maxFileNameLength: 255;
  /** Characters in a relative folder path. */
  readonly maxPathLength: 1024;
  /** Characters in a MIME type. */
  readonly maxTypeLength: 127;
  /** Characters in a search query. */
  readonly maxQueryLength: 200;
  /** Files per page of the room listing. */
  readonly maxPageSize: 100;
  readonly defaultPageSize: 50;
  /** Chunk sizes the tracker accepts (bytes). */
  readonly minChunkSize: 1024;
  readonly maxChunkSize: number;
  /** Largest file size: JSON numbers are exact up to 2^53-1. */
  readonly maxFileSize: number;
  /** Lifetime of a signaling ticket. */
  readonly ticketTtlMs: number;
};
