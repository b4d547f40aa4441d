// Files chosen on one screen and shared on another (the share sheet's files, picked on the home screen,
// shared once the room opens). In memory only: a File cannot outlive the page anyway.
//
// The files stay handed over until a room screen has shared them (or failed to, visibly): a room screen
// torn down before that (React's StrictMode mounts every effect twice in development builds, or the person
// leaves at once) leaves them to the next room screen of that room instead of losing them.
import type { PickedFile } from '../state/shareInput.ts';

let waiting: { roomId: string; files: PickedFile[] } | undefined;

export function handFilesTo(roomId: string, files: PickedFile[]): void {
  waiting = { roomId, files };
}

/** The files waiting for `roomId` (empty if none); they stay until `settleFiles` is called with them. */
export function filesFor(roomId: string): PickedFile[] {
  return waiting?.roomId === roomId ? waiting.files : [];
}

/** The room screen dealt with `files`: hand them to nobody else. */
export function settleFiles(files: PickedFile[]): void {
  if (waiting?.files === files) waiting = undefined;
}
