// The transfer screens' UI contract, as locators: li.file-row[data-content-id],
// section[aria-label="Downloads"] li[data-download][data-state], section[aria-label="Library"]
// li[data-library]. Journeys find rows through these only, never through classes or layout.
import type { Locator, Page } from 'playwright-core';
import type { Fixture } from './fixtures.ts';

export function fileRowOf(page: Page, fx: Fixture): Locator {
  return page.locator(`li.file-row[data-content-id="${fx.contentId}"]`);
}

export function downloadsPanel(page: Page): Locator {
  return page.locator('section[aria-label="Downloads"]');
}

export function downloadRowOf(page: Page, fx: Fixture): Locator {
  return downloadsPanel(page).locator(`li[data-download="${fx.contentId}"]`);
}

export function libraryRowOf(page: Page, fx: Fixture): Locator {
  return page.locator(`section[aria-label="Library"] li[data-library="${fx.contentId}"]`);
}
