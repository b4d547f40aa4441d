// Keeps one PeerJS Peer connected to the tracker's relay. Being connected is also what makes this
// device "online" in its rooms. When the Peer drops (tracker restart, network change, ticket expiry) it
// is destroyed and rebuilt with a fresh ticket after a backoff; the transfer engine watches `peer` to
// re-attach its handlers to each new one.
import { Peer } from 'peerjs';
import { Retrier } from './backoff.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';
import { isFatalPeerError, isIdTaken } from './peerErrors.ts';

export type SignalingStatus = 'connecting' | 'connected' | 'retrying' | 'taken';

export interface SignalingOptions {
  peerId: string;
  getTicket: () => Promise<string>;
  getIceServers: () => Promise<RTCIceServer[]>;
}

export class SignalingClient {
  readonly status = new Observable<SignalingStatus>('connecting');
  /** The live Peer, or null between two of them. */
  readonly peer = new Observable<Peer | null>(null);
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private readonly abort = new AbortController();
  private offOnline: () => void = () => {};

  private readonly options: SignalingOptions;

  constructor(options: SignalingOptions) {
    this.options = options;
  }

  start(): void {
    this.offOnline = onBrowserOnline(this.reconnectNow);
    void this.run();
  }

  stop(): void {
    this.abort.abort();
    this.offOnline();
    this.peer.get()?.destroy();
    this.peer.set(null);
  }

  reconnectNow = (): void => this.retrier.wake();

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      this.status.set('connecting');
      let outcome: 'dropped' | 'taken' | 'failed' = 'failed';
      try {
        const [ticket, iceServers] = await Promise.all([
          this.options.getTicket(),
          this.options.getIceServers(),
        ]);
        if (signal.aborted) return;
        outcome = await this.connectOnce(ticket, iceServers);
      } catch {
        // no ticket or config: the tracker is unreachable; wait and retry
      }
      if (signal.aborted) return;
      this.status.set(outcome === 'taken' ? 'taken' : 'retrying');
      // another tab holds our id: let it be, and look again only now and then
      if (outcome === 'taken') await this.retrier.wait(signal);
      if (!(await this.retrier.wait(signal))) return;
    }
  }

  /** One Peer's life: resolves once it is unusable (and destroyed). */
  private connectOnce(ticket: string, iceServers: RTCIceServer[]): Promise<'dropped' | 'taken' | 'failed'> {
    const https = location.protocol === 'https:';
    const peer = new Peer(this.options.peerId, {
      host: location.hostname,
      port: Number(location.port) || (https ? 443 : 80),
      path: '/peerjs',
      key: 'peerjs',
      token: ticket,
      secure: https,
      config: { iceServers },
      debug: 0,
    });
    return new Promise((resolve) => {
      let opened = false;
      const onOpen = () => {
        opened = true;
        this.retrier.reset();
        this.status.set('connected');
        this.peer.set(peer);
      };
      const onDisconnected = () => end(opened ? 'dropped' : 'failed');
      const onError = (error: { type: string }) => {
        if (isIdTaken(error.type)) end('taken');
        else if (isFatalPeerError(error.type)) end(opened ? 'dropped' : 'failed');
      };
      const onAbort = () => end('dropped');
      // only our own listeners come off: the transfer engine may have added its own to this Peer
      const end = (how: 'dropped' | 'taken' | 'failed') => {
        peer.off('open', onOpen);
        peer.off('disconnected', onDisconnected);
        peer.off('error', onError);
        this.abort.signal.removeEventListener('abort', onAbort);
        if (this.peer.get() === peer) this.peer.set(null);
        if (!peer.destroyed) peer.destroy();
        resolve(how);
      };
      peer.on('open', onOpen);
      peer.on('disconnected', onDisconnected);
      peer.on('error', onError);
      this.abort.signal.addEventListener('abort', onAbort);
    });
  }
}
