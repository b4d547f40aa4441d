// The tracker's route table. Handlers live in routes/, one concern per file; everything else is there.
import { AutoRouter, type IRequest } from 'itty-router';
import type { Env } from './env.ts';
import { errorJson, toErrorResponse } from './lib/errors.ts';
import { isApiPath, secured } from './lib/secure.ts';
import { connectLive } from './rooms/liveSocket.ts';
import { listRoomFiles } from './routes/listRoomFiles.ts';
import { joinLobby } from './routes/lobby.ts';
import { leaveRoom, removeMemberByOwner } from './routes/members.ts';
import { getConfig, health } from './routes/meta.ts';
import { createPeer, createTicket, forgetMe, getMe, rotateSecret, updateMe } from './routes/peers.ts';
import { createRoom, getRoom, joinRoom, rotateInvite } from './routes/rooms.ts';
import { createShares, removeShare } from './routes/shares.ts';
import { connectSignaling, refuseIdRequest, refusePeerList } from './signaling/connect.ts';

export { RoomHub } from './rooms/RoomHub.ts';
export { PeerSocket } from './signaling/PeerSocket.ts';

type Args = [Env, ExecutionContext];

const methodNotAllowed = (request: IRequest) =>
  errorJson(
    405,
    'method_not_allowed',
    `${request.method} is not supported on ${new URL(request.url).pathname}.`,
  );

const router = AutoRouter<IRequest, Args>({
  catch: toErrorResponse,
  missing: () => errorJson(404, 'not_found', 'There is nothing at this address.'),
});

router
  .get('/api/health', health)
  .all('/api/health', methodNotAllowed)
  .get('/api/config', getConfig)
  .all('/api/config', methodNotAllowed)
  .post('/api/peers', createPeer)
  .all('/api/peers', methodNotAllowed)
  .get('/api/peers/me', getMe)
  .patch('/api/peers/me', updateMe)
  .delete('/api/peers/me', forgetMe)
  .all('/api/peers/me', methodNotAllowed)
  .post('/api/peers/me/secret', rotateSecret)
  .all('/api/peers/me/secret', methodNotAllowed)
  .post('/api/peers/me/ticket', createTicket)
  .all('/api/peers/me/ticket', methodNotAllowed)
  .post('/api/rooms', createRoom)
  .all('/api/rooms', methodNotAllowed)
  .post('/api/lobby', joinLobby)
  .all('/api/lobby', methodNotAllowed)
  .get('/api/rooms/:roomId', getRoom)
  .all('/api/rooms/:roomId', methodNotAllowed)
  .post('/api/rooms/:roomId/members', joinRoom)
  .all('/api/rooms/:roomId/members', methodNotAllowed)
  .delete('/api/rooms/:roomId/members/me', leaveRoom)
  .all('/api/rooms/:roomId/members/me', methodNotAllowed)
  .delete('/api/rooms/:roomId/members/:peerId', removeMemberByOwner)
  .all('/api/rooms/:roomId/members/:peerId', methodNotAllowed)
  .post('/api/rooms/:roomId/invite', rotateInvite)
  .all('/api/rooms/:roomId/invite', methodNotAllowed)
  .post('/api/rooms/:roomId/shares', createShares)
  .all('/api/rooms/:roomId/shares', methodNotAllowed)
  .delete('/api/rooms/:roomId/shares/:shareId', removeShare)
  .all('/api/rooms/:roomId/shares/:shareId', methodNotAllowed)
  .get('/api/rooms/:roomId/files', listRoomFiles)
  .all('/api/rooms/:roomId/files', methodNotAllowed)
  .get('/api/rooms/:roomId/live', connectLive)
  .all('/api/rooms/:roomId/live', methodNotAllowed)
  .get('/peerjs/peerjs', connectSignaling)
  .all('/peerjs/peerjs', methodNotAllowed)
  .get('/peerjs/peerjs/id', refuseIdRequest)
  .all('/peerjs/peerjs/id', methodNotAllowed)
  .get('/peerjs/peerjs/peers', refusePeerList)
  .all('/peerjs/peerjs/peers', methodNotAllowed);

export default {
  // every response, the app's assets included, carries the security headers; everything but the API and
  // the relay is the app, from the asset store with its SPA fallback
  fetch: secured((request, env, ctx) =>
    isApiPath(new URL(request.url).pathname) ? router.fetch(request, env, ctx) : env.ASSETS.fetch(request),
  ),
} satisfies ExportedHandler<Env>;
