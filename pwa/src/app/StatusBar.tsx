// The tracker connection in plain words, at the bottom of every screen.
import type { LiveConnection } from '../net/live.ts';
import type { Observable } from '../net/observable.ts';
import { hasWebRtc } from '../net/webrtc.ts';
import { statusText } from '../state/statusText.ts';
import { useMaybeObservable, useObservable } from './hooks/useObservable.ts';
import { useBrowserOnline } from './hooks/useOnline.ts';
import { useSession } from './hooks/useSession.ts';

export function StatusBar({ live }: { live?: Observable<LiveConnection | null> }) {
  const session = useSession();
  const browserOnline = useBrowserOnline();
  const reachability = useObservable(session.api.reachability);
  const identity = useObservable(session.identity);
  const signaling = useObservable(session.signaling);
  const signalingStatus = useMaybeObservable(signaling?.status);
  const connection = useMaybeObservable(live);
  const liveStatus = useMaybeObservable(connection?.status);
  const { tone, text } = statusText({
    browserOnline,
    reachability,
    registered: identity !== null,
    signaling: signalingStatus,
    live: liveStatus,
    inRoom: live !== undefined,
    webrtc: hasWebRtc(),
  });
  return (
    <footer className={`status-bar status-${tone}`} role="status" aria-live="polite">
      <span className="status-dot" aria-hidden="true" />
      <span>{text}</span>
    </footer>
  );
}
