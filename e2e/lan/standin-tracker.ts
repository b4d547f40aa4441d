// Stand-in for worker/scripts/start.ts, same flags: serves one page, a health
// check and an echo route, so the harness can be tested without wrangler, on
// plain http and (unless --no-https) on HTTPS from the same local CA code.
// It counts its starts in --persist-to to show that restarts keep state.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serverNames, shortHostname } from '../../worker/scripts/addresses.ts';
import { ensureTls } from '../../worker/scripts/tls.ts';

const { values } = parseArgs({
  options: {
    ip: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8787' },
    'https-port': { type: 'string', default: '8443' },
    'no-https': { type: 'boolean' },
    'no-lobby': { type: 'boolean' },
    'persist-to': { type: 'string' },
    'no-build': { type: 'boolean' },
    verbose: { type: 'boolean' },
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

const handler: RequestListener = (req, res) => {
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
};

const servers = [createServer(handler)];
servers[0]?.listen(Number(values.port), values.ip, () => {
  console.log(`stand-in tracker ready on http://${values.ip}:${values.port} (start #${starts})`);
});
if (!values['no-https']) {
  const host = shortHostname();
  const tls = await ensureTls(stateDir, serverNames([values.ip], host), host);
  const secure = createHttpsServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, handler);
  servers.push(secure);
  secure.listen(Number(values['https-port']), values.ip, () => {
    console.log(`stand-in tracker ready on https://${values.ip}:${values['https-port']}`);
  });
}

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    for (const s of servers) s.close();
    process.exit(0);
  });
}

// like start.ts: do not outlive a test driver that died without signalling us
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
