// Which chunks of an interrupted download are really on disk: each whole chunk inside the file is read
// back and must match the hash the manifest proved. A chunk inside the file but never written reads as
// zeros, and one torn by a crash differs, so neither is trusted. Pure over a file that can be read at
// an offset (an OPFS sync access handle in the writer worker; memory in tests).
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import { equalBytes } from './assemble.ts';

export interface ReadableFile {
  getSize(): number;
  /** Reads into `buffer` from `at`; returns the bytes read (0 at the end of the file). */
  read(buffer: Uint8Array, options: { at: number }): number;
}

export async function storedChunks(
  file: ReadableFile,
  size: number,
  chunkSize: number,
  hashes: Uint8Array,
  hash: (bytes: Uint8Array) => Promise<Uint8Array>,
): Promise<number[]> {
  const onDisk = file.getSize();
  const found: number[] = [];
  let buffer = new Uint8Array(0);
  for (let i = 0; i < chunkCount(size, chunkSize); i++) {
    const { start, end } = chunkRange(size, chunkSize, i);
    if (end > onDisk) break; // chunks are written at their offsets: the file ends where writing stopped
    if (buffer.length !== end - start) buffer = new Uint8Array(end - start);
    let read = 0;
    while (read < buffer.length) {
      const n = file.read(buffer.subarray(read), { at: start + read });
      if (n <= 0) break;
      read += n;
    }
    if (read !== buffer.length) break;
    if (equalBytes(await hash(buffer), hashes.subarray(i * 32, i * 32 + 32))) found.push(i);
  }
  return found;
}
