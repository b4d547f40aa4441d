// Network namespaces, the bridge and veth links, all through iproute2.
// Links are created directly inside their namespaces (`ip -n`), so nothing of
// ours ever appears in the root namespace and deleting the namespaces deletes
// every link with them.
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { run, runSync, sleep } from './exec.ts';
import { signal } from './procs.ts';

const BRIDGE = 'br0';
const HOST_DEV = 'eth0';

export interface Host {
  ns: string;
  ip: string;
  bridgeNs: string;
  // the bridge-side end of this host's veth, inside bridgeNs
  bridgePort: string;
}

export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list'], { allowFail: true });
  return parseNamespaceList(stdout);
}

function parseNamespaceList(stdout: string): string[] {
  // lines look like "name (id: 3)" or just "name"
  return stdout
    .split('\n')
    .map((line) => line.trim().split(' ')[0] ?? '')
    .filter((name) => name.length > 0);
}

export async function namespacePids(ns: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', ns], { allowFail: true });
  return parsePids(stdout);
}

function parsePids(stdout: string): number[] {
  return stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

export async function createNamespace(ns: string): Promise<void> {
  // `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf:
  // DNS from inside our LAN goes to loopback and fails fast instead of leaving it
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(`/etc/netns/${ns}/resolv.conf`, 'nameserver 127.0.0.1\n');
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  // IPv4 only: no link-local v6 addresses, so ICE sees exactly one address per device
  await run('ip', [
    'netns',
    'exec',
    ns,
    'sysctl',
    '-q',
    '-w',
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
  ]);
}

// Kill everything living in the namespace, then delete it. The kernel frees a
// namespace (and its links) only when no process holds it any more.
export async function deleteNamespace(ns: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const pids = await namespacePids(ns);
    if (pids.length === 0) break;
    for (const pid of pids) signal(pid, 'SIGKILL');
    await sleep(50);
  }
  await run('ip', ['netns', 'del', ns], { allowFail: true });
  removeEtcNetns(ns);
}

export function deleteNamespaceSync(ns: string): void {
  for (const pid of parsePids(runSync('ip', ['netns', 'pids', ns]).stdout)) signal(pid, 'SIGKILL');
  runSync('ip', ['netns', 'del', ns]);
  removeEtcNetns(ns);
}

export function removeEtcNetns(ns: string): void {
  rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  try {
    rmdirSync('/etc/netns'); // only when empty: other tools may keep entries there
  } catch {
    // not empty, or already gone
  }
}

export async function createBridge(ns: string): Promise<void> {
  await run('ip', [
    '-n',
    ns,
    'link',
    'add',
    BRIDGE,
    'type',
    'bridge',
    'forward_delay',
    '0',
    'stp_state',
    '0',
  ]);
  await run('ip', ['-n', ns, 'link', 'set', BRIDGE, 'up']);
}

export async function attachHost(host: Host, prefixLength = 24): Promise<void> {
  await run('ip', [
    '-n',
    host.ns,
    'link',
    'add',
    HOST_DEV,
    'type',
    'veth',
    'peer',
    'name',
    host.bridgePort,
    'netns',
    host.bridgeNs,
  ]);
  await run('ip', ['-n', host.bridgeNs, 'link', 'set', host.bridgePort, 'master', BRIDGE, 'up']);
  await run('ip', ['-n', host.ns, 'addr', 'add', `${host.ip}/${prefixLength}`, 'dev', HOST_DEV]);
  await run('ip', ['-n', host.ns, 'link', 'set', HOST_DEV, 'up']);
  // Chromium gathers host candidates only on an interface a default route points to
  await run('ip', ['-n', host.ns, 'route', 'replace', 'default', 'dev', HOST_DEV]);
}

// Cut at the bridge port: the device keeps its address and route (as a phone
// out of Wi-Fi range would) but loses carrier, and nothing gets through.
export async function cutHost(host: Host): Promise<void> {
  await run('ip', ['-n', host.bridgeNs, 'link', 'set', host.bridgePort, 'down']);
}

export async function restoreHost(host: Host): Promise<void> {
  await run('ip', ['-n', host.bridgeNs, 'link', 'set', host.bridgePort, 'up']);
  // the kernel may have dropped the route while carrier was off
  await run('ip', ['-n', host.ns, 'route', 'replace', 'default', 'dev', HOST_DEV]);
}

// tbf shapes egress only, so shape both ends of the veth: the device's own
// end limits its upload, the bridge end limits what reaches it.
export async function limitHostRate(host: Host, rate: string): Promise<void> {
  const bitsPerSecond = parseRate(rate);
  // a bucket of ~20 ms of traffic (at least a few full frames) keeps tbf accurate
  const burstBytes = Math.max(16 * 1024, Math.round(bitsPerSecond / 8 / 50));
  const args = [
    'root',
    'tbf',
    'rate',
    `${bitsPerSecond}bit`,
    'burst',
    String(burstBytes),
    'latency',
    '200ms',
  ];
  await run('tc', ['-n', host.ns, 'qdisc', 'replace', 'dev', HOST_DEV, ...args]);
  await run('tc', ['-n', host.bridgeNs, 'qdisc', 'replace', 'dev', host.bridgePort, ...args]);
}

export async function unlimitHostRate(host: Host): Promise<void> {
  await run('tc', ['-n', host.ns, 'qdisc', 'del', 'dev', HOST_DEV, 'root'], { allowFail: true });
  await run('tc', ['-n', host.bridgeNs, 'qdisc', 'del', 'dev', host.bridgePort, 'root'], { allowFail: true });
}

// tc units: "8mbit", "500kbit", "1gbit", "2mbps" (bytes), "64000" (bits)
export function parseRate(rate: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)?$/i.exec(rate.trim());
  if (!m) throw new Error(`unrecognised rate "${rate}" (use e.g. 8mbit, 500kbit, 2mbps)`);
  const unit = (m[2] ?? 'bit').toLowerCase();
  const scale: Record<string, number> = {
    bit: 1,
    kbit: 1e3,
    mbit: 1e6,
    gbit: 1e9,
    bps: 8,
    kbps: 8e3,
    mbps: 8e6,
    gbps: 8e9,
  };
  return Math.round(Number(m[1]) * (scale[unit] ?? 1));
}
