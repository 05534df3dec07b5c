// Model requests in Chromium: a member asks for a model, asks again and is pointed to the open request,
// a tenant admin approves it with a note, and the member sees the decision.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newContext, openPage, screenshot, signIn } from './browser.ts';
import { createTenant, platformKey, routerUrl, uniqueName } from './helpers.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('model requests', () => {
  it('submits a request, points a duplicate to it, and shows the admin’s decision to the requester', async () => {
    const tenant = uniqueName('ui-mr');
    await createTenant(tenant);
    const member = await platformKey(tenant, 'member');
    const tenantAdmin = await platformKey(tenant, 'tenant_admin');
    const model = `Qwen/Qwen2.5-72B-Instruct-${tenant}`;

    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await openPage(page, 'Model requests');
    const fill = async () => {
      await page.getByLabel('Model (name or Hugging Face id)').fill(model);
      await page.getByLabel('Use case').fill('Answer customer questions in Japanese');
      await page.getByLabel('Requirements and constraints').fill('32k context, EU region');
      await page.getByLabel('Evaluation criteria').fill('Human review of 200 answers');
      await page.getByLabel('Current limitations').fill('Llama 8B answers in English');
      await page.getByLabel('Expected requests per minute (average)').fill('30');
      await page.getByLabel('Expected requests per minute (peak)').fill('200');
      await page.getByRole('button', { name: 'Submit request' }).click();
    };
    await fill();
    const row = page.locator('tr[data-request]', { hasText: model });
    await row.waitFor();
    expect(await row.locator('.pill').textContent()).toBe('open');
    const id = (await row.getAttribute('data-request'))!;
    // The confirmation stays on screen above the refreshed list (a new render of the page would drop it).
    const submitted = page.getByRole('status').filter({ hasText: 'Request submitted' });
    expect(await submitted.isVisible()).toBe(true);
    expect(await submitted.getByRole('link').getAttribute('href')).toBe(`#/model-requests/${id}`);

    // Asking again: refused at the model field, with a link to the open request.
    await fill();
    const error = page.locator('[data-field="model"] .field-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('already has an open request');
    expect(await error.getByRole('link').getAttribute('href')).toBe(`#/model-requests/${id}`);
    expect(await page.locator('tr[data-request]').count()).toBe(1);
    await screenshot(page, 'model-requests');
    await context.close();

    // The tenant admin approves it with a note.
    const adminSide = await newContext(browser, routerUrl());
    await signIn(adminSide.page, tenantAdmin.key);
    await adminSide.page.goto(`/#/model-requests/${id}`);
    await adminSide.page.getByLabel('New status').selectOption('approved');
    await adminSide.page.getByLabel('Note to the requester').fill('Approved: scheduled for the EU cluster next week');
    await adminSide.page.getByRole('button', { name: 'Update status' }).click();
    await adminSide.page.locator('h1 .pill', { hasText: 'approved' }).waitFor();
    await adminSide.context.close();

    // The member sees it.
    const again = await newContext(browser, routerUrl());
    await signIn(again.page, member.key);
    await again.page.goto('/#/model-requests');
    const decided = again.page.locator(`tr[data-request="${id}"]`);
    await decided.locator('.pill', { hasText: 'approved' }).waitFor();
    expect(await decided.textContent()).toContain('scheduled for the EU cluster');
    // A member has no triage form.
    await again.page.goto(`/#/model-requests/${id}`);
    await again.page.getByRole('link', { name: 'All requests' }).waitFor();
    expect(await again.page.getByRole('button', { name: 'Update status' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await again.context.close();
  });

  it('points a duplicate to the open request when the model’s name has "mr_" in it too', async () => {
    const tenant = uniqueName('ui-mr-dup');
    await createTenant(tenant);
    const member = await platformKey(tenant, 'member');
    // The router's message names the model before the request's id: `… for 'org/summr_…': mr_….`
    const model = `org/summr_${tenant}`;
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await openPage(page, 'Model requests');
    const ask = async () => {
      await page.getByLabel('Model (name or Hugging Face id)').fill(model);
      await page.getByLabel('Use case').fill('Summaries');
      await page.getByRole('button', { name: 'Submit request' }).click();
    };
    await ask();
    const row = page.locator('tr[data-request]', { hasText: model });
    await row.waitFor();
    const id = (await row.getAttribute('data-request'))!;
    await ask();
    const error = page.locator('[data-field="model"] .field-error');
    await error.getByRole('link').waitFor();
    expect(await error.getByRole('link').getAttribute('href')).toBe(`#/model-requests/${id}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks requests per minute the browser cannot read as a number instead of submitting without them', async () => {
    const tenant = uniqueName('ui-mr-nan');
    await createTenant(tenant);
    const member = await platformKey(tenant, 'member');
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await openPage(page, 'Model requests');
    await page.getByLabel('Model (name or Hugging Face id)').fill(`org/model-${tenant}`);
    await page.getByLabel('Use case').fill('Summaries');
    // "1e" in a number field has the value "": it must not read as "not given".
    await page.getByLabel('Expected requests per minute (average)').pressSequentially('1e');
    await page.getByLabel('Expected requests per minute (peak)').fill('50');
    await page.getByRole('button', { name: 'Submit request' }).click();
    const problem = page.locator('[data-field="expected_rpm_average"] .field-error');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('Must be a whole number, or blank.');
    expect(await page.getByRole('status').filter({ hasText: 'Request submitted' }).count()).toBe(0);
    expect(await page.locator('tr[data-request]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says a model request does not exist, in the page’s layout, with a way back to the list', async () => {
    const tenant = uniqueName('ui-mr-none');
    await createTenant(tenant);
    const member = await platformKey(tenant, 'member');
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, member.key);
    await page.goto('/#/model-requests/mr_no_such_request');
    await page.getByRole('heading', { name: 'Model request not found', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain('There is no model request mr_no_such_request');
    expect(await page.locator('main [role="alert"]').count()).toBe(0);
    await page.getByRole('link', { name: 'All model requests' }).click();
    await page.getByRole('heading', { name: 'Model requests', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/model-requests$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
