// What a member may send on its live socket: a ping, nothing else. Pure, so the CI fuzz drives it with
// generated frames (worker/test/fuzz-signaling.test.ts) as it does the signaling relay's rule.

/** Longer than any spelling of a ping worth answering. */
const MAX_PING_CHARS = 64;

export type LiveDecision = { kind: 'pong' } | { kind: 'close'; reason: string };

export function decideLiveFrame(message: string | ArrayBuffer): LiveDecision {
  // the exact ping never gets here (auto-response); a differently spelled one is still a ping
  if (typeof message === 'string' && message.length < MAX_PING_CHARS && isPing(message))
    return { kind: 'pong' };
  return { kind: 'close', reason: 'live sockets only accept {"type":"ping"}' };
}

function isPing(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown } | null)?.type === 'ping';
  } catch {
    return false;
  }
}
