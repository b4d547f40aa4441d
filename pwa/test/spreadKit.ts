// What the partial-source tests share: a complete source that holds chunks back until told.
import type { ServedFile } from '../src/transfer/server.ts';
import { type Script, scripted } from './transferKit.ts';

/** A complete source that sends chunks below `open` at once and holds the others until `release()`. */
export function gatedSource(file: ServedFile, open: number) {
  const held: { s: Script; index: number }[] = [];
  let released = false;
  const script = scripted(file, (s, msg) => {
    if (msg.t === 'open') {
      s.sendManifest();
      s.sendHashes();
    } else if (msg.t === 'get') {
      for (const i of msg.chunks) {
        if (released || i < open) s.sendChunk(i);
        else held.push({ s, index: i });
      }
    }
  });
  return {
    script,
    release() {
      released = true;
      for (const h of held.splice(0)) h.s.sendChunk(h.index);
    },
  };
}
