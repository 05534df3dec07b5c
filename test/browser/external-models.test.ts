// An external model in the console (Chromium): the list and the endpoint page show the provider, task and
// secret reference (never a key), and the edit page sends the operator to the API instead of a form that
// cannot express an external model.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EMULATOR_ANTHROPIC_KEY } from '../origin/provider-keys.ts';
import { launch, newContext, screenshot, signIn } from './browser.ts';
import { adminCall, originUrl, routerUrl, uniqueName } from './helpers.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('external models in the console', () => {
  it('shows the provider, task and secret reference, and no edit form', async () => {
    const name = uniqueName('ui-ext');
    await adminCall(
      'POST',
      '/endpoints',
      {
        name,
        served_entities: [
          {
            name: 'claude',
            external_model: {
              name: 'claude-sonnet-4-5',
              provider: 'anthropic',
              task: 'llm/v1/chat',
              anthropic_config: {
                anthropic_api_key: '{{secrets/ANTHROPIC_API_KEY}}',
                anthropic_api_base: `${originUrl()}/anthropic`,
              },
            },
          },
        ],
      },
      { expect: 201 },
    );
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));

    await page.goto('/#/endpoints');
    const row = page.locator(`tr[data-endpoint="${name}"]`);
    expect(await row.textContent()).toContain('claude-sonnet-4-5 (anthropic)');

    await page.goto(`/#/endpoints/${name}`);
    const entities = page.locator('table').filter({ hasText: 'Served entity' }).first();
    await entities.waitFor();
    const text = (await entities.textContent()) ?? '';
    expect(text).toContain('external: anthropic (llm/v1/chat)');
    expect(text).toContain('{{secrets/ANTHROPIC_API_KEY}}');
    expect(await page.content()).not.toContain(EMULATOR_ANTHROPIC_KEY);
    await screenshot(page, 'endpoint-external-model');

    await page.goto(`/#/endpoints/${name}/edit`);
    await page.getByText('This endpoint serves an external model').waitFor();
    expect(await page.locator('form.endpoint-form').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
