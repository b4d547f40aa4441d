// Keeps one PeerJS Peer connected to the tracker's relay. Being connected is also what makes this
// device "online" in its rooms. When the Peer drops (tracker restart, network change, ticket expiry) it
// is destroyed and rebuilt with a fresh ticket after a backoff; the transfer engine watches `peer` to
// re-attach its handlers to each new one. The same client keeps the command-line peer (cli/) connected in
// Node, which brings its own way of loading peerjs and names the tracker's address.
import type { Peer, PeerOptions } from 'peerjs';
import { PEERJS_KEY } from '../../../worker/protocol/signalingKeys.ts';
import { Retrier } from './backoff.ts';
import { bestEffort } from './bestEffort.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';
import { isFatalPeerError, isIdTaken } from './peerErrors.ts';
import { holdPresence, presenceUrl } from './presenceSocket.ts';
import { browserLockDeps, type FallbackLockDeps, withFallbackLock } from './tabLock.ts';

export type SignalingStatus = 'connecting' | 'connected' | 'retrying' | 'taken';

export interface SignalingOptions {
  peerId: string;
  getTicket: () => Promise<string>;
  getIceServers: () => Promise<RTCIceServer[]>;
  /**
   * Runs once this tab speaks for the device (it holds the signaling lock), before it first connects:
   * the place for work that only the device's active tab may do.
   */
  beforeConnect?: () => Promise<void>;
  /** Makes each Peer (the page loads peerjs on first use; Node loads peerjs differently). */
  createPeer: (id: string, options: PeerOptions) => Peer | Promise<Peer>;
  /** Where the relay is: the page's own origin unless given. */
  server?: { host: string; port: number; secure: boolean };
  /** The tab agreement where Web Locks are missing: the browser's by default, null for none (tests). */
  tabLock?: FallbackLockDeps | null;
  /** No WebRTC here: hold the relay socket for presence only, with no Peer (see presenceSocket.ts). */
  presenceOnly?: boolean;
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
    // One tab per device holds the signaling connection (the tracker gives the id to the newest socket,
    // so two tabs would take it from each other in turns, and the second one's share clean-up would
    // withdraw the first one's live shares). Another tab waits, says so, and takes over when the first
    // one closes. Web Locks in secure contexts; a BroadcastChannel agreement on plain-http pages.
    const name = `meshdrop-signaling-${this.options.peerId}`;
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks) {
      const deps = this.options.tabLock === undefined ? browserLockDeps(name) : this.options.tabLock;
      if (!deps) {
        void this.run();
        return;
      }
      void withFallbackLock(
        deps,
        this.abort.signal,
        () => this.run(),
        () => this.status.set('taken'),
      );
      return;
    }
    let granted = false;
    void locks
      .request(name, { signal: this.abort.signal }, async () => {
        granted = true;
        await this.run();
      })
      .catch(() => undefined); // aborted while waiting: this client was stopped
    void locks.query().then((state) => {
      if (!granted && state.held?.some((lock) => lock.name === name)) this.status.set('taken');
    });
  }

  stop(): void {
    this.abort.abort();
    this.offOnline();
    this.peer.get()?.destroy();
    this.peer.set(null);
  }

  reconnectNow = (): void => this.retrier.wake();

  /** New ICE servers (fresh TURN credentials) for the connections the current Peer makes from now on. */
  setIceServers(iceServers: RTCIceServer[]): void {
    const peer = this.peer.get();
    // peerjs builds each RTCPeerConnection from options.config when the connection starts
    if (peer) peer.options.config = { ...peer.options.config, iceServers };
  }

  private readonly onOpen = (): void => {
    this.retrier.reset();
    this.status.set('connected');
  };

  private async run(): Promise<void> {
    const { signal } = this.abort;
    await this.options.beforeConnect?.().catch(bestEffort('the step before connecting')); // connect anyway
    while (!signal.aborted) {
      this.status.set('connecting');
      let outcome: 'dropped' | 'taken' | 'failed' = 'failed';
      try {
        const [ticket, iceServers] = await Promise.all([
          this.options.getTicket(),
          this.options.getIceServers(),
        ]);
        if (signal.aborted) return;
        outcome = this.options.presenceOnly
          ? await holdPresence(
              presenceUrl(this.options.server ?? pageServer(), this.options.peerId, ticket),
              signal,
              this.onOpen,
            )
          : await this.connectOnce(ticket, iceServers);
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

  /**
   * One Peer's life: resolves once it is unusable (and destroyed). After it has opened once, a lost
   * signaling socket (tracker restart, network change) is repaired with `reconnect()` and a fresh ticket
   * on the SAME Peer: destroying it would also close every data connection, and with them any transfer
   * in progress, which needs no tracker once it runs.
   */
  private async connectOnce(
    ticket: string,
    iceServers: RTCIceServer[],
  ): Promise<'dropped' | 'taken' | 'failed'> {
    const server = this.options.server ?? pageServer();
    const peer = await this.options.createPeer(this.options.peerId, {
      host: server.host,
      port: server.port,
      path: '/peerjs',
      key: PEERJS_KEY,
      token: ticket,
      secure: server.secure,
      config: { iceServers },
      debug: 0,
    });
    // stopped while peerjs was loading
    if (this.abort.signal.aborted) {
      peer.destroy();
      return 'dropped';
    }
    return new Promise((resolve) => {
      let opened = false;
      let rejoining = false;
      const onOpen = () => {
        opened = true;
        this.onOpen();
        this.peer.set(peer);
      };
      const onDisconnected = () => {
        if (!opened) return end('failed');
        this.status.set('retrying');
        if (rejoining) return;
        rejoining = true;
        void this.rejoin(peer).then((ok) => {
          rejoining = false;
          if (!ok) end('dropped');
        });
      };
      const onError = (error: { type: string }) => {
        if (isIdTaken(error.type)) end('taken');
        // once open, socket and server errors leave the Peer disconnected: onDisconnected repairs it
        else if (!opened && isFatalPeerError(error.type)) end('failed');
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

  /** Reconnects a disconnected Peer with fresh tickets until it is open again; false when it cannot be. */
  private async rejoin(peer: Peer): Promise<boolean> {
    const { signal } = this.abort;
    while (!signal.aborted && !peer.destroyed) {
      if (!(await this.retrier.wait(signal))) return false;
      try {
        const ticket = await this.options.getTicket();
        if (peer.destroyed || signal.aborted) return false;
        // reconnect() reuses the Peer's token: the old ticket may have expired meanwhile
        peer.options.token = ticket;
        peer.reconnect();
        if (await settled(peer)) return true;
      } catch {
        // no ticket (tracker away) or reconnect refused: wait and try again
      }
    }
    return false;
  }
}

function pageServer(): { host: string; port: number; secure: boolean } {
  const secure = location.protocol === 'https:';
  return { host: location.hostname, port: Number(location.port) || (secure ? 443 : 80), secure };
}

/** Resolves true once the Peer is open again, false when it drops again or takes too long. */
function settled(peer: Peer): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      peer.off('open', opened);
      peer.off('disconnected', dropped);
      resolve(ok);
    };
    const opened = () => done(true);
    const dropped = () => done(false);
    const timer = setTimeout(() => done(peer.open), 15_000);
    peer.on('open', opened);
    peer.on('disconnected', dropped);
  });
}
