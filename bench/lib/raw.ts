// The raw baseline: a bare RTCDataChannel (ordered, reliable) between the two device pages, signaled
// through the driver (the harness's connectPair), no PeerJS, no framing, no hashing, no storage. The
// sender sends from a 16 MiB random buffer in memory (cycled, so any size works) with a given message
// size and water marks; the receiver counts bytes. A transfer starts when the receiver asks for it over
// the channel, so its window (request to last byte, at the receiver) matches the engine's.
import type { Page } from 'playwright-core';
import { closePeer, connectPair } from '../../e2e/lan/datachannel.ts';
import type { RawSetting } from './options.ts';

export interface RawResult {
  bytes: number;
  requestedAt: number;
  firstByteAt: number;
  lastByteAt: number;
}

/** The label connectPair gives its channel. */
export const RAW_LABEL = 'bulk';

interface RawState {
  dc: RTCDataChannel;
  setting: RawSetting;
  got: number;
  want: number;
  requestedAt: number;
  firstByteAt: number;
  lastByteAt: number;
  done: (() => void) | null;
}

// Runs in the page, on the channel connectPair opened (window.__rtc): replaces its message handler.
const endpoint = () => {
  const now = () => performance.timeOrigin + performance.now();
  const w = window as unknown as {
    __rtc: { dc: RTCDataChannel; pc: RTCPeerConnection };
    __benchRaw?: RawState;
    __benchRawSource?: Uint8Array<ArrayBuffer>;
  };
  if (!w.__benchRawSource) {
    const src = new Uint8Array(16 * 1024 * 1024);
    // getRandomValues fills at most 64 KiB per call
    for (let off = 0; off < src.length; off += 65536) crypto.getRandomValues(src.subarray(off, off + 65536));
    w.__benchRawSource = src;
  }
  const dc = w.__rtc.dc;
  const state: RawState = {
    dc,
    setting: { message: 65536, high: 8 << 20, low: 4 << 20 },
    got: 0,
    want: 0,
    requestedAt: 0,
    firstByteAt: 0,
    lastByteAt: 0,
    done: null,
  };
  w.__benchRaw = state;
  dc.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
    if (typeof e.data === 'string') {
      // the sender's side: "send <bytes>"
      const size = Number(e.data.split(' ')[1]);
      const { message, high, low } = state.setting;
      const source = w.__benchRawSource!;
      dc.bufferedAmountLowThreshold = low;
      void (async () => {
        let pos = 0;
        for (let sent = 0; sent < size && dc.readyState === 'open'; ) {
          const n = Math.min(message, size - sent);
          if (dc.bufferedAmount + n > high) {
            await new Promise<void>((r) =>
              dc.addEventListener('bufferedamountlow', () => r(), { once: true }),
            );
          }
          if (pos + n > source.length) pos = 0;
          dc.send(source.subarray(pos, pos + n));
          pos += n;
          sent += n;
        }
      })();
      return;
    }
    const t = now();
    if (state.got === 0) state.firstByteAt = t;
    state.got += e.data.byteLength;
    state.lastByteAt = t;
    if (state.got >= state.want) state.done?.();
  };
  return w.__rtc.pc.sctp?.maxMessageSize ?? 65536;
};

/**
 * A fresh channel between the two pages (every run starts from the same cold state, like the app's
 * connections). Returns the largest message it accepts (Chromium: 256 KiB).
 */
export async function openRawPair(sender: Page, receiver: Page): Promise<number> {
  await connectPair(sender, receiver);
  const [max] = await Promise.all([sender.evaluate(endpoint), receiver.evaluate(endpoint)]);
  return max;
}

/** Sends `bytes` with `setting`; the receiver's request starts it. Rejects after `timeoutMs`. */
export async function rawTransfer(
  sender: Page,
  receiver: Page,
  bytes: number,
  setting: RawSetting,
  timeoutMs: number,
): Promise<RawResult> {
  await sender.evaluate((s) => {
    (window as unknown as { __benchRaw: RawState }).__benchRaw.setting = s;
  }, setting);
  return receiver.evaluate(
    ([size, ms]) => {
      const s = (window as unknown as { __benchRaw: RawState }).__benchRaw;
      s.got = 0;
      s.want = size;
      return new Promise<RawResult>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`raw: ${s.got} of ${size} bytes after ${ms} ms`)),
          ms,
        );
        s.done = () => {
          clearTimeout(timer);
          s.done = null;
          const { got, requestedAt, firstByteAt, lastByteAt } = s;
          resolve({ bytes: got, requestedAt, firstByteAt, lastByteAt });
        };
        s.requestedAt = performance.timeOrigin + performance.now();
        s.dc.send(`send ${size}`);
      });
    },
    [bytes, timeoutMs] as const,
  );
}

export async function closeRawPair(...pages: Page[]): Promise<void> {
  await Promise.all(pages.map((p) => closePeer(p)));
}
