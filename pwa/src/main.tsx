import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { SessionContext } from './app/hooks/useSession.ts';
import { landOnLobby } from './app/landing.ts';
import { Session } from './net/session.ts';
import { probeOpfs } from './transfer/opfsProbe.ts';
import './app/styles/base.css';
import './app/styles/layout.css';
import './app/styles/home.css';
import './app/styles/room.css';
import './app/styles/files.css';

const session = new Session();
session.start();
landOnLobby(session);
// downloads use OPFS only once a worker has shown it can write there (IndexedDB until then)
void probeOpfs();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionContext value={session}>
      <App />
    </SessionContext>
  </StrictMode>,
);
// after the first screen: the engine serves this device's files and brings back paused downloads
session.transfers.start().catch(() => undefined); // it logged why; the first download retries
