// Hashes files off the main thread, so the page stays responsive even for multi-GB files. One job at a
// time (the client queues them); progress at most every 100 ms so messages never flood the page.
// This worker reads the file and cuts it into chunks; digest workers, one per core, hash them in
// parallel (a digest occupies its thread for its whole length: chunkDigest.ts).
import type { HashReply, HashRequest } from '../net/hashProtocol.ts';
import { digestPool, spawnDigestWorker } from '../transfer/chunkDigest.ts';
import { hashBlob, hashChunk } from '../transfer/hashing.ts';

// the page's DOM typings describe `self` as a Window; in this worker it is a dedicated worker scope
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashReply, transfer: Transferable[]): void;
};

const running = new Map<number, AbortController>();

/** Digest workers kept for the next job (started on the first chunk); at most 4, whatever the cores. */
const DIGEST_WORKERS = Math.min(4, Math.max(1, navigator.hardwareConcurrency || 1));
// a browser without workers inside workers hashes here, one chunk at a time
const pool =
  typeof Worker === 'undefined' ? null : digestPool(spawnDigestWorker, DIGEST_WORKERS, { transfer: true });
const digest = (chunk: Uint8Array): Promise<Uint8Array> => {
  if (!pool) return hashChunk(chunk);
  try {
    return pool(chunk);
  } catch {
    return hashChunk(chunk); // the digest worker could not start (nothing was sent)
  }
};

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  void hash(message.id, message.blob, message.chunkSize);
};

async function hash(id: number, blob: Blob, chunkSize: number | undefined): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  const started = performance.now();
  let lastReport = 0;
  const reply = (m: HashReply, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
  try {
    const hash = await hashBlob(blob, {
      ...(chunkSize ? { chunkSize } : {}),
      digest,
      signal: controller.signal,
      onProgress: (bytes) => {
        const now = performance.now();
        if (now - lastReport < 100) return;
        lastReport = now;
        reply({ type: 'progress', id, bytes });
      },
    });
    reply({ type: 'done', id, hash, ms: performance.now() - started }, [hash.chunkHashes.buffer]);
  } catch (error) {
    const cancelled = controller.signal.aborted;
    reply({ type: 'error', id, message: error instanceof Error ? error.message : String(error), cancelled });
  } finally {
    running.delete(id);
  }
}
