// "Create a room". Needs the tracker: while it is unreachable the request waits and goes out by itself.
import { useEffect, useRef, useState } from 'react';
import { isOffline } from '../net/api.ts';
import { Retrier } from '../net/backoff.ts';
import { bestEffort } from '../net/bestEffort.ts';
import { onBrowserOnline } from '../net/online.ts';
import { rememberInvite } from '../net/recentRooms.ts';
import { useSession } from './hooks/useSession.ts';
import { navigate, roomPath } from './router.ts';

export function CreateRoom({ onCreated }: { onCreated?: (roomId: string) => void }) {
  const session = useSession();
  const [state, setState] = useState<'idle' | 'creating' | 'waiting'>('idle');
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const create = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const retrier = new Retrier({ baseMs: 1000, maxMs: 15_000 });
    const offOnline = onBrowserOnline(() => retrier.wake());
    setError(null);
    setState('creating');
    try {
      for (;;) {
        try {
          const { roomId, invite } = await session.api.createRoom();
          await rememberInvite(roomId, invite).catch(bestEffort("remembering the room's invite"));
          if (onCreated) onCreated(roomId);
          else navigate(roomPath(roomId, invite));
          return;
        } catch (e) {
          if (!isOffline(e) && session.identity.get()) throw e;
          setState('waiting');
          if (!(await retrier.wait(controller.signal))) return;
        }
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      offOnline();
      if (!controller.signal.aborted) setState('idle');
    }
  };

  return (
    <div className="create-room">
      <button type="button" className="primary big" disabled={state !== 'idle'} onClick={() => void create()}>
        {state === 'idle' ? 'Create a room' : 'Creating a room…'}
      </button>
      {state === 'waiting' && (
        <p className="muted" role="status">
          Creating a room needs the tracker, which can’t be reached right now. The room opens as soon as it
          answers.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              abort.current?.abort();
              setState('idle');
            }}
          >
            Cancel
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
