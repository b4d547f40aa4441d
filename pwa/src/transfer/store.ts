// Where verified chunks go. Implementations write straight to disk-backed storage (OPFS or IndexedDB),
// so a download's memory does not grow with the file. Each download writes under its own storage key,
// never under a library entry's: a new download of content already kept cannot touch the kept copy.

export interface ChunkStore {
  /** Indices already stored from an earlier, interrupted run (to resume). */
  stored(): Promise<number[]>;
  /** Stores one verified chunk. May take `bytes` over (its buffer can be detached afterwards). */
  write(index: number, bytes: Uint8Array): Promise<void>;
  /**
   * Checks one chunk against its expected SHA-256 where the bytes go (the OPFS worker: the page's main
   * thread never hashes it) and stores it only if it matches. False: it did not match, nothing was
   * stored. May take `bytes` over. Stores without it are given chunks the download verified itself.
   */
  writeVerified?(index: number, bytes: Uint8Array, expected: Uint8Array): Promise<boolean>;
  /** All chunks are written: the whole file, backed by disk. */
  finish(type: string): Promise<Blob>;
  /** `length` bytes of stored chunk `index` from `offset` (to serve it while the download runs). */
  read?(index: number, offset: number, length: number): Promise<Uint8Array>;
  /** Throws the partial download away (only this download's own storage). */
  discard(): Promise<void>;
}
