// This computer as a device of one tracker: the PWA's typed API client bound to the tracker's origin, the
// identity from the config folder (registered on first use), room joins, tickets. Every failure comes out
// as a CliError with the API's stable code; an HTTPS tracker whose certificate is not trusted is `tls`.
import { hostname } from 'node:os';
import { ApiError, TrackerApi } from '../../pwa/src/net/api.ts';
import type { ConfigResponse } from '../../worker/protocol/api.ts';
import { LIMITS } from '../../worker/protocol/limits.ts';
import { cleanText } from '../../worker/protocol/text.ts';
import type { ConfigStore, DeviceIdentity } from './config.ts';
import { CliError } from './errors.ts';
import type { RoomLink } from './roomLink.ts';
import { certificateProblem } from './tls.ts';

export interface SessionOptions {
  /** Name to register this device under (default: the computer's host name). */
  deviceName?: string;
  timeoutMs?: number;
}

export class TrackerSession {
  readonly origin: string;
  readonly api: TrackerApi;
  private readonly config: ConfigStore;
  private readonly options: SessionOptions;
  private identity: DeviceIdentity | undefined;
  private registering: Promise<DeviceIdentity> | undefined;
  private reregistering: Promise<void> | undefined;
  private trackerConfig: ConfigResponse | undefined;
  private tlsProblem: string | null = null;
  private readonly identityListeners = new Set<(id: DeviceIdentity) => void>();

  constructor(origin: string, config: ConfigStore, options: SessionOptions = {}) {
    this.origin = origin;
    this.config = config;
    this.options = options;
    this.identity = config.device(origin);
    this.api = new TrackerApi({
      base: origin,
      getSecret: () => this.identity?.secret,
      timeoutMs: options.timeoutMs ?? 20_000,
      fetch: async (input, init) => {
        try {
          const response = await fetch(input, init);
          this.tlsProblem = null;
          return response;
        } catch (error) {
          this.tlsProblem = certificateProblem(error);
          throw error;
        }
      },
    });
  }

  /** This device's identity on the tracker, registered (once) if there is none yet. */
  device(): Promise<DeviceIdentity> {
    if (this.identity) return Promise.resolve(this.identity);
    this.registering ??= this.register().finally(() => {
      this.registering = undefined;
    });
    return this.registering;
  }

  get knownDevice(): DeviceIdentity | undefined {
    return this.identity;
  }

  /** Called when the tracker forgot this device and it registered again under a new id. */
  onIdentityChange(listener: (id: DeviceIdentity) => void): () => void {
    this.identityListeners.add(listener);
    return () => this.identityListeners.delete(listener);
  }

  /** Joins the room (idempotent on the tracker) and remembers its link. True when newly joined. */
  async join(link: RoomLink): Promise<boolean> {
    await this.device();
    // the invite travels in the link's fragment (/r/<roomId>#<invite>)
    const answer = await this.call(() => this.api.joinRoom(link.roomId, link.fragment ?? undefined));
    this.config.saveRoom({ origin: this.origin, roomId: link.roomId, link: link.href, joinedAt: Date.now() });
    return answer.joined;
  }

  async ticket(): Promise<string> {
    await this.device();
    return (await this.call(() => this.api.ticket())).ticket;
  }

  async trackerSettings(): Promise<ConfigResponse> {
    this.trackerConfig ??= await this.call(() => this.api.config());
    return this.trackerConfig;
  }

  /**
   * Runs an API call and turns its failure into a CliError. When the tracker no longer knows this device
   * (its data was reset), registers again once and retries: the caller joins its room again anyway.
   */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthorized' && this.identity) {
        await this.registerAgain();
        try {
          return await fn();
        } catch (again) {
          throw this.toCliError(again);
        }
      }
      throw this.toCliError(error);
    }
  }

  toCliError(error: unknown): CliError {
    if (error instanceof CliError) return error;
    if (error instanceof ApiError) {
      if (error.code === 'offline' && this.tlsProblem)
        return new CliError('tls', `${this.origin}: ${this.tlsProblem}`);
      const detail = error.code === 'offline' ? this.origin : error.detail;
      return new CliError(error.code, detail);
    }
    return new CliError('internal', error instanceof Error ? error.message : String(error));
  }

  private async register(wanted = this.options.deviceName): Promise<DeviceIdentity> {
    const name = deviceName(wanted);
    const created = await this.call(() => this.api.createPeer(name));
    const identity = { peerId: created.peerId, secret: created.secret, name: created.name };
    this.config.saveDevice(this.origin, identity);
    this.identity = identity;
    return identity;
  }

  /** At most one re-registration at a time: concurrent calls that all heard 401 wait for the same one. */
  private registerAgain(): Promise<void> {
    this.reregistering ??= (async () => {
      const name = this.identity?.name;
      this.identity = undefined;
      this.config.forgetDevice(this.origin);
      const identity = await this.register(name);
      for (const l of [...this.identityListeners]) l(identity);
    })().finally(() => {
      this.reregistering = undefined;
    });
    return this.reregistering;
  }
}

/** A display name the tracker accepts: the one asked for, else this computer's host name. */
export function deviceName(wanted?: string, host: () => string = hostname): string {
  const name = cleanText(wanted ?? '').slice(0, LIMITS.maxPeerNameLength);
  if (name) return name;
  let fallback = '';
  try {
    fallback = cleanText(host()).slice(0, LIMITS.maxPeerNameLength);
  } catch {
    // no host name: keep the generic one
  }
  return fallback || 'meshdrop CLI';
}
