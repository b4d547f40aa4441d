// The room's files as the list shows them: grouped by content, searched, filtered and sorted.
import { useMemo, useState } from 'react';
import type { RoomFile } from '../../../../worker/protocol/api.ts';
import type { CatalogState } from '../../state/catalog.ts';
import { type FileViewOptions, viewFiles } from '../../state/fileView.ts';
import { roomFiles } from '../../state/roomFiles.ts';

export function useCatalogView(state: CatalogState) {
  const [options, setOptions] = useState<FileViewOptions>({
    query: '',
    availableOnly: false,
    sort: 'newest',
  });
  const { shares, members } = state;
  // only shares and members shape the list: seq bumps alone (presence of others...) must not rebuild it
  const all = useMemo<RoomFile[]>(() => roomFiles({ shares, members }), [shares, members]);
  const shown = useMemo(() => viewFiles(all, options), [all, options]);
  return { all, shown, options, setOptions };
}
