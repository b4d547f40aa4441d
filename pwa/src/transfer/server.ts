// The serving side: answers `open` with the manifest and `get` with chunk pieces, read lazily from the
// Blob a block at a time, paced by the channel's water marks. A downloader is assumed hostile: every
// message is validated, transfers are limited per downloader and in total, idle ones expire, requested
// chunks are deduplicated and their queue bounded, a flood or a stream of malformed messages closes the
// channel, and a file is served only to a member of a room it is shared in (`authorize`), with the same
// answer as for an unknown file otherwise.
//
// A file this device is still downloading is served as a partial source: the manifest says `partial`,
// `have` messages say which chunks it holds (the verified ones, new ones at most every
// HAVE_ANNOUNCE_MS), a `get` for anything else ends the transfer, and when the download stops (finished,
// cancelled or failed) its transfers end with `timeout`, so a downloader asks again and gets the complete
// file from the library, or nothing. A partial is never described as complete.
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import {
  COMING_ANNOUNCE_MS,
  type ControlMessage,
  foreignOpen,
  HAVE_ANNOUNCE_MS,
  TRANSFER_LIMITS,
  type TransferErrorCode,
} from '../../../worker/protocol/transfer.ts';
import type { Channel } from './channel.ts';
import { comingRanges } from './claims.ts';
import { type Clock, systemClock, within } from './clock.ts';
import { decodeControl, encodeControl } from './control.ts';
import { HIGH_WATER, LOW_WATER } from './flow.ts';
import { encodeFrame, FrameKind, piecePayloadSize } from './frames.ts';
import { type HaveMap, toRanges } from './haveMap.ts';

interface FileFacts {
  contentId: string;
  size: number;
  chunkSize: number;
  chunkHashes: Uint8Array;
  name: string;
}

/** A file being downloaded here: the chunks verified so far can be served. */
export interface PartialSource {
  /** the verified chunks; grows */
  have: HaveMap;
  /** each newly verified chunk, until the returned function is called */
  onHave(listener: (index: number) => void): () => void;
  /** the chunks it has asked for and not yet verified (said as `coming` to version-4 downloaders) */
  coming(): number[];
  /** what `coming` answers may have changed, until the returned function is called */
  onComing(listener: () => void): () => void;
  /** the download stopped (finished, cancelled, failed): nothing more is served from here */
  onEnd(listener: () => void): () => void;
  /** `length` bytes of verified chunk `index` from `offset` */
  read(index: number, offset: number, length: number): Promise<Uint8Array>;
}

/** A complete file (a Blob read lazily), or a partial one (`partial`): never both. */
export type ServedFile = FileFacts &
  ({ blob: Blob; partial?: undefined } | { blob?: undefined; partial: PartialSource });

export interface OpenRequest {
  /** the requesting device (set by the tracker's relay, not by the peer) */
  remote: string;
  roomId: string;
  contentId: string;
}

export interface UploadInfo {
  key: string;
  remote: string;
  roomId: string;
  contentId: string;
  name: string;
  size: number;
  bytesSent: number;
  startedAt: number;
  active: boolean;
}

export interface ServerLimits {
  maxTransfersPerRemote: number;
  maxTransfers: number;
  maxQueuedChunks: number;
  transferIdleMs: number;
  /** A channel with no transfer for this long is closed (connections that never `open` included). */
  channelIdleMs: number;
  /** Messages waiting to be handled on one channel before it counts as a flood and is closed. */
  maxPendingMessages: number;
  /** Malformed or unexpected messages one channel may send before it is closed. */
  maxProtocolErrors: number;
  /** A downloader that reads nothing for this long while we wait to send is cut off. */
  sendStallMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  maxTransfersPerRemote: TRANSFER_LIMITS.maxTransfersPerRemote,
  maxTransfers: TRANSFER_LIMITS.maxTransfers,
  maxQueuedChunks: TRANSFER_LIMITS.maxQueuedChunks,
  transferIdleMs: TRANSFER_LIMITS.transferIdleMs,
  channelIdleMs: 30_000,
  maxPendingMessages: 256,
  maxProtocolErrors: 16,
  sendStallMs: 30_000,
};

/** Bytes read from the file at once: the sender's memory per transfer, whatever the chunk size. */
export const READ_BLOCK_BYTES = 1024 * 1024;

export interface ServerOptions {
  /** The file to serve for this request, or null (the same answer for "unknown" and "not for you"). */
  authorize: (request: OpenRequest) => ServedFile | null | Promise<ServedFile | null>;
  clock?: Clock;
  limits?: Partial<ServerLimits>;
  onUploadChange?: (upload: UploadInfo) => void;
  /** Test seam for the hostile-source journey: may alter a block of a chunk before it is sent. */
  tamper?: (contentId: string, index: number, bytes: Uint8Array, offset: number) => Uint8Array;
}

/** What a hostile downloader achieved, for diagnostics and the hostile-peer journey. */
export interface ServerStats {
  /** malformed or unexpected messages */
  dropped: number;
  busy: number;
  notFound: number;
  badRequests: number;
  /** transfers ended for idling */
  expired: number;
  /** channels closed for flooding, malformed input, idling or not reading */
  closedChannels: number;
  /** chunk indices ignored because they were already queued */
  duplicateChunks: number;
}

interface Serving {
  id: number;
  file: ServedFile;
  count: number;
  queue: number[];
  queued: Set<number>;
  pumping: boolean;
  ended: boolean;
  idle: unknown;
  info: UploadInfo;
  /** a partial source's haves not yet announced, their timer, and what to undo when the transfer ends */
  newHaves: number[];
  haveTimer: unknown;
  unsubscribe: (() => void)[];
  /** the downloader's protocol version (from 4 it is told what is `coming`), the last `coming` sent, its timer */
  version: number;
  lastComing: string;
  comingTimer: unknown;
}

interface Attached {
  channel: Channel;
  transfers: Map<number, Serving>;
  /** ids of `open`s being authorized (they hold a slot already) */
  opening: Set<number>;
  pending: number;
  errors: number;
  idle: unknown;
}

/** One answer for "no such file" and "not for you", so a request learns nothing either way. */
const NOT_SHARED = 'This device does not share that file with you.';

export class TransferServer {
  readonly stats: ServerStats = {
    dropped: 0,
    busy: 0,
    notFound: 0,
    badRequests: 0,
    expired: 0,
    closedChannels: 0,
    duplicateChunks: 0,
  };
  private active = 0;
  private readonly perRemote = new Map<string, number>();
  private readonly attached = new Set<Attached>();
  private readonly channels = new WeakSet<Channel>();
  private readonly options: ServerOptions;
  private readonly clock: Clock;
  private readonly limits: ServerLimits;

  constructor(options: ServerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.limits = { ...SERVER_LIMITS, ...options.limits };
  }

  /** Messages dropped because they were malformed or unexpected. */
  get dropped(): number {
    return this.stats.dropped;
  }

  /** Transfers being served now (all downloaders). */
  get activeTransfers(): number {
    return this.active;
  }

  attach(channel: Channel): void {
    // serving one channel twice would send everything twice (and the downloader would drop us)
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    const a: Attached = {
      channel,
      transfers: new Map(),
      opening: new Set(),
      pending: 0,
      errors: 0,
      idle: null,
    };
    this.attached.add(a);
    this.armChannelIdle(a);
    // one message at a time, in arrival order: a `get` right behind its `open` must see the transfer
    let queue: Promise<void> = Promise.resolve();
    channel.onMessage((data) => {
      if (channel.closed) return;
      const msg = typeof data === 'string' ? decodeControl(data) : null;
      if (!msg) return this.malformed(a, data);
      if (++a.pending > this.limits.maxPendingMessages) return this.closeChannel(a);
      queue = queue
        .then(() => this.handle(a, msg))
        .catch(() => this.closeChannel(a))
        .finally(() => {
          a.pending--;
        });
    });
    channel.onClose(() => {
      this.attached.delete(a);
      this.clock.clearTimeout(a.idle);
      for (const t of [...a.transfers.values()]) this.finish(a, t);
    });
  }

  /** Ends `remote`'s transfers (in `roomId`, or everywhere): it lost access. */
  revoke(remote: string, roomId?: string): void {
    for (const a of this.attached) {
      if (a.channel.remote !== remote) continue;
      for (const t of [...a.transfers.values()]) {
        if (roomId !== undefined && t.info.roomId !== roomId) continue;
        this.fail(a, t.id, 'not_found', NOT_SHARED);
        this.finish(a, t);
      }
    }
  }

  private async handle(a: Attached, msg: ControlMessage) {
    const { channel } = a;
    if (channel.closed) return;
    if (msg.t === 'open') return this.open(a, msg);
    const t = a.transfers.get(msg.id);
    if (!t) return this.protocolError(a);
    if (msg.t === 'get') {
      if (msg.chunks.some((i) => i >= t.count)) {
        this.stats.badRequests++;
        this.fail(a, msg.id, 'bad_request', 'No such chunk.');
        return this.finish(a, t);
      }
      const have = t.file.partial?.have;
      if (have && msg.chunks.some((i) => !have.has(i))) {
        this.stats.badRequests++;
        this.fail(a, msg.id, 'bad_request', 'This device does not hold that chunk yet.');
        return this.finish(a, t);
      }
      for (const i of msg.chunks) {
        if (t.queued.has(i)) {
          this.stats.duplicateChunks++;
          continue;
        }
        t.queued.add(i);
        t.queue.push(i);
      }
      if (t.queue.length > this.limits.maxQueuedChunks) {
        this.stats.badRequests++;
        this.fail(a, msg.id, 'bad_request', 'Too many chunks asked for at once.');
        return this.finish(a, t);
      }
      this.clock.clearTimeout(t.idle);
      t.idle = null;
      if (!t.pumping) void this.pump(a, t);
    } else if (msg.t === 'cancel' || msg.t === 'error') {
      this.finish(a, t);
    } else {
      this.protocolError(a); // a downloader does not send manifests
    }
  }

  private async open(a: Attached, msg: Extract<ControlMessage, { t: 'open' }>) {
    const { channel } = a;
    const remote = channel.remote;
    if (a.transfers.has(msg.id) || a.opening.has(msg.id)) {
      this.stats.badRequests++;
      return this.fail(a, msg.id, 'bad_request', 'That transfer id is in use.');
    }
    const mine = this.perRemote.get(remote) ?? 0;
    if (this.active >= this.limits.maxTransfers || mine >= this.limits.maxTransfersPerRemote) {
      this.stats.busy++;
      return this.fail(a, msg.id, 'busy', 'This device is sending to many others. Try again shortly.');
    }
    // the slot is taken before the (asynchronous) check, so concurrent opens cannot exceed the limits
    this.active++;
    this.perRemote.set(remote, mine + 1);
    a.opening.add(msg.id);
    this.clock.clearTimeout(a.idle);
    let file: ServedFile | null = null;
    try {
      file = await this.options.authorize({ remote, roomId: msg.roomId, contentId: msg.contentId });
    } catch {
      file = null;
    }
    a.opening.delete(msg.id);
    if (!file || file.contentId !== msg.contentId || channel.closed) {
      this.release(remote);
      this.armChannelIdle(a);
      if (channel.closed) return;
      this.stats.notFound++;
      return this.fail(a, msg.id, 'not_found', NOT_SHARED);
    }
    const info: UploadInfo = {
      key: `${remote}/${msg.id}`,
      remote,
      roomId: msg.roomId,
      contentId: file.contentId,
      name: file.name,
      size: file.size,
      bytesSent: 0,
      startedAt: this.clock.now(),
      active: true,
    };
    const t: Serving = {
      id: msg.id,
      file,
      count: chunkCount(file.size, file.chunkSize),
      queue: [],
      queued: new Set(),
      pumping: false,
      ended: false,
      idle: null,
      info,
      newHaves: [],
      haveTimer: null,
      unsubscribe: [],
      version: msg.v,
      lastComing: '',
      comingTimer: null,
    };
    a.transfers.set(msg.id, t);
    this.options.onUploadChange?.(info);
    const partial = file.partial;
    if (partial) {
      // listening before the manifest goes out: a chunk verified meanwhile is announced after it
      t.unsubscribe.push(
        partial.onHave((index) => this.announce(a, t, index)),
        partial.onComing(() => this.announceComing(a, t)),
        partial.onEnd(() => {
          this.fail(a, t.id, 'timeout', 'The partial copy is gone; ask again.');
          this.finish(a, t);
        }),
      );
    }
    try {
      await this.sendManifest(a, t);
      if (partial && !t.ended) {
        for (const ranges of partial.have.ranges())
          channel.send(encodeControl({ t: 'have', id: t.id, ranges }));
        this.sendComing(a, t);
      }
    } catch {
      return this.closeChannel(a);
    }
    if (!t.ended) this.armTransferIdle(a, t);
  }

  /** A chunk became servable: told to the downloader with others, at most every HAVE_ANNOUNCE_MS. */
  private announce(a: Attached, t: Serving, index: number) {
    if (t.ended) return;
    t.newHaves.push(index);
    t.haveTimer ??= this.clock.setTimeout(() => {
      t.haveTimer = null;
      if (t.ended || a.channel.closed) return;
      const indices = t.newHaves.splice(0);
      try {
        for (const ranges of toRanges(indices))
          a.channel.send(encodeControl({ t: 'have', id: t.id, ranges }));
      } catch {
        this.closeChannel(a);
      }
    }, HAVE_ANNOUNCE_MS);
  }

  /** What the download has asked for changed: told (if it did change) at most every COMING_ANNOUNCE_MS. */
  private announceComing(a: Attached, t: Serving) {
    if (t.ended || t.version < 4) return;
    t.comingTimer ??= this.clock.setTimeout(() => {
      t.comingTimer = null;
      this.sendComing(a, t);
    }, COMING_ANNOUNCE_MS);
  }

  private sendComing(a: Attached, t: Serving) {
    const partial = t.file.partial;
    if (!partial || t.ended || t.version < 4 || a.channel.closed) return;
    const text = encodeControl({ t: 'coming', id: t.id, ranges: comingRanges(partial.coming()) });
    if (text === t.lastComing) return;
    try {
      a.channel.send(text);
      t.lastComing = text;
    } catch {
      this.closeChannel(a);
    }
  }

  private async sendManifest(a: Attached, t: Serving) {
    const { channel } = a;
    const { file, count } = t;
    channel.send(
      encodeControl({
        t: 'manifest',
        id: t.id,
        contentId: file.contentId,
        size: file.size,
        chunkSize: file.chunkSize,
        chunkCount: count,
        partial: file.partial !== undefined,
      }),
    );
    const perFrame = Math.floor(piecePayloadSize(channel.maxMessageSize()) / 32);
    for (let first = 0; first < count && !t.ended; first += perFrame) {
      const slice = file.chunkHashes.subarray(first * 32, Math.min(count, first + perFrame) * 32);
      await this.sendPaced(a, encodeFrame(FrameKind.Hashes, t.id, first, 0, slice));
    }
  }

  private async pump(a: Attached, t: Serving) {
    const { channel } = a;
    t.pumping = true;
    const piece = piecePayloadSize(channel.maxMessageSize());
    try {
      while (t.queue.length > 0 && !t.ended && !channel.closed) {
        // stays in `queued` until sent: asking again for the chunk being sent is a duplicate too
        const index = t.queue.shift()!;
        const { start, end } = chunkRange(t.file.size, t.file.chunkSize, index);
        // one block of the chunk in memory at a time: File.slice reads lazily from disk
        for (let block = start; block < end && !t.ended; block += READ_BLOCK_BYTES) {
          const blockEnd = Math.min(end, block + READ_BLOCK_BYTES);
          let bytes = await readBlock(t.file, index, block - start, blockEnd - block, block);
          if (bytes.length !== blockEnd - block) throw new Error('the file changed');
          if (this.options.tamper) bytes = this.options.tamper(t.file.contentId, index, bytes, block - start);
          for (let off = 0; off < bytes.length && !t.ended; off += piece) {
            const payload = bytes.subarray(off, off + piece);
            await this.sendPaced(a, encodeFrame(FrameKind.Piece, t.id, index, block - start + off, payload));
            t.info.bytesSent += payload.length;
          }
        }
        t.queued.delete(index);
        this.options.onUploadChange?.(t.info);
      }
    } catch {
      // reading the file failed (it was deleted or moved), the downloader stopped reading, or it left
      this.closeChannel(a);
    } finally {
      t.pumping = false;
      if (!t.ended) this.armTransferIdle(a, t);
    }
  }

  /** Sends within the water marks; a downloader that does not read for sendStallMs is cut off. */
  private async sendPaced(a: Attached, data: ArrayBuffer) {
    const { channel } = a;
    if (channel.bufferedAmount() > HIGH_WATER) {
      await within(
        this.clock,
        this.limits.sendStallMs,
        channel.drained(LOW_WATER),
        () => new Error('stalled'),
      );
    }
    if (channel.closed) throw new Error('channel closed');
    channel.send(data);
  }

  private armTransferIdle(a: Attached, t: Serving) {
    this.clock.clearTimeout(t.idle);
    t.idle = this.clock.setTimeout(() => {
      if (t.ended || t.pumping || t.queue.length > 0) return;
      this.stats.expired++;
      this.fail(a, t.id, 'timeout', 'Closed after a while without requests.');
      this.finish(a, t);
    }, this.limits.transferIdleMs);
  }

  private armChannelIdle(a: Attached) {
    this.clock.clearTimeout(a.idle);
    if (a.transfers.size > 0 || a.opening.size > 0) return;
    a.idle = this.clock.setTimeout(() => {
      if (a.transfers.size === 0 && a.opening.size === 0) this.closeChannel(a);
    }, this.limits.channelIdleMs);
  }

  private malformed(a: Attached, data: unknown) {
    // an `open` of another version gets an answer the other side can show ("update the app")
    if (typeof data === 'string' && data.length <= 1024) {
      try {
        const old = foreignOpen.safeParse(JSON.parse(data));
        if (old.success) return this.fail(a, old.data.id, 'version', 'Another protocol version.');
      } catch {
        // not JSON: counted below
      }
    }
    this.protocolError(a);
  }

  private protocolError(a: Attached) {
    this.stats.dropped++;
    if (++a.errors > this.limits.maxProtocolErrors) this.closeChannel(a);
  }

  private closeChannel(a: Attached) {
    if (a.channel.closed) return;
    this.stats.closedChannels++;
    a.channel.close();
  }

  private fail(a: Attached, id: number, code: TransferErrorCode, message: string) {
    if (a.channel.closed) return;
    try {
      a.channel.send(encodeControl({ t: 'error', id, code, message }));
    } catch {
      this.closeChannel(a);
    }
  }

  private release(remote: string) {
    this.active--;
    const n = (this.perRemote.get(remote) ?? 1) - 1;
    if (n > 0) this.perRemote.set(remote, n);
    else this.perRemote.delete(remote);
  }

  private finish(a: Attached, t: Serving) {
    if (t.ended) return;
    t.ended = true;
    t.queue.length = 0;
    t.queued.clear();
    this.clock.clearTimeout(t.idle);
    this.clock.clearTimeout(t.haveTimer);
    this.clock.clearTimeout(t.comingTimer);
    t.newHaves.length = 0;
    for (const u of t.unsubscribe.splice(0)) u();
    a.transfers.delete(t.id);
    this.release(a.channel.remote);
    t.info.active = false;
    this.options.onUploadChange?.(t.info);
    if (!a.channel.closed) this.armChannelIdle(a);
  }
}

/** One block of chunk `index`: lazily from the complete file's Blob, or from the partial's storage. */
async function readBlock(
  file: ServedFile,
  index: number,
  offset: number,
  length: number,
  at: number,
): Promise<Uint8Array> {
  if (file.partial) return file.partial.read(index, offset, length);
  return new Uint8Array(await file.blob.slice(at, at + length).arrayBuffer());
}
