// Stand-in for worker/scripts/start.ts, same flags: serves one page, a health
// check and an echo route, so the harness can be tested without wrangler.
// It counts its starts in --persist-to to show that restarts keep state.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    ip: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8787' },
    'persist-to': { type: 'string' },
    'no-build': { type: 'boolean' },
  },
});

const stateDir = values['persist-to'] ?? '.standin-state';
mkdirSync(stateDir, { recursive: true });
const countFile = join(stateDir, 'starts');
let starts = 0;
try {
  starts = Number(readFileSync(countFile, 'utf8')) || 0;
} catch {
  // first start with this state dir
}
starts += 1;
writeFileSync(countFile, String(starts));

const PAGE = '<!doctype html><meta charset="utf-8"><title>stand-in tracker</title><h1>stand-in tracker</h1>';

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (url.pathname === '/api/health') {
      json(200, { ok: true, starts });
    } else if (url.pathname === '/api/echo') {
      const body = Buffer.concat(chunks).toString('utf8');
      json(200, {
        method: req.method,
        authorization: req.headers.authorization ?? null,
        body: body ? JSON.parse(body) : null,
      });
    } else {
      json(404, { error: { code: 'not_found', message: url.pathname } });
    }
  });
});

server.listen(Number(values.port), values.ip, () => {
  console.log(`stand-in tracker ready on http://${values.ip}:${values.port} (start #${starts})`);
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}

// like start.ts: do not outlive a test driver that died without signalling us
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
