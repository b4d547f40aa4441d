import { describe, expect, it } from 'vitest';
import { brokenRule } from './layers.ts';

describe('the layer check', () => {
  it('refuses net/ importing app/ (as net/transfers.ts once did) and protocol importing the worker', () => {
    expect(brokenRule('pwa/src/net/transfers.ts', 'pwa/src/app/transferActivity.ts')).toMatch(
      /must not import/,
    );
    expect(brokenRule('pwa/src/state/catalog.ts', 'pwa/src/net/api.ts')).toMatch(/must not import/);
    expect(brokenRule('worker/protocol/api.ts', 'worker/lib/errors.ts')).toMatch(/must not import/);
  });

  it('lets imports point down and within a layer', () => {
    expect(brokenRule('pwa/src/app/Room.tsx', 'pwa/src/net/session.ts')).toBeNull();
    expect(brokenRule('pwa/src/net/session.ts', 'worker/protocol/limits.ts')).toBeNull();
    expect(brokenRule('worker/protocol/live.ts', 'worker/protocol/api.ts')).toBeNull();
  });
});
