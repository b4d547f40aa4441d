// Messages between the page and the OPFS writer worker.
export type OpfsRequest =
  /** `expect`: the chunk's SHA-256; the worker writes only if the bytes hash to it (`verified` says) */
  | { id: number; op: 'write'; name: string; at: number; bytes: Uint8Array; expect?: Uint8Array }
  | { id: number; op: 'close'; name: string; size?: number }
  | { id: number; op: 'delete'; name: string }
  /** bytes of a file being written (only while its handle is open: a finished file is read as a File) */
  | { id: number; op: 'read'; name: string; at: number; length: number }
  /** which whole chunks of an interrupted download's file match these (verified) hashes */
  | { id: number; op: 'verify'; name: string; size: number; chunkSize: number; hashes: Uint8Array };

export type OpfsReply =
  | { id: number; ok: true; indices?: number[]; bytes?: Uint8Array; verified?: boolean }
  | { id: number; ok: false; error: string };

/** A file that is not there (NotFoundError) reads as null; any other failure is the caller's to show. */
export function notFoundAsNull(err: unknown): null {
  if (err instanceof DOMException && err.name === 'NotFoundError') return null;
  throw err;
}
