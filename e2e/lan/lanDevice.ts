// What every device on the test LAN offers, whatever browser runs it: journeys that mix browsers, and
// the LAN's bookkeeping (browser slots, teardown), use this and nothing browser-specific.
import type { ApiResponse } from './device.ts';

export type BrowserKind = 'chromium' | 'firefox' | 'webkit';

export interface LanDevice {
  readonly kind: BrowserKind;
  readonly name: string;
  readonly ip: string;
  readonly ns: string;
  readonly logPath: string;
  readonly secure: boolean;
  readonly running: boolean;
  readonly pid: number | undefined;
  url(path?: string): string;
  goto(path?: string): Promise<void>;
  /** HTTP to the tracker from this device's address. */
  api(method: string, path: string, body?: unknown, bearer?: string): Promise<ApiResponse>;
  cut(): Promise<void>;
  restore(): Promise<void>;
  limitRate(rate: string): Promise<void>;
  unlimit(): Promise<void>;
  /** A crash: SIGKILL, the profile stays. */
  kill(): Promise<void>;
  /** Same profile, fresh process. */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** For exit handlers: nothing asynchronous may run there. */
  killSync(): void;
}
