// One error model: handlers throw ApiError; `toErrorResponse` is the only place that shapes error JSON.
import type { ErrorBody, ErrorCode } from '../protocol/errors.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Extra response headers (Retry-After on a 429). */
  readonly headers: Record<string, string>;

  constructor(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (code: ErrorCode, message: string) => new ApiError(400, code, message);
export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'This device is not signed in. Send "Authorization: Bearer <secret>".');
export const notFound = (code: ErrorCode, message: string) => new ApiError(404, code, message);

export function errorJson(
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message } };
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });
}

export function toErrorResponse(err: unknown): Response {
  if (err instanceof ApiError) return errorJson(err.status, err.code, err.message, err.headers);
  // anything else is our bug, never the client's: log it, answer without internals
  console.error('unhandled error', err);
  return errorJson(500, 'internal', 'Something went wrong on the tracker. Please try again.');
}
