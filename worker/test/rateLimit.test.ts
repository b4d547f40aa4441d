// The switch local load tests use (MESHDROP_RATE_LIMITS=off npm start) must never lift the limits of a
// deployed tracker, whatever its RATE_LIMITS says.
import { describe, expect, it } from 'vitest';
import { enforceLimit, rateLimitsOff } from '../lib/rateLimit.ts';

const denyAll: RateLimit = { limit: async () => ({ success: false }) };

describe('rate-limit switch', () => {
  it('is honoured only on a LAN tracker', () => {
    expect(rateLimitsOff({ TRACKER_MODE: 'lan', RATE_LIMITS: 'off' })).toBe(true);
    expect(rateLimitsOff({ TRACKER_MODE: 'deployed', RATE_LIMITS: 'off' })).toBe(false);
    expect(rateLimitsOff({ TRACKER_MODE: 'lan', RATE_LIMITS: 'on' })).toBe(false);
  });

  it('still answers 429 on a deployed tracker told to turn limits off', async () => {
    await expect(
      enforceLimit({ TRACKER_MODE: 'deployed', RATE_LIMITS: 'off' }, denyAll, 'k'),
    ).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    await expect(enforceLimit({ TRACKER_MODE: 'lan', RATE_LIMITS: 'off' }, denyAll, 'k')).resolves.toBe(
      undefined,
    );
  });
});
