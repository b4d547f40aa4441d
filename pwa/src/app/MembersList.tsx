// Devices in the room, online ones first, each with a dot that says whether it is reachable now.
import type { Member } from '../../../worker/protocol/api.ts';
import type { RoomSync } from '../net/roomSync.ts';
import { DeviceName } from './DeviceName.tsx';
import { useObservable } from './hooks/useObservable.ts';
import { notify } from './notify.ts';

export function MembersList({
  members,
  me,
  sync,
  lobby = false,
}: {
  members: Record<string, Member>;
  me: string | null;
  sync: RoomSync;
  /** The lobby has no owner: nobody removes anybody there (the tracker refuses it too). */
  lobby?: boolean;
}) {
  const ownerId = useObservable(sync.ownerId);
  const owner = lobby ? null : ownerId;
  const remove = (m: Member) => {
    if (!confirm(`Remove ${m.name} from this room? It cannot come back, whatever link it has.`)) return;
    sync.removeMember(m.peerId).catch((e: unknown) => notify(e instanceof Error ? e.message : String(e)));
  };
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
              {m.peerId === owner && <span className="badge">Owner</span>}
              <span className="visually-hidden">{m.online ? ', online' : ', offline'}</span>
              {owner === me && m.peerId !== me && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove ${m.name}`}
                  onClick={() => remove(m)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
