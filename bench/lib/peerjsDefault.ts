// The "typical PeerJS app" baseline: a DataConnection with PeerJS's defaults (serialization 'binary',
// BinaryPack, PeerJS's own 16 KB chunking and queue), through the same Peer objects, signaling relay and
// browsers the app uses. The sender reads the file from disk in 256 KiB pieces and sends each as
// `{ i, data }`, waiting while PeerJS's own queue is not empty (so memory stays bounded; many apps do
// not even do that). The receiver counts bytes and keeps nothing. Timed from the receiver's connect()
// (its request) to the last byte, like the engine's click-to-ready.
// The app closes inbound connections that are not its own (pwa/src/transfer/inbound.ts); on the sender
// the bench lets exactly its own labelled connection past that guard, nothing else.
import type { Page } from 'playwright-core';

export const PEERJS_LABEL = 'bench-peerjs-default';
export const PEERJS_PIECE = 256 * 1024;

export interface PeerjsResult {
  bytes: number;
  requestedAt: number;
  firstByteAt: number;
  lastByteAt: number;
}

interface Conn {
  label: string;
  open: boolean;
  bufferSize: number;
  on(event: string, handler: (arg: unknown) => void): void;
  send(data: unknown): void;
  close(): void;
}

interface PeerLike {
  id: string;
  on(event: 'connection', handler: (conn: Conn) => void): void;
  connect(id: string, options: { label: string }): Conn;
}

/** The app's current Peer, through its debug handle (window.__meshdrop.engine), as window.__benchPeer. */
async function exposePeer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __meshdrop?: { engine: { deps: { peer: { get(): PeerLike | null } } } };
      __benchPeer?: PeerLike;
    };
    const peer = w.__meshdrop?.engine.deps.peer.get();
    if (!peer) throw new Error('the app has no Peer yet');
    w.__benchPeer = peer;
  });
}

/** Gives the sender page the file (from disk, through a file input) and answers requests for it. */
export async function preparePeerjsSender(sender: Page, path: string): Promise<string> {
  await sender.evaluate(() => {
    if (document.getElementById('bench-peerjs-file')) return;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-peerjs-file';
    input.hidden = true;
    document.body.append(input);
  });
  await sender.locator('#bench-peerjs-file').setInputFiles(path);
  await exposePeer(sender);
  await sender.evaluate((label) => {
    interface Guard {
      admit(peer: unknown, conn: { label?: unknown }): void;
      __benchBypass?: boolean;
    }
    const guard = (window as unknown as { __meshdrop: { engine: { guard?: Guard } } }).__meshdrop.engine
      .guard;
    if (!guard || guard.__benchBypass) return;
    const admit = guard.admit.bind(guard);
    guard.admit = (peer, conn) => (conn?.label === label ? undefined : admit(peer, conn));
    guard.__benchBypass = true;
  }, PEERJS_LABEL);
  return sender.evaluate(
    ([label, piece]) => {
      const peer = (window as unknown as { __benchPeer: PeerLike }).__benchPeer;
      const marked = peer as PeerLike & { __benchServing?: boolean };
      if (!marked.__benchServing) {
        marked.__benchServing = true;
        peer.on('connection', (conn) => {
          if (conn.label !== label) return;
          conn.on('data', (msg) => {
            const go = (msg as { go?: number } | null)?.go;
            if (typeof go !== 'number') return;
            const file = (document.getElementById('bench-peerjs-file') as HTMLInputElement).files![0]!;
            void (async () => {
              const size = Math.min(go, file.size);
              for (let off = 0, i = 0; off < size && conn.open; off += piece, i++) {
                const data = await file.slice(off, Math.min(size, off + piece)).arrayBuffer();
                conn.send({ i, data });
                while (conn.bufferSize > 0 && conn.open) await new Promise((r) => setTimeout(r, 5));
              }
            })();
          });
        });
      }
      return peer.id;
    },
    [PEERJS_LABEL, PEERJS_PIECE] as const,
  );
}

/** The receiver connects with PeerJS defaults, asks for `bytes`, and counts them as they arrive. */
export async function peerjsTransfer(
  receiver: Page,
  senderId: string,
  bytes: number,
  timeoutMs: number,
): Promise<PeerjsResult> {
  await exposePeer(receiver);
  return receiver.evaluate(
    ([label, id, size, ms]) => {
      const now = () => performance.timeOrigin + performance.now();
      const peer = (window as unknown as { __benchPeer: PeerLike }).__benchPeer;
      const requestedAt = now();
      let got = 0;
      let firstByteAt = 0;
      let lastByteAt = 0;
      const conn = peer.connect(id, { label });
      return new Promise<PeerjsResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          conn.close();
          reject(new Error(`peerjs default: ${got} of ${size} bytes after ${ms} ms`));
        }, ms);
        conn.on('open', () => conn.send({ go: size }));
        conn.on('error', (e) => reject(new Error(`peerjs default: ${String(e)}`)));
        conn.on('data', (msg) => {
          const data = (msg as { data?: ArrayBuffer } | null)?.data;
          if (!data) return;
          const t = now();
          if (got === 0) firstByteAt = t;
          got += data.byteLength;
          lastByteAt = t;
          if (got >= size) {
            clearTimeout(timer);
            conn.close();
            resolve({ bytes: got, requestedAt, firstByteAt, lastByteAt });
          }
        });
      });
    },
    [PEERJS_LABEL, senderId, bytes, timeoutMs] as const,
  );
}
