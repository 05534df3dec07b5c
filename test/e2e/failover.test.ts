// Failover between an endpoint's origins: an origin that refuses connections is skipped
// for the next one, invisibly to the client, whichever order the router tries them in.

import { APIError, InternalServerError } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  createEndpoint,
  createKey,
  newRequestId,
  openai,
  originUrl,
  recordedWithId,
  rejectionOf,
  userMessage,
} from './helpers.ts';

let deadOrigin: string;
let client: ReturnType<typeof openai>;

beforeAll(async () => {
  deadOrigin = `http://127.0.0.1:${await closedPort()}`;
  client = openai((await createKey(null)).key);
});

/** Several requests, plain and streaming; each must succeed and reach the live origin exactly once. */
async function expectAllServed(endpoint: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const id = newRequestId(`failover-${i}`);
    const stream = i % 2 === 1;
    if (stream) {
      const s = await client.chat.completions.create(
        { model: endpoint, messages: userMessage(`failover ${i}`), stream: true },
        { headers: { 'x-request-id': id } },
      );
      let text = '';
      for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text.trim().length).toBeGreaterThan(0);
    } else {
      const res = await client.chat.completions.create(
        { model: endpoint, messages: userMessage(`failover ${i}`) },
        { headers: { 'x-request-id': id } },
      );
      expect(res.model).toBe(endpoint);
      expect(res.choices[0]!.message.content?.trim().length).toBeGreaterThan(0);
    }
    expect(await recordedWithId(id)).toHaveLength(1);
  }
}

describe('origin failover', () => {
  it('serves every request when the first-listed origin is down (both orders get tried)', async () => {
    const ep = (await createEndpoint('failover', { origins: [{ url: deadOrigin }, { url: originUrl() }] })).name;
    await expectAllServed(ep, 10);
  });

  it('fails over when the dead origin is almost always drawn first', async () => {
    // Weight 1000 against 1: nearly every request tries the dead origin first.
    const ep = (
      await createEndpoint('failover-heavy', {
        origins: [
          { url: deadOrigin, weight: 1000 },
          { url: originUrl(), weight: 1 },
        ],
      })
    ).name;
    await expectAllServed(ep, 6);
  });

  it('answers 502 when no origin can be reached', async () => {
    const other = `http://127.0.0.1:${await closedPort()}`;
    const ep = (await createEndpoint('failover-none', { origins: [{ url: deadOrigin }, { url: other }] })).name;
    const err = await rejectionOf(client.chat.completions.create({ model: ep, messages: userMessage('anyone?') }));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).message).toMatch(/could be reached/);
  });
});
