// Home: this device's name, "Create a room", rooms opened before, and files handed over by the share sheet.
import { lazy, Suspense } from 'react';
import { CreateRoom } from './CreateRoom.tsx';
import { DeviceName } from './DeviceName.tsx';
import { DeviceSecurity } from './DeviceSecurity.tsx';
import { JoinByLink } from './JoinByLink.tsx';
import { LobbyEntry } from './LobbyEntry.tsx';
import { RecentRooms } from './RecentRooms.tsx';
import { ShareInboxPanel } from './ShareInboxPanel.tsx';
import { StatusBar } from './StatusBar.tsx';

// the library's storage code is shared with the transfer engine: both load after the first screen
const LibraryPanel = lazy(() => import('./LibraryPanel.tsx').then((m) => ({ default: m.LibraryPanel })));

export function Home({ shared }: { shared: boolean }) {
  return (
    <>
      <section className="hero panel">
        <h1>Send files between your devices</h1>
        <p className="lead">
          Create a room, open its link on your other devices, and share. Files go straight from one device to
          the other.
        </p>
        <DeviceName />
        <DeviceSecurity />
        <CreateRoom />
      </section>
      {shared && <ShareInboxPanel />}
      <LobbyEntry />
      <RecentRooms />
      <Suspense fallback={null}>
        <LibraryPanel />
      </Suspense>
      <JoinByLink />
      <StatusBar />
    </>
  );
}
