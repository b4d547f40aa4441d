// The engine as a person uses it: the Download button on the receiving device, timed in that page from
// the click to the moment the row offers Save (every chunk verified and stored, the file handed over).
// The engine's own events give the steps in between, through its debug handle window.__meshdrop.engine.
import type { Page } from 'playwright-core';
import { fileRow } from '../../e2e/pwa/support.ts';

export interface OursResult {
  bytes: number;
  clickAt: number;
  /** the first chunk verified and stored (the engine's progress left 0) */
  firstVerifiedAt: number;
  /** the last chunk verified and stored (state `done`) */
  storedAt: number;
  /** the finished file handed over: the row offers Save */
  readyAt: number;
  /** engine change events during the download: each one re-renders the downloads panel */
  emits: number;
}

interface Item {
  contentId: string;
  blob?: Blob;
  status: { state: string; progress: { bytes: number }; error?: { message: string } };
}

interface Watch {
  clickAt: number;
  firstVerifiedAt: number;
  storedAt: number;
  readyAt: number;
  emits: number;
  result: Promise<OursResult>;
}

export async function downloadThroughUi(
  receiver: Page,
  name: string,
  contentId: string,
  size: number,
  timeoutMs: number,
): Promise<OursResult> {
  await receiver.evaluate(
    ([cid, bytes, ms]) => {
      const now = () => performance.timeOrigin + performance.now();
      const w = window as unknown as {
        __meshdrop: { engine: { downloads(): Item[]; subscribe(l: () => void): () => void } };
        __benchOurs?: Watch;
      };
      const engine = w.__meshdrop.engine;
      const watch = { clickAt: 0, firstVerifiedAt: 0, storedAt: 0, readyAt: 0, emits: 0 } as Watch;
      document.addEventListener(
        'click',
        () => {
          watch.clickAt = now();
        },
        { capture: true, once: true },
      );
      watch.result = new Promise<OursResult>((resolve, reject) => {
        let unsubscribe = () => {};
        const timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`download not ready after ${ms} ms`));
        }, ms);
        unsubscribe = engine.subscribe(() => {
          const t = now();
          watch.emits++;
          const item = engine.downloads().find((i) => i.contentId === cid);
          if (!item) return;
          const s = item.status;
          if (!watch.firstVerifiedAt && s.progress.bytes > 0) watch.firstVerifiedAt = t;
          if (!watch.storedAt && s.state === 'done') watch.storedAt = t;
          if (s.state === 'failed' || s.state === 'cancelled') {
            clearTimeout(timer);
            unsubscribe();
            reject(new Error(`download ${s.state}: ${s.error?.message ?? ''}`));
          }
          if (item.blob && !watch.readyAt) {
            watch.readyAt = t;
            clearTimeout(timer);
            unsubscribe();
            if (item.blob.size !== bytes)
              reject(new Error(`the file has ${item.blob.size} bytes, not ${bytes}`));
            else {
              const { clickAt, firstVerifiedAt, storedAt, readyAt, emits } = watch;
              resolve({ bytes: item.blob.size, clickAt, firstVerifiedAt, storedAt, readyAt, emits });
            }
          }
        });
      });
      watch.result.catch(() => undefined);
      w.__benchOurs = watch;
    },
    [contentId, size, timeoutMs] as const,
  );
  await fileRow(receiver, name)
    .getByRole('button', { name: `Download ${name}` })
    .click();
  return receiver.evaluate(() => (window as unknown as { __benchOurs: Watch }).__benchOurs.result);
}
