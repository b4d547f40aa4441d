// Hashes files off the main thread, so the page stays responsive even for multi-GB files. One job at a
// time (the client queues them); progress at most every 100 ms so messages never flood the page.
// This worker and digest workers (one per core, at most 3) each read and hash their own spans of the
// file (spanHashing.ts): a digest occupies its thread for its whole length (chunkDigest.ts), and
// reading costs about as much as digesting (measured: ~600 MB/s each on one thread), so both run on
// every thread, and no chunk is copied or moved between threads.

import { chooseChunkSize } from '../../../worker/protocol/content.ts';
import type { HashReply, HashRequest } from '../net/hashProtocol.ts';
import { renewLanes, spawnDigestWorker, type WorkerLane, workerLane } from '../transfer/chunkDigest.ts';
import { hashInSpans, localLane } from '../transfer/spanHashing.ts';

// the page's DOM typings describe `self` as a Window; in this worker it is a dedicated worker scope
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashReply, transfer: Transferable[]): void;
};

const running = new Map<number, AbortController>();

/**
 * With this thread, at most 4 lanes: memory is lanes * SPAN_DEPTH * the span (16 MiB, or one chunk where
 * chunks are bigger: files over 128 GiB have 32-64 MiB chunks, so up to 256 MiB for those).
 */
const DIGEST_WORKERS = Math.min(3, Math.max(1, navigator.hardwareConcurrency || 1));
// started now, not on the first job: they are ready by the time a file arrives, or join it when they are
// (a cold one took 40-210 ms). A browser without workers inside workers hashes on this thread alone.
let digestLanes: WorkerLane[] =
  typeof Worker === 'undefined'
    ? []
    : Array.from({ length: DIGEST_WORKERS }, () => workerLane(spawnDigestWorker));
const here = localLane();

/** The lanes for a job: this thread, and the digest workers, a dead (or given up) one replaced. */
function lanes() {
  digestLanes = renewLanes(digestLanes, () => workerLane(spawnDigestWorker));
  return [here, ...digestLanes];
}

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
    const hash = await hashInSpans(blob, {
      chunkSize: chunkSize ?? chooseChunkSize(blob.size),
      lanes: lanes(),
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
