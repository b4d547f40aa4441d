// Public entry of the test-LAN harness; suites import from here only.

export { cleanupStale } from './cleanup.ts';
export type { ApiResponse, DeviceOptions } from './device.ts';
export { Device } from './device.ts';
export type { FirefoxDeviceOptions } from './firefox.ts';
export { FirefoxDevice } from './firefox.ts';
export type { LanOptions } from './lan.ts';
export { createLan, Lan } from './lan.ts';
export type { BrowserKind, LanDevice } from './lanDevice.ts';
export type { Host } from './netns.ts';
export { parseRate } from './netns.ts';
export type { CliRun } from './nodePeer.ts';
export { NodePeer } from './nodePeer.ts';
export { checkPrerequisites } from './prereq.ts';
export type { TrackerCommand, TrackerCommandContext, TrackerOptions } from './tracker.ts';
export { serverArgs, standinCommand, startScriptCommand, Tracker } from './tracker.ts';
export type { WebKitDeviceOptions } from './webkit.ts';
export { WebKitDevice } from './webkit.ts';
