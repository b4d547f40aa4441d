// The live room socket: hello, then numbered events. Reconnects by itself with backoff and a fresh
// ticket each time; the seq bookkeeping (gaps, duplicates) lives in the pure reducer, not here.
import { LIVE_PING } from '../../../worker/protocol/live.ts';
import { Retrier } from './backoff.ts';
import { bestEffort } from './bestEffort.ts';
import type { LiveFrame } from './liveParse.ts';
import { parseLiveFrame } from './liveParse.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';

export type LiveStatus = 'connecting' | 'live' | 'retrying' | 'left';

export interface LiveOptions {
  roomId: string;
  getTicket: () => Promise<string>;
  onFrame: (frame: Exclude<LiveFrame, { kind: 'pong' }>) => void;
  /** Called before retrying a connection that closed without a hello (e.g. to join the room again). */
  beforeRetry?: () => Promise<void>;
  pingMs?: number;
}

/** The room sent us away (we left it from another tab): reconnecting would only be refused. */
const CLOSE_LEFT = 4003;

export class LiveConnection {
  readonly status = new Observable<LiveStatus>('connecting');
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private readonly abort = new AbortController();
  private socket: WebSocket | undefined;
  private offOnline: () => void = () => {};

  private readonly options: LiveOptions;

  constructor(options: LiveOptions) {
    this.options = options;
  }

  start(): void {
    this.offOnline = onBrowserOnline(this.reconnectNow);
    void this.run();
  }

  stop(): void {
    this.abort.abort();
    this.offOnline();
    this.socket?.close(1000, 'bye');
  }

  /** Skip the backoff wait (the network came back); a healthy socket is left alone. */
  reconnectNow = (): void => {
    this.retrier.wake();
  };

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      this.status.set('connecting');
      let outcome: { hello: boolean; code: number } = { hello: false, code: 0 };
      try {
        outcome = await this.connectOnce(await this.options.getTicket());
      } catch {
        // no ticket: the tracker is unreachable or refused; wait and try again
      }
      if (signal.aborted) return;
      if (outcome.code === CLOSE_LEFT) {
        this.status.set('left');
        return;
      }
      if (outcome.hello) this.retrier.reset();
      else await this.options.beforeRetry?.().catch(bestEffort('the step before reconnecting')); // retry anyway
      this.status.set('retrying');
      if (!(await this.retrier.wait(signal))) return;
    }
  }

  /** One socket's life; resolves when it closes (or goes silent). */
  private connectOnce(ticket: string): Promise<{ hello: boolean; code: number }> {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/api/rooms/${encodeURIComponent(this.options.roomId)}/live?ticket=${encodeURIComponent(ticket)}`;
    const pingMs = this.options.pingMs ?? 20_000;
    return new Promise((resolve) => {
      if (this.abort.signal.aborted) return resolve({ hello: false, code: 1000 });
      const ws = new WebSocket(url);
      this.socket = ws;
      let hello = false;
      let lastHeard = Date.now();
      // a cut cable closes nothing: a socket that stops answering pings is treated as closed
      const timer = setInterval(() => {
        if (Date.now() - lastHeard > pingMs * 2.5) ws.close(4000, 'silent');
        else if (ws.readyState === WebSocket.OPEN) ws.send(LIVE_PING);
      }, pingMs);
      const finish = (code: number) => {
        clearInterval(timer);
        if (this.socket === ws) this.socket = undefined;
        resolve({ hello, code });
      };
      ws.onmessage = (e) => {
        lastHeard = Date.now();
        if (typeof e.data !== 'string') return;
        const frame = parseLiveFrame(e.data);
        if (!frame || frame.kind === 'pong') return;
        if (frame.kind === 'hello') {
          hello = true;
          this.status.set('live');
        }
        this.options.onFrame(frame);
      };
      ws.onclose = (e) => finish(e.code);
    });
  }
}
