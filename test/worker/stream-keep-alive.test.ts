import { describe, expect, it } from 'vitest';
import { KEEP_ALIVE_FRAME, STATUS_HOLD_MS } from '../../src/proxy/keep-alive';
import { CHAT_MODEL, admin, call, createKey, eventually, inFlight, originAttempts, originUrl } from './helpers/router';

/**
 * While the origin is silent the router writes SSE comments, so a departed client is
 * noticed by a failed write (test/e2e/client-departure.test.ts checks that over a real
 * socket). Here: what a client that stays sees. The status is held for STATUS_HOLD_MS;
 * past it the stream starts with keep-alives, failover goes on behind them, and a
 * failure becomes an error event.
 */
async function endpoint(
  name: string,
  origins: Array<{ url: string; weight?: number }>,
  timeouts: Record<string, number>,
): Promise<void> {
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [{ name: 'pool', protocol: 'openai', model: CHAT_MODEL, origins }],
    timeouts,
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function stream(key: string, model: string): Promise<{ res: Response; requestId: string }> {
  const requestId = `keepalive-${crypto.randomUUID()}`;
  const res = await call('/v1/chat/completions', {
    method: 'POST',
    token: key,
    json: { model, messages: [{ role: 'user', content: 'hello' }], stream: true },
    headers: { 'x-request-id': requestId },
  });
  return { res, requestId };
}

describe('SSE keep-alives while the origin is silent', () => {
  it(
    'past the status hold, the stream starts with keep-alives and a first-byte timeout ends it with an error event',
    { timeout: 30_000 },
    async () => {
      await endpoint('ka-stall', [{ url: originUrl('stall') }], {
        first_byte_ms: STATUS_HOLD_MS + 1_500,
        total_ms: 20_000,
      });
      const { id, key } = await createKey({ concurrency_limit: 1 });
      const { res } = await stream(key, 'ka-stall');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const text = await res.text();
      expect(text.startsWith(KEEP_ALIVE_FRAME)).toBe(true);
      // One every second from the end of the hold to the timeout: the same frame written again and again.
      expect(text.split(KEEP_ALIVE_FRAME).length - 1).toBeGreaterThanOrEqual(2);
      const events = text.split('\n\n').filter((e) => e.startsWith('data: ') && e !== 'data: [DONE]');
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.slice(6))).toMatchObject({
        error: { code: 'origin_timeout', type: 'server_error' },
      });
      await eventually(async () => expect(await inFlight(id)).toBe(0));
    },
  );

  it(
    'past the status hold, failover to the next origin goes on behind the keep-alives',
    { timeout: 30_000 },
    async () => {
      await endpoint(
        'ka-failover',
        [
          { url: originUrl('stall/0'), weight: 1000 },
          { url: originUrl('normal/3'), weight: 1 },
        ],
        {
          first_byte_ms: STATUS_HOLD_MS + 1_500,
        },
      );
      const { key } = await createKey();
      const { res, requestId } = await stream(key, 'ka-failover');
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(KEEP_ALIVE_FRAME);
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(text).not.toContain('"error"');
      expect((await originAttempts(requestId)).map((a) => a.mode)).toEqual(['stall/0', 'normal/3']);
    },
  );

  it('mid-stream silence gets keep-alives before the idle timeout ends the stream', { timeout: 30_000 }, async () => {
    await endpoint('ka-idle', [{ url: originUrl('stall/2') }], { idle_ms: 3_000 });
    const { key } = await createKey();
    const { res } = await stream(key, 'ka-idle');
    const text = await res.text();
    const afterTokens = text.slice(text.lastIndexOf('"delta"'));
    expect(afterTokens).toContain(KEEP_ALIVE_FRAME);
    // One every second of the 3 s of silence before the idle timeout.
    expect(afterTokens.split(KEEP_ALIVE_FRAME).length - 1).toBeGreaterThanOrEqual(2);
    expect(text).toContain('"code":"origin_timeout"');
  });

  it('a failure within the hold keeps its clean status code', { timeout: 30_000 }, async () => {
    await endpoint('ka-fast-fail', [{ url: originUrl('error500/3') }], {});
    const { key } = await createKey();
    const { res } = await stream(key, 'ka-fast-fail');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/json');
    await res.text();
  });
});

describe('a client that stops reading', () => {
  it(
    'holds the origin back: the router reads no further than its response buffer, and the total timeout ends the stream',
    { timeout: 30_000 },
    async () => {
      await endpoint('not-reading', [{ url: originUrl() }], { total_ms: 3_000 });
      const { id, key } = await createKey({ concurrency_limit: 1 });
      // ~4,000 events (~700 KB) as fast as the origin can write them; the client takes none of it.
      const res = await call('/v1/chat/completions', {
        method: 'POST',
        token: key,
        json: {
          model: 'not-reading',
          messages: [{ role: 'user', content: 'hello' }],
          stream: true,
          max_tokens: 4_000,
          ignore_eos: true,
        },
      });
      expect(res.status).toBe(200);
      await eventually(async () => expect(await inFlight(id)).toBe(0), 10_000);
      const usage = (await (await admin('GET', `/keys/${id}/usage`)).json()) as {
        data: Array<{ completed: number; completion_tokens: number }>;
      };
      const row = usage.data[0]!;
      expect(row.completed).toBe(0);
      // What fits in the 64 KiB response buffer (~220 bytes an event: ~290), not what the origin writes in 3 s
      // (~1,300 here when the router reads on regardless).
      expect(row.completion_tokens).toBeGreaterThan(0);
      expect(row.completion_tokens).toBeLessThan(500);
      await res.body?.cancel();
    },
  );
});
