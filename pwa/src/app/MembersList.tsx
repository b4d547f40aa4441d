// Devices in the room, online ones first, each with a dot that says whether it is reachable now.
import type { Member } from '../../../worker/protocol/api.ts';
import { DeviceName } from './DeviceName.tsx';

export function MembersList({ members, me }: { members: Record<string, Member>; me: string | null }) {
  const list = Object.values(members).sort(
    (a, b) =>
      Number(b.peerId === me) - Number(a.peerId === me) ||
      Number(b.online) - Number(a.online) ||
      a.name.localeCompare(b.name),
  );
  const online = list.filter((m) => m.online).length;
  return (
    <section className="panel members" aria-labelledby="members-title">
      <h2 id="members-title">
        Devices <span className="muted">({online} online)</span>
      </h2>
      {list.length === 0 ? (
        <p className="muted">Nobody here yet.</p>
      ) : (
        <ul>
          {list.map((m) => (
            <li key={m.peerId}>
              <span className={`dot ${m.online ? 'on' : 'off'}`} aria-hidden="true" />
              <span className="name">{m.name}</span>
              {m.peerId === me && (
                <>
                  <span className="badge">This device</span>
                  <DeviceName compact />
                </>
              )}
              <span className="visually-hidden">{m.online ? ', online' : ', offline'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
