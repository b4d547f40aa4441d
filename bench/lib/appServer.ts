// A static server for two builds of the PWA, run in the test LAN's tracker namespace by the first-load
// bench in place of the tracker (same flags): the build in FIRSTLOAD_AFTER on --port, the one in
// FIRSTLOAD_BEFORE on --https-port (plain http both: no service worker, so every load is cold). Answers
// gzip like a CDN does, `no-store` so the browser's cache never serves a round, and /api/health for the
// harness's readiness probe; the app's other API calls get a 404 (the first screen does not wait for them).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({
  options: {
    ip: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8787' },
    'https-port': { type: 'string', default: '8443' },
  },
  strict: false,
});

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function serve(dir: string, port: number): void {
  const gzipped = new Map<string, Buffer>();
  createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/health')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (path.startsWith('/api/') || path.startsWith('/peerjs/')) return void res.writeHead(404).end();
    let file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    // the app's routes (/r/<room>) are index.html, as the tracker's SPA fallback answers them
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store' };
    let body: Buffer = readFileSync(file);
    if (/gzip/.test(String(req.headers['accept-encoding'])) && !type.startsWith('image/')) {
      body = gzipped.get(file) ?? gzipped.set(file, gzipSync(body, { level: 9 })).get(file)!;
      headers['content-encoding'] = 'gzip';
    }
    res.writeHead(200, { ...headers, 'content-length': String(body.length) }).end(body);
  }).listen(port, values.ip as string);
}

serve(process.env.FIRSTLOAD_AFTER!, Number(values.port));
serve(process.env.FIRSTLOAD_BEFORE!, Number(values['https-port']));
console.log(`app server: after on ${values.port}, before on ${values['https-port']}`);
