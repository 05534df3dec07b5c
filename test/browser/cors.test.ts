// The inference APIs from a web app on another origin, in Chromium: the official openai and @anthropic-ai/sdk
// clients, bundled for the browser, call the router across origins (preflights and all) and read answers, streams,
// the router's headers and its errors. The admin API stays closed to other origins.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser.ts';
import { createEndpoint, createKey, routerUrl } from './helpers.ts';

let browser: Browser;
let server: Server;
let appUrl: string;

beforeAll(async () => {
  const sdk = await build({
    stdin: {
      contents: `import OpenAI from 'openai'; import Anthropic from '@anthropic-ai/sdk'; window.sdk = { OpenAI, Anthropic };`,
      resolveDir: import.meta.dirname,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  const script = sdk.outputFiles[0]!.text;
  // A web app of its own origin (another port than the router's).
  server = createServer((req, res) => {
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      const page = '<!doctype html><title>app</title><script src="/sdk.js"></script><pre id="out">ready</pre>';
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

interface Outcome {
  chat: string | null;
  requestId: string | null;
  streamed: string;
  anthropic: string | null;
  badKey: { status: number; message: string };
  admin: string;
}

describe('the inference APIs from a web app on another origin', () => {
  it('answer the official SDKs in Chromium, streams and errors included; the admin API does not', async () => {
    const endpoint = (await createEndpoint('ui-cors')).name;
    const { key } = await createKey([endpoint]);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(appUrl);
    expect(new URL(appUrl).origin).not.toBe(new URL(routerUrl()).origin);

    const outcome = await page.evaluate(
      async ({ router, key, model }): Promise<Outcome> => {
        const { OpenAI, Anthropic } = (
          window as unknown as {
            sdk: { OpenAI: typeof import('openai').default; Anthropic: typeof import('@anthropic-ai/sdk').default };
          }
        ).sdk;
        const openai = new OpenAI({
          baseURL: `${router}/v1`,
          apiKey: key,
          dangerouslyAllowBrowser: true,
          maxRetries: 0,
        });
        const messages = [{ role: 'user' as const, content: 'hello from a browser' }];
        const { data, response } = await openai.chat.completions
          .create({ model, messages, max_tokens: 4 })
          .withResponse();
        let streamed = '';
        const stream = await openai.chat.completions.create({ model, messages, max_tokens: 4, stream: true });
        for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
        const anthropic = new Anthropic({ baseURL: router, apiKey: key, dangerouslyAllowBrowser: true, maxRetries: 0 });
        const message = await anthropic.messages.create({ model, max_tokens: 4, messages });
        const block = message.content[0];
        let badKey = { status: 0, message: '' };
        try {
          await new OpenAI({
            baseURL: `${router}/v1`,
            apiKey: 'sk-not-a-key',
            dangerouslyAllowBrowser: true,
            maxRetries: 0,
          }).chat.completions.create({ model, messages });
        } catch (err) {
          const e = err as { status: number; message: string };
          badKey = { status: e.status, message: e.message };
        }
        // The admin API refuses other origins: the browser blocks the call before any answer is read.
        const admin = await fetch(`${router}/admin/v1/endpoints`, { headers: { authorization: `Bearer ${key}` } }).then(
          (r) => `read ${r.status}`,
          (e: Error) => `blocked: ${e.name}`,
        );
        const out = {
          chat: data.choices[0]?.message.content ?? null,
          requestId: response.headers.get('x-request-id'),
          streamed,
          anthropic: block?.type === 'text' ? block.text : null,
          badKey,
          admin,
        };
        document.getElementById('out')!.textContent = JSON.stringify(out, null, 2);
        return out;
      },
      { router: routerUrl(), key, model: endpoint },
    );

    expect(outcome.chat).toBeTruthy();
    expect(outcome.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.streamed.length).toBeGreaterThan(0);
    expect(outcome.anthropic).toBeTruthy();
    expect(outcome.badKey).toEqual({ status: 401, message: expect.stringContaining('Invalid API key') });
    expect(outcome.admin).toBe('blocked: TypeError');
    await screenshot(page, 'cors-app');
    expect(errors).toEqual([]);
    await context.close();
  });
});
