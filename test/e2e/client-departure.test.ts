// A client that leaves while the origin is silent, over a real socket to `wrangler dev`:
// the socket is destroyed, not an in-process fetch aborted. The router notices at its next
// write (SSE keep-alive comments while the origin is silent; before the first event the
// status is held for a moment, then the stream starts with keep-alives), frees the slot,
// aborts the origin request, tries no other origin, and counts the request as aborted.
// The endpoints' timeouts are a minute or more, so only the departure can explain a
// freed slot.

import http from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  admin,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  newRequestId,
  originWithMode,
  recordedWithId,
  routerUrl,
  userMessage,
} from './helpers.ts';

const LONG = { first_byte_ms: 60_000, idle_ms: 60_000, total_ms: 120_000 };
/** Far below LONG: the departure, not a timeout, must free the slot. */
const NOTICED_WITHIN_MS = 15_000;

interface OpenStream {
  requestId: string;
  /** Resolves with the status once the response headers arrived. */
  headers: Promise<number>;
  /** Everything received so far. */
  received: () => string;
  /** Destroys the socket: the client is gone. */
  leave: () => void;
}

/** A streaming chat request on a raw node:http socket, so that leaving closes a real TCP connection. */
function openStream(model: string, key: string): OpenStream {
  const requestId = newRequestId('departure');
  const body = JSON.stringify({ model, messages: userMessage('are you there?'), stream: true });
  const url = new URL('/v1/chat/completions', routerUrl());
  let text = '';
  const req = http.request(url, {
    method: 'POST',
    agent: false,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId,
    },
  });
  const headers = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', () => undefined);
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  headers.catch(() => undefined);
  req.end(body);
  return { requestId, headers, received: () => text, leave: () => req.destroy() };
}

async function expectFreedAndAborted(keyId: string, requestId: string): Promise<void> {
  await eventually(async () => expect(await inFlight(keyId)).toBe(0), { timeoutMs: NOTICED_WITHIN_MS });
  await eventually(
    async () => {
      const attempts = await recordedWithId(requestId);
      // One attempt, aborted: the origin stopped, and no other origin was tried for a client that is gone.
      expect(attempts.map((a) => a.outcome)).toEqual(['aborted']);
    },
    { timeoutMs: 5_000 },
  );
  await eventually(async () => {
    const usage = await admin().keyUsage(keyId);
    expect(usage.reduce((n, row) => n + row.aborted, 0)).toBe(1);
  });
}

describe('a client that leaves while the origin is silent frees its slot within seconds', () => {
  it('before the first event, while the status is still held (a second origin is never tried)', async () => {
    const ep = (
      await createEndpoint('leave-held', {
        origins: [
          { url: originWithMode('stall'), weight: 1000 },
          { url: originWithMode('normal/1'), weight: 1 },
        ],
        timeouts: LONG,
      })
    ).name;
    const key = await createKey([ep], 1);
    const stream = openStream(ep, key.key);
    await eventually(async () =>
      expect((await recordedWithId(stream.requestId)).map((a) => a.outcome)).toEqual(['in_flight']),
    );
    expect(await inFlight(key.id)).toBe(1);
    stream.leave();
    await expectFreedAndAborted(key.id, stream.requestId);
  });

  it('before the first event, once the stream has started with keep-alive comments', async () => {
    const ep = (await createEndpoint('leave-committed', { mode: 'stall', timeouts: LONG })).name;
    const key = await createKey([ep], 1);
    const stream = openStream(ep, key.key);
    expect(await stream.headers).toBe(200);
    await eventually(() => expect(stream.received()).toContain(': keep-alive\n\n'), { timeoutMs: NOTICED_WITHIN_MS });
    expect(stream.received()).not.toContain('data:');
    expect(await inFlight(key.id)).toBe(1);
    stream.leave();
    await expectFreedAndAborted(key.id, stream.requestId);
  });

  it('mid-stream, while the origin is silent', async () => {
    const ep = (await createEndpoint('leave-mid', { mode: 'stall/2', timeouts: LONG })).name;
    const key = await createKey([ep], 1);
    const stream = openStream(ep, key.key);
    expect(await stream.headers).toBe(200);
    // The role chunk and two tokens, then silence broken only by keep-alives.
    await eventually(() => expect(stream.received().split('data: ').length - 1).toBe(3), { timeoutMs: 5_000 });
    await eventually(() => expect(stream.received()).toContain(': keep-alive\n\n'), { timeoutMs: NOTICED_WITHIN_MS });
    expect(await inFlight(key.id)).toBe(1);
    stream.leave();
    await expectFreedAndAborted(key.id, stream.requestId);
  });
});
