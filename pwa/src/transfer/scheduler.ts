// Which chunk to ask which source for, and when to give up on a source. Pure: the caller passes the
// time; no timers, no I/O. Survives a pipelined receive path: it only hears "requested", "a piece
// arrived", "verified", "rejected", and answers "what next" and "who is too slow".
//
// - A source is asked only for chunks it holds: a complete source holds all, a partial source (one that
//   is downloading the file itself) what its have-map claims.
// - Rarest first: of the missing chunks a source holds, it gets those the fewest linked sources hold,
//   lowest index first among equals. So a complete source spends its upload on what no partial source
//   can give, the partial sources serve the rest, and a chunk only one source holds is fetched before
//   that source can leave. Among equally rare chunks each downloader goes in its own random order (a
//   permutation drawn from `seed`, per download): two downloaders of one file then mostly ask the
//   complete source for different chunks and trade them. In index order, or from different starting
//   points, they march in step and both fetch the same chunks from it (measured: no gain at all), since
//   a have-map says only what a source holds, not what it has asked for. With only complete sources
//   every chunk is equally rare: lowest index first (a file fills front to back, so media can preview
//   early), with no rarity scan.
// - The original source's upload is what is scarce while partial sources spread a file: a complete
//   source is not asked for a chunk that a linked partial source holds, or says is on its way to it
//   (`coming`, trusted for COMING_MS, see claims.ts). So two downloaders of one file each fetch their
//   own share from it and trade the rest, and it sends each chunk about once (measured: 1.4-1.75 times
//   the file before). Rarity alone cannot do this: what another downloader has asked for looks as rare
//   as anything. A partial source that does not deliver what it holds misses its deadlines (dropped,
//   then the complete source is asked); one whose claims expire is no longer believed. And whatever it
//   says, one partial source keeps the complete sources off one chunk for SPARE_MS at most over the whole
//   download, so a hostile one (claims withdrawn and made again, relinks, a trickle) cannot stall it.
// - End-game: once no chunk is missing, an idle source may also take chunks another source still owes
//   (at most two owners per chunk); the first verified copy wins and the other owner forgets it.
// - A source that owes data is dropped when it sends no valid piece for `silenceMs`, or delivers no
//   verified chunk within `progressGraceMs` plus the chunk's length at `minRate`: liveness counts
//   verified bytes, so neither junk nor a trickle keeps a source alive.
// - A source whose chunks fail verification `MAX_BAD_CHUNKS_PER_SOURCE` times is banned.

export type ChunkState = 'missing' | 'inflight' | 'done';

/** Bad chunks one source may send before the scheduler stops using it. */
export const MAX_BAD_CHUNKS_PER_SOURCE = 3;

export const SOURCE_DEADLINES = {
  /** Owing data and no valid piece for this long: the source is gone. */
  silenceMs: 10_000,
  /** Slack before the first verified chunk of a busy period (connection warm-up, the source's disk). */
  progressGraceMs: 15_000,
  /** Slowest delivery of verified bytes a source may keep its chunks at (bytes per second). */
  minRate: 64 * 1024,
  /**
   * A partial source that has had nothing for us (no chunk we miss) for this long is let go, so one that
   * claims to be partial and never announces anything cannot keep a download waiting forever; like an
   * honest source's idle transfer, after which it would close it. Not a ban: it may come back.
   */
  uselessMs: 60_000,
} as const;

/**
 * While another source is still connecting (it may turn out to be a partial source, whose have-map and
 * claims would spare the complete one), a complete source gets one chunk at a time, for at most this long.
 */
export const CONNECT_GRACE_MS = 3000;
/**
 * Chunks a complete source has in flight at once while a partial source is linked: what is asked of the
 * scarce source stays fresh in the `coming` claims other downloaders see (a deep window there only makes
 * their requests collide with ours, and lengthens the wait for our last chunks); two keep it busy.
 */
export const SHARED_SOURCE_CHUNKS = 2;

/**
 * How long one partial source may keep the complete sources off one chunk (because it holds it or says
 * it is coming), over the whole download: counted from the first time it did, never renewed by a claim
 * withdrawn and made again, a new link, or a have-map that grows. A hostile member that claims chunks it
 * never delivers, or trickles them, holds the download back by this much at most, not indefinitely.
 */
export const SPARE_MS = 10_000;

/** Owners a chunk may have at once (the original and one end-game copy). */
const MAX_OWNERS = 2;

export type DropReason = 'silent' | 'slow' | 'useless';

/** Which chunks a source claims to hold (a HaveMap); a claim only: every chunk is still verified. */
export interface HaveView {
  has(index: number): boolean;
  readonly complete: boolean;
  /** whether the source says `index` is on its way to it (a partial source's `coming`, see claims.ts) */
  coming?(index: number, now: number): boolean;
}

interface SourceRecord {
  /** what it holds: null all of it; undefined not linked now (not counted for rarity) */
  have: HaveView | null | undefined;
  inflight: Set<number>;
  bytes: number;
  /** when it last went from owing nothing to owing something */
  owingSince: number;
  lastPiece: number;
  lastVerified: number;
  /** when it was linked, or last given a chunk */
  lastAssigned: number;
  /** when it started connecting (no manifest yet), else null */
  connectingSince: number | null;
  bad: number;
  banned: boolean;
  /** chunk -> when this source first kept the complete sources off it (see SPARE_MS); kept across links */
  spared: Map<number, number>;
}

export interface TakeLimits {
  maxChunks: number;
  maxBytes: number;
}

export class ChunkScheduler {
  readonly count: number;
  private readonly lengthOf: (index: number) => number;
  private readonly state: Uint8Array; // 0 missing, 1 inflight, 2 done
  /** inflight chunk -> its owners, in request order, and when it was first requested */
  private readonly owners = new Map<number, { sources: string[]; since: number }>();
  private readonly sources = new Map<string, SourceRecord>();
  private cursor = 0; // every chunk below it is inflight or done
  private done = 0;
  private missingCount: number;
  /** Chunks that failed verification, over the whole transfer. */
  rejected = 0;

  /** The order in which equally rare chunks are taken while partial sources are linked (see the top). */
  private readonly seed: number;
  private order: Uint32Array | null = null;

  constructor(
    count: number,
    lengthOf: (index: number) => number,
    alreadyDone: Iterable<number> = [],
    seed = 0,
  ) {
    this.count = count;
    this.seed = seed >>> 0;
    this.lengthOf = lengthOf;
    this.state = new Uint8Array(count);
    for (const i of alreadyDone) {
      if (Number.isInteger(i) && i >= 0 && i < count && this.state[i] !== 2) {
        this.state[i] = 2;
        this.done++;
      }
    }
    this.missingCount = count - this.done;
  }

  get doneCount(): number {
    return this.done;
  }

  get complete(): boolean {
    return this.done === this.count;
  }

  stateOf(index: number): ChunkState | undefined {
    const s = this.state[index];
    return s === undefined ? undefined : (['missing', 'inflight', 'done'] as const)[s];
  }

  isUsable(source: string): boolean {
    return !this.sources.get(source)?.banned;
  }

  isOwner(index: number, source: string): boolean {
    return this.owners.get(index)?.sources.includes(source) ?? false;
  }

  /** Every chunk requested and not yet verified, from any source. */
  requested(): number[] {
    return [...this.owners.keys()];
  }

  inflight(source: string): number[] {
    return [...(this.sources.get(source)?.inflight ?? [])];
  }

  /** Bytes requested and not yet verified: from one source, or from all (end-game copies counted twice). */
  inflightBytes(source?: string): number {
    if (source !== undefined) return this.sources.get(source)?.bytes ?? 0;
    let n = 0;
    for (const r of this.sources.values()) n += r.bytes;
    return n;
  }

  /**
   * `source` is linked and holds these chunks (null: all of them). A partial source's map is kept by
   * reference: chunks it announces later count at once (the caller then asks `take` again).
   */
  setHave(source: string, have: HaveView | null, now: number): void {
    const rec = this.record(source, now);
    rec.have = have;
    rec.lastAssigned = now;
    rec.connectingSince = null;
  }

  /** `source` is being connected to: what it holds is not known yet (see CONNECT_GRACE_MS). */
  connecting(source: string, now: number): void {
    const rec = this.record(source, now);
    if (rec.have === undefined) rec.connectingSince = now;
  }

  /** Whether `source` is linked and holds only part of the file. */
  isPartial(source: string): boolean {
    const have = this.sources.get(source)?.have;
    return have !== undefined && have !== null && !have.complete;
  }

  /** Whether `source` could be given something now (missing chunks it holds, or end-game copies). */
  hasWorkFor(source: string, now = 0): boolean {
    if (!this.isUsable(source) || this.complete) return false;
    const have = this.sources.get(source)?.have ?? null;
    const spare = this.spareFor(source, have, now);
    if (this.missingCount > 0)
      for (let i = this.cursor; i < this.count; i++)
        if (this.state[i] === 0 && (have?.has(i) ?? true) && spare(i)) return true;
    for (const [i, o] of this.owners)
      if (o.sources.length < MAX_OWNERS && !o.sources.includes(source) && (have?.has(i) ?? true) && spare(i))
        return true;
    return false;
  }

  /**
   * Chunks a complete source may have in flight, as far as the other sources go: one while another
   * source connects (for less than CONNECT_GRACE_MS), SHARED_SOURCE_CHUNKS while a partial source is
   * linked; no bound of its own otherwise (and for a partial source).
   */
  private depthFor(source: string, have: HaveView | null, now: number): number {
    if (have !== null && !have.complete) return Number.POSITIVE_INFINITY;
    let depth = Number.POSITIVE_INFINITY;
    for (const [s, r] of this.sources) {
      if (s === source || r.banned) continue;
      if (r.connectingSince !== null && now - r.connectingSince < CONNECT_GRACE_MS) return 1;
      if (r.have && !r.have.complete) depth = SHARED_SOURCE_CHUNKS;
    }
    return depth;
  }

  /**
   * Whether `source` may be asked for a chunk as far as the other sources go: a complete source not for
   * one a linked partial source holds or has coming (see the top of the file); a partial source always.
   */
  private spareFor(source: string, have: HaveView | null, now: number): (index: number) => boolean {
    if (have !== null && !have.complete) return () => true;
    const partials: { have: HaveView; spared: Map<number, number> }[] = [];
    for (const [s, r] of this.sources)
      if (s !== source && !r.banned && r.have && !r.have.complete)
        partials.push({ have: r.have, spared: r.spared });
    if (partials.length === 0) return () => true;
    const keeps = (p: (typeof partials)[number], i: number) => {
      if (!(p.have.has(i) || p.have.coming?.(i, now))) return false;
      const since = p.spared.get(i);
      if (since === undefined) p.spared.set(i, now);
      return since === undefined || now - since <= SPARE_MS;
    };
    return (i) => !partials.some((p) => keeps(p, i));
  }

  /**
   * Chunks for `source`, now in flight there: missing ones it holds, rarest first (see the top of the
   * file); when none is missing, copies of chunks others still owe, oldest request first. Always within
   * both limits.
   */
  take(source: string, now: number, limits: TakeLimits): number[] {
    const rec = this.record(source, now);
    const have = rec.have ?? null;
    const depth = this.depthFor(source, have, now);
    if (depth < Number.POSITIVE_INFINITY)
      limits = { ...limits, maxChunks: Math.min(limits.maxChunks, depth - rec.inflight.size) };
    if (rec.banned || limits.maxChunks <= 0) return [];
    const spare = this.spareFor(source, have, now);
    const out: number[] = [];
    let bytes = 0;
    const fits = (i: number) => out.length < limits.maxChunks && bytes + this.lengthOf(i) <= limits.maxBytes;
    for (const i of this.missingFor(have, spare, limits.maxChunks)) {
      if (!fits(i)) break;
      this.state[i] = 1;
      this.missingCount--;
      this.owners.set(i, { sources: [], since: now });
      bytes += this.assign(i, rec, source, now);
      out.push(i);
    }
    if (out.length > 0 || this.missingCount > 0) return out;
    const candidates = [...this.owners]
      .filter(
        ([i, o]) =>
          o.sources.length < MAX_OWNERS && !o.sources.includes(source) && (have?.has(i) ?? true) && spare(i),
      )
      .sort((a, b) => a[1].since - b[1].since || a[0] - b[0]);
    for (const [i] of candidates) {
      if (!fits(i)) break;
      bytes += this.assign(i, rec, source, now);
      out.push(i);
    }
    return out;
  }

  /**
   * Missing chunks `have` holds (and `spare` allows), in the order to ask for them: rarest first, then lowest index. Stops
   * early once `enough` chunks held by no other linked source are found (none can be rarer).
   */
  private missingFor(have: HaveView | null, spare: (index: number) => boolean, enough: number): number[] {
    const others: HaveView[] = [];
    let partial = have !== null && !have.complete;
    let linked = 0;
    for (const r of this.sources.values()) {
      if (r.banned || r.have === undefined) continue;
      linked++;
      if (r.have !== null) {
        others.push(r.have);
        if (!r.have.complete) partial = true;
      }
    }
    const byRarity: number[][] = [];
    const order = partial ? this.permutation() : null;
    for (let k = order ? 0 : this.cursor; k < this.count && this.missingCount > 0; k++) {
      const i = order ? order[k]! : k;
      if (this.state[i] !== 0) {
        if (i === this.cursor) this.cursor++;
        continue;
      }
      if ((have !== null && !have.has(i)) || !spare(i)) continue;
      // every linked source complete: all chunks equally rare, lowest first
      let holders = 0;
      if (partial) {
        holders = linked - others.length; // complete sources hold everything
        for (const o of others) if (o.has(i)) holders++;
      }
      const bucket = byRarity[holders] ?? [];
      byRarity[holders] = bucket;
      bucket.push(i);
      // nothing can be rarer than a chunk only this source holds
      if (holders <= 1 && bucket.length >= enough) break;
    }
    return byRarity.flatMap((b) => b ?? []);
  }

  /** This download's own order of the chunks (Fisher-Yates from `seed`, 4 bytes a chunk), made once. */
  private permutation(): Uint32Array {
    if (this.order) return this.order;
    const order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    let x = this.seed || 0x9e3779b9;
    for (let i = this.count - 1; i > 0; i--) {
      // xorshift32: a small, seedable generator (tests pass the seed; a download passes a random one)
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      const j = x % (i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    this.order = order;
    return order;
  }

  /** A valid piece of an owed chunk arrived from `source`: it is not silent. */
  piece(source: string, now: number): void {
    const rec = this.sources.get(source);
    if (rec) rec.lastPiece = now;
  }

  /**
   * Chunk `index` arrived from `source` and verified. Returns the other owners (their copies are now
   * waste, to be forgotten), or null when it was not expected from `source` (already done, never asked).
   */
  markDone(index: number, source: string, now: number): string[] | null {
    const o = this.owners.get(index);
    if (this.state[index] !== 1 || !o?.sources.includes(source)) return null;
    this.state[index] = 2;
    this.done++;
    this.owners.delete(index);
    for (const s of o.sources) this.unassign(index, s);
    const rec = this.sources.get(source)!;
    rec.lastVerified = now;
    return o.sources.filter((s) => s !== source);
  }

  /** Chunk `index` from `source` failed verification: ask again (maybe elsewhere). True when `source` is now banned. */
  reject(index: number, source: string): boolean {
    if (!this.isOwner(index, source)) return false;
    this.rejected++;
    this.drop(index, source);
    const rec = this.sources.get(source)!;
    rec.bad++;
    if (rec.bad < MAX_BAD_CHUNKS_PER_SOURCE) return false;
    this.ban(source);
    return true;
  }

  /** Stops using `source` for this download (it lied, or was too slow): its chunks go back. */
  ban(source: string): void {
    const rec = this.sources.get(source);
    if (!rec) {
      this.sources.set(source, { ...blankRecord(0), banned: true });
      return;
    }
    rec.banned = true;
    this.release(source);
  }

  /** The source left or failed: everything it had in flight goes back to the queue; it counts for no rarity. */
  release(source: string): void {
    for (const i of this.inflight(source)) this.drop(i, source);
    const rec = this.sources.get(source);
    if (rec) {
      rec.have = undefined;
      rec.connectingSince = null;
    }
  }

  /** Sources that owe data and broke a deadline, with why. The caller drops them (and bans them). */
  overdue(now: number): { source: string; reason: DropReason }[] {
    const out: { source: string; reason: DropReason }[] = [];
    for (const [source, rec] of this.sources) {
      if (rec.banned) continue;
      if (rec.inflight.size === 0) {
        const partial = rec.have !== undefined && rec.have !== null && !rec.have.complete;
        if (partial && now - rec.lastAssigned > SOURCE_DEADLINES.uselessMs)
          out.push({ source, reason: 'useless' });
        continue;
      }
      if (now - Math.max(rec.owingSince, rec.lastPiece) > SOURCE_DEADLINES.silenceMs) {
        out.push({ source, reason: 'silent' });
        continue;
      }
      let longest = 0;
      for (const i of rec.inflight) longest = Math.max(longest, this.lengthOf(i));
      const allowed = SOURCE_DEADLINES.progressGraceMs + (longest * 1000) / SOURCE_DEADLINES.minRate;
      if (now - Math.max(rec.owingSince, rec.lastVerified) > allowed) out.push({ source, reason: 'slow' });
    }
    return out;
  }

  private record(source: string, now: number): SourceRecord {
    let rec = this.sources.get(source);
    if (!rec) {
      rec = blankRecord(now);
      this.sources.set(source, rec);
    }
    return rec;
  }

  private assign(index: number, rec: SourceRecord, source: string, now: number): number {
    if (rec.inflight.size === 0) {
      rec.owingSince = now;
      rec.lastPiece = now;
      rec.lastVerified = now;
    }
    rec.inflight.add(index);
    rec.lastAssigned = now;
    const length = this.lengthOf(index);
    rec.bytes += length;
    this.owners.get(index)!.sources.push(source);
    return length;
  }

  private unassign(index: number, source: string) {
    const rec = this.sources.get(source);
    if (rec?.inflight.delete(index)) rec.bytes -= this.lengthOf(index);
  }

  /** `source` no longer owes `index`; with no owner left it is missing again. */
  private drop(index: number, source: string) {
    const o = this.owners.get(index);
    if (!o?.sources.includes(source)) return;
    o.sources = o.sources.filter((s) => s !== source);
    this.unassign(index, source);
    if (o.sources.length > 0) return;
    this.owners.delete(index);
    this.state[index] = 0;
    this.missingCount++;
    if (index < this.cursor) this.cursor = index;
  }
}

function blankRecord(now: number): SourceRecord {
  return {
    have: undefined,
    inflight: new Set(),
    bytes: 0,
    owingSince: now,
    lastPiece: now,
    lastVerified: now,
    lastAssigned: now,
    connectingSince: null,
    bad: 0,
    banned: false,
    spared: new Map(),
  };
}
