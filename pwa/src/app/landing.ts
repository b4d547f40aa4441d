// Where the app opens: a bare address (`/`) on a tracker with a lobby lands in the lobby, unless this
// device left it. Decided once, when the page loads; the home screen stays reachable from the top bar.
import { hasLeftLobby, knownLobbyRoom } from '../net/lobby.ts';
import type { Session } from '../net/session.ts';
import { LOBBY_PATH, navigate } from './router.ts';

export function landOnLobby(session: Session): void {
  const bare = () => location.pathname === '/' && location.search === '' && location.hash === '';
  if (!bare() || hasLeftLobby()) return;
  // a device that knows this tracker's lobby goes there before the first paint, offline too
  if (knownLobbyRoom()) {
    navigate(LOBBY_PATH, { replace: true });
    return;
  }
  void session
    .getConfig()
    .then((config) => {
      // still on the bare address: the person did not go anywhere meanwhile
      if (config.lobby && bare() && !hasLeftLobby()) navigate(LOBBY_PATH, { replace: true });
    })
    .catch(() => undefined); // no tracker answer: the person stays on the home screen, which works offline
}
