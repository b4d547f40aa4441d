// Signaling conformance with the real client: unmodified peerjs in real Chromium devices on the test
// LAN, connecting through our relay (on a LAN tracker: the in-memory relay of `npm start`'s front, with
// the tracker admitting sockets and telling the relay about revocations) and moving data directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import { installKit } from './pageKit.ts';

const skip = checkPrerequisites();

interface Identity {
  peerId: string;
  secret: string;
  name: string;
}

// biome-ignore lint/suspicious/noExplicitAny: page-side state is untyped JSON
type Kit = any;
const kit = <T>(d: Device, fn: (k: Kit, arg: never) => T | Promise<T>, arg?: unknown): Promise<T> =>
  d.page.evaluate(([f, a]) => new Function('k', 'a', `return (${f})(k, a)`)((window as Kit).kit, a), [
    fn.toString(),
    arg,
  ] as const);

describe.skipIf(skip)('signaling with the real peerjs client', () => {
  let lan: Lan;
  let alice: Device;
  let bob: Device;
  let carol: Device;
  const ids: Record<string, Identity> = {};
  let roomId = '';

  const api = async (d: Device, method: string, path: string, body?: unknown, who = d.name) => {
    const res = await d.api(method, path, body, ids[who]?.secret);
    return res as { status: number; json: Kit };
  };
  const ticket = async (d: Device) => (await api(d, 'POST', '/api/peers/me/ticket')).json.ticket as string;

  beforeAll(async () => {
    lan = await createLan();
    await lan.startTracker({ secure: true });
    [alice, bob, carol] = await Promise.all([
      lan.startDevice('alice'),
      lan.startDevice('bob'),
      lan.startDevice('carol'),
    ]);
    for (const d of [alice, bob, carol]) {
      await installKit(d.page);
      const res = await d.api('POST', '/api/peers', { name: d.name });
      expect(res.status).toBe(201);
      ids[d.name] = res.json as Identity;
    }
    const created = (await api(alice, 'POST', '/api/rooms')).json as { roomId: string; invite: string };
    roomId = created.roomId;
    const joined = await api(bob, 'POST', `/api/rooms/${roomId}/members`, { invite: created.invite });
    expect(joined.status).toBe(201);
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('both devices open a Peer with their server-issued id and a ticket', async () => {
    for (const d of [alice, bob]) {
      const result = await kit(d, (k, a: [string, string]) => k.openPeer(a[0], a[1]), [
        ids[d.name]!.peerId,
        await ticket(d),
      ]);
      expect(result).toEqual({ ok: true, id: ids[d.name]!.peerId });
    }
  });

  it('alice connects to bob directly and sends 5 MiB that arrive intact', async () => {
    expect(await kit(alice, (k, dst: string) => k.connect(dst), ids.bob!.peerId)).toEqual({ ok: true });
    // bob's side of the connection opens too
    await bob.page.waitForFunction(() => (window as Kit).kit.conns.some((c: Kit) => c.open));
    const total = 5 * 1024 * 1024;
    const sent = await kit(alice, (k, n: number) => k.sendRandom(n, 64 * 1024), total);
    await bob.page.waitForFunction((n) => (window as Kit).kit.received >= n, total, { timeout: 60_000 });
    expect(await kit(bob, (k) => k.received)).toBe(total);
    expect(await kit(bob, (k) => k.receivedDigest())).toBe(sent);
  });

  it('a peer outside the room is unavailable, and nothing else breaks', async () => {
    // carol is registered but shares no room with alice: the relay answers EXPIRE
    const result = await kit(alice, (k, dst: string) => k.connect(dst), ids.carol!.peerId);
    expect(result).toEqual({ ok: false, type: 'peer-unavailable' });
    expect(await kit(alice, (k) => k.peer.open && !k.peer.disconnected)).toBe(true);
    // the existing connection to bob still carries data
    const before = await kit(bob, (k) => k.received);
    await kit(alice, (k) => k.conns[0].send(new Uint8Array(1000).buffer));
    await bob.page.waitForFunction((n) => (window as Kit).kit.received === n + 1000, before);
  });

  it("a device cannot take over bob's id with a ticket of its own", async () => {
    const result = await kit(carol, (k, a: [string, string]) => k.openPeer(a[0], a[1]), [
      ids.bob!.peerId,
      await ticket(carol),
    ]);
    expect(result).toEqual({ ok: false, type: 'unavailable-id' });
    expect(await kit(bob, (k) => k.peer.open && !k.peer.disconnected && !k.peer.destroyed)).toBe(true);
    // bob is still reachable through the relay: a fresh connection from alice opens
    expect(await kit(alice, (k, dst: string) => k.connect(dst), ids.bob!.peerId)).toEqual({ ok: true });
  });

  it('live events: a share by alice reaches bob within a second', async () => {
    expect(
      await kit(bob, (k, a: [string, string]) => k.openLive(a[0], a[1]), [roomId, await ticket(bob)]),
    ).toBe(true);
    await bob.page.waitForFunction(() => (window as Kit).kit.live.some((e: Kit) => e.msg.type === 'hello'));
    const file = {
      contentId: 'ab'.repeat(32),
      size: 10,
      name: 'notes.txt',
      type: 'text/plain',
      chunkSize: 1 << 20,
    };
    const before = Date.now();
    expect((await api(alice, 'POST', `/api/rooms/${roomId}/shares`, { files: [file] })).status).toBe(201);
    await bob.page.waitForFunction(
      () => (window as Kit).kit.live.some((e: Kit) => e.msg.type === 'share-added'),
      undefined,
      { timeout: 5000 },
    );
    const event = await kit(bob, (k) => k.live.find((e: Kit) => e.msg.type === 'share-added'));
    expect(event.msg.share).toMatchObject({ name: 'notes.txt', peerId: ids.alice!.peerId });
    expect(event.at - before).toBeLessThan(1000);
    const hello = await kit(bob, (k) => k.live.find((e: Kit) => e.msg.type === 'hello').msg);
    expect(event.msg.seq).toBeGreaterThan(hello.seq);
  });

  it('bob closes his tab: alice hears LEAVE, and bob is offline in the listing and the live events', async () => {
    // bob shares something, so the listing has a source to show offline; alice listens live
    const file = {
      contentId: 'cd'.repeat(32),
      size: 5,
      name: 'bob.txt',
      type: 'text/plain',
      chunkSize: 1 << 20,
    };
    expect((await api(bob, 'POST', `/api/rooms/${roomId}/shares`, { files: [file] })).status).toBe(201);
    expect(
      await kit(alice, (k, a: [string, string]) => k.openLive(a[0], a[1]), [roomId, await ticket(alice)]),
    ).toBe(true);
    const sourceOnline = async () => {
      const list = await api(alice, 'GET', `/api/rooms/${roomId}/files`);
      return list.json.files.find((f: Kit) => f.name === 'bob.txt').sources[0].online as boolean;
    };
    expect(await sourceOnline()).toBe(true);

    const closedAt = Date.now();
    await bob.page.close();
    // LEAVE makes the client close its connections at once (ICE alone would take ~30 s)
    await alice.page.waitForFunction(() => (window as Kit).kit.closedAt !== null, undefined, {
      timeout: 10_000,
    });
    expect((await kit<number>(alice, (k) => k.closedAt)) - closedAt).toBeLessThan(5000);
    await alice.page.waitForFunction(
      (peerId) =>
        (window as Kit).kit.live.some(
          (e: Kit) => e.msg.type === 'presence' && e.msg.peerId === peerId && !e.msg.online,
        ),
      ids.bob!.peerId,
      { timeout: 5000 },
    );
    expect(await sourceOnline()).toBe(false);
  });

  it('alice changes her secret: the tracker has her signaling socket closed at once (4002)', async () => {
    expect(await kit(alice, (k) => k.peer.open && !k.peer.disconnected)).toBe(true);
    const rotatedAt = Date.now();
    expect((await api(alice, 'POST', '/api/peers/me/secret')).status).toBe(201);
    await alice.page.waitForFunction(() => (window as Kit).kit.peer.disconnected, undefined, {
      timeout: 5000,
    });
    expect(Date.now() - rotatedAt).toBeLessThan(3000);
  });
});
