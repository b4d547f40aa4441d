// Runs hashing jobs in the hash worker one after another (the disk is the bottleneck, not the CPU, so
// hashing two files at once would not be faster). Each job can be cancelled, queued or running.
import type { FileHash } from '../transfer/hashing.ts';
import type { HashReply, HashRequest } from './hashProtocol.ts';

export interface HashJob {
  promise: Promise<FileHash>;
  cancel(): void;
}

export class HashCancelled extends Error {
  constructor() {
    super('Hashing was cancelled.');
    this.name = 'HashCancelled';
  }
}

interface Queued {
  id: number;
  blob: Blob;
  onProgress: (bytes: number) => void;
  resolve: (hash: FileHash) => void;
  reject: (error: Error) => void;
}

export class HashQueue {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Queued[] = [];
  private current: Queued | undefined;
  /** Speed of the last finished job, for the curious (and the hashing benchmark). */
  lastMbPerSecond = 0;

  hash(blob: Blob, onProgress: (bytes: number) => void = () => {}): HashJob {
    const id = this.nextId++;
    const promise = new Promise<FileHash>((resolve, reject) => {
      this.queue.push({ id, blob, onProgress, resolve, reject });
    });
    this.pump();
    return { promise, cancel: () => this.cancel(id) };
  }

  private cancel(id: number): void {
    const index = this.queue.findIndex((q) => q.id === id);
    if (index >= 0) {
      this.queue.splice(index, 1)[0]!.reject(new HashCancelled());
    } else if (this.current?.id === id) {
      this.post({ type: 'cancel', id });
    }
  }

  private pump(): void {
    if (this.current) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.post({ type: 'hash', id: next.id, blob: next.blob });
  }

  private post(message: HashRequest): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (!this.worker) {
      // the literal `new URL(..., import.meta.url)` is what Vite looks for to bundle the worker
      this.worker = new Worker(new URL('../workers/hash.worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<HashReply>) => this.onReply(e.data);
      this.worker.onerror = (e) => this.failCurrent(new Error(e.message || 'The hashing worker stopped.'));
    }
    return this.worker;
  }

  private onReply(reply: HashReply): void {
    const job = this.current;
    if (!job || job.id !== reply.id) return;
    if (reply.type === 'progress') {
      job.onProgress(reply.bytes);
      return;
    }
    this.current = undefined;
    if (reply.type === 'done') {
      this.lastMbPerSecond = reply.ms > 0 ? reply.hash.size / 1e6 / (reply.ms / 1000) : 0;
      job.onProgress(reply.hash.size);
      job.resolve(reply.hash);
    } else {
      job.reject(reply.cancelled ? new HashCancelled() : new Error(reply.message));
    }
    this.pump();
  }

  private failCurrent(error: Error): void {
    const job = this.current;
    this.current = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    job?.reject(error);
    this.pump();
  }
}
