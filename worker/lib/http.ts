// Request parsing at the boundary: size-capped JSON bodies, queries and path params, all validated with
// the shared schemas so a handler only ever sees well-formed input.
import type { z } from 'zod';
import { LIMITS } from '../protocol/limits.ts';
import { ApiError, badRequest } from './errors.ts';

/** Reads the body as text, never more than `limit` bytes, whatever Content-Length claims. */
async function readCapped(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badRequest('invalid_json', 'The request body is not valid UTF-8.');
  }
}

const tooLarge = (limit: number) =>
  new ApiError(413, 'body_too_large', `The request body is larger than ${limit} bytes.`);

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid input';
  const where = first.path.length ? first.path.join('.') : 'body';
  return `${where}: ${first.message}`;
}

/**
 * Parses a JSON body against `schema`. `optional` lets an empty body count as `{}` (for endpoints whose
 * fields all have defaults, such as POST /api/peers).
 */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: { optional?: boolean } = {},
): Promise<z.output<S>> {
  const text = await readCapped(request, LIMITS.maxBodyBytes);
  let value: unknown;
  if (text.trim() === '' && options.optional) {
    value = {};
  } else {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Send the body as JSON (Content-Type: application/json).',
      );
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('invalid_json', 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest('invalid_body', `Invalid request: ${describe(parsed.error)}.`);
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in raw) throw badRequest('invalid_query', `Query parameter "${key}" is given more than once.`);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest('invalid_query', `Invalid query: ${describe(parsed.error)}.`);
  return parsed.data;
}

export function parseParam<S extends z.ZodType>(
  value: string | undefined,
  schema: S,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest('invalid_param', `That is not a valid ${what}.`);
  return parsed.data;
}
