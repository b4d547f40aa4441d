// Figures as the journeys log them: sizes in MiB, seconds since a start.
import { MiB } from './fixtures.ts';

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Seconds since `since` (a Date.now() reading) as "12.3 s", for timing journeys. */
export function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
