// When the tracker's configuration must be fetched again: minted TURN credentials expire
// (`iceExpiresAt`), and a device asks for fresh ones a while before that. Pure, for tests.
import type { ConfigResponse } from '../../../worker/protocol/api.ts';

/** Fresh credentials are asked for this long before the old ones stop working. */
export const ICE_REFRESH_MARGIN_MS = 10 * 60 * 1000;

/** When to fetch the configuration again, or null when nothing in it expires. */
export function refreshTime(config: Pick<ConfigResponse, 'iceExpiresAt'>): number | null {
  return config.iceExpiresAt === null ? null : config.iceExpiresAt - ICE_REFRESH_MARGIN_MS;
}

export function configIsStale(config: Pick<ConfigResponse, 'iceExpiresAt'>, now: number): boolean {
  const at = refreshTime(config);
  return at !== null && now >= at;
}
