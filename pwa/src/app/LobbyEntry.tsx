// On the home screen of a tracker with a lobby: the way (back) in.
import { hasLeftLobby } from '../net/lobby.ts';
import { AppLink } from './AppLink.tsx';
import { useConfig } from './hooks/useConfig.ts';
import { LOBBY_PATH } from './router.ts';

export function LobbyEntry() {
  const config = useConfig();
  if (!config?.lobby) return null;
  return (
    <section className="panel lobby-entry" aria-labelledby="lobby-entry-title">
      <h2 id="lobby-entry-title">The lobby</h2>
      <p className="muted">
        {hasLeftLobby()
          ? 'You left the lobby on this device. Everyone on this network can still share there.'
          : 'Everything shared on this network, from every device, with no link to exchange.'}
      </p>
      <AppLink to={LOBBY_PATH} className="button primary">
        Open the lobby
      </AppLink>
    </section>
  );
}
