// Messages between the page and the hashing worker. No DOM or worker types: both sides compile it.
import type { FileHash } from '../transfer/hashing.ts';

export type HashRequest =
  | { type: 'hash'; id: number; blob: Blob; chunkSize?: number }
  | { type: 'cancel'; id: number };

export type HashReply =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; hash: FileHash; ms: number }
  | { type: 'error'; id: number; message: string; cancelled: boolean };
