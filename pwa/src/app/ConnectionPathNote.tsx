// "Goes straight to the other device, on this network" (or over the internet, or through a relay) under
// a transfer, read from its connections every few seconds while it runs.
import { useEffect, useState } from 'react';
import { pathsTo } from '../net/connectionPaths.ts';
import { type ConnectionPath, describePaths } from '../state/connectionPath.ts';
import { useSession } from './hooks/useSession.ts';

const EVERY_MS = 1500;

export function ConnectionPathNote({ remotes, active }: { remotes: string[]; active: boolean }) {
  const session = useSession();
  const [paths, setPaths] = useState<ConnectionPath[]>([]);
  const key = remotes.join(',');
  useEffect(() => {
    if (!active) return;
    let live = true;
    const look = () =>
      void pathsTo(session, key ? key.split(',') : []).then((p) => {
        if (live) setPaths(p);
      });
    look();
    const timer = setInterval(look, EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session, key, active]);
  const words = describePaths(paths);
  if (!words) return null;
  return (
    <div className="muted connection-path" data-path={[...new Set(paths)].sort().join(' ')}>
      {words}
    </div>
  );
}
