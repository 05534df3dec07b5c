// Endpoints in Chromium: create one through the form (a validation error shown at its field first), its
// page (description rendered as text, URLs copied, origin health, versions and rollback, stop/start,
// delete with confirmation), what a member is not offered, and what a tenant an endpoint is shared with sees.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  launch,
  newContext,
  openPage,
  screenshot,
  signIn,
  unlabelledControls,
  widthsAt,
  documentWidths,
} from './browser.ts';
import {
  adminCall,
  CHAT_MODEL,
  createEndpoint,
  createTenant,
  originUrl,
  platformKey,
  routerUrl,
  uniqueName,
} from './helpers.ts';

const XSS = '<img src=x onerror=alert(1)>';
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** Records every dialog (an alert() from injected markup would land here) and dismisses it. */
function watchDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (d) => {
    seen.push(d.message());
    void d.dismiss();
  });
  return seen;
}

describe('endpoints', () => {
  it('creates an endpoint through the form, showing the router’s validation error beside the field first', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    const dialogs = watchDialogs(page);
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Endpoints');
    await page.getByRole('link', { name: 'Create endpoint' }).click();

    expect(await unlabelledControls(page)).toEqual([]);
    const name = uniqueName('ui-ep');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description').fill(XSS);
    await page.getByLabel('Served entity name').fill('main');
    await page.getByLabel('Model', { exact: true }).fill(CHAT_MODEL);
    await page.getByLabel('Origin URL').fill('ftp://not-an-origin');
    await page.getByLabel('Region').fill('eu-west');
    await page.getByLabel('Temperature').fill('0.4');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag key').fill('team');
    await page.getByLabel('Tag value').fill('search');
    await page.getByRole('button', { name: 'Create endpoint' }).click();

    // The router's message, at the origin URL field, and focus moved there.
    const urlField = page.locator('[data-field="served_entities.0.origins.0.url"]');
    await urlField.locator('.field-error').waitFor();
    // Beside its field, without the API path the label already names (`Invalid 'served_entities.0.origins.0.url': …`).
    expect(await urlField.locator('.field-error').textContent()).toBe('Must be an http(s) URL');
    expect(await urlField.locator('input').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('ftp://not-an-origin');
    await screenshot(page, 'endpoint-form-error');

    await page.getByLabel('Origin URL').fill(originUrl());
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: `Endpoint ${name} created` }).waitFor();
    const firstKey = (await page.locator('code.secret').textContent()) ?? '';
    expect(firstKey).toMatch(/^sk-/);
    const stored = await adminCall<{
      description: string;
      defaults: { temperature?: number };
      tags: unknown[];
      served_entities: Array<{ origins: Array<{ region?: string }> }>;
    }>('GET', `/endpoints/${name}`);
    expect(stored.description).toBe(XSS);
    expect(stored.defaults.temperature).toBe(0.4);
    expect(stored.tags).toEqual([{ key: 'team', value: 'search' }]);
    expect(stored.served_entities[0]!.origins[0]!.region).toBe('eu-west');

    await page.getByRole('button', { name: 'Open endpoint' }).click();
    await page.getByRole('heading', { name: 'URLs' }).waitFor();
    // The description is shown as text: the markup is not parsed, nothing ran.
    expect(await page.locator('dd .description').textContent()).toBe(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an empty form: every field the router refuses is marked at once, the first one focused', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Endpoints');
    await page.getByRole('link', { name: 'Create endpoint' }).click();
    await page.getByRole('button', { name: 'Create endpoint' }).click();

    const messageAt = (param: string) => page.locator(`[data-field="${param}"] > .field-error`);
    await messageAt('served_entities.0.origins.0.url').waitFor();
    const shown = await page.locator('.field-error:not([hidden])').allTextContents();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    // Each beside its field, without the API path the label already names.
    for (const text of shown) expect(text).not.toMatch(/Invalid '/);
    expect(await messageAt('name').textContent()).toMatch(/^Must be 1-64 characters/);
    expect(await messageAt('served_entities.0.model').textContent()).toBe('Must not be empty');
    expect(await messageAt('served_entities.0.origins.0.url').textContent()).toBe('Must be an http(s) URL');
    for (const param of ['name', 'served_entities.0.model', 'served_entities.0.origins.0.url'])
      expect(await page.locator(`[data-field="${param}"] input`).getAttribute('aria-invalid'), param).toBe('true');
    // The first problem's field (Name) has the focus; every problem had a field, so no form-level alert.
    expect(await page.evaluate(() => document.activeElement?.closest('[data-field]')?.getAttribute('data-field'))).toBe(
      'name',
    );
    expect(await page.locator('form p.error[role="alert"]').isHidden()).toBe(true);
    await screenshot(page, 'endpoint-form-all-errors');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a rate limit switched to count tokens: its limit’s problem shows beside the Limit field', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Endpoints');
    await page.getByRole('link', { name: 'Create endpoint' }).click();
    await page.getByLabel('Name', { exact: true }).fill(uniqueName('ui-rl'));
    await page.getByLabel('Served entity name').fill('main');
    await page.getByLabel('Model', { exact: true }).fill(CHAT_MODEL);
    await page.getByLabel('Origin URL').fill(originUrl());
    await page.getByRole('button', { name: 'Add rate limit' }).click();
    await page.getByLabel('Counts', { exact: true }).selectOption('tokens');
    await page.getByLabel('Limit', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Create endpoint' }).click();

    // The router names `rate_limits.0.tokens`: the Limit field now counts tokens, so the message lands there.
    const limit = page.locator('[data-field~="rate_limits.0.tokens"]');
    await limit.locator('.field-error').waitFor();
    expect(await limit.locator('.field-error').textContent()).toMatch(/^Must be ≥ 1/);
    expect(await limit.locator('input').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('form p.error[role="alert"]').isHidden()).toBe(true);
    // A blank limit the router names `rate_limits.0.calls` whatever it counts: still beside the Limit field.
    await page.getByLabel('Limit', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await limit.locator('.field-error', { hasText: 'needs' }).waitFor();
    expect(await limit.locator('.field-error').textContent()).toMatch(/^A rate limit needs 'calls' or 'tokens'/);
    expect(await page.locator('form p.error[role="alert"]').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the endpoint: URLs with copy, origin health, versions with rollback, stop/start, and delete with confirmation', async () => {
    const ep = await createEndpoint('ui-info', { defaults: { temperature: 0.2 } });
    await adminCall(
      'PATCH',
      `/endpoints/${ep.name}`,
      { description: XSS, defaults: { temperature: 0.5 } },
      { expect: 200 },
    );
    const { context, page, errors } = await newContext(browser, routerUrl());
    const dialogs = watchDialogs(page);
    await signIn(page, inject('adminToken'));

    // In the list, the description is text too.
    await page.goto(`/#/endpoints`);
    const row = page.locator(`tr[data-endpoint="${ep.name}"]`);
    expect(await row.locator('td.description').textContent()).toBe(XSS);

    await row.getByRole('link', { name: ep.name }).click();
    await page.getByRole('heading', { name: 'URLs' }).waitFor();
    const urls = page.getByRole('region', { name: 'URLs' });
    const lines = await urls.locator('.copyable').allTextContents();
    const base = routerUrl();
    for (const url of [
      `${base}/v1`,
      `${base}/endpoints/${ep.name}/v1`,
      `${base}/endpoints/${ep.name}/generate`,
      `${base}/endpoints/${ep.name}/generate_stream`,
      `${base}/endpoints/${ep.name}`,
    ]) {
      expect(
        lines.some((l) => l.includes(url)),
        url,
      ).toBe(true);
    }
    await urls
      .locator('.copyable')
      .filter({ hasText: 'TGI /generate_stream' })
      .getByRole('button', { name: 'Copy' })
      .click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `${base}/endpoints/${ep.name}/generate_stream`,
    );
    expect(await page.locator('table').filter({ hasText: 'Origin' }).first().textContent()).toContain(originUrl());
    expect(await page.locator('dd .description').textContent()).toBe(XSS);
    await screenshot(page, 'endpoint');

    // Edit: the form starts from the serving config; saving writes v3.
    await page.getByRole('link', { name: 'Edit' }).click();
    expect(await page.getByLabel('Temperature').inputValue()).toBe('0.5');
    expect(await page.getByLabel('Origin URL').inputValue()).toBe(originUrl());
    await page.getByLabel('Temperature').fill('0.9');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByRole('heading', { name: 'URLs' }).waitFor();
    expect(
      await adminCall<{ config_version: number; defaults: { temperature: number } }>('GET', `/endpoints/${ep.name}`),
    ).toMatchObject({
      config_version: 3,
      defaults: { temperature: 0.9 },
    });

    // Versions: v3 serves; roll back to v1 (confirmed) → v4 with v1's temperature.
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await page.getByRole('cell', { name: 'v4', exact: true }).waitFor();
    expect(
      (await adminCall<{ defaults: { temperature: number } }>('GET', `/endpoints/${ep.name}`)).defaults.temperature,
    ).toBe(0.2);

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    expect((await adminCall<{ state: string }>('GET', `/endpoints/${ep.name}`)).state).toBe('stopped');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor();
    expect((await adminCall<{ state: string }>('GET', `/endpoints/${ep.name}`)).state).not.toBe('stopped');

    // Delete: Cancel keeps it; confirming deletes it.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await adminCall('GET', `/endpoints/${ep.name}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await adminCall('GET', `/endpoints/${ep.name}`, undefined, { expect: 404 });
    expect(await page.locator(`tr[data-endpoint="${ep.name}"]`).count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers a member neither create nor changes', async () => {
    const tenant = uniqueName('ui-t');
    await createTenant(tenant);
    const member = await platformKey(tenant, 'member');
    const owner = await platformKey(tenant, 'owner');
    const name = uniqueName('ui-owned');
    await adminCall(
      'POST',
      '/endpoints',
      {
        name,
        served_entities: [{ name: 'main', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] }],
      },
      { token: owner.key },
    );

    const { context, page } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await page.goto('/#/endpoints');
    await page.locator(`tr[data-endpoint="${name}"]`).waitFor();
    expect(await page.getByRole('link', { name: 'Create endpoint' }).count()).toBe(0);
    await page.goto(`/#/endpoints/${name}`);
    await page.getByRole('heading', { name: 'URLs' }).waitFor();
    for (const action of ['Edit', 'Stop', 'Delete'])
      expect(await page.getByRole('button', { name: action, exact: true }).count(), action).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await context.close();

    // Its owner is offered them.
    const mine = await newContext(browser, routerUrl());
    await signIn(mine.page, owner.key);
    await mine.page.goto(`/#/endpoints/${name}`);
    await mine.page.getByRole('button', { name: 'Delete', exact: true }).waitFor();
    expect(await mine.page.getByRole('link', { name: 'Edit' }).count()).toBe(1);
    await mine.context.close();
  });

  it('shows a tenant an endpoint shared with it by name and URLs, without its origins', async () => {
    const owning = uniqueName('ui-own');
    const sharedWith = uniqueName('ui-with');
    await createTenant(owning);
    await createTenant(sharedWith);
    const name = uniqueName('ui-shared');
    const secretOrigin = `${originUrl()}/mode/slow/1`;
    await adminCall('POST', '/endpoints', {
      name,
      tenant: owning,
      served_entities: [
        { name: 'hidden-entity', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: secretOrigin }] },
      ],
    });
    await adminCall('POST', `/endpoints/${name}/shares`, { tenant: sharedWith }, { expect: 200 });
    const member = await platformKey(sharedWith, 'member');

    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await page.goto('/#/endpoints');
    await page.locator(`tr[data-endpoint="${name}"]`).waitFor();
    await page.goto(`/#/endpoints/${name}`);
    await page.getByRole('heading', { name: 'URLs' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Shared with your tenant');
    expect(text).toContain(`/endpoints/${name}/v1`);
    expect(text).not.toContain('hidden-entity');
    expect(text).not.toContain('/mode/slow/1');
    expect(text).not.toContain(owning);
    expect(errors).toEqual([]);
    await screenshot(page, 'endpoint-shared-view');
    await context.close();
  });

  it('says an endpoint does not exist, in the page’s layout, with a way back to the list', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    const name = uniqueName('ui-no-such');
    for (const hash of [`#/endpoints/${name}`, `#/endpoints/${name}/edit`]) {
      await page.goto(`/${hash}`);
      await page.getByRole('heading', { name: 'Endpoint not found', level: 1 }).waitFor();
      expect(await page.locator('main').textContent(), hash).toContain(`There is no endpoint named ${name}`);
      // The page's own header and card, not the router's bare message.
      expect(await page.locator('main .page header h1').textContent(), hash).toBe('Endpoint not found');
      expect(await page.locator('main [role="alert"]').count(), hash).toBe(0);
    }
    await screenshot(page, 'endpoint-not-found');
    await page.getByRole('link', { name: 'All endpoints' }).click();
    await page.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/endpoints$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a link with a stray "%" (not percent-encoding) as that name, not a script error that leaves the last page up', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Dashboard');
    await page.evaluate(() => (location.hash = '#/endpoints/50%off'));
    await page.getByRole('heading', { name: 'Endpoint not found', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain('There is no endpoint named 50%off');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone’s width with an endpoint name as long as names go, without a hyphen to break at', async () => {
    // 64 characters (the most a name may have), one word: it must wrap, not widen the page.
    const name = uniqueName('UiLongName').replaceAll('-', '').padEnd(64, 'x');
    await adminCall('POST', '/endpoints', {
      name,
      served_entities: [{ name: 'main', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] }],
    });
    const { context, page, errors } = await newContext(browser, routerUrl());
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, inject('adminToken'));
    for (const hash of [`#/endpoints/${name}`, `#/endpoints/${name}/edit`, '#/keys']) {
      const { scroll, client } = await widthsAt(page, hash);
      expect(scroll, hash).toBeLessThanOrEqual(client);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits every Protocol option’s label in its control, at 1360 px and on a 390 px phone', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.goto('/#/endpoints/new');
    const protocol = page.getByLabel('Protocol');
    /** Each option's text width against the room the closed control gives it (less its padding and arrow). */
    const clipped = () =>
      protocol.evaluate((select: HTMLSelectElement) => {
        const style = getComputedStyle(select);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room =
          select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20; /* the arrow */
        return Array.from(select.options)
          .filter((o) => ctx.measureText(o.text).width > room)
          .map((o) => `${o.text}: ${Math.round(ctx.measureText(o.text).width)} px in ${Math.round(room)} px`);
      });
    await protocol.waitFor();
    expect(await clipped()).toEqual([]);
    await screenshot(page, 'endpoint-form');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await clipped()).toEqual([]);
    const { scroll, client } = await documentWidths(page);
    expect(scroll).toBeLessThanOrEqual(client);
    await protocol.scrollIntoViewIfNeeded();
    await screenshot(page, 'endpoint-form-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
