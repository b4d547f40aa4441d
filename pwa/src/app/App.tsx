// The shell: top bar, the screen for the current location, the status bar, update prompt and toasts.
import { lazy, Suspense } from 'react';
import { AppLink } from './AppLink.tsx';
import { Home } from './Home.tsx';
import { InsecureNote } from './InsecureNote.tsx';
import { Lobby } from './Lobby.tsx';
import { Room } from './Room.tsx';
import { useRoute } from './router.ts';
import { Toasts } from './Toasts.tsx';

// the update prompt pulls in workbox-window: only where a service worker can exist at all
const UpdatePrompt = lazy(() => import('./UpdatePrompt.tsx'));
const canUseServiceWorker =
  typeof window !== 'undefined' && window.isSecureContext && 'serviceWorker' in navigator;

export function App() {
  const route = useRoute();
  return (
    <div className="app">
      <header className="topbar">
        <AppLink to="/" className="brand">
          <img src="/icons/icon-192.png" alt="" width="28" height="28" />
          MeshDrop
        </AppLink>
      </header>
      <InsecureNote />
      {canUseServiceWorker && (
        <Suspense fallback={null}>
          <UpdatePrompt />
        </Suspense>
      )}
      <main className="screen">
        {route.name === 'home' && <Home shared={route.shared} />}
        {route.name === 'lobby' && <Lobby />}
        {route.name === 'room' && <Room key={route.roomId} roomId={route.roomId} />}
        {route.name === 'bad-link' && (
          <Missing text="That link does not look like a MeshDrop room link. Check that it was copied in full." />
        )}
        {route.name === 'not-found' && <Missing text="There is nothing at this address." />}
      </main>
      <Toasts />
    </div>
  );
}

function Missing({ text }: { text: string }) {
  return (
    <section className="panel">
      <h1>Not found</h1>
      <p>{text}</p>
      <p>
        <AppLink to="/">Go to your rooms</AppLink>
      </p>
    </section>
  );
}
