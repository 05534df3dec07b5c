// The console's shell in Chromium: sign-in with each kind of key, the key kept in the tab only (no
// cookies), a bad key answered with what to do, the page's security headers, a phone's width, and keyboard focus.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launch, newContext, signIn, widthsAt } from './browser.ts';
import { createKey, routerUrl } from './helpers.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('sign-in', () => {
  it('loads without a failed request: the page, its script, its styles and its icon', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });
    await page.goto('/');
    await page.getByLabel('API key').waitFor();
    await page.waitForLoadState('networkidle');
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    // A browser that finds no icon in the page asks for /favicon.ico, which the router answers 404 (headless
    // Chromium does not ask): the page names one inline, and the page's CSP lets it load.
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    const loaded = await page.evaluate(
      (href) =>
        new Promise<boolean>((resolve) => {
          const img = new Image();
          img.onload = () => resolve(img.naturalWidth > 0);
          img.onerror = () => resolve(false);
          img.src = href;
        }),
      icon!,
    );
    expect(loaded).toBe(true);
    await context.close();
  });

  it('signs in with the admin token, keeps the key in sessionStorage only, and survives a reload but not a new tab', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    const token = inject('adminToken');
    await signIn(page, token);
    await expect(
      page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Dashboard' }).isVisible(),
    ).resolves.toBe(true);
    // The header shows the key masked, never in full.
    const shown = await page.locator('header .key').textContent();
    expect(shown).not.toContain(token);
    expect(shown).toMatch(/…/);

    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(token);
    expect(await page.evaluate(() => Object.values(localStorage))).toEqual([]);
    expect(await context.cookies()).toEqual([]);

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    const other = await context.newPage();
    await other.goto('/');
    await other.getByLabel('API key').waitFor();
    await other.close();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('tells the user what to do with a key the router does not know', async () => {
    const { context, page } = await newContext(browser, routerUrl());
    await page.goto('/');
    await page.getByLabel('API key').fill('sk-rt-not-a-key');
    await page.getByLabel('API key').press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'Invalid API key' });
    await alert.waitFor();
    // What to check, not "sign out": there is nothing to sign out of yet.
    expect(await alert.textContent()).toContain('Check that you pasted the whole key');
    expect(await alert.textContent()).not.toContain('Sign out');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });

  it('asks for a key when only spaces were pasted, without telling the user to sign out', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await page.goto('/');
    // Spaces pass the field's `required`; the console trims them and has no key to try.
    await page.getByLabel('API key').fill('   ');
    await page.getByLabel('API key').press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'Paste an API key' });
    await alert.waitFor();
    expect(await alert.textContent()).not.toContain('Sign out');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens only the playground for an endpoint key', async () => {
    const key = await createKey(null);
    const { context, page } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Playground']);
    await context.close();
  });
});

describe('the page itself', () => {
  it('is served with a CSP that forbids inline script and framing, and Chromium enforces it', async () => {
    const { context, page } = await newContext(browser, routerUrl());
    const res = await page.goto('/');
    const csp = res!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // An inline script injected into the page does not run.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return w.injected === true;
    });
    expect(ran).toBe(false);
    await context.close();
  });

  it('fits a phone’s width on every page: the header wraps and wide tables scroll inside their card', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, inject('adminToken'));
    for (const hash of [
      '#/playground',
      '#/endpoints',
      '#/endpoints/new',
      '#/keys',
      '#/model-requests',
      '#/dashboard',
      '#/metrics',
    ]) {
      const { scroll, client } = await widthsAt(page, hash);
      expect(scroll, hash).toBeLessThanOrEqual(client);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows where the keyboard focus is', async () => {
    const { context, page } = await newContext(browser, routerUrl());
    await page.goto('/');
    await page.getByLabel('API key').waitFor();
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { tag: el.tagName, width: style.outlineWidth, style: style.outlineStyle };
    });
    expect(outline.tag).toBe('BUTTON');
    expect(outline.style).toBe('solid');
    expect(parseFloat(outline.width)).toBeGreaterThanOrEqual(2);
    await context.close();
  });
});
