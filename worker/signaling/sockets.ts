// What each signaling socket carries through hibernation, and closing without caring whether it still can.

/** Kept on each socket (serializeAttachment), so it survives hibernation. */
export interface SocketInfo {
  /** Connection number: only the object's current one speaks for the peer. */
  conn: number;
  /** When it was accepted (a liveness fallback before the first heartbeat). */
  since: number;
}

export function info(ws: WebSocket): SocketInfo | null {
  return (ws.deserializeAttachment() as SocketInfo | null) ?? null;
}

export function closeQuietly(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // already closed or closing
  }
}
