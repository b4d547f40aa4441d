// Hashes off the thread that asked: download chunks for pages without crypto.subtle (plain http), and,
// several of these at once, spans of a file being hashed to share (chunkDigest.ts, spanHashing.ts).
import { type DigestReply, type DigestRequest, digestReply } from '../transfer/chunkDigest.ts';

// the page's DOM typings describe `self` as a Window; in this worker it is a dedicated worker scope
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DigestRequest>) => void) | null;
  postMessage(message: DigestReply): void;
};

scope.onmessage = async (event) => scope.postMessage(await digestReply(event.data));
// a span lane hands out no span before this (a cold worker took 260-410 ms to start here)
scope.postMessage({ ready: true });
