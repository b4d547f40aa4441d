import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../protocol/limits.ts';
import { call, file, newPeer, newRoom } from './helpers.ts';

describe('error answers', () => {
  it('405 for a known path with another method', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/api/peers', 'POST'],
      ['PUT', '/api/peers/me', 'GET, PATCH, DELETE'],
      ['GET', '/api/rooms', 'POST'],
      ['PATCH', `/api/rooms/${'a'.repeat(26)}/files`, 'GET'],
      ['POST', '/peerjs/peerjs/id', 'GET'],
    ]) {
      const res = await call(method!, path!);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.json.error.code).toBe('method_not_allowed');
      // RFC 9110: a 405 says which methods the path has
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });

  it('404 JSON for an unknown API path', async () => {
    const res = await call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual({ code: 'not_found', message: expect.any(String) });
  });

  it('415 when the body is not declared as JSON', async () => {
    const peer = await newPeer();
    const res = await call('PATCH', '/api/peers/me', {
      secret: peer.secret,
      rawBody: '{"name":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe('unsupported_media_type');
  });

  it('400 for malformed JSON and for bytes that are not UTF-8', async () => {
    const peer = await newPeer();
    const headers = { 'content-type': 'application/json' };
    const broken = await call('PATCH', '/api/peers/me', {
      secret: peer.secret,
      rawBody: '{"name":',
      headers,
    });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('invalid_json');
    const binary = await call('PATCH', '/api/peers/me', {
      secret: peer.secret,
      rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      headers,
    });
    expect(binary.status).toBe(400);
    expect(binary.json.error.code).toBe('invalid_json');
  });

  it('413 for a body over the limit, whether or not it declares its length', async () => {
    const peer = await newPeer();
    const roomId = await newRoom(peer.secret);
    const huge = JSON.stringify({ files: [file(1, { name: 'x'.repeat(LIMITS.maxBodyBytes) })] });
    const declared = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: peer.secret,
      rawBody: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(declared.json.error.code).toBe('body_too_large');

    // a streamed body has no Content-Length: the cap must hold while reading
    const bytes = new TextEncoder().encode(huge);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
        controller.close();
      },
    });
    const res = await SELF.fetch(`http://tracker.test/api/rooms/${roomId}/shares`, {
      method: 'POST',
      headers: { authorization: `Bearer ${peer.secret}`, 'content-type': 'application/json' },
      body: stream,
      // @ts-expect-error: workerd's fetch accepts duplex for streamed bodies
      duplex: 'half',
    });
    expect(res.status).toBe(413);
  });

  it('answers the client configuration', async () => {
    const res = await call('GET', '/api/config');
    expect(res.status).toBe(200);
    // STUN only (wrangler.toml's, deployed mode); details in ice.test.ts
    expect(JSON.stringify(res.json.iceServers)).not.toMatch(/username|credential/);
    expect(res.json.peerjs).toEqual({ path: '/peerjs', key: 'peerjs' });
    expect(res.json.limits.maxSharesPerRequest).toBe(LIMITS.maxSharesPerRequest);
  });

  it('answers health with a real database round trip', async () => {
    const res = await call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
  });
});
