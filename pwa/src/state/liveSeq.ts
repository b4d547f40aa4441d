// Sequence-number decisions for the live room socket. Every event carries the room's seq; anything but
// "last + 1" means we either saw it already or missed something. Pure, so it is tested without sockets.

export type SeqDecision = 'apply' | 'ignore' | 'gap';

/** What to do with an event numbered `seq` when the last one applied was `lastSeq` (null: no hello yet). */
export function decideSeq(lastSeq: number | null, seq: number): SeqDecision {
  if (lastSeq === null) return 'ignore';
  if (seq <= lastSeq) return 'ignore';
  return seq === lastSeq + 1 ? 'apply' : 'gap';
}

/**
 * A hello opens every connection with the room's current seq. Equal to ours: nothing was missed while
 * we were away. Anything else (we are behind, or the room's log restarted below us): refetch the listing.
 */
export function decideHello(lastSeq: number | null, helloSeq: number): 'in-sync' | 'resync' {
  return lastSeq !== null && lastSeq === helloSeq ? 'in-sync' : 'resync';
}
