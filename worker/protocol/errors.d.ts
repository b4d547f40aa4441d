export declare const ERROR_CODES: readonly [
  'invalid_json',
  'invalid_body',
  'invalid_query',
  'invalid_param',
  'unauthorized',
  'not_member',
  'not_owner',
  'room_not_found',
  'share_not_found',
  'not_found',
  'method_not_allowed',
  'content_conflict',
  'body_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal',
];
export type ErrorCode = (typeof ERROR_CODES)[number];
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
  };
}
