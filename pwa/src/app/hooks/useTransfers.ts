import { useSyncExternalStore } from 'react';
import { transferEngine } from '../../net/transfers.ts';
import type { DownloadItem } from '../../transfer/engine.ts';
import type { UploadInfo } from '../../transfer/server.ts';

export function useDownloads(): DownloadItem[] {
  const engine = transferEngine();
  return useSyncExternalStore(engine.subscribe, engine.downloads, engine.downloads);
}

export function useUploads(): UploadInfo[] {
  const engine = transferEngine();
  return useSyncExternalStore(engine.subscribe, engine.uploads, engine.uploads);
}
