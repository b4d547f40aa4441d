// Which names and addresses this laptop answers to on the LAN, and which of them a local certificate
// authority may vouch for. Pure apart from `lanAddresses()`, which reads the machine's interfaces.

import { isIPv4, isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * Address ranges the local CA may sign for (its name constraints): private, shared (CGNAT/Tailscale),
 * link-local and loopback. A stolen CA key then cannot impersonate any site on the internet.
 */
export const PERMITTED_IP_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '127.0.0.0/8',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
] as const;

/** IPv4 addresses of this machine's non-loopback interfaces, in interface order. */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/** The machine's host name as one lowercase DNS label, or null when it is not a usable one. */
export function shortHostname(raw = hostname()): string | null {
  const label = raw.toLowerCase().split('.')[0] ?? '';
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label) ? label : null;
}

/** DNS names the CA may sign for: localhost, every `.local` (mDNS) name, and this machine's name. */
export function permittedDnsNames(host: string | null): string[] {
  return ['localhost', 'local', ...(host ? [host] : [])];
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function ipv6ToBigInt(ip: string): bigint {
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) + BigInt(Number.parseInt(g || '0', 16)), 0n);
}

function inRange(ip: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIPv4(ip) && isIPv4(base)) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(ip) & mask) >>> 0 === (ipv4ToInt(base) & mask) >>> 0;
  }
  if (isIPv6(ip) && isIPv6(base)) {
    const shift = BigInt(128 - bits);
    return ipv6ToBigInt(ip) >> shift === ipv6ToBigInt(base) >> shift;
  }
  return false;
}

/** Whether the local CA's name constraints allow this IP address. */
export function isPermittedIp(ip: string): boolean {
  return PERMITTED_IP_RANGES.some((range) => inRange(ip, range));
}

/** Whether the local CA's name constraints allow this DNS name (RFC 5280: the name or a subdomain of it). */
export function isPermittedDns(name: string, host: string | null): boolean {
  const lower = name.toLowerCase();
  return permittedDnsNames(host).some((p) => lower === p || lower.endsWith(`.${p}`));
}

export interface ServerNames {
  dns: string[];
  ips: string[];
  /** LAN addresses the CA may not vouch for (public addresses): reachable over plain http only. */
  uncovered: string[];
}

/**
 * What the server certificate names: localhost and the loopback addresses, the host name (bare and
 * `.local`), and each LAN address the CA may sign for.
 */
export function serverNames(addresses: string[], host: string | null): ServerNames {
  const dns = ['localhost', ...(host ? [host, `${host}.local`] : [])];
  const ips = new Set(['127.0.0.1', '::1']);
  const uncovered: string[] = [];
  for (const ip of addresses) {
    if (isPermittedIp(ip)) ips.add(ip);
    else uncovered.push(ip);
  }
  return { dns, ips: [...ips], uncovered };
}
