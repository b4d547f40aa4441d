import { useSyncExternalStore } from 'react';
import type { DownloadItem } from '../../transfer/engine.ts';
import type { UploadInfo } from '../../transfer/server.ts';
import { useSession } from './useSession.ts';

export function useDownloads(): DownloadItem[] {
  const { transfers } = useSession();
  return useSyncExternalStore(transfers.subscribe, transfers.downloads, transfers.downloads);
}

export function useUploads(): UploadInfo[] {
  const { transfers } = useSession();
  return useSyncExternalStore(transfers.subscribe, transfers.uploads, transfers.uploads);
}
