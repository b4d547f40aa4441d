// Workers Rate Limiting binding: counts per key within a short period; over the limit is a 429.
import type { Env } from '../env.ts';
import { ApiError } from './errors.ts';

/** Local load tests may lift the limits (MESHDROP_RATE_LIMITS=off npm start); a deployed tracker never does. */
export function rateLimitsOff(env: Pick<Env, 'TRACKER_MODE' | 'RATE_LIMITS'>): boolean {
  return env.TRACKER_MODE === 'lan' && env.RATE_LIMITS === 'off';
}

export async function enforceLimit(
  env: Pick<Env, 'TRACKER_MODE' | 'RATE_LIMITS'>,
  binding: RateLimit,
  key: string,
): Promise<void> {
  if (rateLimitsOff(env)) return;
  const { success } = await binding.limit({ key });
  if (!success) {
    throw new ApiError(429, 'rate_limited', 'Too many requests. Wait a minute and try again.', {
      'retry-after': '60',
    });
  }
}

/** The client address as Cloudflare's edge (or wrangler dev) reports it. */
export function clientAddress(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'unknown';
}
