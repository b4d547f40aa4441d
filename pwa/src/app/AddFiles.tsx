// Ways to add files: the file picker, a whole folder, and (where the browser has it) a picker whose
// files stay shareable after a reload. Drag and drop is the DropZone around the room.
import { useRef } from 'react';
import { openFilePicker } from '../net/fsAccess.ts';
import type { ShareRequest } from '../net/shareUploader.ts';
import { filesFromInput } from './pickFiles.ts';

export function AddFiles({ onFiles }: { onFiles: (files: ShareRequest[]) => void }) {
  const picker = openFilePicker();
  const folderInput = useRef<HTMLInputElement | null>(null);

  const pickRemembered = async () => {
    try {
      const handles = await picker!({ multiple: true });
      const files = await Promise.all(
        handles.map(async (handle) => ({ file: await handle.getFile(), path: '', handle })),
      );
      onFiles(files);
    } catch {
      // the user closed the picker
    }
  };

  return (
    <section className="panel add-files" aria-labelledby="add-title">
      <h2 id="add-title">Share files</h2>
      <div className="actions">
        <label className="button primary file-button">
          <input
            type="file"
            multiple
            className="visually-hidden"
            onChange={(e) => {
              onFiles(filesFromInput(e.target.files));
              e.target.value = '';
            }}
          />
          Add files
        </label>
        <label className="button file-button">
          <input
            ref={(el) => {
              folderInput.current = el;
              el?.setAttribute('webkitdirectory', '');
            }}
            type="file"
            className="visually-hidden"
            onChange={(e) => {
              onFiles(filesFromInput(e.target.files));
              e.target.value = '';
            }}
          />
          Add a folder
        </label>
        {picker && (
          <button type="button" onClick={() => void pickRemembered()}>
            Share files, kept after reload…
          </button>
        )}
      </div>
      <p className="muted hint">Or drop files and folders anywhere on this page.</p>
    </section>
  );
}
