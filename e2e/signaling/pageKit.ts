// In-page helpers for the signaling suite: the unmodified peerjs client (its own UMD bundle) plus a few
// functions that keep what happened (opens, errors, received bytes, live events) on `window.kit`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const PEERJS_BUNDLE = fileURLToPath(new URL('../../node_modules/peerjs/dist/peerjs.min.js', import.meta.url));

const KIT = `
window.kit = {
  peer: null, errors: [], conns: [], received: 0, parts: [], closedAt: null, live: [], liveOpen: false,
  openPeer(id, token) {
    return new Promise((resolve) => {
      const p = new peerjs.Peer(id, { host: location.hostname, port: Number(location.port), path: '/peerjs',
        key: 'peerjs', token, config: { iceServers: [] }, debug: 0 });
      kit.peer = p;
      p.on('open', (got) => resolve({ ok: true, id: got }));
      p.on('error', (e) => { kit.errors.push(e.type); resolve({ ok: false, type: e.type }); });
      p.on('connection', (c) => kit.track(c));
      setTimeout(() => resolve({ ok: false, type: 'timeout' }), 15000);
    });
  },
  track(c) {
    kit.conns.push(c);
    c.on('data', (d) => {
      if (d instanceof ArrayBuffer) { kit.parts.push(new Uint8Array(d)); kit.received += d.byteLength; }
      else kit.parts.push(d);
    });
    c.on('close', () => { kit.closedAt = Date.now(); });
  },
  connect(dst) {
    return new Promise((resolve) => {
      const c = kit.peer.connect(dst, { serialization: 'raw', reliable: true });
      kit.track(c);
      c.on('open', () => resolve({ ok: true }));
      kit.peer.on('error', (e) => resolve({ ok: false, type: e.type }));
      setTimeout(() => resolve({ ok: false, type: 'timeout' }), 15000);
    });
  },
  async sendRandom(total, piece) {
    const c = kit.conns.at(-1);
    const all = new Uint8Array(total);
    for (let i = 0; i < total; i += 65536) crypto.getRandomValues(all.subarray(i, Math.min(total, i + 65536)));
    for (let off = 0; off < total; off += piece) {
      while (c.dataChannel.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 5));
      c.send(all.slice(off, off + piece).buffer);
    }
    return kit.hex(await crypto.subtle.digest('SHA-256', all));
  },
  async receivedDigest() {
    const all = new Uint8Array(kit.received);
    let off = 0;
    for (const p of kit.parts) if (p instanceof Uint8Array) { all.set(p, off); off += p.length; }
    return kit.hex(await crypto.subtle.digest('SHA-256', all));
  },
  hex(buf) { return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join(''); },
  openLive(roomId, ticket) {
    return new Promise((resolve) => {
      const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
      const ws = new WebSocket(scheme + location.host + '/api/rooms/' + roomId + '/live?ticket=' + ticket);
      ws.onmessage = (e) => kit.live.push({ at: Date.now(), msg: JSON.parse(e.data) });
      ws.onopen = () => { kit.liveOpen = true; resolve(true); };
      ws.onerror = () => resolve(false);
    });
  },
};`;

/**
 * Evaluated through the driver, not added as <script> tags: the tracker's CSP (rightly) refuses inline
 * scripts in its pages, and the driver's evaluation is not a page script.
 */
export async function installKit(page: Page): Promise<void> {
  await page.evaluate(readFileSync(PEERJS_BUNDLE, 'utf8'));
  await page.evaluate(KIT);
}
