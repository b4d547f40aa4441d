// Who may download what from this device. A file is served only to a device that is, with this one, a
// member of a room in which this device shares that file. The decision is a pure function of its
// inputs; the membership it needs comes from the tracker, cached briefly and corrected by live events.
//
// A file this device is still downloading (a partial source) follows the same rule with "shares"
// replaced by "is fetching it for": its verified chunks are served only in the room the download was
// started from (the room whose listing named the file), to members of that room, and only while the
// download runs. Being a member of some other room that lists the same content gives nobody access.
import type { Clock } from './clock.ts';

export interface AccessRequest {
  /** this device (null before it has an identity: it serves nothing) */
  self: string | null;
  /** the requesting device, as the tracker's relay named it */
  remote: string;
  /** the room the request names */
  roomId: string;
  /** rooms in which this device shares the requested content (empty for content it does not hold) */
  sharedIn: ReadonlySet<string>;
  /** members of `roomId` as the tracker last said, or null when unknown (not reachable, not a member) */
  members: ReadonlySet<string> | null;
}

export function mayServe(r: AccessRequest): boolean {
  return (
    r.self !== null &&
    r.remote !== r.self &&
    r.sharedIn.has(r.roomId) &&
    (r.members?.has(r.self) ?? false) &&
    (r.members?.has(r.remote) ?? false)
  );
}

/** How long a room's member list is trusted without asking again. */
export const MEMBERS_TTL_MS = 10_000;
/** A member we do not know yet (just joined) makes us ask again, at most this often per room. */
const REFRESH_MIN_MS = 2000;

interface Entry {
  members: Set<string> | null;
  at: number;
}

/**
 * Room members as the tracker says (`GET /api/rooms/:roomId`, which answers only a member), cached for
 * MEMBERS_TTL_MS. Live `member-left` / `member-joined` events correct the cache at once where this device
 * follows the room. `fetchMembers` resolves null when this device is not a member (or the room is gone),
 * and rejects when the tracker cannot be reached (then nothing is cached and access is refused).
 */
export class RoomMembership {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Set<string> | null>>();
  /** members who left, and when: an answer fetched before that moment must not bring them back */
  private readonly departed = new Map<string, Map<string, number>>();
  private readonly fetchMembers: (roomId: string) => Promise<string[] | null>;
  private readonly clock: Clock;

  constructor(fetchMembers: (roomId: string) => Promise<string[] | null>, clock: Clock) {
    this.fetchMembers = fetchMembers;
    this.clock = clock;
  }

  /** The members of `roomId`, fresh enough to decide about `remote`; null when unknown. */
  async members(roomId: string, remote: string): Promise<ReadonlySet<string> | null> {
    const now = this.clock.now();
    const e = this.cache.get(roomId);
    const fresh = e && now - e.at < MEMBERS_TTL_MS;
    const knowsRemote = e?.members?.has(remote) ?? false;
    if (e && fresh && (knowsRemote || now - e.at < REFRESH_MIN_MS)) return e.members;
    return this.refresh(roomId).catch(() => null);
  }

  memberLeft(roomId: string, peerId: string): void {
    this.cache.get(roomId)?.members?.delete(peerId);
    const gone = this.departed.get(roomId) ?? new Map<string, number>();
    gone.set(peerId, this.clock.now());
    this.departed.set(roomId, gone);
  }

  memberJoined(roomId: string, peerId: string): void {
    this.departed.get(roomId)?.delete(peerId);
    this.cache.get(roomId)?.members?.add(peerId);
  }

  /** This device left the room (or was removed): nothing is served there until asked again. */
  forget(roomId: string): void {
    this.cache.delete(roomId);
    this.departed.delete(roomId);
  }

  private refresh(roomId: string): Promise<Set<string> | null> {
    let p = this.inflight.get(roomId);
    if (!p) {
      const asked = this.clock.now();
      p = this.fetchMembers(roomId)
        .then((list) => {
          const members = list ? new Set(list) : null;
          const gone = this.departed.get(roomId);
          for (const [peerId, at] of gone ?? []) {
            if (at >= asked) members?.delete(peerId);
            else gone!.delete(peerId); // the tracker's answer is newer than the event
          }
          this.cache.set(roomId, { members, at: this.clock.now() });
          return members;
        })
        .finally(() => this.inflight.delete(roomId));
      this.inflight.set(roomId, p);
    }
    return p;
  }
}

export interface AuthorizerDeps<F> {
  /** this device's id, once it has one */
  self(): string | null;
  /** rooms in which this device shares anything: nobody is asked about any other room */
  rooms(): ReadonlySet<string>;
  membership: RoomMembership;
  /** the rooms in which this device shares `contentId` (an in-memory lookup: the same cost for any id) */
  sharedIn(contentId: string): ReadonlySet<string>;
  /** the file itself, read only once access is granted */
  open(contentId: string): Promise<F | null>;
  /** rooms with a download running here (its verified chunks may be served there) */
  fetchRooms?(): ReadonlySet<string>;
  /** the room a running download of `contentId` was started from (empty when none, or not servable yet) */
  fetchingIn?(contentId: string): ReadonlySet<string>;
  /** the running download's verified chunks as a partial file, read only once access is granted */
  openPartial?(contentId: string): F | null;
}

/**
 * The serving side's check. "Not shared in that room", "not a member" and "no such file" all end in the
 * same null, so a request learns nothing about what this device holds elsewhere. Which path was taken is
 * chosen without looking at the content: a room where this device shares nothing is refused at once (so
 * a peer naming made-up rooms cannot make it call the tracker or grow its cache), and in any other room
 * the members are looked up whatever the content id. The time taken can tell whether this device shares
 * something in the named room, never what.
 */
export function createAuthorizer<F>(
  deps: AuthorizerDeps<F>,
): (r: { remote: string; roomId: string; contentId: string }) => Promise<F | null> {
  return async (r) => {
    if (!deps.rooms().has(r.roomId) && !deps.fetchRooms?.().has(r.roomId)) return null;
    const members = await deps.membership.members(r.roomId, r.remote);
    const request = { self: deps.self(), remote: r.remote, roomId: r.roomId, members };
    if (mayServe({ ...request, sharedIn: deps.sharedIn(r.contentId) })) return deps.open(r.contentId);
    const fetching = deps.fetchingIn?.(r.contentId);
    if (fetching && mayServe({ ...request, sharedIn: fetching }))
      return deps.openPartial?.(r.contentId) ?? null;
    return null;
  };
}
