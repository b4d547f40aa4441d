// HTTP from inside a namespace. The test driver lives in the root namespace
// and cannot reach the LAN, so it runs a one-shot node fetch via `ip netns exec`.
import { NODE_BIN } from './config.ts';
import type { ApiResponse } from './device.ts';
import { run } from './exec.ts';

export interface NsFetchRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** a CA certificate (PEM file) to trust for https URLs, as the tracker's own */
  ca?: string;
}

export interface NsFetchResponse {
  // 0 when no HTTP answer came back (refused, timed out)
  status: number;
  text: string;
}

const SCRIPT = `
const [url, raw] = process.argv.slice(1);
const req = JSON.parse(raw);
fetch(url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) })
  .then(async (r) => ({ status: r.status, text: await r.text() }))
  .catch((e) => ({ status: 0, text: String(e && e.cause ? e.cause : e) }))
  .then((out) => process.stdout.write(JSON.stringify(out)));
`;

export async function fetchInNamespace(
  ns: string,
  url: string,
  req: NsFetchRequest = {},
): Promise<NsFetchResponse> {
  const timeoutMs = req.timeoutMs ?? 3_000;
  const trust = req.ca ? ['env', `NODE_EXTRA_CA_CERTS=${req.ca}`] : [];
  const { stdout, stderr } = await run(
    'ip',
    ['netns', 'exec', ns, ...trust, NODE_BIN, '-e', SCRIPT, url, JSON.stringify({ ...req, timeoutMs })],
    { allowFail: true, timeoutMs: timeoutMs + 10_000 },
  );
  try {
    return JSON.parse(stdout) as NsFetchResponse;
  } catch {
    return { status: 0, text: stderr.trim() || stdout };
  }
}

/** A JSON API call from inside `ns` (so it leaves from that host's address): `{ status, json }`. */
export async function apiInNamespace(
  ns: string,
  url: string,
  method: string,
  body?: unknown,
  bearer?: string,
  ca?: string,
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const res = await fetchInNamespace(ns, url, {
    method,
    headers,
    ca,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 0) throw new Error(`${url} unreachable from ${ns}: ${res.text}`);
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    // not JSON
  }
  return { status: res.status, json };
}
