// Chunk storage in OPFS (secure contexts): a worker writes each verified chunk at its offset in one file
// named after the download's storage key; the finished file is OPFS's own disk-backed File. An
// interrupted download resumes from the chunks on disk that match the hashes its earlier run verified.
import { probeOpfs } from './opfsProbe.ts';
import { notFoundAsNull, type OpfsReply, type OpfsRequest } from './opfsProtocol.ts';
import type { ChunkStore } from './store.ts';

type Reply = Extract<OpfsReply, { ok: true }>;
type Pending = { resolve: (reply: Reply) => void; reject: (e: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function call(req: WithoutId<OpfsRequest>, transfer: Transferable[] = []): Promise<number[] | undefined> {
  return ask(req, transfer).then((r) => r.indices);
}

function ask(req: WithoutId<OpfsRequest>, transfer: Transferable[] = []): Promise<Reply> {
  if (!worker) {
    worker = new Worker(new URL('../workers/opfs.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<OpfsReply>) => {
      const p = pending.get(e.data.id);
      pending.delete(e.data.id);
      if (e.data.ok) p?.resolve(e.data);
      else p?.reject(new Error(e.data.error));
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ ...req, id } as OpfsRequest, transfer);
  });
}

/**
 * OPFS only where a worker really opened a sync access handle (opfsProbe.ts), never by browser name.
 * Waits for the probe (started at page load; a few milliseconds), so an early download is not sent
 * to IndexedDB just because the answer was not in yet.
 */
export function opfsAvailable(): Promise<boolean> {
  return probeOpfs();
}

/** The chunk's buffer moves to the worker (transferred, not cloned): a 64 MiB chunk is never doubled. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

export class OpfsChunkStore implements ChunkStore {
  readonly key: string;
  private readonly size: number;
  private readonly chunkSize: number;
  private readonly hashes: Uint8Array | null;

  /** `hashes`: the chunk hashes an earlier run of this download verified (null: nothing to resume). */
  constructor(storageKey: string, size: number, chunkSize: number, hashes: Uint8Array | null = null) {
    this.key = storageKey;
    this.size = size;
    this.chunkSize = chunkSize;
    this.hashes = hashes;
  }

  async stored(): Promise<number[]> {
    // without verified hashes nothing on disk can be trusted: the file is rewritten in place
    if (!this.hashes) return [];
    const { size, chunkSize } = this;
    const hashes = this.hashes.slice();
    const found = await call({ op: 'verify', name: this.key, size, chunkSize, hashes }, [hashes.buffer]);
    return found ?? [];
  }

  async write(index: number, bytes: Uint8Array): Promise<void> {
    const owned = ownBuffer(bytes);
    await call({ op: 'write', name: this.key, at: index * this.chunkSize, bytes: owned }, [owned.buffer]);
  }

  async writeVerified(index: number, bytes: Uint8Array, expected: Uint8Array): Promise<boolean> {
    const owned = ownBuffer(bytes);
    const at = index * this.chunkSize;
    const reply = await ask({ op: 'write', name: this.key, at, bytes: owned, expect: expected.slice() }, [
      owned.buffer,
    ]);
    return reply.verified === true;
  }

  async read(index: number, offset: number, length: number): Promise<Uint8Array> {
    const reply = await ask({ op: 'read', name: this.key, at: index * this.chunkSize + offset, length });
    if (reply.bytes?.length !== length) throw new Error('short read');
    return reply.bytes;
  }

  async finish(type: string): Promise<Blob> {
    await call({ op: 'close', name: this.key, size: this.size });
    return OpfsChunkStore.read(this.key, type);
  }

  async discard(): Promise<void> {
    await OpfsChunkStore.remove(this.key);
  }

  static async read(key: string, type: string): Promise<Blob> {
    const dir = await navigator.storage.getDirectory();
    const file = await (await dir.getFileHandle(key)).getFile();
    return type && file.type !== type ? file.slice(0, file.size, type) : file;
  }

  static async remove(key: string): Promise<void> {
    await call({ op: 'delete', name: key });
  }

  /** Bytes in the file so far (an interrupted download's upper bound), 0 when there is none. */
  static async sizeOf(key: string): Promise<number> {
    const dir = await navigator.storage.getDirectory();
    const handle = await dir.getFileHandle(key).catch(notFoundAsNull);
    return handle ? (await handle.getFile()).size : 0;
  }
}
