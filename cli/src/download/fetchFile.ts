// One file from the room to disk: the shared Download (manifest checked against the content id, chunks
// from up to three sources, each verified on arrival) writing into a DiskChunkStore, with a progress bar.
// Ctrl+C keeps what is written (the store's `keep`), it never cancels: cancelling would delete it.

import type { Channel } from '../../../pwa/src/transfer/channel.ts';
import { systemClock } from '../../../pwa/src/transfer/clock.ts';
import { Download } from '../../../pwa/src/transfer/download.ts';
import { DownloadError } from '../../../pwa/src/transfer/downloadTypes.ts';
import { hashChunk, rootOf } from '../../../pwa/src/transfer/hashing.ts';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { chunkCount } from '../../../worker/protocol/content.ts';
import { LIMITS } from '../../../worker/protocol/limits.ts';
import { CliError } from '../errors.ts';
import { DiskChunkStore } from '../files/diskStore.ts';
import type { Output } from '../ui/output.ts';
import { progressBar } from '../ui/progress.ts';

/** More chunks than this is not a file any MeshDrop device made (8192 at most): a listing to refuse. */
const MAX_CHUNKS = 1 << 20;
/** Chunks from an earlier run that fail the final check are fetched again, this many times at most. */
const MAX_REPAIRS = 2;

export interface FetchPlan {
  file: RoomFile;
  /** the room the file is listed in (a source serves only within it) */
  roomId: string;
  outDir: string;
  target: string;
  overwrite: boolean;
  /** Peers to ask, best first (online ones). */
  sources: string[];
}

export interface FetchResult {
  path: string;
  contentId: string;
  size: number;
  seconds: number;
  /** From the first chunk request to the file in place: the transfer itself, without connecting. */
  transferSeconds: number;
  /** chunks already on disk from an interrupted run */
  resumedChunks: number;
  /** chunks received and written by this run */
  fetchedChunks: number;
  /** chunks that failed verification and were asked for again */
  rejectedChunks: number;
  sources: string[];
}

export interface FetchDeps {
  connect: (peerId: string) => Promise<Channel>;
  out: Output;
  /** Aborts when the person presses Ctrl+C: the partial file is kept and `interrupted` thrown. */
  signal: AbortSignal;
  now?: () => number;
  /** Serves the download's verified chunks while it runs (issue 11); returns how to stop that. */
  serve?: (download: Download, store: DiskChunkStore, file: RoomFile, roomId: string) => () => Promise<void>;
}

export async function fetchFile(plan: FetchPlan, deps: FetchDeps): Promise<FetchResult> {
  const { file } = plan;
  if (
    file.chunkSize < LIMITS.minChunkSize ||
    file.chunkSize > LIMITS.maxChunkSize ||
    chunkCount(file.size, file.chunkSize) > MAX_CHUNKS
  )
    throw new CliError('unsupported', `${file.size} bytes in chunks of ${file.chunkSize}`);
  const now = deps.now ?? Date.now;
  const started = now();
  let resumed = 0;
  let fetched = 0;
  for (let attempt = 0; ; attempt++) {
    const result = await fetchOnce(plan, deps);
    resumed ||= result.store.resumed.length;
    fetched += result.store.written;
    if (result.outcome === 'done') {
      return {
        path: plan.target,
        contentId: file.contentId,
        size: file.size,
        seconds: (now() - started) / 1000,
        transferSeconds: result.transferMs / 1000,
        resumedChunks: resumed,
        fetchedChunks: fetched,
        rejectedChunks: result.rejected,
        sources: result.sources,
      };
    }
    const damaged = result.store.corrupt.length > 0;
    if (!damaged || attempt >= MAX_REPAIRS) throw result.error;
    deps.out.info(
      `${result.store.corrupt.length} chunk(s) from the earlier run were damaged; fetching them again.`,
    );
  }
}

type Attempt =
  | { outcome: 'done'; store: DiskChunkStore; rejected: number; sources: string[]; transferMs: number }
  | { outcome: 'failed'; store: DiskChunkStore; error: CliError };

async function fetchOnce(plan: FetchPlan, deps: FetchDeps): Promise<Attempt> {
  const { file } = plan;
  let download: Download | undefined;
  const store = new DiskChunkStore({
    outDir: plan.outDir,
    contentId: file.contentId,
    size: file.size,
    chunkSize: file.chunkSize,
    target: plan.target,
    overwrite: plan.overwrite,
    expectedHashes: () => download?.verifiedHashes() ?? new Uint8Array(),
  });
  download = new Download(
    {
      contentId: file.contentId,
      roomId: plan.roomId,
      size: file.size,
      chunkSize: file.chunkSize,
      name: file.name,
      type: file.type,
    },
    plan.sources,
    { connect: deps.connect, store, hashChunk, rootOf, clock: systemClock },
  );
  const stopServing = deps.serve?.(download, store, file, plan.roomId);
  const bar = progressBar(deps.out, file.name, file.size, deps.now);
  const seen = new Set<string>();
  const clock = deps.now ?? Date.now;
  let downloadingAt: number | null = null;
  download.onChange((s) => {
    if (s.state === 'downloading') downloadingAt ??= clock();
    for (const p of s.sources) seen.add(p);
    bar.update(s.progress.bytes, s.progress.speed);
  });
  let onAbort: () => void = () => {};
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onAbort = () => resolve('interrupted');
    if (deps.signal.aborted) onAbort();
    else deps.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([download.start().then(() => 'done' as const), interrupted]);
    if (outcome === 'interrupted') {
      await store.keep();
      throw new CliError('interrupted', `${file.name}: ${store.resumed.length + store.written} chunks kept`);
    }
    const finished = clock();
    return {
      outcome: 'done',
      store,
      rejected: download.status().rejectedChunks,
      sources: [...seen],
      transferMs: finished - (downloadingAt ?? finished),
    };
  } catch (error) {
    if (error instanceof CliError && error.code === 'interrupted') throw error;
    await store.keep();
    return { outcome: 'failed', store, error: store.failure ?? asCliError(error, download) };
  } finally {
    deps.signal.removeEventListener('abort', onAbort);
    bar.stop();
    await stopServing?.();
  }
}

function asCliError(error: unknown, download: Download): CliError {
  if (error instanceof CliError) return error;
  const status = download.status();
  if (status.error) return new CliError(status.error.code);
  if (error instanceof DownloadError) return new CliError(error.code);
  return new CliError('internal', error instanceof Error ? error.message : String(error));
}
