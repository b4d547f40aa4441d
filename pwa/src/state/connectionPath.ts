// How a transfer's bytes travel, from its WebRTC connection's statistics (`getStats()`): the selected
// candidate pair and its two candidates. Pure: the caller passes the report's entries.
//   lan    both ends are addresses of a local network (host, or peer-reflexive on the LAN): same network
//   direct no relay, but not both local: straight to the other device over the internet (srflx/prflx)
//   relay  either end is a TURN relay candidate: the relay server passes the (encrypted) bytes on

export type ConnectionPath = 'lan' | 'direct' | 'relay';

/** The fields of RTCStatsReport entries this reads (the rest is ignored). */
export interface StatsEntry {
  id: string;
  type: string;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  selected?: boolean;
  nominated?: boolean;
  state?: string;
  candidateType?: string;
  address?: string | null;
  /** older name of `address` */
  ip?: string | null;
}

function ipv4Private(ip: string): boolean {
  const [a = -1, b = -1] = ip.split('.').map(Number);
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** A private, link-local, loopback or shared address, or an mDNS name (`<uuid>.local`). */
export function isLocalAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (a.endsWith('.local')) return true;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(a)) return ipv4Private(a);
  if (a.startsWith('::ffff:')) return ipv4Private(a.slice(7));
  return a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a);
}

function selectedPair(entries: Map<string, StatsEntry>): StatsEntry | undefined {
  for (const e of entries.values()) {
    if (e.type === 'transport' && e.selectedCandidatePairId) return entries.get(e.selectedCandidatePairId);
  }
  const pairs = [...entries.values()].filter((e) => e.type === 'candidate-pair');
  // Firefox marks the pair itself; otherwise the nominated pair that works
  return pairs.find((p) => p.selected) ?? pairs.find((p) => p.nominated && p.state === 'succeeded');
}

/** The path of one connection, or null while no candidate pair is selected yet. */
export function classifyStats(report: Iterable<StatsEntry>): ConnectionPath | null {
  const entries = new Map<string, StatsEntry>();
  for (const e of report) entries.set(e.id, e);
  const pair = selectedPair(entries);
  if (!pair?.localCandidateId || !pair.remoteCandidateId) return null;
  const local = entries.get(pair.localCandidateId);
  const remote = entries.get(pair.remoteCandidateId);
  if (!local || !remote) return null;
  if (local.candidateType === 'relay' || remote.candidateType === 'relay') return 'relay';
  const addressOf = (c: StatsEntry) => c.address ?? c.ip ?? '';
  const local_ = (c: StatsEntry) =>
    (c.candidateType === 'host' || c.candidateType === 'prflx') && isLocalAddress(addressOf(c));
  return local_(local) && local_(remote) ? 'lan' : 'direct';
}

const WORDS: Record<ConnectionPath, string> = {
  lan: 'straight to the other device, on this network',
  direct: 'straight to the other device, over the internet',
  relay: 'through a relay server (it passes the encrypted data on)',
};

const SHORT: Record<ConnectionPath, string> = {
  lan: 'on this network',
  direct: 'direct over the internet',
  relay: 'through a relay',
};

/** Plain words for the paths of one transfer's connections (several sources may differ). */
export function describePaths(paths: ConnectionPath[]): string | null {
  if (paths.length === 0) return null;
  const counts = new Map<ConnectionPath, number>();
  for (const p of paths) counts.set(p, (counts.get(p) ?? 0) + 1);
  if (counts.size === 1) return `Goes ${WORDS[paths[0]!]}`;
  const order: ConnectionPath[] = ['lan', 'direct', 'relay'];
  return `Goes ${order
    .filter((p) => counts.has(p))
    .map((p) => `${counts.get(p)} ${SHORT[p]}`)
    .join(', ')}`;
}
