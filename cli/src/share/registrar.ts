// Telling the tracker what this device shares, and what it no longer does. While the tracker is out of
// reach the work waits and goes out when it is back (a server keeps sharing through tracker restarts). A
// batch the tracker refuses is retried file by file, so one odd file never keeps the others out.

import { Retrier } from '../../../pwa/src/net/backoff.ts';
import { splitBatch, toShareInput } from '../../../pwa/src/state/shareInput.ts';
import { CliError } from '../errors.ts';
import type { TrackerSession } from '../tracker.ts';
import type { Output } from '../ui/output.ts';
import type { SharedEntry } from './served.ts';

export class Registrar {
  private readonly session: TrackerSession;
  private readonly roomId: string;
  private readonly out: Output;
  private readonly signal: AbortSignal;
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });

  constructor(session: TrackerSession, roomId: string, out: Output, signal: AbortSignal) {
    this.session = session;
    this.roomId = roomId;
    this.out = out;
    this.signal = signal;
  }

  /** Registers every entry; sets each one's shareId. Entries the tracker refuses are reported and skipped. */
  async register(entries: SharedEntry[]): Promise<SharedEntry[]> {
    const done: SharedEntry[] = [];
    for (const batch of splitBatch(entries)) {
      try {
        done.push(...(await this.send(batch)));
      } catch (error) {
        if (!(error instanceof CliError) || batch.length === 1) {
          this.refused(batch[0]!, error);
          continue;
        }
        for (const entry of batch) {
          try {
            done.push(...(await this.send([entry])));
          } catch (one) {
            this.refused(entry, one);
          }
        }
      }
    }
    return done;
  }

  /** Takes one share out of the room (already gone is fine). */
  async withdraw(entry: SharedEntry): Promise<void> {
    const shareId = entry.shareId;
    if (!shareId) return;
    await this.untilReachable(async () => {
      try {
        await this.session.call(() => this.session.api.removeShare(this.roomId, shareId));
      } catch (error) {
        if (!(error instanceof CliError && error.code === 'share_not_found')) throw error;
      }
    });
  }

  private async send(batch: SharedEntry[]): Promise<SharedEntry[]> {
    const files = batch.map((e) => toShareInput({ name: e.name, type: e.type, path: e.folder }, e.hash));
    const answer = await this.untilReachable(() =>
      this.session.call(() => this.session.api.createShares(this.roomId, files)),
    );
    answer.shares.forEach((share, i) => {
      if (batch[i]) batch[i].shareId = share.shareId;
    });
    return batch;
  }

  /** Runs `fn` until it succeeds or fails for a reason other than the tracker being out of reach. */
  private async untilReachable<T>(fn: () => Promise<T>): Promise<T> {
    let said = false;
    for (;;) {
      try {
        const result = await fn();
        this.retrier.reset();
        if (said) this.out.info('The tracker is back.');
        return result;
      } catch (error) {
        if (!(error instanceof CliError) || error.code !== 'offline') throw error;
        if (!said) this.out.info('Can’t reach the tracker; trying again in the background…');
        said = true;
        if (!(await this.retrier.wait(this.signal))) throw new CliError('interrupted');
      }
    }
  }

  private refused(entry: SharedEntry, error: unknown) {
    const why = error instanceof CliError ? `${error.message} [${error.code}]` : String(error);
    this.out.warn(`Not shared: ${entry.abs}: ${why}`);
  }
}
