// The tracker's route table. Handlers live in routes/, one concern per file; everything else is there.
import { AutoRouter, type IRequest } from 'itty-router';
import type { Env } from './env.ts';
import { errorJson, toErrorResponse } from './lib/errors.ts';
import { isApiPath, secured } from './lib/secure.ts';
import { listRoomFiles } from './routes/listRoomFiles.ts';
import { connectLive } from './routes/live.ts';
import { joinLobby } from './routes/lobby.ts';
import { leaveRoom, removeMemberByOwner } from './routes/members.ts';
import { getConfig, health } from './routes/meta.ts';
import { createPeer, createTicket, forgetMe, getMe, rotateSecret, updateMe } from './routes/peers.ts';
import { createRoom, getRoom, joinRoom, rotateInvite } from './routes/rooms.ts';
import { createShares, removeShare } from './routes/shares.ts';
import { connectSignaling, refuseIdRequest, refusePeerList } from './signaling/connect.ts';
import { relayInternal } from './signaling/internal.ts';

export { RoomHub } from './rooms/RoomHub.ts';
export { PeerSocket } from './signaling/PeerSocket.ts';

type Args = [Env, ExecutionContext];
type Handler = (request: IRequest, ...args: Args) => unknown;
type Methods = Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Handler>>;

/** path -> its handlers by method; any other method on a known path is a 405 naming the ones it has */
const ROUTES: [string, Methods][] = [
  ['/api/health', { GET: health }],
  ['/api/config', { GET: getConfig }],
  ['/api/peers', { POST: createPeer }],
  ['/api/peers/me', { GET: getMe, PATCH: updateMe, DELETE: forgetMe }],
  ['/api/peers/me/secret', { POST: rotateSecret }],
  ['/api/peers/me/ticket', { POST: createTicket }],
  ['/api/rooms', { POST: createRoom }],
  ['/api/lobby', { POST: joinLobby }],
  ['/api/rooms/:roomId', { GET: getRoom }],
  ['/api/rooms/:roomId/members', { POST: joinRoom }],
  ['/api/rooms/:roomId/members/me', { DELETE: leaveRoom }],
  ['/api/rooms/:roomId/members/:peerId', { DELETE: removeMemberByOwner }],
  ['/api/rooms/:roomId/invite', { POST: rotateInvite }],
  ['/api/rooms/:roomId/shares', { POST: createShares }],
  ['/api/rooms/:roomId/shares/:shareId', { DELETE: removeShare }],
  ['/api/rooms/:roomId/files', { GET: listRoomFiles }],
  ['/api/rooms/:roomId/live', { GET: connectLive }],
  ['/peerjs/peerjs', { GET: connectSignaling }],
  ['/peerjs/peerjs/id', { GET: refuseIdRequest }],
  ['/peerjs/peerjs/peers', { GET: refusePeerList }],
];

const router = AutoRouter<IRequest, Args>({
  catch: toErrorResponse,
  missing: () => errorJson(404, 'not_found', 'There is nothing at this address.'),
});

for (const [path, methods] of ROUTES) {
  for (const [method, handler] of Object.entries(methods))
    router[method.toLowerCase() as 'get'](path, handler);
  const allow = Object.keys(methods).join(', ');
  router.all(path, (request) =>
    errorJson(
      405,
      'method_not_allowed',
      `${request.method} is not supported on ${new URL(request.url).pathname}.`,
      {
        allow,
      },
    ),
  );
}
// the LAN front's endpoint: every method, so that a tracker without it (deployed) says 404, never 405
router.all('/api/internal/relay/:action', relayInternal);

export default {
  // every response, the app's assets included, carries the security headers; everything but the API and
  // the relay is the app, from the asset store with its SPA fallback
  fetch: secured((request, env, ctx) =>
    isApiPath(new URL(request.url).pathname) ? router.fetch(request, env, ctx) : env.ASSETS.fetch(request),
  ),
} satisfies ExportedHandler<Env>;
