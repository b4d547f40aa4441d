// The tracker's configuration for components (null until it answered; the session caches it).
import { useEffect, useState } from 'react';
import type { ConfigResponse } from '../../../../worker/protocol/api.ts';
import { useSession } from './useSession.ts';

export function useConfig(): ConfigResponse | null {
  const session = useSession();
  const [config, setConfig] = useState<ConfigResponse | null>(null);
  useEffect(() => {
    let live = true;
    session
      .getConfig()
      .then((c) => live && setConfig(c))
      .catch(() => undefined); // unreachable: the session's status bar says so; this screen keeps its defaults
    return () => {
      live = false;
    };
  }, [session]);
  return config;
}
