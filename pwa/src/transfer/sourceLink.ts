// One source of one download: its channel, the transfer id, manifest reception, chunk requests, and
// dispatch of arriving pieces (processed strictly in arrival order).
import { TRANSFER_PROTOCOL_VERSION } from '../../../worker/protocol/transfer.ts';
import { type ChunkAssembler, HashesAssembler } from './assemble.ts';
import type { Channel, ChannelData } from './channel.ts';
import { decodeControl, encodeControl } from './control.ts';
import type { DownloadErrorCode, DownloadSpec } from './download.ts';
import { SourceError } from './download.ts';
import { decodeFrame, FrameKind } from './frames.ts';

/** A source that sends nothing for this long while it owes us data is treated as gone. */
export const STALL_MS = 20_000;
const MANIFEST_MS = 15_000;

export interface Manifest {
  size: number;
  chunkSize: number;
  hashes: HashesAssembler;
}

export class SourceLink {
  readonly peerId: string;
  /** Pieces of chunks being assembled from this source. */
  readonly assembling = new Map<number, ChunkAssembler>();
  dropped = 0;
  private readonly spec: DownloadSpec;
  private readonly onPiece: (index: number, offset: number, payload: Uint8Array) => Promise<void>;
  private channel: Channel | null = null;
  private id = 0;
  private manifest: {
    header: Manifest | null;
    resolve: (m: Manifest) => void;
    reject: (e: Error) => void;
  } | null = null;
  private chain: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private failure: SourceError | null = null;
  private lastActivity = Date.now();
  private closed = false;

  constructor(peerId: string, spec: DownloadSpec, handlers: { onPiece: SourceLink['onPiece'] }) {
    this.peerId = peerId;
    this.spec = spec;
    this.onPiece = handlers.onPiece;
  }

  /** Opens the transfer and resolves with the manifest (header and every chunk hash). */
  open(channel: Channel, id: number): Promise<Manifest> {
    this.channel = channel;
    this.id = id;
    channel.onMessage((data) => this.receive(data));
    channel.onClose(() => this.stop(new SourceError('source_left', 'closed')));
    const result = new Promise<Manifest>((resolve, reject) => {
      this.manifest = { header: null, resolve, reject };
    });
    const timer = setTimeout(() => this.stop(new SourceError('source_left', 'no manifest')), MANIFEST_MS);
    channel.send(
      encodeControl({ t: 'open', id, contentId: this.spec.contentId, v: TRANSFER_PROTOCOL_VERSION }),
    );
    return result.finally(() => clearTimeout(timer));
  }

  /** Requests chunks as `next` hands them out until `finished`; throws when the source fails. */
  async run(next: () => number[], finished: () => boolean): Promise<void> {
    const watchdog = setInterval(() => {
      if (Date.now() - this.lastActivity > STALL_MS) this.stop(new SourceError('source_left', 'stalled'));
    }, 1000);
    try {
      while (!finished()) {
        if (this.failure) throw this.failure;
        const chunks = next();
        if (chunks.length > 0) {
          this.lastActivity = Date.now();
          this.channel!.send(encodeControl({ t: 'get', id: this.id, chunks }));
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      clearInterval(watchdog);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.channel && !this.channel.closed) {
      // tells the source we are done (or gone), then frees the connection
      this.channel.send(encodeControl({ t: 'cancel', id: this.id }));
      this.channel.close();
    }
    this.stop(new SourceError('source_left', 'closed'));
  }

  private stop(err: SourceError) {
    this.failure ??= err;
    this.manifest?.reject(this.failure);
    this.manifest = null;
    this.kick();
  }

  /** Wakes the request loop: there may be chunks to ask for (e.g. another source released some). */
  kick() {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private receive(data: ChannelData) {
    this.lastActivity = Date.now();
    if (typeof data === 'string') return this.receiveControl(data);
    const frame = data instanceof ArrayBuffer ? decodeFrame(data) : null;
    if (!frame || frame.transfer !== this.id) {
      this.dropped++;
      return;
    }
    if (frame.kind === FrameKind.Hashes) {
      const m = this.manifest;
      if (!m?.header?.hashes.add(frame.index, frame.payload)) {
        this.dropped++;
        return;
      }
      if (m.header.hashes.complete) m.resolve(m.header);
      return;
    }
    // the assembler copies the payload into the chunk buffer, so the message buffer is not kept alive
    const payload = frame.payload;
    this.chain = this.chain
      .then(() => this.onPiece(frame.index, frame.offset, payload))
      .catch(() => {
        this.dropped++;
      })
      .finally(() => this.kick());
  }

  private receiveControl(text: string) {
    const msg = decodeControl(text);
    if (!msg || msg.id !== this.id) {
      this.dropped++;
      return;
    }
    if (
      msg.t === 'manifest' &&
      this.manifest &&
      !this.manifest.header &&
      msg.contentId === this.spec.contentId
    ) {
      const header: Manifest = {
        size: msg.size,
        chunkSize: msg.chunkSize,
        hashes: new HashesAssembler(msg.chunkCount),
      };
      this.manifest.header = header;
      if (header.hashes.complete) this.manifest.resolve(header);
    } else if (msg.t === 'error') {
      const code: DownloadErrorCode = msg.code === 'not_found' ? 'not_found' : 'source_left';
      this.stop(new SourceError(code, msg.message));
    } else if (msg.t === 'cancel') {
      this.stop(new SourceError('source_left', 'cancelled by source'));
    } else {
      this.dropped++;
    }
  }
}
