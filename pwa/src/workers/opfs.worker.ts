// Writes download chunks into the Origin Private File System with a synchronous access handle: the
// fastest way to put bytes on disk in a browser, and only available inside a dedicated worker.
// Files are named by storage key (a content id and a random suffix), never by anything a user or another
// device chose; any other name is refused.
import { hashChunk } from '../transfer/hashing.ts';
import { notFoundAsNull, type OpfsReply, type OpfsRequest } from '../transfer/opfsProtocol.ts';
import { storedChunks } from '../transfer/storedChunks.ts';
import { writeIfVerified } from '../transfer/verifiedWrite.ts';

// the page's DOM typings describe `self` as a Window; in this worker it is a dedicated worker scope
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<OpfsRequest>) => void) | null;
  postMessage(message: OpfsReply, transfer?: Transferable[]): void;
};

interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  getSize(): number;
  flush(): void;
  close(): void;
  truncate(size: number): void;
}

const handles = new Map<string, SyncHandle>();
/** `<contentId>` (library entries from before storage keys) or `<contentId>.<16 hex>`. */
const STORAGE_KEY = /^[0-9a-f]{64}(\.[0-9a-f]{16})?$/;

async function handleFor(name: string): Promise<SyncHandle> {
  let h = handles.get(name);
  if (!h) {
    const dir = await navigator.storage.getDirectory();
    const file = await dir.getFileHandle(name, { create: true });
    h = await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
    handles.set(name, h);
  }
  return h;
}

scope.onmessage = async (event: MessageEvent<OpfsRequest>) => {
  const req = event.data;
  const reply = (r: OpfsReply) => scope.postMessage(r);
  try {
    if (!STORAGE_KEY.test(req.name)) throw new Error('not a storage key');
    if (req.op === 'write') {
      const h = await handleFor(req.name);
      const write = (bytes: Uint8Array) => {
        let written = 0;
        while (written < bytes.length) written += h.write(bytes.subarray(written), { at: req.at + written });
      };
      // the download's check, done here so the page's main thread never hashes: a mismatch writes nothing
      if (req.expect) {
        const verified = await writeIfVerified(req.bytes, req.expect, hashChunk, write);
        return reply({ id: req.id, ok: true, verified });
      }
      write(req.bytes);
    } else if (req.op === 'close') {
      // a 0-byte download never wrote anything: opening here creates its (empty) file
      const h = await handleFor(req.name);
      if (req.size !== undefined) h.truncate(req.size);
      h.flush();
      h.close();
      handles.delete(req.name);
    } else if (req.op === 'verify') {
      // nothing else is trusted: a chunk never written reads as zeros, one torn by a crash differs
      const indices = await storedChunks(
        await handleFor(req.name),
        req.size,
        req.chunkSize,
        req.hashes,
        hashChunk,
      );
      return reply({ id: req.id, ok: true, indices });
    } else if (req.op === 'read') {
      // never opens a handle: a closed (finished) file belongs to the library now
      const h = handles.get(req.name);
      if (!h) throw new Error('not being written');
      const bytes = new Uint8Array(req.length);
      let read = 0;
      while (read < bytes.length) {
        const n = h.read(bytes.subarray(read), { at: req.at + read });
        if (n <= 0) throw new Error('short read');
        read += n;
      }
      return scope.postMessage({ id: req.id, ok: true, bytes }, [bytes.buffer]);
    } else if (req.op === 'delete') {
      handles.get(req.name)?.close();
      handles.delete(req.name);
      const dir = await navigator.storage.getDirectory();
      // already gone is what was asked; any other failure is answered as an error
      await dir.removeEntry(req.name).catch(notFoundAsNull);
    }
    reply({ id: req.id, ok: true });
  } catch (err) {
    reply({
      id: req.id,
      ok: false,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
};
