// Debian's Chromium driven by playwright-core (no browser download): one browser per test file, a fresh
// context (so a fresh sessionStorage) per test, and screenshots written to test/browser/screenshots/
// (gitignored) on every run.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(import.meta.dirname, 'screenshots');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** A context with clipboard access for the router's origin, and every page error recorded. */
export async function newContext(
  browser: Browser,
  baseURL: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  // A step that waits longer than this fails naming its locator (rather than the test timing out).
  context.setDefaultTimeout(12_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Signs in by pasting `key` into the sign-in form. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * Follows a link of the console's navigation and waits until the page it opens has rendered: the click only
 * changes the hash, and until the hashchange is handled the previous page (say the playground, with its own
 * "Endpoint" fields) is still in the document.
 */
export async function openPage(page: Page, name: string): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });
  await link.click();
  await link.and(page.locator('[aria-current="page"]')).waitFor();
  await page.locator('main > .loading').waitFor({ state: 'detached' });
}

/** How wide the document is (`scroll`) against the window (`client`): wider means the page scrolls sideways. */
export function documentWidths(page: Page): Promise<{ scroll: number; client: number }> {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
}

/** Opens the console at `hash` and, once the page has loaded, says how wide it is (`documentWidths`). */
export async function widthsAt(page: Page, hash: string): Promise<{ scroll: number; client: number }> {
  await page.goto(`/${hash}`);
  await page.locator('main h1').first().waitFor();
  await page.locator('main .loading').waitFor({ state: 'detached' });
  return documentWidths(page);
}

/** Form controls on the page without a label (a <label for>, a wrapping label, or aria-label). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'),
    )
      .filter(
        (el) =>
          el.type !== 'hidden' &&
          !el.labels?.length &&
          !el.getAttribute('aria-label') &&
          !el.getAttribute('aria-labelledby'),
      )
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
