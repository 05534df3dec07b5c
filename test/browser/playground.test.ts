// The playground in Chromium against wrangler dev + the origin emulator: a streamed chat stopped midway
// (the emulator sees the client leave and the key's slot comes back), a temperature set in the panel
// reaching the origin and the snippets, the copied cURL snippet run against the router, and errors shown
// as the next step.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/stack.ts';
import { launch, newContext, screenshot, signIn, unlabelledControls } from './browser.ts';
import { admin, createEndpoint, createKey, eventually, originStats, originUrl, routerUrl } from './helpers.ts';

let browser: Browser;
let slowEp: string;
let fastEp: string;
let stoppedEp: string;
let regionEp: string;
const REGION = `pg-region-${Date.now().toString(36)}`;
let key: { id: string; key: string };

beforeAll(async () => {
  slowEp = (await createEndpoint('pg-slow', { mode: 'slow/300' })).name;
  fastEp = (await createEndpoint('pg-fast')).name;
  stoppedEp = (await createEndpoint('pg-stopped')).name;
  regionEp = (await createEndpoint('pg-region', { origins: [{ url: originUrl(), region: REGION }] })).name;
  await admin().stopEndpoint(stoppedEp);
  key = await createKey([slowEp, fastEp, stoppedEp]);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function pick(page: Page, endpoint: string): Promise<void> {
  await page.getByLabel('Model (endpoint)').selectOption(endpoint);
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}

/** The newest row of "API calls of this session", once it is there. */
async function lastCall(page: Page, count: number): Promise<string[]> {
  const rows = page.locator('table.calls tbody tr[data-request-id]');
  await expect.poll(() => rows.count()).toBe(count);
  return rows.first().locator('td').allTextContents();
}

/** The chat request the origin received for `requestId`. */
async function originBody(requestId: string): Promise<{ messages: Array<{ role: string; content: string }> }> {
  return eventually(async () => {
    const found = (await originStats()).recent.find((r) => r.headers['x-request-id'] === requestId);
    if (!found) throw new Error('not recorded yet');
    return found.body as { messages: Array<{ role: string; content: string }> };
  });
}

/** The tab the keyboard focus is on (its label), if any. */
function focusedTab(page: Page): Promise<string | null> {
  return page.evaluate(() =>
    document.activeElement?.getAttribute('role') === 'tab' ? document.activeElement.textContent : null,
  );
}

describe('playground', () => {
  it('streams a chat token by token, and Stop aborts the request: the origin sees the client leave and the slot comes back', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    await pick(page, slowEp);
    await say(page, 'Tell me a long story about the sea');

    const bubble = page.locator('.msg.assistant.streaming');
    await expect
      .poll(async () => ((await bubble.textContent()) ?? '').trim().split(/\s+/).filter(Boolean).length, {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('button', { name: 'Stop' }).isEnabled()).toBe(true);
    // The key holds one slot while the stream runs.
    expect((await admin().getKey(key.id)).in_flight).toBe(1);

    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('status').filter({ hasText: 'Stopped' }).waitFor();
    const partial = (await page.locator('.msg.assistant').last().textContent()) ?? '';
    expect(partial).toContain('Stopped');

    const [, request, endpoint, status, , , , requestId] = await lastCall(page, 1);
    expect(request).toBe('POST /v1/chat/completions');
    expect(endpoint).toBe(slowEp);
    expect(status).toBe('stopped');
    const recorded = await eventually(async () => {
      const found = (await originStats()).recent.find((r) => r.headers['x-request-id'] === requestId);
      if (found?.outcome !== 'aborted') throw new Error(`origin outcome: ${found?.outcome}`);
      return found;
    });
    expect(recorded.outcome).toBe('aborted');
    await eventually(async () => expect((await admin().getKey(key.id)).in_flight).toBe(0));

    // From the keyboard alone: the message box has focus again, Enter sends, Escape stops.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('prompt');
    await page.keyboard.type('And another one');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => ((await page.locator('.msg.assistant.streaming').textContent()) ?? '').trim().length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    const [, , , second] = await lastCall(page, 2);
    expect(second).toBe('stopped');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sends the temperature set in the panel to the origin, shows it in every snippet, and the copied cURL snippet runs against the router', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    await pick(page, fastEp);
    await page.getByLabel('Temperature').fill('0.3');
    await page.getByLabel('Max tokens').fill('40');
    await page.getByLabel('System prompt').fill('You are a concise assistant.');
    await say(page, 'What is the capital of France?');
    const [, , , status, , , tokens, requestId] = await lastCall(page, 1);
    expect(status).toBe('200');
    expect(tokens).toMatch(/^\d+ \/ \d+$/);
    expect(((await page.locator('.msg.assistant').last().textContent()) ?? '').length).toBeGreaterThan(0);

    const recorded = await eventually(async () => {
      const found = (await originStats()).recent.find((r) => r.headers['x-request-id'] === requestId);
      if (!found) throw new Error('not recorded yet');
      return found;
    });
    const body = recorded.body as {
      temperature?: number;
      max_tokens?: number;
      messages: Array<{ role: string; content: string }>;
    };
    expect(body.temperature).toBe(0.3);
    expect(body.max_tokens).toBe(40);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You are a concise assistant.' });
    await screenshot(page, 'playground');

    await page.getByRole('tab', { name: 'API' }).click();
    const code = page.locator('pre.snippet');
    const expected: Record<string, RegExp> = {
      Python: /temperature=0\.3,/,
      JavaScript: /"temperature": 0\.3/,
      cURL: /"temperature": 0\.3/,
      'TGI /generate': /"temperature": 0\.3/,
    };
    for (const [tab, pattern] of Object.entries(expected)) {
      await page.getByRole('tab', { name: tab }).click();
      const text = (await code.textContent()) ?? '';
      expect(text, tab).toMatch(pattern);
      expect(text, tab).toContain(fastEp);
      expect(text, tab).toContain('EDGE_ROUTER_API_KEY');
      expect(text, tab).not.toContain(key.key);
    }
    await screenshot(page, 'playground-api');

    // The JavaScript snippet runs as written with this repository's openai package; the Python one parses.
    await page.getByRole('tab', { name: 'JavaScript' }).click();
    const js = (await code.textContent()) ?? '';
    const jsFile = path.join(REPO_ROOT, '.cache', 'snippets', `snippet-${randomUUID()}.mjs`);
    await mkdir(path.dirname(jsFile), { recursive: true });
    await writeFile(jsFile, js);
    try {
      const printed = await run(process.execPath, [jsFile], { EDGE_ROUTER_API_KEY: key.key });
      expect(printed.trim().length).toBeGreaterThan(0);
    } finally {
      await rm(jsFile, { force: true });
    }
    await page.getByRole('tab', { name: 'Python' }).click();
    await run('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {}, (await code.textContent()) ?? '');

    await page.getByRole('tab', { name: 'cURL' }).click();
    await page.getByRole('button', { name: 'Copy code' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await code.textContent());
    const out = await runShell(copied, { EDGE_ROUTER_API_KEY: key.key });
    expect(out).toContain('data: ');
    expect(out.trim().endsWith('data: [DONE]')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leaves a blank Max tokens to the endpoint’s default in the TGI snippet too, as the chat and its hint do', async () => {
    const ep = (await createEndpoint('pg-tgi-defaults', { defaults: { max_tokens: 7 } })).name;
    const own = await createKey([ep]);
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, own.key);
    await pick(page, ep);
    const marker = `tgi-default-${randomUUID()}`;
    await page.getByLabel('System prompt').fill(marker);
    await page.getByRole('tab', { name: 'API' }).click();
    await page.getByRole('tab', { name: 'TGI /generate' }).click();
    const code = (await page.locator('pre.snippet').textContent()) ?? '';
    expect(
      await page.locator('.card .hint', { hasText: 'blank ones are left to the endpoint’s defaults' }).count(),
    ).toBe(1);
    expect(code).not.toContain('max_new_tokens');

    // Run as shown, the router fills the endpoint's default in: the origin is asked for 7 tokens.
    const out = await runShell(code, { EDGE_ROUTER_API_KEY: own.key });
    expect(JSON.parse(out)).toHaveProperty('generated_text');
    const asked = await eventually(async () => {
      const found = (await originStats()).recent.find((r) => JSON.stringify(r.body ?? '').includes(marker));
      if (!found) throw new Error('not recorded yet');
      return found.body as { max_tokens?: number };
    });
    expect(asked.max_tokens).toBe(7);

    // A Max tokens set in the panel is sent as TGI's max_new_tokens.
    await page.getByLabel('Max tokens').fill('40');
    expect(await page.locator('pre.snippet').textContent()).toContain('"max_new_tokens": 40');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks a platform session for an endpoint key, then chats with it; every control has a label', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.getByText('The inference API takes endpoint keys').waitFor();
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Endpoint key for the playground').fill(key.key);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByText('Chatting with endpoint key').waitFor();
    expect(await page.locator('.notice code').textContent()).not.toContain(key.key);
    // The region picker (platform sessions know the origins' regions) narrows the endpoints to that region's.
    await page.getByLabel('Region').selectOption(REGION);
    expect(await page.getByLabel('Model (endpoint)').locator('option').allTextContents()).toEqual([regionEp]);
    await page.getByLabel('Region').selectOption('');
    await pick(page, fastEp);
    await say(page, 'Hello from an admin');
    const [, , , status] = await lastCall(page, 1);
    expect(status).toBe('200');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('tells a platform session that pasted a platform key (not an endpoint key) to change it', async () => {
    const { context, page } = await newContext(browser, routerUrl());
    await signIn(page, inject('adminToken'));
    await page.getByLabel('Endpoint key for the playground').fill(inject('adminToken'));
    await page.getByRole('button', { name: 'Use key' }).click();
    await pick(page, fastEp);
    await say(page, 'Hello with the wrong kind of key');
    const alert = page.locator('.messages [role="alert"]');
    await alert.waitFor();
    // The fix is another key, not access from a tenant admin.
    expect(await alert.textContent()).toMatch(/endpoint key\. Change the playground’s endpoint key above\.$/);
    const [, , , status] = await lastCall(page, 1);
    expect(status).toBe('403');
    await context.close();
  });

  it('shows a failure as what to do next', async () => {
    const { context, page } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    await pick(page, stoppedEp);
    await say(page, 'Hello?');
    const alert = page.locator('.messages [role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /is stopped.*Start it from its page under Endpoints, or ask an operator\./,
    );
    const [, , , status] = await lastCall(page, 1);
    expect(status).toBe('503');
    await context.close();
  });

  it('marks a setting the browser cannot read as a number ("1e") instead of sending the request without it', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    await pick(page, fastEp);
    // A number field whose text is not a number has the value "": it must not read as a blank (default) setting.
    await page.getByLabel('Temperature').pressSequentially('1e');
    const sent: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/v1/chat/completions')) sent.push(req.url());
    });
    await say(page, 'Hello?');
    const problem = page.locator('[data-field="temperature"] .field-error');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('Must be between 0 and 2.');
    expect(await page.locator('.chat [role="status"]').textContent()).toBe('Fix the highlighted setting first.');
    expect(sent).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says to try again later when the key’s concurrency limit is reached', async () => {
    // An origin that sends one token and then holds the stream open until the client leaves: the slot stays
    // taken however long the page takes (no timing to race).
    const holdEp = (await createEndpoint('pg-hold', { mode: 'stall/1' })).name;
    const single = await createKey([holdEp], 1);
    // Another client holds the key's only slot.
    const holder = new AbortController();
    const held = await fetch(`${routerUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${single.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: holdEp, messages: [{ role: 'user', content: 'hold the slot' }], stream: true }),
      signal: holder.signal,
    });
    expect(held.status).toBe(200);
    const { context, page } = await newContext(browser, routerUrl());
    try {
      await signIn(page, single.key);
      await say(page, 'Me too?');
      const alert = page.locator('.messages [role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(
        /^Concurrent request limit reached, please try again later\. Try again in \d+ s\.$/,
      );
      const [, , , status] = await lastCall(page, 1);
      expect(status).toBe('429');
    } finally {
      holder.abort();
      await context.close();
    }
  });

  it('keeps every answer’s “tokens · ms” note when the next message is sent', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    await pick(page, fastEp);
    await say(page, 'One');
    await lastCall(page, 1);
    await say(page, 'Two');
    await lastCall(page, 2);
    const notes = page.locator('.msg.assistant .meta');
    await expect.poll(() => notes.count()).toBe(2);
    for (const note of await notes.allTextContents()) expect(note).toMatch(/^\d+ tokens · \d+ ms$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks a failed message, leaves it out of later requests and the snippet, and Retry sends it again', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, key.key);
    await pick(page, fastEp);
    await say(page, 'First question');
    await lastCall(page, 1);
    const notes = page.locator('.msg.assistant .meta');
    await expect.poll(() => notes.count()).toBe(1);

    // A request that fails (the endpoint is stopped): its turn stays on screen, marked, with the error.
    await pick(page, stoppedEp);
    await say(page, 'Lost question');
    const alert = page.locator('.messages [role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/is stopped/);
    const failed = page.locator('.msg.user.failed');
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toContain('Lost question');
    await screenshot(page, 'playground-failed');

    // The next message goes without it: never two user turns in a row.
    await pick(page, fastEp);
    await say(page, 'Second question');
    const [, , , status, , , , second] = await lastCall(page, 3);
    expect(status).toBe('200');
    const sent = (await originBody(second!)).messages;
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.map((m) => m.content)).not.toContain('Lost question');
    // Each answer keeps its own note (the first one's is not lost when the next is sent).
    await expect.poll(() => notes.count()).toBe(2);
    for (const note of await notes.allTextContents()) expect(note).toMatch(/^\d+ tokens · \d+ ms$/);
    expect(await failed.count()).toBe(1);

    // The snippet is what the chat sends: without the failed turn.
    await page.getByRole('tab', { name: 'API' }).click();
    await page.getByRole('tab', { name: 'JavaScript' }).click();
    const code = (await page.locator('pre.snippet').textContent()) ?? '';
    expect(code).toContain('Second question');
    expect(code).not.toContain('Lost question');
    await page.getByRole('tab', { name: 'UI' }).click();

    // Retry sends it again, as the newest turn; on success it is no longer marked.
    await page.getByRole('button', { name: 'Retry' }).click();
    const [, , , retried, , , , third] = await lastCall(page, 4);
    expect(retried).toBe('200');
    const resent = (await originBody(third!)).messages;
    expect(resent.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(resent.at(-1)?.content).toBe('Lost question');
    await expect.poll(() => notes.count()).toBe(3);
    expect(await failed.count()).toBe(0);
    expect(await page.locator('.messages .error').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('follows the WAI-ARIA tabs pattern in the view and language tabs: roles, panels, roving tabindex, arrow keys', async () => {
    const { context, page, errors } = await newContext(browser, routerUrl());
    await signIn(page, key.key);

    /** A tablist's tabs: [label, aria-selected, tabindex], and each tab's panel pointing back to it. */
    const facts = (list: string) =>
      page.getByRole('tablist', { name: list }).evaluate((el) =>
        Array.from(el.querySelectorAll('[role="tab"]')).map((tab) => {
          const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
          return {
            label: tab.textContent,
            selected: tab.getAttribute('aria-selected'),
            tabindex: tab.getAttribute('tabindex'),
            panel: panel?.getAttribute('role') ?? null,
            // The visible panel is labelled by the selected tab.
            labelledBy: panel && !panel.hidden ? panel.getAttribute('aria-labelledby') === tab.id : null,
          };
        }),
      );

    expect(await facts('View')).toEqual([
      { label: 'UI', selected: 'true', tabindex: '0', panel: 'tabpanel', labelledBy: true },
      { label: 'API', selected: 'false', tabindex: '-1', panel: 'tabpanel', labelledBy: null },
    ]);
    await page.getByRole('tab', { name: 'UI' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await focusedTab(page)).toBe('API');
    expect(await facts('View')).toEqual([
      { label: 'UI', selected: 'false', tabindex: '-1', panel: 'tabpanel', labelledBy: null },
      { label: 'API', selected: 'true', tabindex: '0', panel: 'tabpanel', labelledBy: true },
    ]);
    expect(await page.getByRole('tabpanel', { name: 'API' }).isVisible()).toBe(true);

    // Tab (past Copy code) reaches the selected language tab only, then its panel; the arrow keys move between tabs.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedTab(page)).toBe('Python');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tabpanel');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedTab(page)).toBe('Python');
    const languages = await facts('Language');
    expect(languages.map((t) => [t.label, t.selected, t.tabindex])).toEqual([
      ['Python', 'true', '0'],
      ['JavaScript', 'false', '-1'],
      ['cURL', 'false', '-1'],
      ['TGI /generate', 'false', '-1'],
    ]);
    expect(languages[0]).toMatchObject({ panel: 'tabpanel', labelledBy: true });
    const code = page.getByRole('tabpanel', { name: 'Python' });
    expect(await code.textContent()).toContain('from openai import OpenAI');
    await page.keyboard.press('End');
    expect(await focusedTab(page)).toBe('TGI /generate');
    expect(await page.getByRole('tabpanel', { name: 'TGI /generate' }).textContent()).toContain('/generate');
    await page.keyboard.press('ArrowRight');
    expect(await focusedTab(page)).toBe('Python');
    await page.keyboard.press('ArrowLeft');
    expect(await focusedTab(page)).toBe('TGI /generate');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await focusedTab(page)).toBe('JavaScript');
    expect((await facts('Language')).map((t) => t.selected)).toEqual(['false', 'true', 'false', 'false']);
    expect(await page.getByRole('tabpanel', { name: 'JavaScript' }).textContent()).toContain(
      "import OpenAI from 'openai';",
    );

    // Back to the chat from the keyboard.
    await page.getByRole('tab', { name: 'API' }).focus();
    await page.keyboard.press('Home');
    expect(await focusedTab(page)).toBe('UI');
    expect(await page.getByRole('tabpanel', { name: 'UI' }).getByLabel('Message').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

function runShell(script: string, env: Record<string, string>): Promise<string> {
  return run('bash', ['-c', script], env);
}

function run(command: string, args: string[], env: Record<string, string>, stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}
