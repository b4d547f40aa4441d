import { z } from 'zod';
export declare const peerIdSchema: z.ZodString;
export declare const roomIdSchema: z.ZodString;
export declare const shareIdSchema: z.ZodString;
export declare const contentIdSchema: z.ZodString;
export declare const createPeerBody: z.ZodObject<
  {
    name: z.ZodOptional<z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>>;
  },
  z.core.$strict
>;
export declare const updatePeerBody: z.ZodObject<
  {
    name: z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>;
  },
  z.core.$strict
>;
export declare const shareFileInput: z.ZodObject<
  {
    contentId: z.ZodString;
    size: z.ZodNumber;
    name: z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>;
    type: z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>;
    chunkSize: z.ZodNumber;
    path: z.ZodOptional<z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>>;
  },
  z.core.$strict
>;
export type ShareFileInput = z.input<typeof shareFileInput>;
export declare const createSharesBody: z.ZodObject<
  {
    files: z.ZodArray<
      z.ZodObject<
        {
          contentId: z.ZodString;
          size: z.ZodNumber;
          name: z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>;
          type: z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>;
          chunkSize: z.ZodNumber;
          path: z.ZodOptional<z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>>;
        },
        z.core.$strict
      >
    >;
  },
  z.core.$strict
>;
export declare const listFilesQuery: z.ZodObject<
  {
    q: z.ZodOptional<z.ZodString>;
    cursor: z.ZodOptional<z.ZodString>;
    limit: z.ZodOptional<z.ZodCoercedNumber<unknown>>;
    online: z.ZodOptional<
      z.ZodEnum<{
        0: '0';
        1: '1';
        true: 'true';
        false: 'false';
      }>
    >;
  },
  z.core.$strict
>;
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
  members: Member[];
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
}
export interface RoomFile {
  contentId: string;
  name: string;
  path: string;
  size: number;
  type: string;
  chunkSize: number;
  addedAt: number;
  sources: Source[];
}
export interface ListFilesResponse {
  files: RoomFile[];
  nextCursor: string | null;
}
export interface CreateSharesResponse {
  shares: {
    shareId: string;
    contentId: string;
    name: string;
    path: string;
  }[];
}
export interface ConfigResponse {
  iceServers: {
    urls: string | string[];
    username?: string;
    credential?: string;
  }[];
  peerjs: {
    path: string;
    key: string;
  };
  limits: typeof import('./limits.ts').LIMITS;
}
