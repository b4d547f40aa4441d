// The baseline of the signaling load bench: the reference PeerJS server (npm `peer`) at its default
// settings, in its own process like our tracker, on loopback only. Usage: node referenceServer.ts <port>
import { PeerServer } from 'peer';

const port = Number(process.argv[2]);
PeerServer({ host: '127.0.0.1', port, path: '/', key: 'peerjs' }, () => {
  console.log(`reference PeerJS server listening on ${port}`);
});
