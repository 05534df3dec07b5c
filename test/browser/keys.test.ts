// Keys in Chromium: add one (the plaintext shown once, copied, and working), revoke it through the
// "irreversible" confirmation (and it stops working), the First Key marked and protected, and a
// member offered only what its role allows.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launch, newContext, openPage, screenshot, signIn } from './browser.ts';
import {
  admin,
  adminCall,
  CHAT_MODEL,
  createEndpoint,
  createTenant,
  platformKey,
  routerUrl,
  uniqueName,
} from './helpers.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function modelsStatus(key: string): Promise<number> {
  const res = await fetch(`${routerUrl()}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  await res.body?.cancel();
  return res.status;
}

describe('keys', () => {
  it('adds a key scoped to one endpoint (shown once, copied, working) and revokes it after the irreversible confirmation', async () => {
    const ep = await createEndpoint('ui-keys');
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Keys');
    const description = uniqueName('browser key');
    await page.getByLabel('Description').fill(description);
    await page.getByLabel('All endpoints its tenant may use').uncheck();
    await page.getByLabel(ep.name, { exact: true }).check();
    await page.getByLabel('Concurrency limit').fill('3');
    await page.getByRole('button', { name: 'Create key' }).click();

    const secret = page.locator('code.secret');
    await secret.waitFor();
    const plaintext = (await secret.textContent()) ?? '';
    await page.getByRole('status').getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(plaintext);
    expect(await modelsStatus(plaintext)).toBe(200);
    // The key listing is paginated: the client follows the cursor to the end.
    const created = (await admin().listKeys()).find((k) => k.description === description)!;
    expect(created).toMatchObject({ endpoints: [ep.name], concurrency_limit: 3 });

    await page.getByRole('button', { name: 'Done: show it in the list' }).click();
    const row = page.locator(`tr[data-key="${created.id}"]`);
    await row.waitFor();
    // The list never shows the plaintext again.
    expect(await page.locator('main').textContent()).not.toContain(plaintext);

    await row.getByRole('button', { name: /^Revoke/ }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('irreversible');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await modelsStatus(plaintext)).toBe(200);

    await row.getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.locator(`tr[data-key="${created.id}"] .pill`, { hasText: 'revoked' }).waitFor();
    expect(
      await page
        .locator(`tr[data-key="${created.id}"]`)
        .getByRole('button', { name: /^Revoke/ })
        .count(),
    ).toBe(0);
    expect(await modelsStatus(plaintext)).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks the First Key and offers neither edit nor revoke for it; key info shows in-flight and usage', async () => {
    const ep = await createEndpoint('ui-first');
    const first = (ep as unknown as { first_key: { id: string } }).first_key;
    const { context, page } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.goto('/#/keys');
    const row = page.locator(`tr[data-key="${first.id}"]`);
    await row.waitFor();
    expect(await row.locator('.badge').textContent()).toBe('First Key');
    expect(await row.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);

    await row.getByRole('link').first().click();
    await page.getByText('In flight now').waitFor();
    expect(await page.getByText('cannot be edited or revoked').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save description' }).count()).toBe(0);
    await context.close();
  });

  it('offers a member endpoint keys for named endpoints only, and edits its own key’s description', async () => {
    const tenant = uniqueName('ui-kt');
    await createTenant(tenant);
    const owner = await platformKey(tenant, 'owner');
    const member = await platformKey(tenant, 'member');
    const name = uniqueName('ui-kt-ep');
    await adminCall(
      'POST',
      '/endpoints',
      {
        name,
        served_entities: [
          {
            name: 'main',
            protocol: 'openai',
            model: 'meta-llama/Llama-3.1-8B-Instruct',
            origins: [{ url: inject('originUrl') }],
          },
        ],
      },
      { token: owner.key },
    );

    const { context, page } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await openPage(page, 'Keys');
    await page.getByLabel('Kind').waitFor();
    const kinds = await page.getByLabel('Kind').locator('option').allTextContents();
    expect(kinds).toEqual(['Endpoint key (inference API)']);
    expect(await page.getByLabel(name, { exact: true }).isVisible()).toBe(true);
    // Without naming an endpoint it says so at the endpoints field.
    await page.getByRole('button', { name: 'Create key' }).click();
    const pick = page.locator('[data-field="endpoints"] .field-error');
    await pick.waitFor();
    expect(await pick.textContent()).toContain('your role must name the endpoints');

    await page.getByLabel(name, { exact: true }).check();
    await page.getByLabel('Description').fill('mine');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('code.secret').waitFor();
    await page.getByRole('button', { name: 'Done: show it in the list' }).click();
    await page.locator('td.description', { hasText: 'mine' }).first().waitFor();
    await page.locator('tr', { hasText: 'mine' }).getByRole('link').first().click();
    await page.getByLabel('Description').fill('mine, renamed');
    await page.getByRole('button', { name: 'Save description' }).click();
    await page.locator('dd.description', { hasText: 'mine, renamed' }).waitFor();
    await screenshot(page, 'key');
    await context.close();
  });

  it('says beside Concurrency limit how far a member may go, not to ask for access', async () => {
    const tenant = uniqueName('ui-kc');
    await createTenant(tenant);
    const tenantAdmin = await platformKey(tenant, 'tenant_admin');
    const member = await platformKey(tenant, 'member');
    const name = uniqueName('ui-kc-ep');
    await adminCall(
      'POST',
      '/endpoints',
      {
        name,
        served_entities: [
          { name: 'main', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: inject('originUrl') }] },
        ],
      },
      { token: tenantAdmin.key },
    );
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await openPage(page, 'Keys');
    await page.getByLabel(name, { exact: true }).check();
    await page.getByLabel('Concurrency limit').fill('100');
    await page.getByRole('button', { name: 'Create key' }).click();
    const problem = page.locator('[data-field="concurrency_limit"] .field-error');
    await problem.waitFor();
    expect(await problem.textContent()).toBe(
      'Your role (member) may give a key at most 16 concurrent requests (asked: 100)',
    );
    expect(await page.locator('form p.error[role="alert"]').isHidden()).toBe(true);
    expect(await page.locator('main').textContent()).not.toContain('Ask an admin');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a key past its expiry as expired on its own page and leaves it out of the dashboard’s active keys', async () => {
    const tenant = uniqueName('ui-kx');
    await createTenant(tenant);
    const tenantAdmin = await platformKey(tenant, 'tenant_admin');
    const expiring = await adminCall<{ id: string }>('POST', '/keys', {
      tenant,
      description: 'expires at once',
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, tenantAdmin.key);
    await page.goto('/#/keys');
    await page.locator(`tr[data-key="${expiring.id}"] .pill`, { hasText: 'expired' }).waitFor();
    await page.goto(`/#/keys/${expiring.id}`);
    await page.getByText('In flight now').waitFor();
    expect(await page.locator('main h1 .pill').textContent()).toBe('expired');

    // The tenant's keys: the tenant admin's own platform key is active, the expired one is not.
    await openPage(page, 'Dashboard');
    const active = page.locator('.stat', { hasText: 'Active keys' }).locator('.value');
    expect(await active.textContent()).toBe('1');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks a concurrency limit or expiry the browser cannot read instead of creating the key with the default or no expiry', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await openPage(page, 'Keys');
    const description = uniqueName('ui-k-nan');
    await page.getByLabel('Description').fill(description);
    // "1e" in a number field has the value "": it must not read as a blank (default) limit.
    await page.getByLabel('Concurrency limit').pressSequentially('1e');
    await page.getByRole('button', { name: 'Create key' }).click();
    const problem = page.locator('[data-field="concurrency_limit"] .field-error');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('Must be a whole number, or blank for the default.');
    expect(await page.locator('code.secret').count()).toBe(0);
    // An expiry with only its month typed is as empty to the form: not a key that never expires.
    await page.getByLabel('Concurrency limit').fill('3');
    await page.getByLabel('Expires').pressSequentially('12');
    await page.getByRole('button', { name: 'Create key' }).click();
    const expiry = page.locator('[data-field="expires_at"] .field-error');
    await expiry.waitFor();
    expect(await expiry.textContent()).toMatch(/^Enter the whole date and time/);
    expect(await page.locator('code.secret').count()).toBe(0);
    expect((await admin().listKeys()).some((k) => k.description === description)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says a key does not exist, in the page’s layout, with a way back to the list', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.goto('/#/keys/key_no_such_key');
    await page.getByRole('heading', { name: 'Key not found', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain('There is no key with id key_no_such_key');
    expect(await page.locator('main [role="alert"]').count()).toBe(0);
    await page.getByRole('link', { name: 'All keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/keys$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
