// Workers Rate Limiting binding: counts per key within a short period; over the limit is a 429.
import { ApiError } from './errors.ts';

export async function enforceLimit(binding: RateLimit, key: string): Promise<void> {
  const { success } = await binding.limit({ key });
  if (!success) throw new ApiError(429, 'rate_limited', 'Too many requests. Wait a minute and try again.');
}

/** The client address as Cloudflare's edge (or wrangler dev) reports it. */
export function clientAddress(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'unknown';
}
