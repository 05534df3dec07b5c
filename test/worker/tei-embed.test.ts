import { describe, expect, it } from 'vitest';
import {
  admin,
  call,
  createEndpoint,
  createKey,
  EMBEDDING_MODEL,
  eventually,
  inFlight,
  originRequestWith,
  originStats,
  originUrl,
} from './helpers/router';

// TEI's embed API at /endpoints/{name}/embed: sent to an OpenAI-protocol origin's /v1/embeddings,
// answered as TEI's arrays of floats; errors in TEI's { error, error_type } shape.

const embed = (key: string, name: string, json: unknown) =>
  call(`/endpoints/${name}/embed`, { method: 'POST', token: key, json });

async function expectTeiError(res: Response, status: number, type: string, message?: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string; error_type: string };
  expect(Object.keys(body).sort()).toEqual(['error', 'error_type']);
  expect(body.error_type).toBe(type);
  if (message) expect(body.error).toMatch(message);
}

describe('POST /endpoints/{name}/embed', () => {
  it('answers one array of floats per input, in input order', async () => {
    await createEndpoint('tei-emb', { model: EMBEDDING_MODEL });
    const created = await createKey();
    const one = await embed(created.key, 'tei-emb', { inputs: 'hello tei-1' });
    expect(one.status).toBe(200);
    const vectors = (await one.json()) as number[][];
    expect(vectors).toHaveLength(1);
    expect(vectors[0]).toHaveLength(8);
    expect(Math.hypot(...vectors[0]!)).toBeCloseTo(1, 5);
    const seen = await originRequestWith('hello tei-1');
    expect(seen.path).toBe('/v1/embeddings');
    expect(seen.body).toEqual({ model: EMBEDDING_MODEL, input: 'hello tei-1', encoding_format: 'float' });

    const many = (await (
      await embed(created.key, 'tei-emb', { inputs: ['a b', 'hello tei-1'], truncate: true })
    ).json()) as number[][];
    expect(many).toHaveLength(2);
    expect(many[1]).toEqual(vectors[0]);
    await eventually(async () => {
      const usage = (await (await admin('GET', `/keys/${created.id}/usage`)).json()) as {
        data: Array<{ endpoint: string; completed: number; prompt_tokens: number }>;
      };
      expect(usage.data.find((r) => r.endpoint === 'tei-emb')).toMatchObject({
        completed: 2,
        prompt_tokens: 2 + 2 + 2,
      });
    });
  });

  it('refuses what it cannot honour, in TEI’s error shape', async () => {
    await createEndpoint('tei-refuse', { model: EMBEDDING_MODEL });
    const { key } = await createKey();
    await expectTeiError(await embed(key, 'tei-refuse', {}), 400, 'Validation', /'inputs': required field is missing/);
    await expectTeiError(
      await embed(key, 'tei-refuse', { inputs: 'x', normalize: false }),
      400,
      'Validation',
      /'normalize' is not supported/,
    );
    await expectTeiError(
      await embed(key, 'tei-refuse', { inputs: 'x', prompt_name: 'query' }),
      400,
      'Validation',
      /'prompt_name'/,
    );
    await expectTeiError(
      await embed('sk-wrong', 'tei-refuse', { inputs: 'x' }),
      401,
      'authentication_error',
      /Invalid API key/,
    );
    await expectTeiError(await embed(key, 'no-such', { inputs: 'x' }), 404, 'not_found_error');
    const res = await admin('POST', '/endpoints', {
      name: 'tei-on-tgi',
      served_entities: [{ name: 'tgi', protocol: 'tgi', model: 'tgi', origins: [{ url: `${originUrl()}/tgi` }] }],
    });
    expect(res.status).toBe(201);
    await expectTeiError(
      await embed(key, 'tei-on-tgi', { inputs: 'x' }),
      400,
      'Validation',
      /serves a TGI model, which has no embeddings API/,
    );
    // A chat model on a vLLM origin: the origin's own refusal comes back.
    await createEndpoint('tei-chat-model');
    await expectTeiError(await embed(key, 'tei-chat-model', { inputs: 'x' }), 400, 'Validation', /tei-chat-model/);
  });

  it('frees the slot and aborts the origin when the client goes away', async () => {
    await createEndpoint('tei-stall', { model: EMBEDDING_MODEL, mode: 'stall' });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const abortedBefore = (await originStats()).aborted;
    const controller = new AbortController();
    const pending = call('/endpoints/tei-stall/embed', {
      method: 'POST',
      token: key,
      json: { inputs: 'x' },
      signal: controller.signal,
    });
    await eventually(async () => expect(await inFlight(id)).toBe(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });
});
