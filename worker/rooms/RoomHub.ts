// One Durable Object per room (idFromName(roomId)): pushes numbered catalog and presence changes to the
// members' live sockets. Sockets hibernate; the sequence number and recent events live in storage.
import { DurableObject } from 'cloudflare:workers';
import { RoomLog } from '../db/roomLog.ts';
import { listMembers } from '../db/rooms.ts';
import type { Env } from '../env.ts';
import { toMember } from '../lib/rows.ts';
import {
  LIVE_CLOSE,
  LIVE_PING,
  LIVE_PONG,
  type LiveEvent,
  type LiveHello,
  type RoomChange,
} from '../protocol/live.ts';
import { closeQuietly, sendQuietly } from '../signaling/sockets.ts';
import { PEER_HEADER, ROOM_HEADER } from '../stubs.ts';
import { decideLiveFrame } from './liveRules.ts';

export class RoomHub extends DurableObject<Env> {
  now = () => Date.now();
  private readonly log: RoomLog;
  /** Sockets between the start of their upgrade and their accept (they must not miss an event). */
  private opening = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.log = new RoomLog(ctx.storage);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(LIVE_PING, LIVE_PONG));
  }

  /** The upgrade, already checked by the Worker (valid ticket, member of this room). */
  override async fetch(request: Request): Promise<Response> {
    const peerId = request.headers.get(PEER_HEADER);
    const roomId = request.headers.get(ROOM_HEADER);
    if (!peerId || !roomId) return new Response('missing peer or room', { status: 400 });
    // read the number first: events published while D1 answers are replayed below, so none is lost
    const seq = this.log.seq();
    this.opening += 1;
    let members: ReturnType<typeof toMember>[];
    try {
      members = (await listMembers(this.env.DB, roomId)).map(toMember);
    } finally {
      this.opening -= 1;
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [peerId]);
    const hello: LiveHello = { type: 'hello', seq, roomId, members };
    server.send(JSON.stringify(hello));
    for (const text of this.log.since(seq)) {
      server.send(text);
      if (leftBy(text, peerId)) closeQuietly(server, LIVE_CLOSE.leftRoom, 'left the room');
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** RPC from publish(): numbers each change and sends it to every connected member. */
  publish(_roomId: string, changes: RoomChange[]): void {
    const at = this.now();
    // presence is only news to a socket open now: one that opens later reads it from D1 in its hello.
    // Skipping it when nobody watches keeps 1,000 devices connecting from writing to 1,000 rooms.
    const watched = this.opening > 0 || this.ctx.getWebSockets().length > 0;
    for (const change of changes) {
      if (change.type === 'presence' && !watched) continue;
      const text = this.log.append((seq) => JSON.stringify({ ...change, seq, at } satisfies LiveEvent));
      for (const ws of this.ctx.getWebSockets()) sendQuietly(ws, text);
      if (change.type === 'member-left') {
        for (const ws of this.ctx.getWebSockets(change.peerId))
          closeQuietly(ws, LIVE_CLOSE.leftRoom, 'left the room');
      }
    }
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const decision = decideLiveFrame(message);
    if (decision.kind === 'pong') sendQuietly(ws, LIVE_PONG);
    else closeQuietly(ws, LIVE_CLOSE.policy, decision.reason);
  }

  override webSocketClose(ws: WebSocket): void {
    closeQuietly(ws, LIVE_CLOSE.normal, 'closed');
  }
}

function leftBy(text: string, peerId: string): boolean {
  const event = JSON.parse(text) as LiveEvent;
  return event.type === 'member-left' && event.peerId === peerId;
}
