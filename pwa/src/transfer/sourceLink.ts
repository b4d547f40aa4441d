// One source of one download: its channel, the transfer id, the manifest, chunk requests, and the
// reassembly of arriving pieces. Every frame is checked before anything is kept: a piece must continue
// a chunk this source was asked for, exactly where that chunk stands, so a hostile source can make the
// link hold no more than the chunks it was asked for. Pieces are assembled as they arrive (no queue of
// raw frames); only whole chunks go up to the download for verification.
import { chunkCount } from '../../../worker/protocol/content.ts';
import { TokenBucket } from '../../../worker/protocol/tokenBucket.ts';
import {
  COMING_ANNOUNCE_MS,
  MAX_CHUNKS_PER_REQUEST,
  SERVED_PROTOCOL_VERSIONS,
  TRANSFER_PROTOCOL_VERSION,
} from '../../../worker/protocol/transfer.ts';
import { HashesAssembler } from './assemble.ts';
import type { Channel, ChannelData } from './channel.ts';
import { PeerHave } from './claims.ts';
import type { Clock } from './clock.ts';
import { decodeControl, encodeControl } from './control.ts';
import { DownloadError, type DownloadErrorCode, type DownloadSpec } from './downloadTypes.ts';
import { decodeFrame, FrameKind } from './frames.ts';

/** How long a source may take to send the whole manifest after `open`. */
export const MANIFEST_MS = 15_000;
/** Malformed or unexpected messages a source may send before it is dropped (an honest one sends none). */
export const MAX_PROTOCOL_ERRORS = 16;
/** `coming` messages a source may send at once (late ones bunched by the network) beyond its pace. */
export const COMING_BURST = 20;

export interface Manifest {
  size: number;
  chunkSize: number;
  hashes: HashesAssembler;
  /** what a partial source says it holds (grows with its `have` messages) and has coming; null: a complete source */
  have: PeerHave | null;
}

export interface LinkHandlers {
  /** A valid piece of chunk `index` arrived (liveness). */
  onPiece(index: number): void;
  /** Chunk `index` is complete (not yet verified); `bytes` now belongs to the receiver. */
  onChunk(index: number, bytes: Uint8Array): void;
  /** A partial source claims more chunks, or other ones coming (already in its manifest's `have`). */
  onHave?(): void;
}

interface Expected {
  length: number;
  filled: number;
  /** allocated at the first piece; null while nothing arrived or once the chunk is no longer wanted */
  buffer: Uint8Array | null;
  wanted: boolean;
  /** requests for this chunk still to arrive (a chunk asked for again before its first copy arrived) */
  copies: number;
}

export class SourceLink {
  readonly peerId: string;
  /** Malformed or unexpected frames and messages from this source. */
  dropped = 0;
  /** What the last of them was (for diagnostics). */
  lastDropped: string | null = null;
  /** Why the link ended, once it has. */
  failure: DownloadError | null = null;
  private readonly spec: DownloadSpec;
  private readonly clock: Clock;
  private readonly handlers: LinkHandlers;
  private readonly expected = new Map<number, Expected>();
  private channel: Channel | null = null;
  private id = 0;
  private manifest: {
    header: Manifest | null;
    resolve: (m: Manifest) => void;
    reject: (e: Error) => void;
  } | null = null;
  private readonly endListeners: ((err: DownloadError) => void)[] = [];
  private closed = false;
  /** `coming` messages allowed: a burst, then one per COMING_ANNOUNCE_MS (as often as a source may send) */
  private comingBudget: TokenBucket | null = null;
  /** the last claim accepted, as said: the same claim again changes nothing */
  private lastComing = '';
  /** the version `open` was last sent in: the newest first, the oldest we speak if the source refuses it */
  private version: (typeof SERVED_PROTOCOL_VERSIONS)[number] = TRANSFER_PROTOCOL_VERSION;

  constructor(peerId: string, spec: DownloadSpec, clock: Clock, handlers: LinkHandlers) {
    this.peerId = peerId;
    this.spec = spec;
    this.clock = clock;
    this.handlers = handlers;
  }

  /** Bytes held in partly assembled chunks. */
  bufferedBytes(): number {
    let n = 0;
    for (const e of this.expected.values()) n += e.buffer?.length ?? 0;
    return n;
  }

  /** Called once when the link ends for any reason (the source failed, left, or we closed it). */
  onEnd(listener: (err: DownloadError) => void): void {
    if (this.failure) listener(this.failure);
    else this.endListeners.push(listener);
  }

  /** Opens the transfer and resolves with the verified-shape manifest (header and every chunk hash). */
  open(channel: Channel, id: number): Promise<Manifest> {
    this.channel = channel;
    this.id = id;
    channel.onMessage((data) => this.receive(data));
    channel.onClose(() => this.fail(new DownloadError('source_left', 'closed')));
    const result = new Promise<Manifest>((resolve, reject) => {
      this.manifest = { header: null, resolve, reject };
    });
    if (this.failure) return Promise.reject(this.failure);
    const timer = this.clock.setTimeout(
      () => this.fail(new DownloadError('source_left', 'no manifest')),
      MANIFEST_MS,
    );
    this.sendOpen();
    return result.finally(() => this.clock.clearTimeout(timer));
  }

  private sendOpen() {
    this.send(
      encodeControl({
        t: 'open',
        id: this.id,
        contentId: this.spec.contentId,
        roomId: this.spec.roomId,
        v: this.version,
      }),
    );
  }

  /** Asks for these chunks (in `get`s of at most MAX_CHUNKS_PER_REQUEST). */
  request(chunks: number[], lengthOf: (index: number) => number): void {
    if (this.closed || chunks.length === 0) return;
    for (const index of chunks) {
      const e = this.expected.get(index);
      if (e) {
        e.copies++;
        e.wanted = true;
      } else {
        this.expected.set(index, {
          length: lengthOf(index),
          filled: 0,
          buffer: null,
          wanted: true,
          copies: 1,
        });
      }
    }
    for (let i = 0; i < chunks.length; i += MAX_CHUNKS_PER_REQUEST) {
      this.send(
        encodeControl({ t: 'get', id: this.id, chunks: chunks.slice(i, i + MAX_CHUNKS_PER_REQUEST) }),
      );
    }
  }

  /** The chunk is no longer wanted from here (another source delivered it): its pieces are let through unkept. */
  forget(index: number): void {
    const e = this.expected.get(index);
    if (!e) return;
    e.wanted = false;
    e.buffer = null;
  }

  close(): void {
    if (this.closed) return;
    if (this.channel && !this.channel.closed) {
      // tells the source we are done (or gone), then frees the connection
      this.send(encodeControl({ t: 'cancel', id: this.id }));
      this.channel.close();
    }
    this.fail(new DownloadError('source_left', 'closed'));
  }

  /** Ends the link with `err` (the first reason wins) and closes the channel. */
  fail(err: DownloadError): void {
    if (this.failure) return;
    this.failure = err;
    this.manifest?.reject(err);
    this.manifest = null;
    this.expected.clear();
    if (!this.closed) {
      this.closed = true;
      if (this.channel && !this.channel.closed) this.channel.close();
    }
    for (const l of this.endListeners.splice(0)) l(err);
  }

  private send(text: string) {
    try {
      this.channel?.send(text);
    } catch {
      this.fail(new DownloadError('source_left', 'send failed'));
    }
  }

  private protocolError(why: string) {
    this.lastDropped = why;
    this.dropped++;
    if (this.dropped > MAX_PROTOCOL_ERRORS) {
      this.fail(new DownloadError('verification_failed', 'too many malformed messages'));
    }
  }

  private receive(data: ChannelData) {
    if (this.failure) return;
    if (typeof data === 'string') return this.receiveControl(data);
    const frame = data instanceof ArrayBuffer ? decodeFrame(data) : null;
    if (!frame || frame.transfer !== this.id)
      return this.protocolError(
        `frame ${frame ? frame.transfer : 'bad'} vs ${this.id} ${data instanceof ArrayBuffer} ${typeof data} ${(data as { constructor?: { name?: string } })?.constructor?.name}`,
      );
    if (frame.kind === FrameKind.Hashes) {
      const m = this.manifest;
      if (!m?.header?.hashes.add(frame.index, frame.payload))
        return this.protocolError('hashes out of place');
      if (m.header.hashes.complete) m.resolve(m.header);
      return;
    }
    const e = this.expected.get(frame.index);
    const payload = frame.payload;
    if (!e || frame.offset !== e.filled || payload.length === 0 || e.filled + payload.length > e.length) {
      return this.protocolError(
        `piece ${frame.index}@${frame.offset}+${payload.length} expected ${e ? `${e.filled}/${e.length}` : 'none'} [${[...this.expected.keys()]}]`,
      );
    }
    if (e.wanted) {
      // copied into the chunk's own buffer: the message's ArrayBuffer is not kept alive
      e.buffer ??= new Uint8Array(e.length);
      e.buffer.set(payload, e.filled);
    }
    e.filled += payload.length;
    if (e.wanted) this.handlers.onPiece(frame.index);
    if (e.filled < e.length) return;
    const bytes = e.wanted ? e.buffer : null;
    e.copies--;
    if (e.copies > 0) {
      e.filled = 0;
      e.buffer = null;
    } else {
      this.expected.delete(frame.index);
    }
    if (bytes) this.handlers.onChunk(frame.index, bytes);
  }

  private receiveControl(text: string) {
    const msg = decodeControl(text);
    // the first thing a source says is its manifest (or why not): anything else there, and it is done
    const awaitingManifest = this.manifest !== null && this.manifest.header === null;
    if (awaitingManifest && (!msg || msg.id !== this.id || msg.t === 'get' || msg.t === 'open')) {
      this.dropped++;
      return this.fail(new DownloadError('verification_failed', 'no valid manifest'));
    }
    if (!msg) return this.protocolError('malformed control message');
    if (msg.id !== this.id) return this.protocolError(`${msg.t} of transfer ${msg.id}`);
    if (msg.t === 'manifest' && this.manifest && !this.manifest.header) {
      // checked before anything is allocated: the manifest must describe exactly the listed file
      const expectedCount = chunkCount(this.spec.size, this.spec.chunkSize);
      if (
        msg.contentId !== this.spec.contentId ||
        msg.size !== this.spec.size ||
        msg.chunkSize !== this.spec.chunkSize ||
        msg.chunkCount !== expectedCount
      ) {
        this.dropped++;
        return this.fail(new DownloadError('verification_failed', 'manifest does not match the listing'));
      }
      const header: Manifest = {
        size: msg.size,
        chunkSize: msg.chunkSize,
        hashes: new HashesAssembler(msg.chunkCount),
        // sized by the chunk count just checked against the listing: a claim can never grow it
        have: msg.partial ? new PeerHave(msg.chunkCount) : null,
      };
      this.manifest.header = header;
      if (header.hashes.complete) this.manifest.resolve(header);
    } else if (msg.t === 'have') {
      const have = this.manifest?.header?.have;
      if (!have) return this.protocolError('have from a complete source');
      const added = have.addRanges(msg.ranges);
      if (added === null) return this.protocolError('have outside the manifest');
      if (added.length > 0) this.handlers.onHave?.();
    } else if (msg.t === 'coming') {
      const have = this.manifest?.header?.have;
      if (!have) return this.protocolError('coming from a complete source');
      // each `coming` reschedules the whole download: a flood of them must not freeze the page
      this.comingBudget ??= new TokenBucket(
        { burst: COMING_BURST, perSecond: 1000 / COMING_ANNOUNCE_MS },
        this.clock.now(),
      );
      if (!this.comingBudget.take(this.clock.now())) return this.protocolError('coming too often');
      const said = msg.ranges.join();
      if (said === this.lastComing) return;
      if (!have.setComing(msg.ranges, this.clock.now()))
        return this.protocolError('coming outside the limits');
      this.lastComing = said;
      this.handlers.onHave?.();
    } else if (msg.t === 'error') {
      // A source whose app is one version behind (not updated yet) refuses our newest `open` but speaks
      // the oldest version we do (all of it but `coming`): ask it again in that one, once.
      const oldest = SERVED_PROTOCOL_VERSIONS[0];
      if (msg.code === 'version' && awaitingManifest && this.version !== oldest) {
        this.version = oldest;
        return this.sendOpen();
      }
      this.fail(new DownloadError(codeFor(msg.code), 'the source answered with an error'));
    } else if (msg.t === 'cancel') {
      this.fail(new DownloadError('source_left', 'cancelled by source'));
    } else {
      this.protocolError(`unexpected ${msg.t}`);
    }
  }
}

function codeFor(code: string): DownloadErrorCode {
  switch (code) {
    case 'not_found':
      return 'not_found';
    case 'busy':
      return 'busy';
    case 'timeout':
      return 'idle';
    case 'version':
      return 'version';
    default:
      return 'source_left';
  }
}
