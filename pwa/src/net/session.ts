// Everything that lives as long as the page, whatever screen is shown: the tracker client, this device's
// identity (registered on first run, retried until the tracker answers), the signaling connection that
// makes the device "online", and the hashing queue.
import type { ConfigResponse } from '../../../worker/protocol/api.ts';
import { LIMITS } from '../../../worker/protocol/limits.ts';
import { cleanText } from '../../../worker/protocol/text.ts';
import { suggestDeviceName } from '../state/deviceName.ts';
import { ApiError, isOffline, TrackerApi } from './api.ts';
import { Retrier } from './backoff.ts';
import { configIsStale, refreshTime } from './configFreshness.ts';
import { HashQueue } from './hashClient.ts';
import { clearIdentity, ensureIdentity, type Identity, saveIdentity } from './identity.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';
import { reconcileShares } from './rememberedShares.ts';
import { SignalingClient } from './signaling.ts';
import { Transfers } from './transfers.ts';
import { hasWebRtc } from './webrtc.ts';

export class Session {
  readonly api = new TrackerApi({ getSecret: () => this.identity.get()?.secret });
  readonly identity = new Observable<Identity | null>(null);
  readonly signaling = new Observable<SignalingClient | null>(null);
  readonly hashQueue = new HashQueue();
  /** The transfer engine, loaded once the page is up (see transfers.ts). */
  readonly transfers: Transfers = new Transfers(this);
  private config: ConfigResponse | undefined;
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private reconciled = false;
  /** This tab holds the device's signaling connection (other tabs of the device leave shares alone). */
  private activeTab = false;

  start(): void {
    onBrowserOnline(() => this.retrier.wake());
    // whenever the tracker answers again, finish what could not be done while it was away
    this.api.reachability.subscribe(() => {
      if (this.api.reachability.get() !== 'reachable') return;
      if (this.identity.get()?.nameUnsynced) void this.syncName();
      if (!this.reconciled && this.activeTab) void this.reconcile();
    });
    void this.register();
  }

  private async register(): Promise<void> {
    for (;;) {
      try {
        const identity = await ensureIdentity(
          (name) => this.api.createPeer(name),
          suggestDeviceName(navigator.userAgent),
        );
        this.identity.set(identity);
        break;
      } catch {
        await this.retrier.wait();
      }
    }
    this.retrier.reset();
    this.startSignaling(this.identity.get()!);
  }

  /**
   * Withdraws shares this page can no longer serve before the device shows up as online again. Only the
   * tab that speaks for the device does it: another open tab may be serving those very files.
   */
  private async reconcile(): Promise<void> {
    try {
      await reconcileShares(this.api, this.transfers.shared);
      this.reconciled = true;
    } catch {
      // the tracker is away: reachability's subscriber runs this again when it is back
    }
  }

  private startSignaling(identity: Identity): void {
    this.signaling.get()?.stop();
    const client = new SignalingClient({
      peerId: identity.peerId,
      getTicket: this.getTicket,
      getIceServers: async () => (await this.getConfig()).iceServers,
      // peerjs (with its WebRTC shims) is a third of the app's code: loaded once signaling starts, not
      // before the first screen
      createPeer: async (id, options) => new (await import('peerjs')).Peer(id, options),
      beforeConnect: async () => {
        this.activeTab = true;
        await this.reconcile();
      },
      presenceOnly: !hasWebRtc(),
    });
    this.signaling.set(client);
    client.start();
  }

  getTicket = async (): Promise<string> => {
    try {
      return (await this.api.ticket()).ticket;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthorized') void this.registerAgain();
      throw error;
    }
  };

  /**
   * The tracker's configuration, fetched again when its TURN credentials are about to run out, and once
   * this device is registered (TURN credentials are minted only for a registered device).
   */
  private configFor: string | null = null;
  async getConfig(): Promise<ConfigResponse> {
    const me = this.identity.get()?.peerId ?? null;
    if (!this.config || this.configFor !== me || configIsStale(this.config, Date.now())) {
      this.configFor = me;
      this.config = await this.api.config();
      this.scheduleIceRefresh(this.config);
    }
    return this.config;
  }

  /**
   * A live Peer keeps its configuration for every connection it makes later: hand it fresh TURN
   * credentials before the old ones expire (connections already made keep theirs).
   */
  private iceTimer: ReturnType<typeof setTimeout> | undefined;
  private scheduleIceRefresh(config: ConfigResponse): void {
    clearTimeout(this.iceTimer);
    const at = refreshTime(config);
    if (at === null) return;
    this.iceTimer = setTimeout(
      () => {
        void this.getConfig()
          .then((fresh) => this.signaling.get()?.setIceServers(fresh.iceServers))
          .catch(() => this.scheduleIceRefresh(config));
      },
      Math.max(1000, at - Date.now()),
    );
  }

  /** The tracker forgot us (its data was reset): start over as a new device. */
  private registering = false;
  private async registerAgain(): Promise<void> {
    if (this.registering) return;
    this.registering = true;
    const name = this.identity.get()?.name;
    this.signaling.get()?.stop();
    this.signaling.set(null);
    this.identity.set(null);
    await clearIdentity();
    try {
      const created = await this.api.createPeer(name);
      const identity = { peerId: created.peerId, secret: created.secret, name: created.name };
      await saveIdentity(identity);
      this.identity.set(identity);
      this.startSignaling(identity);
    } catch {
      await this.register();
    } finally {
      this.registering = false;
    }
  }

  /** A new secret from the tracker; the old one stops working there at once. */
  async rotateSecret(): Promise<void> {
    const current = this.identity.get();
    if (!current) throw new ApiError('unauthorized', 401);
    const { secret } = await this.api.rotateSecret();
    const next = { ...current, secret };
    await saveIdentity(next);
    this.identity.set(next);
  }

  /** Renames now if the tracker is reachable, otherwise keeps the name here and sends it later. */
  async rename(raw: string): Promise<void> {
    const name = cleanText(raw).slice(0, LIMITS.maxPeerNameLength);
    const current = this.identity.get();
    if (!current || !name || name === current.name) return;
    const next = { ...current, name, nameUnsynced: true };
    this.identity.set(next);
    await saveIdentity(next);
    await this.syncName();
  }

  private async syncName(): Promise<void> {
    const current = this.identity.get();
    if (!current?.nameUnsynced) return;
    try {
      const answer = await this.api.rename(current.name);
      const latest = this.identity.get();
      if (!latest || latest.peerId !== current.peerId) return;
      const synced = { ...latest, name: latest.name === current.name ? answer.name : latest.name };
      synced.nameUnsynced = latest.name !== current.name;
      this.identity.set(synced);
      await saveIdentity(synced);
    } catch (error) {
      if (!isOffline(error)) console.warn('rename failed', error);
    }
  }
}
