// One round of the signaling load: N sockets opened at once, then every pair (2k, 2k+1) exchanges
// `perPair` relayed CANDIDATE frames (half each way), all pairs at the same time. Each frame carries its
// send time, so the receiver measures the relay's latency on one clock. Same client code for both servers.

export interface LoadRound {
  sockets: number;
  /** Sockets without OPEN within the open timeout. */
  failedToOpen: number;
  openSeconds: number;
  sent: number;
  received: number;
  lost: number;
  /** Relayed messages per second, from the first send to the last arrival. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  /** The socket URL of client i (its id and ticket). */
  url(i: number): string;
  /** The id of client i (its pair's messages go there). */
  id(i: number): string;
  sockets: number;
  perPair: number;
  openTimeoutMs?: number;
  drainTimeoutMs?: number;
}

interface Client {
  ws: WebSocket;
  open: boolean;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function runSignalingLoad(o: LoadOptions): Promise<LoadRound> {
  const openTimeout = o.openTimeoutMs ?? 15_000;
  const latencies: number[] = [];
  let lastArrival = 0;
  let onArrival = () => {};
  const clients: Client[] = [];
  const openStarted = performance.now();
  const opened = await new Promise<number>((resolve) => {
    let count = 0;
    const timer = setTimeout(() => resolve(performance.now()), openTimeout);
    for (let i = 0; i < o.sockets; i++) {
      const ws = new WebSocket(o.url(i));
      const client: Client = { ws, open: false };
      clients.push(client);
      ws.addEventListener('message', (e) => {
        const text = typeof e.data === 'string' ? e.data : '';
        // the hot path: only relayed frames carry a payload with our timestamp
        if (text.includes('"CANDIDATE"')) {
          const m = JSON.parse(text) as { payload: { t: number } };
          const now = performance.now();
          latencies.push(now - m.payload.t);
          lastArrival = now;
          onArrival();
          return;
        }
        if (!client.open && text.includes('"OPEN"')) {
          client.open = true;
          count += 1;
          if (count === o.sockets) {
            clearTimeout(timer);
            resolve(performance.now());
          }
        }
      });
      ws.addEventListener('error', () => undefined);
    }
  });
  const failedToOpen = clients.filter((c) => !c.open).length;
  const heartbeat = setInterval(() => {
    for (const c of clients) if (c.ws.readyState === WebSocket.OPEN) c.ws.send('{"type":"HEARTBEAT"}');
  }, 5000);

  // every pair exchanges perPair frames, half each way, interleaved across all pairs
  const half = Math.floor(o.perPair / 2);
  let sent = 0;
  const started = performance.now();
  for (let k = 0; k < half; k++) {
    for (let a = 0; a + 1 < o.sockets; a += 2) {
      for (const [from, to] of [
        [a, a + 1],
        [a + 1, a],
      ] as const) {
        const ws = clients[from]!.ws;
        if (ws.readyState !== WebSocket.OPEN) continue;
        const payload = {
          candidate: {
            candidate: `candidate:${k} 1 udp 2122260223 10.0.0.1 5000${k % 10} typ host`,
            sdpMid: '0',
          },
          type: 'data',
          connectionId: `dc_${from}_${to}`,
          t: performance.now(),
        };
        ws.send(JSON.stringify({ type: 'CANDIDATE', dst: o.id(to), payload }));
        sent += 1;
      }
    }
  }
  // wait until everything arrived, or nothing arrived for a while (then the rest is lost)
  const drainTimeout = o.drainTimeoutMs ?? 20_000;
  await new Promise<void>((resolve) => {
    let idle: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(resolve, drainTimeout);
    };
    onArrival = () => {
      if (latencies.length >= sent) {
        clearTimeout(idle);
        resolve();
      } else if (latencies.length % 500 === 0) arm();
    };
    if (latencies.length >= sent) resolve();
    else arm();
  });
  onArrival = () => {};
  clearInterval(heartbeat);
  await closeAll(clients);
  const sorted = [...latencies].sort((x, y) => x - y);
  const seconds = Math.max(1e-3, (lastArrival - started) / 1000);
  return {
    sockets: o.sockets,
    failedToOpen,
    openSeconds: (opened - openStarted) / 1000,
    sent,
    received: latencies.length,
    lost: sent - latencies.length,
    rate: latencies.length / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
  };
}

async function closeAll(clients: Client[]): Promise<void> {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(resolve, 10_000);
          c.ws.addEventListener('close', () => {
            clearTimeout(timer);
            resolve();
          });
          try {
            c.ws.close(1000, 'done');
          } catch {
            clearTimeout(timer);
            resolve();
          }
        }),
    ),
  );
}
