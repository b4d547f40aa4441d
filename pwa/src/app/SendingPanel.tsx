// What this device is sending right now, and to whom.
import type { CatalogState } from '../state/catalog.ts';
import { formatSize } from '../state/format.ts';
import { ConnectionPathNote } from './ConnectionPathNote.tsx';
import { useUploads } from './hooks/useTransfers.ts';

export function SendingPanel({ members }: { members: CatalogState['members'] }) {
  const active = useUploads().filter((u) => u.active);
  if (active.length === 0) return null;
  return (
    <section className="panel sending" aria-label="Sending">
      <h2>Sending</h2>
      <ul>
        {active.map((u) => {
          const to = members[u.remote]?.name ?? 'another device';
          const fraction = u.size === 0 ? 1 : Math.min(1, u.bytesSent / u.size);
          return (
            <li key={u.key} className="download-row" data-upload={u.contentId}>
              <div className="download-head">
                <span className="name">{u.name}</span>
                <span className="muted">to {to}</span>
              </div>
              <progress max={1} value={fraction} aria-label={`Sending ${u.name} to ${to}`} />
              <div className="muted">
                {formatSize(u.bytesSent)} of {formatSize(u.size)}
              </div>
              <ConnectionPathNote remotes={[u.remote]} active={u.active} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
