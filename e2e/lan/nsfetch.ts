// HTTP from inside a namespace. The test driver lives in the root namespace
// and cannot reach the LAN, so it runs a one-shot node fetch via `ip netns exec`.
import { NODE_BIN } from './config.ts';
import { run } from './exec.ts';

export interface NsFetchRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
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
  const { stdout, stderr } = await run(
    'ip',
    ['netns', 'exec', ns, NODE_BIN, '-e', SCRIPT, url, JSON.stringify({ ...req, timeoutMs })],
    { allowFail: true, timeoutMs: timeoutMs + 10_000 },
  );
  try {
    return JSON.parse(stdout) as NsFetchResponse;
  } catch {
    return { status: 0, text: stderr.trim() || stdout };
  }
}
