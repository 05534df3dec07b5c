import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, admin, call, createEndpoint, createKey, eventually, inFlight } from './helpers/router';
import { expectError } from './helpers/expect-error';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const hello = [{ role: 'user', content: 'hello' }];

/**
 * Revokes a key the way the revoke route does in *another* isolate: D1 says revoked
 * and the key's gate is told, but this isolate's key cache still holds it as active.
 */
async function revokeElsewhere(id: string): Promise<void> {
  const row = await env.DB.prepare('SELECT hash FROM api_keys WHERE id = ?').bind(id).first<{ hash: string }>();
  await env.DB.prepare("UPDATE api_keys SET status = 'revoked', revoked_at = ? WHERE id = ?")
    .bind(new Date().toISOString(), id)
    .run();
  await env.GATE.getByName(row!.hash).revoke();
}

async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: (text: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!seen(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('revocation is the next request everywhere', () => {
  it('refuses a revoked platform key on the admin API, even where the key is still cached as active', async () => {
    const res = await admin('POST', '/keys', { kind: 'platform', role: 'tenant_admin', tenant: 'default' });
    const platform = (await res.json()) as Json;
    const asPlatform = () => call('/admin/v1/endpoints', { token: platform.key });
    expect((await asPlatform()).status).toBe(200); // now cached in this isolate
    await revokeElsewhere(platform.id);
    await expectError(await asPlatform(), 401, { code: 'invalid_admin_token' });
    await expectError(await call('/admin/v1/keys', { method: 'POST', token: platform.key, json: {} }), 401, {
      code: 'invalid_admin_token',
    });
    // The ADMIN_TOKEN is not a key: no gate to ask, and it keeps working.
    expect((await call('/admin/v1/endpoints', { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('refuses a revoked endpoint key on /v1/models', async () => {
    await createEndpoint('rv-models');
    const { id, key } = await createKey({ endpoints: ['rv-models'] });
    expect((await call('/v1/models', { token: key })).status).toBe(200);
    expect((await call('/endpoints/rv-models/v1/models', { token: key })).status).toBe(200);
    await revokeElsewhere(id);
    await expectError(await call('/v1/models', { token: key }), 401, { code: 'invalid_api_key' });
    await expectError(await call('/endpoints/rv-models/v1/models', { token: key }), 401, { code: 'invalid_api_key' });
  });

  it('refuses a key revoked elsewhere within LEASE_REUSE_MS, even to a client that never pauses', async () => {
    // Back to back, each request takes over the lease of the one before (src/gate/release-batch.ts) without asking
    // the gate; a lease is handed on only for LEASE_REUSE_MS (250 ms) after the gate granted it.
    await createEndpoint('rv-chain');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const body = { model: 'rv-chain', messages: hello };
    const send = async () => {
      const res = await call('/v1/chat/completions', { method: 'POST', token: key, json: body });
      await res.json();
      return res.status;
    };
    expect(await send()).toBe(200);
    await revokeElsewhere(id);
    const revokedAt = Date.now();
    let status = await send();
    while (status === 200 && Date.now() - revokedAt < 2_000) status = await send();
    expect(status).toBe(401);
    // The 250 ms bound, with room for a slow machine: an unbounded hand-off would run for the whole 2 s.
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  it("ends a revoked key's running stream with an error event, frees its slot, and leaves other keys' streams alone", async () => {
    // Three tokens, then the origin goes silent: left alone, each stream would run until its idle timeout (60 s).
    await createEndpoint('rv-stream', { mode: 'stall/3' });
    const doomed = await createKey();
    const other = await createKey();
    const body = { model: 'rv-stream', messages: hello, stream: true };
    const start = async (key: string) => {
      const res = await call('/v1/chat/completions', { method: 'POST', token: key, json: body });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await readUntil(reader, (t) => t.includes('"content"'));
      return reader;
    };
    const doomedStream = await start(doomed.key);
    const otherStream = await start(other.key);
    expect(await inFlight(doomed.id)).toBe(1);

    expect((await admin('POST', `/keys/${doomed.id}/revoke`)).status).toBe(200);
    const rest = await readUntil(doomedStream, () => false);
    const events = rest
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice(6));
    // The stream ends with the error event (then `[DONE]`, as every error event of the router's streams).
    expect(events.at(-1)).toBe('[DONE]');
    expect((JSON.parse(events.at(-2)!) as Json).error).toMatchObject({
      code: 'api_key_revoked',
      message: 'The API key was revoked',
    });
    await eventually(async () => expect(await inFlight(doomed.id)).toBe(0));

    // The other key's stream runs on.
    expect(await inFlight(other.id)).toBe(1);
    await otherStream.cancel();
    await eventually(async () => expect(await inFlight(other.id)).toBe(0));
  }, 30_000);

  it("answers a revoked key's waiting non-streaming request with 401 at once", async () => {
    // The origin never answers: left alone, the request would wait for its total timeout (600 s).
    await createEndpoint('rv-body', { mode: 'stall' });
    const { id, key } = await createKey();
    const pending = call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'rv-body', messages: hello },
    });
    await eventually(async () => expect(await inFlight(id)).toBe(1));
    expect((await admin('POST', `/keys/${id}/revoke`)).status).toBe(200);
    await expectError(await pending, 401, { code: 'invalid_api_key' });
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  }, 30_000);
});
