// Error codes in plain words. The tracker's `message` is for developers reading logs as much as for
// people; the UI branches on `code` and says what it means for the user and what happens next.
import type { ErrorCode } from '../../../worker/protocol/errors.ts';

export type ClientErrorCode = ErrorCode | 'offline' | 'bad_response';

const WORDS: Record<ClientErrorCode, string> = {
  offline: 'Can’t reach the tracker right now. MeshDrop will try again by itself.',
  bad_response: 'The tracker sent an answer this version of the app does not understand. Try reloading.',
  invalid_json: 'The tracker could not read the request. This is a bug in the app.',
  invalid_body: 'The tracker did not accept some of the details sent.',
  invalid_query: 'The tracker did not accept that search.',
  invalid_param: 'That link does not look like a MeshDrop room link.',
  invalid_target: 'The tracker could not read that address.',
  unauthorized: 'The tracker no longer recognises this device. It will register again.',
  not_member: 'This device is not in the room (yet).',
  not_owner: 'Only the device that shared a file can stop sharing it.',
  cross_origin: 'The tracker only answers its own app. Open MeshDrop from the tracker’s address.',
  room_not_found: 'There is no room at this link. The link may be incomplete, or the room was removed.',
  share_not_found: 'That file is no longer shared here.',
  lobby_off: 'This tracker has no lobby. Create a room and share its link instead.',
  not_found: 'The tracker does not know this address. Try reloading the app.',
  method_not_allowed: 'The tracker refused the request. Try reloading the app.',
  upgrade_required: 'The tracker refused the request. Try reloading the app.',
  content_conflict: 'A different file with the same fingerprint is already shared in this room.',
  body_too_large: 'Too much at once. Try fewer files.',
  unsupported_media_type: 'The tracker could not read the request. This is a bug in the app.',
  rate_limited: 'Too many changes in a short time. Wait a minute and try again.',
  invite_invalid: 'This room link no longer lets anyone in. Ask the room’s owner for the current link.',
  removed_from_room: 'The room’s owner removed this device from the room.',
  lobby_has_no_owner: 'Nobody owns the lobby: nobody can remove devices from it or change its link.',
  too_many_shares: 'This device shares as many files in this room as it may. Stop sharing some first.',
  too_many_rooms: 'This device owns as many rooms as it may. Leave one first.',
  too_many_memberships: 'This device is in as many rooms as it may. Leave one first.',
  internal: 'The tracker ran into a problem. Try again in a moment.',
};

export function wordsFor(code: ClientErrorCode): string {
  return WORDS[code] ?? WORDS.internal;
}
