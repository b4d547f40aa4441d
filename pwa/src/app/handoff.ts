// Files chosen on one screen and shared on another (the share sheet's files, picked on the home screen,
// shared once the room opens). In memory only: a File cannot outlive the page anyway.
import type { PickedFile } from '../state/shareInput.ts';

let waiting: { roomId: string; files: PickedFile[] } | undefined;

export function handFilesTo(roomId: string, files: PickedFile[]): void {
  waiting = { roomId, files };
}

export function takeFilesFor(roomId: string): PickedFile[] {
  if (waiting?.roomId !== roomId) return [];
  const { files } = waiting;
  waiting = undefined;
  return files;
}
