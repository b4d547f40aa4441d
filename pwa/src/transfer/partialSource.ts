// A running download as a partial source: the chunks it has verified and stored can be served while the
// rest still moves. Only verified chunks are ever read (the have-map is filled after verification and
// storage), and once the download stops (finishing included) the source ends: from then on the file is
// complete in the library, or gone, and a partial copy is never served as complete.
import type { DownloadState } from './download.ts';
import type { HaveMap } from './haveMap.ts';
import type { PartialSource, ServedFile } from './server.ts';
import type { ChunkStore } from './store.ts';

/** What a partial source needs of a download (Download has it). */
export interface Downloading {
  readonly have: HaveMap;
  onHave(listener: (index: number) => void): () => void;
  onChange(listener: (s: { state: DownloadState }) => void): () => void;
  /** chunks asked for and not yet verified (what it may say is `coming`) */
  requested(): number[];
  onRequest(listener: () => void): () => void;
}

const RUNNING: ReadonlySet<DownloadState> = new Set(['connecting', 'downloading']);

export function isServable(state: DownloadState): boolean {
  return RUNNING.has(state);
}

export function partialSourceOf(
  d: Downloading,
  read: (index: number, offset: number, length: number) => Promise<Uint8Array>,
): PartialSource {
  let ended = false;
  const endListeners = new Set<() => void>();
  const stop = d.onChange((s) => {
    if (ended || isServable(s.state)) return;
    ended = true;
    stop();
    for (const l of [...endListeners]) l();
  });
  return {
    have: d.have,
    onHave: (listener) => d.onHave(listener),
    coming: () => (ended ? [] : d.requested()),
    onComing: (listener) => d.onRequest(listener),
    onEnd(listener) {
      if (ended) {
        listener();
        return () => {};
      }
      endListeners.add(listener);
      return () => endListeners.delete(listener);
    },
    async read(index, offset, length) {
      if (ended || !d.have.has(index)) throw new Error('not a verified chunk of a running download');
      return read(index, offset, length);
    },
  };
}

/** What serving a download's verified chunks needs of it (Download has it). */
export interface ServableDownload extends Downloading {
  readonly spec: { contentId: string; size: number; chunkSize: number; name: string };
  status(): { state: DownloadState };
  verifiedHashes(): Uint8Array;
}

/** One partial source per download, whatever the number of transfers opened on it. */
const sources = new WeakMap<ServableDownload, PartialSource>();

/**
 * The download as a served file, or null: before its manifest is proved (nothing could be checked),
 * once it stopped running, or when its storage cannot read chunks back. `have`: the chunks it may serve
 * (by default all it holds; the CLI serves only those verified by this run, not ones resumed from disk
 * and checked only at the end).
 */
export function partialFileOf(
  d: ServableDownload,
  store: Pick<ChunkStore, 'read'>,
  have: HaveMap = d.have,
): ServedFile | null {
  const read = store.read?.bind(store);
  if (!read || !isServable(d.status().state)) return null;
  const hashes = d.verifiedHashes();
  if (have.count === 0 || hashes.length !== have.count * 32) return null;
  let partial = sources.get(d);
  if (!partial) {
    const view: Downloading =
      have === d.have
        ? d
        : {
            have,
            onHave: (l) => d.onHave((i) => have.has(i) && l(i)),
            onChange: (l) => d.onChange(l),
            requested: () => d.requested(),
            onRequest: (l) => d.onRequest(l),
          };
    partial = partialSourceOf(view, read);
    sources.set(d, partial);
  }
  const { contentId, size, chunkSize, name } = d.spec;
  return { contentId, size, chunkSize, chunkHashes: hashes, name, partial };
}
