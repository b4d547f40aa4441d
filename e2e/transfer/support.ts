// The transfer journeys' kit in one import (suites and benchmarks import from here only), one job a file:
// fixtures.ts     test files and the content-id oracle
// locators.ts     the transfer screens' UI contract
// actions.ts      what a person does there: share, download, save
// engineProbe.ts  the engine read through the test build's debug handle
// diagnostics.ts  waiting for a download's outcome, explained when it is wrong
// heap.ts         the page's JS heap during a download
// figures.ts      sizes and times as the journeys log them
export { clickDownload, type Saved, saveAndHash, shareLoose } from './actions.ts';
export { expectStillDone, screenshot, waitDownloaded } from './diagnostics.ts';
export {
  type EngineItem,
  engineItem,
  engineStats,
  pageNow,
  recordTransitions,
  type Transition,
  transitions,
} from './engineProbe.ts';
export { elapsed, mib } from './figures.ts';
export {
  contentIdOf,
  type Fixture,
  FixtureSet,
  type FixtureSpec,
  MiB,
  sha256,
  sha256File,
} from './fixtures.ts';
export { type HeapReport, heapWords, startHeapSampler } from './heap.ts';
export { downloadRowOf, downloadsPanel, fileRowOf, libraryRowOf } from './locators.ts';
