// A raw RTCDataChannel between two device pages, signaled through the test
// driver (no signaling server): checks the LAN itself, independent of PeerJS
// and the tracker. State lives on window.__rtc in each page.
import { createHash } from 'node:crypto';

/**
 * What these helpers need of a page: a Playwright Page is one; for other browsers pass their `Ui`
 * (e2e/browsers/ui.ts), whose evaluate has this shape.
 */
export interface Page {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

export interface PairInfo {
  // addresses and types of each side's gathered candidates (from its SDP)
  offererAddresses: string[];
  answererAddresses: string[];
  candidateTypes: string[];
  // the candidate pair ICE selected, as the offerer's stats report it
  selected: { local: string; remote: string };
}

export interface TransferResult {
  // bytes that arrived
  bytes: number;
  // first to last byte, at the receiver
  ms: number;
}

interface RtcState {
  pc: RTCPeerConnection;
  dc: RTCDataChannel | null;
  open: Promise<void>;
  sent: Uint8Array<ArrayBuffer>;
  buf: Uint8Array<ArrayBuffer>;
  got: number;
  first: number;
  last: number;
}

// Runs in the page (serialized by Playwright): it may use only its argument
// and browser globals, and must not define named inner functions.
const openPeer = async ([role, remoteSdp]: readonly ['offer' | 'answer', string]): Promise<string> => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const state = {
    pc,
    dc: null,
    got: 0,
    first: 0,
    last: 0,
    buf: new Uint8Array(0),
    sent: new Uint8Array(0),
  } as unknown as RtcState;
  (globalThis as unknown as { __rtc: RtcState }).__rtc = state;
  const channel =
    role === 'offer'
      ? Promise.resolve(pc.createDataChannel('bulk', { ordered: true }))
      : new Promise<RTCDataChannel>((r) => {
          pc.ondatachannel = (e) => r(e.channel);
        });
  state.open = channel.then((dc) => {
    dc.binaryType = 'arraybuffer';
    state.dc = dc;
    dc.onmessage = (e: MessageEvent<ArrayBuffer>) => {
      const chunk = new Uint8Array(e.data);
      if (state.got === 0) state.first = performance.now();
      // bytes beyond the expected size are counted, not stored
      if (state.got < state.buf.length)
        state.buf.set(chunk.subarray(0, state.buf.length - state.got), state.got);
      state.got += chunk.length;
      state.last = performance.now();
    };
    if (dc.readyState === 'open') return;
    return new Promise<void>((r) => dc.addEventListener('open', () => r()));
  });
  if (role === 'offer') {
    await pc.setLocalDescription(await pc.createOffer());
  } else {
    await pc.setRemoteDescription({ type: 'offer', sdp: remoteSdp });
    await pc.setLocalDescription(await pc.createAnswer());
  }
  // no trickle: with host candidates only, gathering completes in milliseconds
  await new Promise<void>((r) => {
    if (pc.iceGatheringState === 'complete') r();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
  });
  return pc.localDescription?.sdp ?? '';
};

function candidatesOf(sdp: string): { addresses: string[]; types: string[] } {
  // a=candidate:<foundation> <component> <proto> <priority> <address> <port> typ <type> ...
  const fields = sdp
    .split(/\r?\n/)
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => l.split(' '));
  return { addresses: fields.map((f) => f[4] ?? '?'), types: fields.map((f) => f[7] ?? '?') };
}

export async function connectPair(offerer: Page, answerer: Page, timeoutMs = 15_000): Promise<PairInfo> {
  const offer = await offerer.evaluate(openPeer, ['offer', ''] as const);
  const answer = await answerer.evaluate(openPeer, ['answer', offer] as const);
  await offerer.evaluate((sdp) => {
    const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
    return s.pc.setRemoteDescription({ type: 'answer', sdp });
  }, answer);
  const waitOpen = (ms: number): Promise<void> => {
    const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
    return Promise.race([
      s.open,
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error('data channel did not open')), ms)),
    ]);
  };
  await Promise.all([offerer.evaluate(waitOpen, timeoutMs), answerer.evaluate(waitOpen, timeoutMs)]);
  const selected = await offerer.evaluate(async () => {
    const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
    const stats = [...(await s.pc.getStats()).values()] as Array<Record<string, unknown>>;
    const byId = new Map(stats.map((r) => [r.id, r]));
    const transport = stats.find((r) => r.type === 'transport');
    const pair = byId.get(transport?.selectedCandidatePairId);
    return {
      local: String(byId.get(pair?.localCandidateId)?.address ?? '?'),
      remote: String(byId.get(pair?.remoteCandidateId)?.address ?? '?'),
    };
  }, null);
  const a = candidatesOf(offer);
  const b = candidatesOf(answer);
  return {
    offererAddresses: a.addresses,
    answererAddresses: b.addresses,
    candidateTypes: [...a.types, ...b.types],
    selected,
  };
}

// Sends `bytes` random bytes from sender to receiver and waits for all of
// them, or for timeoutMs (then `bytes` is what arrived: a stall shows as less).
export async function transfer(
  sender: Page,
  receiver: Page,
  bytes: number,
  timeoutMs = 30_000,
): Promise<TransferResult> {
  await receiver.evaluate((size) => {
    const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
    s.buf = new Uint8Array(size);
    s.got = 0;
  }, bytes);
  // not awaited: a stalled sender would block the driver
  void sender
    .evaluate(async (size) => {
      const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
      const dc = s.dc as RTCDataChannel;
      const CHUNK = 64 * 1024;
      s.sent = new Uint8Array(size);
      // getRandomValues fills at most 64 KiB per call
      for (let off = 0; off < size; off += CHUNK) crypto.getRandomValues(s.sent.subarray(off, off + CHUNK));
      // Chrome closes channels whose buffer grows far past ~16 MiB: keep it low
      dc.bufferedAmountLowThreshold = 1024 * 1024;
      for (let off = 0; off < size; off += CHUNK) {
        if (dc.readyState !== 'open') return;
        if (dc.bufferedAmount > 4 * 1024 * 1024) {
          await new Promise<void>((r) => dc.addEventListener('bufferedamountlow', () => r(), { once: true }));
        }
        dc.send(s.sent.subarray(off, off + CHUNK));
      }
    }, bytes)
    .catch(() => undefined);
  return receiver.evaluate(
    async ([size, ms]) => {
      const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
      const deadline = performance.now() + ms;
      while (s.got < size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return { bytes: s.got, ms: s.got > 0 ? s.last - s.first : 0 };
    },
    [bytes, timeoutMs] as const,
  );
}

// SHA-256 (hex) of what the page last sent or received. Hashed in the page
// when it has crypto.subtle (secure context); otherwise the bytes come back
// as base64 and the driver hashes them.
export async function digestOf(page: Page, which: 'sent' | 'received'): Promise<string> {
  const out = await page.evaluate(async (field) => {
    const s = (globalThis as unknown as { __rtc: RtcState }).__rtc;
    const data = field === 'sent' ? s.sent : s.buf.subarray(0, s.got);
    if (globalThis.crypto.subtle !== undefined) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
      return { hex: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), base64: null };
    }
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { hex: null, base64: btoa(bin) };
  }, which);
  return (
    out.hex ??
    createHash('sha256')
      .update(Buffer.from(out.base64 ?? '', 'base64'))
      .digest('hex')
  );
}

export async function closePeer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const s = (globalThis as unknown as { __rtc?: RtcState }).__rtc;
    s?.dc?.close();
    s?.pc.close();
  }, null);
}
