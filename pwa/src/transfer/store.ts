// Where verified chunks go. Implementations write straight to disk-backed storage (OPFS or IndexedDB),
// so a download's memory does not grow with the file.

export interface ChunkStore {
  /** Indices already stored from an earlier, interrupted run (to resume). */
  stored(): Promise<number[]>;
  write(index: number, bytes: Uint8Array): Promise<void>;
  /** All chunks are written: the whole file, backed by disk. */
  finish(type: string): Promise<Blob>;
  /** Throws the partial download away. */
  discard(): Promise<void>;
}
