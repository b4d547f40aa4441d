// One error type for the whole command: a stable code (the API's own codes where the tracker said no,
// the transfer's codes where a download failed, a few of our own), plain words, and the exit code
// scripts branch on. Codes, words and exit codes are listed in the README.
import type { ClientErrorCode } from '../../pwa/src/net/errorWords.ts';
import type { DownloadErrorCode } from '../../pwa/src/transfer/downloadTypes.ts';

export type LocalErrorCode =
  | 'usage'
  | 'bad_link'
  | 'no_match'
  | 'ambiguous'
  | 'file_exists'
  | 'unsafe_path'
  | 'unreadable'
  | 'device_busy'
  | 'tls'
  | 'unsupported'
  | 'interrupted';

export type CliErrorCode = ClientErrorCode | DownloadErrorCode | LocalErrorCode;

/** What scripts can rely on. Documented in README.md ("Exit codes"). */
export const EXIT = {
  ok: 0,
  /** a bug on our side */
  internal: 1,
  usage: 2,
  /** the tracker cannot be reached (network, TLS) */
  unreachable: 3,
  /** the tracker refused: bad link, not a member, not the owner, rate limited */
  refused: 4,
  /** nothing in the room matches what was asked for */
  notFound: 5,
  /** no source could send the file (offline, left, busy) */
  transfer: 6,
  /** what arrived did not match the content id: nothing was saved under the file's name */
  verification: 7,
  /** a local file problem: target exists, disk full, unreadable file, unsafe path */
  local: 8,
  /** another meshdrop process is connected as this device */
  busy: 9,
  /** stopped with Ctrl+C (SIGINT) or SIGTERM: a partial download is kept for resuming */
  interrupted: 130,
} as const;

const EXIT_BY_CODE: Record<CliErrorCode, number> = {
  usage: EXIT.usage,
  bad_link: EXIT.usage,
  ambiguous: EXIT.usage,
  offline: EXIT.unreachable,
  tls: EXIT.unreachable,
  unsupported: EXIT.refused,
  bad_response: EXIT.unreachable,
  invalid_json: EXIT.internal,
  invalid_body: EXIT.refused,
  invalid_query: EXIT.refused,
  invalid_param: EXIT.refused,
  invalid_target: EXIT.refused,
  unauthorized: EXIT.refused,
  not_member: EXIT.refused,
  not_owner: EXIT.refused,
  cross_origin: EXIT.refused,
  lobby_off: EXIT.refused,
  room_not_found: EXIT.refused,
  share_not_found: EXIT.notFound,
  not_found: EXIT.notFound,
  no_match: EXIT.notFound,
  method_not_allowed: EXIT.internal,
  upgrade_required: EXIT.internal,
  content_conflict: EXIT.refused,
  body_too_large: EXIT.refused,
  unsupported_media_type: EXIT.internal,
  rate_limited: EXIT.refused,
  invite_invalid: EXIT.refused,
  removed_from_room: EXIT.refused,
  lobby_has_no_owner: EXIT.refused,
  too_many_shares: EXIT.refused,
  too_many_rooms: EXIT.refused,
  too_many_memberships: EXIT.refused,
  internal: EXIT.internal,
  no_source: EXIT.transfer,
  source_left: EXIT.transfer,
  busy: EXIT.transfer,
  idle: EXIT.transfer,
  version: EXIT.transfer,
  verification_failed: EXIT.verification,
  storage: EXIT.local,
  no_space: EXIT.local,
  not_kept: EXIT.local,
  file_exists: EXIT.local,
  unsafe_path: EXIT.local,
  unreadable: EXIT.local,
  device_busy: EXIT.busy,
  interrupted: EXIT.interrupted,
};

export function exitCodeFor(code: string): number {
  return (EXIT_BY_CODE as Record<string, number>)[code] ?? EXIT.internal;
}

const WORDS: Record<CliErrorCode, string> = {
  usage: 'That command is not complete. See `meshdrop <command> --help`.',
  bad_link: 'That is not a MeshDrop room link (it looks like https://host/r/<room id>).',
  no_match: 'Nothing in the room matches that name or content id.',
  ambiguous: 'Several files match. Use the content id (from `meshdrop ls`) to pick one.',
  file_exists: 'A different file with that name is already in the output folder.',
  unsafe_path: 'The file would be written outside the output folder (through a link), so it was not.',
  unreadable: 'That file or folder cannot be read.',
  device_busy: 'Another meshdrop process is connected as this device.',
  tls: 'The tracker’s certificate is not trusted here. Pass its CA with --ca <file>.',
  unsupported: 'This file is listed with sizes this version of meshdrop cannot download.',
  interrupted: 'Stopped. Run the same command again to resume.',
  offline: 'Can’t reach the tracker. Check the address and the network.',
  bad_response: 'The tracker sent an answer this version of meshdrop does not understand.',
  invalid_json: 'The tracker could not read the request. This is a bug in meshdrop.',
  invalid_body: 'The tracker did not accept some of the details sent.',
  invalid_query: 'The tracker did not accept that search.',
  invalid_param: 'That room link is not valid on this tracker.',
  invalid_target: 'The tracker could not read the address asked (not a path).',
  unauthorized: 'The tracker does not recognise this device.',
  not_member: 'This device is not a member of that room.',
  not_owner: 'Only the device that shared a file can stop sharing it.',
  room_not_found: 'There is no room at this link. It may be incomplete, or the room was removed.',
  share_not_found: 'That file is no longer shared there.',
  not_found: 'The tracker does not know this address. Is it a MeshDrop tracker?',
  method_not_allowed: 'The tracker refused the request. This is a bug in meshdrop.',
  upgrade_required: 'The tracker refused the request. This is a bug in meshdrop.',
  content_conflict: 'A different file with the same fingerprint is already shared in this room.',
  body_too_large: 'Too much at once for the tracker.',
  unsupported_media_type: 'The tracker could not read the request. This is a bug in meshdrop.',
  rate_limited: 'Too many requests in a short time. Wait a minute and try again.',
  invite_invalid: "This room link no longer lets anyone in. Ask the room's owner for the current link.",
  removed_from_room: "The room's owner removed this device from the room.",
  lobby_has_no_owner: 'Nobody owns the lobby: nobody can remove devices from it or change its link.',
  too_many_shares: 'This device shares as many files in this room as it may.',
  too_many_rooms: 'This device owns as many rooms as it may.',
  too_many_memberships: 'This device is in as many rooms as it may.',
  internal: 'Something went wrong on our side.',
  no_source: 'Nobody who shares this file is online right now.',
  source_left: 'The device sending this file went away. Run the command again when it is back.',
  busy: 'The devices that have this file are busy sending to others. Try again in a moment.',
  idle: 'The device sending this file went away. Run the command again when it is back.',
  version: 'The device that has this file runs another version of MeshDrop. Update both.',
  verification_failed: 'What arrived did not match what was shared, so it was thrown away.',
  storage: 'The download cannot be written here. Check free space and permissions.',
  no_space: 'The file does not fit in the free space here.',
  not_kept: 'The file arrived and was checked, but it could not be kept here.',
  cross_origin: 'The tracker refused a request from another website. This is a bug in meshdrop.',
  lobby_off: 'This tracker has no lobby.',
};

export function wordsFor(code: string): string {
  return (WORDS as Record<string, string>)[code] ?? WORDS.internal;
}

export class CliError extends Error {
  readonly code: CliErrorCode;
  /** Specifics for this occurrence (a path, a name), shown after the plain words. */
  readonly detail: string;

  constructor(code: CliErrorCode, detail = '', message = wordsFor(code)) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.detail = detail;
  }

  get exitCode(): number {
    return exitCodeFor(this.code);
  }
}
