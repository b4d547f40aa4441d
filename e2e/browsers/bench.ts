// Rounds of the Chromium ↔ Firefox benchmark (bench/firefox.bench.ts), over `Ui`, so either browser can
// send or receive: a bare RTCDataChannel between the two app pages, and the app's own download.
import { expect } from 'vitest';
import { closePeer, connectPair, transfer } from '../lan/datachannel.ts';
import type { Fixture } from '../transfer/support.ts';
import { clickDownload, shareFiles, waitDownloaded, waitListed } from './support.ts';
import type { Ui } from './ui.ts';

export interface Direction {
  label: string;
  from: Ui;
  to: Ui;
  /** MB/s of each round */
  raw: number[];
  ours: number[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** One raw round: a fresh channel between the two app pages (idle meanwhile), first to last byte. */
export async function rawRound(d: Direction, size: number): Promise<number> {
  // Chromium offers: connectPair reads the selected pair from its stats shape
  const [offerer, answerer] = d.from.device.kind === 'chromium' ? [d.from, d.to] : [d.to, d.from];
  await connectPair(offerer, answerer);
  try {
    const got = await transfer(d.from, d.to, size, 120_000);
    expect(got.bytes, `${d.label}: raw bytes that arrived`).toBe(size);
    return size / 1e6 / (got.ms / 1000);
  } finally {
    await Promise.all([closePeer(d.from), closePeer(d.to)]);
  }
}

/** One round of ours: `from` shares `fx`, `to` downloads it; "downloading" to "done", in the page. */
export async function crossRound(d: Direction, fx: Fixture): Promise<number> {
  await shareFiles(d.from, [fx]);
  await waitListed(d.to, [fx], 120_000);
  await recordStates(d.to);
  await clickDownload(d.to, fx);
  await waitDownloaded(d.to, fx, 120_000);
  const t = await stateTimes(d.to, fx);
  expect(t.downloading, `${d.label}: state times ${JSON.stringify(t)}`).toBeDefined();
  return fx.size / 1e6 / ((t.done! - t.downloading!) / 1000);
}

/** In the page: the first time each download reaches each state (engine.subscribe, performance.now()). */
async function recordStates(ui: Ui): Promise<void> {
  await ui.evaluate(() => {
    interface Engine {
      downloads(): { contentId: string; status: { state: string } }[];
      subscribe(l: () => void): () => void;
    }
    const w = window as unknown as { __meshdrop: { engine: Engine }; __stateTimes?: Record<string, number> };
    if (w.__stateTimes) return;
    const times: Record<string, number> = {};
    w.__stateTimes = times;
    w.__meshdrop.engine.subscribe(() => {
      for (const i of w.__meshdrop.engine.downloads())
        times[`${i.contentId}/${i.status.state}`] ??= performance.now();
    });
  }, null);
}

async function stateTimes(ui: Ui, fx: Fixture): Promise<{ downloading?: number; done?: number }> {
  return ui.evaluate((cid) => {
    const times = (window as unknown as { __stateTimes: Record<string, number> }).__stateTimes;
    return { downloading: times[`${cid}/downloading`], done: times[`${cid}/done`] };
  }, fx.contentId);
}
