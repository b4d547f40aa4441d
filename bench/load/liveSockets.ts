// The room bench's live sockets, held in a worker thread: 500 sockets receiving 10 events each per post
// are thousands of messages to parse, and on the bench's own event loop that parsing sat inside every
// listing's timing window (a reply waited for the loop, not for the tracker). Here they only compete for
// the CPU, like any other client on the machine. The thread counts `share-added` events and sequence gaps
// per socket and answers the main thread's `count` and `close`.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { pool } from './trackerApi.ts';

export interface LiveTally {
  /** `share-added` events received, per socket */
  added: number[];
  /** sequence gaps over all sockets */
  gaps: number;
}

type Reply = { type: 'open' } | { type: 'error'; message: string } | ({ type: 'tally' } & LiveTally);

/** Opens every URL's live socket in a worker thread; resolves once each has its `hello`. */
export async function openLiveSockets(urls: string[]) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { liveSockets: urls } });
  const replies: ((r: Reply) => void)[] = [];
  let failed: Error | null = null;
  worker.on('message', (r: Reply) => replies.shift()?.(r));
  worker.on('error', (err) => {
    failed = err;
    for (const reply of replies.splice(0)) reply({ type: 'error', message: err.message });
  });
  const next = (message?: string) =>
    new Promise<Reply>((resolve) => {
      if (failed) resolve({ type: 'error', message: failed.message });
      else {
        replies.push(resolve);
        if (message) worker.postMessage(message);
      }
    });
  const opened = await next();
  if (opened.type === 'error') {
    await worker.terminate();
    throw new Error(opened.message);
  }
  return {
    async tally(): Promise<LiveTally> {
      const r = await next('count');
      if (r.type !== 'tally') throw new Error(r.type === 'error' ? r.message : 'no tally');
      return { added: r.added, gaps: r.gaps };
    },
    async close(): Promise<void> {
      await next('close');
      await worker.terminate();
    },
  };
}

async function runThread(port: NonNullable<typeof parentPort>, urls: string[]) {
  const counts = urls.map(() => ({ seqs: [] as number[], added: 0 }));
  const sockets = await pool(urls, 32, (url, i) => {
    const count = counts[i]!;
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('message', (e) => {
        const msg = JSON.parse(String(e.data)) as { type: string; seq: number };
        if (msg.type === 'pong') return;
        count.seqs.push(msg.seq);
        if (msg.type === 'share-added') count.added += 1;
        if (msg.type === 'hello') resolve(ws);
      });
      ws.addEventListener('error', () => reject(new Error(`live socket ${i} failed`)));
    });
  });
  const ping = setInterval(() => {
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
  }, 10_000);
  port.on('message', (m: string) => {
    if (m === 'count') {
      const gaps = counts.reduce((n, c) => {
        let g = 0;
        for (let k = 1; k < c.seqs.length; k++) if (c.seqs[k]! !== c.seqs[k - 1]! + 1) g += 1;
        return n + g;
      }, 0);
      port.postMessage({ type: 'tally', added: counts.map((c) => c.added), gaps } satisfies Reply);
    } else if (m === 'close') {
      clearInterval(ping);
      for (const ws of sockets) ws.close(1000, 'done');
      port.postMessage({ type: 'tally', added: [], gaps: 0 } satisfies Reply);
    }
  });
  port.postMessage({ type: 'open' } satisfies Reply);
}

// only in the thread this module starts (a test runner may run the importer in a worker thread too)
const urls = (workerData as { liveSockets?: string[] } | null)?.liveSockets;
if (urls && parentPort) {
  const port = parentPort;
  runThread(port, urls).catch((err: Error) =>
    port.postMessage({ type: 'error', message: err.message } satisfies Reply),
  );
}
