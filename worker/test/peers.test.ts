import { describe, expect, it } from 'vitest';
import { call } from './helpers.ts';

describe('peers', () => {
  it('registers a device with a server-issued id, a secret and a friendly name', async () => {
    const res = await call('POST', '/api/peers');
    expect(res.status).toBe(201);
    expect(res.json.peerId).toMatch(/^[a-z2-7]{26}$/);
    expect(res.json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });
});
