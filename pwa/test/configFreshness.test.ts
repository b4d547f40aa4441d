// When a device fetches the tracker's configuration again: before minted TURN credentials expire.
import { describe, expect, it } from 'vitest';
import { configIsStale, ICE_REFRESH_MARGIN_MS, refreshTime } from '../src/net/configFreshness.ts';

describe('config freshness', () => {
  it('never refetches a configuration without expiring credentials', () => {
    expect(refreshTime({ iceExpiresAt: null })).toBeNull();
    expect(configIsStale({ iceExpiresAt: null }, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('refetches a margin before the credentials expire', () => {
    const expires = 1_000_000_000;
    expect(refreshTime({ iceExpiresAt: expires })).toBe(expires - ICE_REFRESH_MARGIN_MS);
    expect(configIsStale({ iceExpiresAt: expires }, expires - ICE_REFRESH_MARGIN_MS - 1)).toBe(false);
    expect(configIsStale({ iceExpiresAt: expires }, expires - ICE_REFRESH_MARGIN_MS)).toBe(true);
  });
});
