// The serving side: answers `open` with the manifest and `get` with chunk pieces, read lazily from the
// Blob one chunk at a time, paced by the channel's water marks. Several downloaders at once, each on
// its own channel; malformed input is dropped and counted, never thrown.
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import type { ControlMessage, TransferErrorCode } from '../../../worker/protocol/transfer.ts';
import type { Channel } from './channel.ts';
import { decodeControl, encodeControl } from './control.ts';
import { sendWithBackpressure } from './flow.ts';
import { encodeFrame, FrameKind, piecePayloadSize } from './frames.ts';

export interface ServedFile {
  contentId: string;
  size: number;
  chunkSize: number;
  chunkHashes: Uint8Array;
  blob: Blob;
  name: string;
}

export interface UploadInfo {
  key: string;
  remote: string;
  contentId: string;
  name: string;
  size: number;
  bytesSent: number;
  startedAt: number;
  active: boolean;
}

export interface ServerOptions {
  lookup: (contentId: string) => ServedFile | null | Promise<ServedFile | null>;
  /** Transfers served at once across all downloaders; more get `busy`. */
  maxConcurrent?: number;
  onUploadChange?: (upload: UploadInfo) => void;
  /** Test seam for the hostile-source journey: may alter a chunk's bytes before they are sent. */
  tamper?: (contentId: string, index: number, bytes: Uint8Array) => Uint8Array;
}

interface Serving {
  file: ServedFile;
  queue: number[];
  pumping: boolean;
  cancelled: boolean;
  info: UploadInfo;
}

export class TransferServer {
  /** Messages dropped because they were malformed or unexpected. */
  dropped = 0;
  private active = 0;
  private readonly options: ServerOptions;

  constructor(options: ServerOptions) {
    this.options = options;
  }

  attach(channel: Channel): void {
    const transfers = new Map<number, Serving>();
    // one message at a time, in arrival order: a `get` right behind its `open` must see the transfer
    let queue: Promise<void> = Promise.resolve();
    channel.onMessage((data) => {
      const msg = typeof data === 'string' ? decodeControl(data) : null;
      if (!msg) {
        this.dropped++; // downloaders never send binary frames
        return;
      }
      queue = queue.then(() => this.handle(channel, transfers, msg)).catch(() => channel.close());
    });
    channel.onClose(() => {
      for (const t of transfers.values()) this.finish(t);
      transfers.clear();
    });
  }

  private async handle(channel: Channel, transfers: Map<number, Serving>, msg: ControlMessage) {
    if (msg.t === 'open') {
      if (transfers.has(msg.id))
        return this.fail(channel, msg.id, 'bad_request', 'That transfer id is in use.');
      if (this.active >= (this.options.maxConcurrent ?? 8)) {
        return this.fail(
          channel,
          msg.id,
          'busy',
          'This device is sending to many others. Try again shortly.',
        );
      }
      const file = await this.options.lookup(msg.contentId);
      if (!file) return this.fail(channel, msg.id, 'not_found', 'This device no longer shares that file.');
      this.active++;
      const info: UploadInfo = {
        key: `${channel.remote}/${msg.id}`,
        remote: channel.remote,
        contentId: file.contentId,
        name: file.name,
        size: file.size,
        bytesSent: 0,
        startedAt: Date.now(),
        active: true,
      };
      transfers.set(msg.id, { file, queue: [], pumping: false, cancelled: false, info });
      this.options.onUploadChange?.(info);
      await this.sendManifest(channel, msg.id, file).catch(() => channel.close());
      return;
    }
    const t = transfers.get(msg.id);
    if (!t) {
      this.dropped++;
      return;
    }
    if (msg.t === 'get') {
      const count = chunkCount(t.file.size, t.file.chunkSize);
      if (msg.chunks.some((i) => i >= count))
        return this.fail(channel, msg.id, 'bad_request', 'No such chunk.');
      t.queue.push(...msg.chunks);
      if (!t.pumping) void this.pump(channel, msg.id, t);
    } else if (msg.t === 'cancel' || msg.t === 'error') {
      t.cancelled = true;
      transfers.delete(msg.id);
      this.finish(t);
    } else {
      this.dropped++; // a downloader does not send manifests
    }
  }

  private async sendManifest(channel: Channel, id: number, file: ServedFile) {
    const count = chunkCount(file.size, file.chunkSize);
    const header: ControlMessage = {
      t: 'manifest',
      id,
      contentId: file.contentId,
      size: file.size,
      chunkSize: file.chunkSize,
      chunkCount: count,
    };
    channel.send(encodeControl(header));
    const perFrame = Math.floor(piecePayloadSize(channel.maxMessageSize()) / 32);
    for (let first = 0; first < count; first += perFrame) {
      const slice = file.chunkHashes.subarray(first * 32, Math.min(count, first + perFrame) * 32);
      await sendWithBackpressure(channel, encodeFrame(FrameKind.Hashes, id, first, 0, slice));
    }
  }

  private async pump(channel: Channel, id: number, t: Serving) {
    t.pumping = true;
    const piece = piecePayloadSize(channel.maxMessageSize());
    try {
      while (t.queue.length > 0 && !t.cancelled && !channel.closed) {
        const index = t.queue.shift()!;
        const { start, end } = chunkRange(t.file.size, t.file.chunkSize, index);
        // only this one chunk is in memory: File.slice reads lazily from disk
        let bytes: Uint8Array = new Uint8Array(await t.file.blob.slice(start, end).arrayBuffer());
        if (this.options.tamper) bytes = this.options.tamper(t.file.contentId, index, bytes);
        for (let off = 0; off < bytes.length; off += piece) {
          if (t.cancelled) return;
          await sendWithBackpressure(
            channel,
            encodeFrame(FrameKind.Piece, id, index, off, bytes.subarray(off, off + piece)),
          );
          t.info.bytesSent += Math.min(piece, bytes.length - off);
        }
        this.options.onUploadChange?.(t.info);
      }
    } catch {
      channel.close(); // reading the file failed (it was deleted or moved) or the channel went away
    } finally {
      t.pumping = false;
    }
  }

  private fail(channel: Channel, id: number, code: TransferErrorCode, message: string) {
    if (!channel.closed) channel.send(encodeControl({ t: 'error', id, code, message }));
  }

  private finish(t: Serving) {
    if (!t.info.active) return;
    t.info.active = false;
    t.cancelled = true;
    this.active--;
    this.options.onUploadChange?.(t.info);
  }
}
