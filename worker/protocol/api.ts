// HTTP API schemas and response types, shared by the tracker (validation) and the PWA (typed client).
import { z } from 'zod';
import { CONTENT_ID_PATTERN, ID_PATTERN, SECRET_PATTERN } from './ids.ts';
import { LIMITS } from './limits.ts';
import { cleanText } from './text.ts';

const displayName = z
  .string()
  .transform(cleanText)
  .pipe(z.string().min(1, 'must not be empty').max(LIMITS.maxPeerNameLength));

const fileName = z
  .string()
  .transform(cleanText)
  .pipe(z.string().min(1, 'must not be empty').max(LIMITS.maxFileNameLength))
  .refine(
    (n) => n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\\'),
    'must be a plain file name',
  );

// A folder path relative to the shared folder's parent, '/'-separated, no '.', '..' or empty segments.
const relativePath = z
  .string()
  .transform(cleanText)
  .pipe(z.string().max(LIMITS.maxPathLength))
  .refine(
    (p) => p === '' || p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\\')),
    'must be a relative folder path like "photos/2024"',
  );

// '' (unknown, as File.type often is) becomes application/octet-stream
const mimeType = z
  .string()
  .max(LIMITS.maxTypeLength)
  .transform((t) => t.trim().toLowerCase() || 'application/octet-stream')
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, 'must be a MIME type'));

export const peerIdSchema = z.string().regex(ID_PATTERN, 'must be a peer id');
export const roomIdSchema = z.string().regex(ID_PATTERN, 'must be a room id');
export const shareIdSchema = z.string().regex(ID_PATTERN, 'must be a share id');
export const contentIdSchema = z.string().regex(CONTENT_ID_PATTERN, 'must be 64 lowercase hex characters');

/** An invite secret, as the room link's fragment carries it (same shape as other secrets). */
export const inviteSchema = z.string().regex(SECRET_PATTERN, 'must be an invite from a room link');
export const joinRoomBody = z.strictObject({ invite: inviteSchema.optional() });

export const createPeerBody = z.strictObject({ name: displayName.optional() });
export const updatePeerBody = z.strictObject({ name: displayName });

export const shareFileInput = z.strictObject({
  contentId: contentIdSchema,
  size: z.number().int().min(0).max(LIMITS.maxFileSize),
  name: fileName,
  type: mimeType,
  chunkSize: z.number().int().min(LIMITS.minChunkSize).max(LIMITS.maxChunkSize),
  path: relativePath.optional(),
  /** this device is still downloading it and serves the chunks it has verified (issue 11) */
  partial: z.boolean().optional(),
});
export type ShareFileInput = z.input<typeof shareFileInput>;

export const createSharesBody = z.strictObject({
  files: z.array(shareFileInput).min(1).max(LIMITS.maxSharesPerRequest),
});

export const listFilesQuery = z.strictObject({
  q: z.string().max(LIMITS.maxQueryLength).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).optional(),
  /** "1" or "true": only files with at least one online source */
  online: z.enum(['1', 'true', '0', 'false']).optional(),
});

// ---- responses ----

export interface CreatePeerResponse {
  peerId: string;
  /** Shown once: the tracker keeps only its hash. Send as `Authorization: Bearer <secret>`. */
  secret: string;
  name: string;
}

export interface PeerResponse {
  peerId: string;
  name: string;
  createdAt: number;
}

export interface TicketResponse {
  ticket: string;
  expiresAt: number;
}

export interface Member {
  peerId: string;
  name: string;
  online: boolean;
  joinedAt: number;
}

export interface RoomResponse {
  roomId: string;
  createdAt: number;
  /** The device that may remove members and change the link (the creator, until it leaves); none in the lobby. */
  ownerId: string | null;
  members: Member[];
}

export interface CreateRoomResponse {
  roomId: string;
  /** The secret of the room link (`/r/<roomId>#<invite>`); the tracker keeps only its hash. */
  invite: string;
}

export interface InviteResponse {
  invite: string;
}

export interface SecretResponse {
  /** The device's new secret; the old one stopped working. Shown once. */
  secret: string;
}

export interface Source {
  peerId: string;
  name: string;
  online: boolean;
  shareId: string;
  /** The name this source shares the content under (sources may name one content differently). */
  fileName: string;
  path: string;
  addedAt: number;
  /** A device still downloading it: it serves the chunks it has verified so far. */
  partial?: boolean;
}

export interface RoomFile {
  contentId: string;
  name: string;
  path: string;
  size: number;
  type: string;
  chunkSize: number;
  addedAt: number;
  /** Up to LIMITS.maxSourcesListed sources, online ones first, each device once. */
  sources: Source[];
  /** How many devices share it in all (the listing says; live events leave it out). */
  sourceCount?: number;
}

export interface ListFilesResponse {
  files: RoomFile[];
  nextCursor: string | null;
}

export interface CreateSharesResponse {
  shares: { shareId: string; contentId: string; name: string; path: string }[];
}

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface ConfigResponse {
  /** None on a LAN tracker; STUN, and TURN with minted credentials for an authenticated device, deployed. */
  iceServers: IceServer[];
  /** When the TURN credentials in `iceServers` expire (ms since epoch); null when there are none. */
  iceExpiresAt: number | null;
  peerjs: { path: string; key: string };
  limits: typeof import('./limits.ts').LIMITS;
  /** This tracker has a lobby (POST /api/lobby). */
  lobby: boolean;
  /** A LAN tracker that also serves HTTPS: its port and the trust page (for pages opened over http). */
  https: { port: number; trustPath: string } | null;
}

export interface LobbyResponse {
  roomId: string;
  /** false when this device already was a member */
  joined: boolean;
}
