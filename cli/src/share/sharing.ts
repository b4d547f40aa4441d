// What `share` keeps true while it runs: every file it serves is registered in the room under the content
// id of its current bytes. Adding, re-hashing and withdrawing go through one queue, so the watcher, stale
// files found while serving and a restart after the tracker forgot this device never interleave.
import { formatSize } from '../../../pwa/src/state/format.ts';
import { placeOf as roomPlace } from '../catalog.ts';
import type { HashCache } from '../files/hashFile.ts';
import type { Output } from '../ui/output.ts';
import { progressBar } from '../ui/progress.ts';
import type { Registrar } from './registrar.ts';
import type { ServedFiles, SharedEntry } from './served.ts';
import type { LocalFile } from './walk.ts';

export class Sharing {
  readonly served: ServedFiles;
  private readonly registrar: () => Registrar;
  private readonly cache: HashCache;
  private readonly out: Output;
  private queue: Promise<void> = Promise.resolve();

  constructor(served: ServedFiles, registrar: () => Registrar, cache: HashCache, out: Output) {
    this.served = served;
    this.registrar = registrar;
    this.cache = cache;
    this.out = out;
  }

  /** Hashes the files (one progress bar for all of them) and serves them; registering is `registerAll`. */
  async hashAll(files: LocalFile[], signal: AbortSignal): Promise<SharedEntry[]> {
    const total = files.reduce((n, f) => n + f.size, 0);
    const bar = progressBar(
      this.out,
      `Fingerprinting ${files.length} file${files.length === 1 ? '' : 's'}`,
      total,
    );
    const entries: SharedEntry[] = [];
    let before = 0;
    try {
      for (const file of files) {
        signal.throwIfAborted();
        try {
          const { hash, stamp } = await this.cache.hash(file.abs, (b) => bar.update(before + b));
          const entry: SharedEntry = { ...file, hash, stamp };
          this.served.add(entry);
          entries.push(entry);
        } catch (error) {
          this.out.warn(`Not shared: ${file.abs}: ${(error as Error).message}`);
        }
        before += file.size;
        bar.update(before);
      }
    } finally {
      bar.stop();
    }
    return entries;
  }

  registerAll(): Promise<void> {
    return this.enqueue(async () => {
      await this.registrar().register(this.served.all());
    });
  }

  /** A new or changed file: hash it, serve it, register it; a changed one's old share is withdrawn. */
  update(file: LocalFile): Promise<void> {
    return this.enqueue(async () => {
      const old = this.served.get(file.abs);
      let entry: SharedEntry;
      try {
        const { hash, stamp } = await this.cache.hash(file.abs);
        entry = { ...file, hash, stamp };
      } catch {
        // gone or unreadable by now: the watcher reports the removal if it was removed
        return;
      }
      if (old && old.hash.contentId === entry.hash.contentId) {
        old.stamp = entry.stamp; // touched, same bytes: keep its share
        return;
      }
      this.served.add(entry);
      if (old) await this.registrar().withdraw(old);
      const [done] = await this.registrar().register([entry]);
      if (done)
        this.out.info(`${old ? 'Updated' : 'Added'}: ${placeOf(entry)} (${formatSize(entry.hash.size)})`);
    });
  }

  /** A file that is gone (or changed without a watcher to re-hash it): no longer served nor listed. */
  remove(abs: string, why = 'Removed'): Promise<void> {
    return this.enqueue(async () => {
      const entry = this.served.remove(abs);
      if (!entry) return;
      await this.registrar().withdraw(entry);
      this.out.info(`${why}: ${placeOf(entry)}`);
    });
  }

  /** Every file under a folder that is gone. */
  removeUnder(dir: string): Promise<void> {
    const inside = this.served
      .all()
      .filter((e) => e.abs.startsWith(`${dir}/`) || e.abs.startsWith(`${dir}\\`));
    return Promise.all(inside.map((e) => this.remove(e.abs))).then(() => undefined);
  }

  /** Waits for queued work (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work).catch((error: unknown) => {
      this.out.warn(`meshdrop: ${(error as Error).message}`);
    });
    this.queue = next;
    return next;
  }
}

function placeOf(entry: { folder: string; name: string }): string {
  return roomPlace({ path: entry.folder, name: entry.name });
}
