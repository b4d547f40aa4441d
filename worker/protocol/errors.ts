// Stable error codes. The tracker answers `{ error: { code, message } }`; clients branch on `code`
// (never on `message`, which is plain words for people and may change).

export const ERROR_CODES = [
  'invalid_json',
  'invalid_body',
  'invalid_query',
  'invalid_param',
  'unauthorized',
  'not_member',
  'not_owner',
  'cross_origin',
  'room_not_found',
  'share_not_found',
  'lobby_off',
  'not_found',
  'method_not_allowed',
  'upgrade_required',
  'content_conflict',
  'body_too_large',
  'unsupported_media_type',
  'rate_limited',
  'invite_invalid',
  'removed_from_room',
  'lobby_has_no_owner',
  'too_many_shares',
  'too_many_rooms',
  'too_many_memberships',
  'internal',
  /** A request target that is not origin-form (`GET http://x/`, `//x`): the LAN front refuses it. */
  'invalid_target',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
