// What each signaling socket carries (through hibernation, or in memory for a hub that stays awake), and
// closing or sending without caring whether it still can.
import { CLOSE, type RefusalType } from '../protocol/signaling.ts';
import { closeReason, refusalFrame } from './rules.ts';

/** The credentials an upgrade was admitted with (lib/tickets.ts `keyTag`), from the Worker to the hub. */
export const KEY_TAG_HEADER = 'x-meshdrop-key-tag';

export interface SocketInfo {
  /** The device it speaks for (also its tag). */
  peer: string;
  /** Connection number: the device's newest open socket is the one that speaks for it. */
  conn: number;
  /** When it was accepted (a liveness fallback before the first heartbeat). */
  since: number;
  /** Last time anything arrived, for sockets of an awake hub (hibernatable ones use the runtime's stamp). */
  heard?: number;
}

/** Sockets of a hub that stays awake: their info lives here instead of in an attachment. */
const awake = new WeakMap<WebSocket, SocketInfo>();

export function keepInfo(ws: WebSocket, value: SocketInfo) {
  awake.set(ws, value);
}

export function info(ws: WebSocket): SocketInfo | null {
  const kept = awake.get(ws);
  if (kept) return kept;
  const value = ws.deserializeAttachment() as SocketInfo | null;
  return value && typeof value.peer === 'string' ? value : null;
}

export function closeQuietly(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, closeReason(reason));
  } catch {
    // already closed or closing
  }
}

export function sendQuietly(ws: WebSocket, text: string): boolean {
  try {
    ws.send(text);
    return true;
  } catch {
    return false;
  }
}

/** Answers an upgrade with one protocol error message, then closes: the peerjs client treats it as fatal. */
export function refuseUpgrade(type: RefusalType, msg: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.send(refusalFrame(type, msg));
  server.close(CLOSE.refused, type.toLowerCase());
  return new Response(null, { status: 101, webSocket: client });
}
