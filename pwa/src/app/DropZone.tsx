// Drag and drop anywhere on the room, folders included.
import { type ReactNode, useRef, useState } from 'react';
import type { PickedFile } from '../state/shareInput.ts';
import { filesFromDrop } from './pickFiles.ts';

export function DropZone({
  children,
  onFiles,
  enabled,
}: {
  children: ReactNode;
  onFiles: (files: PickedFile[]) => void;
  enabled: boolean;
}) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: React.DragEvent) => enabled && Array.from(e.dataTransfer.types).includes('Files');

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the buttons do the same
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        depth.current++;
        setOver(true);
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        void filesFromDrop(e.dataTransfer).then((files) => files.length > 0 && onFiles(files));
      }}
    >
      {children}
      {over && (
        <div className="drop-overlay" aria-hidden="true">
          Drop to share in this room
        </div>
      )}
    </div>
  );
}
