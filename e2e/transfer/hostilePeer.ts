// The hostile member's script. It runs in a device page that joined the room like anyone (through the
// app), takes the app's own PeerJS Peer (the unmodified `peerjs` client, signed in to the tracker) and
// speaks our transfer protocol by hand over it: as a lying, trickling, spraying or silent source, as a
// downloader that hoards transfers and repeats chunks, as someone asking for files of other rooms, and as
// a flood of connections and signaling frames. It counts everything it sends.
//
// `installHostilePeer` is passed to page.evaluate, so it must be self-contained: no imports, nothing
// from this module's scope. The protocol constants are repeated here on purpose (docs/protocol.md):
// a hostile peer is not bound to our code.

export type SourcePlan =
  | { mode: 'huge-manifest' }
  | { mode: 'junk' | 'trickle' | 'spray' | 'silent'; size: number; chunkSize: number; hashesHex: string }
  | { mode: 'honest'; size: number; chunkSize: number; seed: number };

export interface HostileCounts {
  /** frames and messages sent as a source, by plan mode */
  asSource: Record<string, { controls: number; frames: number; bytes: number }>;
  /** inbound connections the hostile source saw */
  served: number;
}

export interface Answer {
  first: string;
  code?: string;
  message?: string;
  ms: number;
}

export interface HostileApi {
  id(): string;
  serveAs(plans: Record<string, SourcePlan>): void;
  counts(): HostileCounts;
  share(
    roomId: string,
    files: { contentId: string; size: number; chunkSize: number; name: string }[],
  ): Promise<number>;
  contentOf(seed: number, size: number, chunkSize: number): Promise<{ contentId: string; sha256: string }>;
  ask(target: string, contentId: string, roomId: string, v?: number): Promise<Answer>;
  hoard(
    target: string,
    contentId: string,
    roomId: string,
    opens: number,
    perConnection: number,
  ): Promise<{ manifests: number; busy: number; other: number; duplicatesAsked: number; piecesBack: number }>;
  connections(
    target: string,
    plan: { label: string; serialization: string; count: number },
  ): Promise<{ opened: number; closed: number; never: number }>;
  signalingFlood(
    target: string,
    offers: number,
    candidates: number,
  ): Promise<{ sent: number; open: boolean }>;
  closeAll(): void;
}

export function installHostilePeer(): void {
  const w = window as unknown as {
    __hostile?: HostileApi;
    __meshdrop: { engine: { peer(): HPeer | null } };
  };
  if (w.__hostile) return;

  interface HConn {
    peer: string;
    open: boolean;
    dataChannel?: RTCDataChannel;
    on(event: string, fn: (...args: unknown[]) => void): void;
    send(data: unknown): void;
    close(): void;
  }
  interface HPeer {
    id: string;
    socket: { send(msg: unknown): void; _socket?: WebSocket };
    on(event: string, fn: (conn: HConn) => void): void;
    removeAllListeners(event: string): void;
    connect(id: string, options: Record<string, unknown>): HConn;
  }

  const LABEL = 'meshdrop-transfer';
  const HEADER = 16;
  const peer = () => {
    const p = w.__meshdrop.engine.peer();
    if (!p) throw new Error('the hostile device has no Peer');
    return p;
  };
  const frame = (kind: number, id: number, index: number, offset: number, payload: Uint8Array) => {
    const buf = new ArrayBuffer(HEADER + payload.length);
    const v = new DataView(buf);
    v.setUint8(0, kind);
    v.setUint8(1, 1);
    v.setUint32(4, id);
    v.setUint32(8, index);
    v.setUint32(12, offset);
    new Uint8Array(buf, HEADER).set(payload);
    return buf;
  };
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  const sha = async (b: Uint8Array) =>
    new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));
  /** Deterministic content: byte i of the file is a function of (seed, i). */
  const bytesOf = (seed: number, start: number, end: number) => {
    const out = new Uint8Array(end - start);
    for (let i = 0; i < out.length; i++) {
      const n = start + i;
      out[i] = (Math.imul(n ^ seed, 2654435761) >>> 13) & 0xff;
    }
    return out;
  };
  const contentIdOf = async (size: number, chunkSize: number, hashes: Uint8Array) => {
    const domain = new TextEncoder().encode('meshdrop-content-v1\n');
    const head = new Uint8Array(domain.length + 12);
    head.set(domain);
    const v = new DataView(head.buffer);
    v.setBigUint64(domain.length, BigInt(size));
    v.setUint32(domain.length + 8, chunkSize);
    const all = new Uint8Array(head.length + hashes.length);
    all.set(head);
    all.set(hashes, head.length);
    return hex(await sha(all));
  };
  const honestCache = new Map<string, Promise<{ hashes: Uint8Array; contentId: string }>>();
  const honestFile = (seed: number, size: number, chunkSize: number) => {
    const key = `${seed}/${size}/${chunkSize}`;
    let p = honestCache.get(key);
    if (!p) {
      p = (async () => {
        const count = Math.ceil(size / chunkSize);
        const hashes = new Uint8Array(count * 32);
        for (let i = 0; i < count; i++)
          hashes.set(await sha(bytesOf(seed, i * chunkSize, Math.min(size, (i + 1) * chunkSize))), i * 32);
        return { hashes, contentId: await contentIdOf(size, chunkSize, hashes) };
      })();
      honestCache.set(key, p);
    }
    return p;
  };

  const counts: HostileCounts = { asSource: {}, served: 0 };
  const tally = (mode: string, kind: 'controls' | 'frames', bytes: number) => {
    const c = counts.asSource[mode] ?? { controls: 0, frames: 0, bytes: 0 };
    counts.asSource[mode] = c;
    c[kind]++;
    c.bytes += bytes;
  };
  const mine: HConn[] = [];
  let plans: Record<string, SourcePlan> = {};

  /** Waits until the data channel's queue is small: the hostile peer is hostile, not self-destructive. */
  const drain = async (conn: HConn) => {
    while (conn.open && (conn.dataChannel?.bufferedAmount ?? 0) > 2 * 1024 * 1024)
      await new Promise((r) => setTimeout(r, 10));
  };

  const serve = (conn: HConn) => {
    counts.served++;
    mine.push(conn);
    conn.on('data', (data) => {
      if (typeof data !== 'string') return;
      let msg: { t?: string; id?: number; contentId?: string; chunks?: number[] };
      try {
        msg = JSON.parse(data);
      } catch {
        return;
      }
      const plan = msg.contentId ? plans[msg.contentId] : undefined;
      if (msg.t === 'open' && msg.contentId) void onOpen(conn, msg.id ?? 1, msg.contentId, plan);
      if (msg.t === 'get' && Array.isArray(msg.chunks)) void onGet(conn, msg.id ?? 1, msg.chunks);
    });
  };
  const transfers = new Map<string, { plan: SourcePlan; contentId: string }>();
  const sendControl = (conn: HConn, mode: string, m: object) => {
    const s = JSON.stringify(m);
    conn.send(s);
    tally(mode, 'controls', s.length);
  };
  const sendFrame = (conn: HConn, mode: string, f: ArrayBuffer) => {
    conn.send(f);
    tally(mode, 'frames', f.byteLength);
  };

  async function onOpen(conn: HConn, id: number, contentId: string, plan: SourcePlan | undefined) {
    if (!plan) return sendControl(conn, 'none', { t: 'error', id, code: 'not_found', message: 'no' });
    transfers.set(`${conn.peer}/${id}`, { plan, contentId });
    if (plan.mode === 'huge-manifest') {
      // the most hashes a manifest may promise, for a file the listing says is small
      return sendControl(conn, plan.mode, {
        t: 'manifest',
        id,
        contentId,
        size: 65536 * 1024,
        chunkSize: 1024,
        chunkCount: 65536,
        partial: false,
      });
    }
    const hashes =
      plan.mode === 'honest'
        ? (await honestFile(plan.seed, plan.size, plan.chunkSize)).hashes
        : unhex(plan.hashesHex);
    const chunkCount = Math.ceil(plan.size / plan.chunkSize);
    sendControl(conn, plan.mode, {
      t: 'manifest',
      id,
      contentId,
      size: plan.size,
      chunkSize: plan.chunkSize,
      chunkCount,
      partial: false,
    });
    for (let first = 0; first < chunkCount; first += 2048)
      sendFrame(conn, plan.mode, frame(2, id, first, 0, hashes.subarray(first * 32, (first + 2048) * 32)));
  }

  async function onGet(conn: HConn, id: number, chunks: number[]) {
    const t = transfers.get(`${conn.peer}/${id}`);
    if (!t || t.plan.mode === 'huge-manifest' || t.plan.mode === 'silent') return;
    const plan = t.plan;
    const mode = plan.mode;
    const lengthOf = (i: number) => Math.min(plan.chunkSize, plan.size - i * plan.chunkSize);
    if (mode === 'trickle') {
      // one junk byte of the first chunk asked for, every 300 ms: never a whole chunk
      const index = chunks[0]!;
      for (let off = 0; conn.open && off < lengthOf(index) - 1; off++) {
        sendFrame(conn, mode, frame(1, id, index, off, new Uint8Array([off & 0xff])));
        await new Promise((r) => setTimeout(r, 300));
      }
      return;
    }
    if (mode === 'spray') {
      // full-size frames for chunks never asked for, at offsets that do not follow
      const junk = new Uint8Array(64 * 1024);
      for (let i = 0; conn.open && i < 400; i++) {
        await drain(conn);
        sendFrame(conn, mode, frame(1, id, chunks[0]! + 100_000 + i, (i % 7) * 4096, junk));
      }
      return;
    }
    for (const index of chunks) {
      const len = lengthOf(index);
      const bytes =
        mode === 'honest'
          ? bytesOf(plan.seed, index * plan.chunkSize, index * plan.chunkSize + len)
          : crypto.getRandomValues(new Uint8Array(Math.min(len, 65536))); // junk: random bytes, right length
      for (let off = 0; conn.open && off < len; off += 65536) {
        await drain(conn);
        const piece =
          mode === 'honest'
            ? bytes.subarray(off, off + 65536)
            : bytes.subarray(0, Math.min(65536, len - off));
        sendFrame(conn, mode, frame(1, id, index, off, piece));
      }
    }
  }

  const opened = (conn: HConn, ms = 15_000) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      conn.on('open', () => {
        clearTimeout(timer);
        resolve(true);
      });
      conn.on('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
      conn.on('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  const answerOf = (conn: HConn) =>
    new Promise<{ t: string; code?: string; message?: string }>((resolve) => {
      conn.on('data', (d) => {
        if (typeof d === 'string') {
          try {
            resolve(JSON.parse(d));
          } catch {
            // ignored
          }
        }
      });
      conn.on('close', () => resolve({ t: 'closed' }));
    });

  w.__hostile = {
    id: () => peer().id,
    serveAs(next) {
      plans = next;
      const p = peer();
      // the app no longer answers for this device: the script does
      p.removeAllListeners('connection');
      // peerjs may emit 'open' twice for one connection: a second handler would serve every `get` twice,
      // interleaving two copies of each chunk (the app then rightly drops the source as malformed)
      p.on('connection', (conn) => conn.on('open', () => void (mine.includes(conn) || serve(conn))));
    },
    counts: () => JSON.parse(JSON.stringify(counts)),
    async share(roomId, files) {
      const identity = await new Promise<{ secret: string }>((resolve, reject) => {
        const open = indexedDB.open('meshdrop');
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get('identity');
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      });
      const res = await fetch(`/api/rooms/${roomId}/shares`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${identity.secret}` },
        body: JSON.stringify({
          files: files.map((f) => ({
            contentId: f.contentId,
            size: f.size,
            chunkSize: f.chunkSize,
            name: f.name,
            type: 'application/octet-stream',
          })),
        }),
      });
      return res.status;
    },
    async contentOf(seed, size, chunkSize) {
      const { contentId } = await honestFile(seed, size, chunkSize);
      return { contentId, sha256: hex(await sha(bytesOf(seed, 0, size))) };
    },
    async ask(target, contentId, roomId, v = 3) {
      const conn = peer().connect(target, { label: LABEL, serialization: 'raw', reliable: true });
      mine.push(conn);
      if (!(await opened(conn))) return { first: 'no connection', ms: 0 };
      const answer = answerOf(conn);
      const t0 = performance.now();
      conn.send(
        JSON.stringify(
          v >= 2 ? { t: 'open', id: 9, contentId, roomId, v } : { t: 'open', id: 9, contentId, v },
        ),
      );
      const a = await answer;
      const ms = performance.now() - t0;
      conn.close();
      return {
        first: a.t,
        ...(a.code ? { code: a.code } : {}),
        ...(a.message ? { message: a.message } : {}),
        ms,
      };
    },
    async hoard(target, contentId, roomId, opens, perConnection) {
      const out = { manifests: 0, busy: 0, other: 0, duplicatesAsked: 0, piecesBack: 0 };
      let id = 1;
      for (let made = 0; made < opens; made += perConnection) {
        const conn = peer().connect(target, { label: LABEL, serialization: 'raw', reliable: true });
        mine.push(conn);
        if (!(await opened(conn))) continue;
        const manifests: number[] = [];
        conn.on('data', (d) => {
          if (typeof d !== 'string') {
            if (new DataView(d as ArrayBuffer).getUint8(0) === 1) out.piecesBack++;
            return;
          }
          const m = JSON.parse(d);
          if (m.t === 'manifest') {
            out.manifests++;
            manifests.push(m.id);
          } else if (m.t === 'error' && m.code === 'busy') out.busy++;
          else out.other++;
        });
        for (let k = 0; k < perConnection && made + k < opens; k++)
          conn.send(JSON.stringify({ t: 'open', id: id++, contentId, roomId, v: 3 }));
        await new Promise((r) => setTimeout(r, 500));
        // one transfer asks for chunk 0 sixty-four times in one request; the rest sit idle
        if (manifests[0] !== undefined) {
          conn.send(
            JSON.stringify({ t: 'get', id: manifests[0], chunks: Array.from({ length: 64 }, () => 0) }),
          );
          out.duplicatesAsked += 63;
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
      return out;
    },
    async connections(target, plan) {
      const conns = Array.from({ length: plan.count }, () =>
        peer().connect(target, { label: plan.label, serialization: plan.serialization, reliable: true }),
      );
      mine.push(...conns);
      const closedBy = conns.map(
        (c) =>
          new Promise<'closed' | 'open'>((resolve) => {
            c.on('close', () => resolve('closed'));
            c.on('error', () => resolve('closed'));
            setTimeout(() => resolve(c.open ? 'open' : 'closed'), 6000);
          }),
      );
      const states = await Promise.all(closedBy);
      const open = conns.filter((c) => c.open).length;
      return {
        opened: open,
        closed: states.filter((s) => s === 'closed').length,
        never: conns.filter((c) => !c.open).length,
      };
    },
    async signalingFlood(target, offers, candidates) {
      const p = peer();
      let sent = 0;
      for (let i = 0; i < offers; i++) {
        // an OFFER for a connection nobody asked for: peerjs at the target builds a peer connection for it
        p.socket.send({
          type: 'OFFER',
          dst: target,
          payload: {
            type: 'data',
            connectionId: `dc_flood${i}`,
            label: LABEL,
            serialization: 'raw',
            reliable: true,
            sdp: { type: 'offer', sdp: 'v=0\r\n' },
            browser: 'hostile',
          },
        });
        sent++;
      }
      for (let i = 0; i < candidates; i++) {
        // candidates for connection ids that do not exist: kept by peerjs "for later"
        p.socket.send({
          type: 'CANDIDATE',
          dst: target,
          payload: { type: 'data', connectionId: `dc_orphan${i}`, candidate: { candidate: 'x'.repeat(200) } },
        });
        sent++;
      }
      await new Promise((r) => setTimeout(r, 500));
      return { sent, open: p.socket._socket?.readyState === WebSocket.OPEN };
    },
    closeAll() {
      for (const c of mine.splice(0)) c.close();
    },
  };
}
