import { useEffect, useState } from 'react';

/** The time, refreshed every `everyMs`, so "5 min ago" labels stay true without a re-render storm. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
