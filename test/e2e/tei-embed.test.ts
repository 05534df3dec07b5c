// TEI's embed API end to end, through `wrangler dev`, with @huggingface/inference's
// featureExtraction unmodified (it posts `{inputs}` to the endpoint URL itself): vectors from a
// vLLM-protocol embeddings endpoint, a readable error from a TGI-protocol one (TGI serves no
// embeddings), and a client that leaves freeing its slot.

import { featureExtraction, InferenceClient } from '@huggingface/inference';
import { describe, expect, it } from 'vitest';
import {
  admin,
  createEndpoint,
  createKey,
  EMBEDDING_MODEL,
  eventually,
  inFlight,
  newRequestId,
  originUrl,
  recordedRequest,
  rejectionOf,
  routerUrl,
  uniqueName,
} from './helpers.ts';

const embedUrl = (name: string) => `${routerUrl()}/endpoints/${name}/embed`;

describe('featureExtraction (@huggingface/inference) on /endpoints/{name}/embed', () => {
  it('returns one vector per input from a vLLM-protocol embeddings endpoint', async () => {
    const ep = (await createEndpoint('tei-vllm', { model: EMBEDDING_MODEL })).name;
    const key = (await createKey([ep])).key;
    const one = await featureExtraction({
      accessToken: key,
      endpointUrl: embedUrl(ep),
      inputs: 'A photograph of the Seine',
    });
    expect(Array.isArray(one)).toBe(true);
    const vectors = one as number[][];
    expect(vectors).toHaveLength(1);
    expect(vectors[0]).toHaveLength(8);
    const client = new InferenceClient(key, { endpointUrl: embedUrl(ep) });
    const two = (await client.featureExtraction({ inputs: ['Paris', 'A photograph of the Seine'] })) as number[][];
    expect(two).toHaveLength(2);
    expect(two[1]).toEqual(vectors[0]);
  });

  it('raises an error that says why on a TGI-protocol endpoint, and on a bad key', async () => {
    const name = uniqueName('tei-tgi');
    await admin().createEndpoint({
      name,
      served_entities: [{ name: 'main', protocol: 'tgi', model: 'tgi', origins: [{ url: `${originUrl()}/tgi` }] }],
    });
    const key = (await createKey([name])).key;
    const err = await rejectionOf(
      featureExtraction({ accessToken: key, endpointUrl: embedUrl(name), inputs: 'Paris' }),
    );
    expect((err as Error).message).toMatch(/serves a TGI model, which has no embeddings API/);
    const denied = await rejectionOf(
      featureExtraction({ accessToken: 'sk-not-a-key', endpointUrl: embedUrl(name), inputs: 'Paris' }),
    );
    expect((denied as Error).message).toMatch(/Invalid API key/);
  });

  it('a client abort frees the slot and the origin sees its request end', async () => {
    // Under wrangler dev a non-streaming request learns of its client leaving only at
    // total_ms (see README, known limits); inside workerd it is at once (test/worker/tei-embed.test.ts).
    const name = uniqueName('tei-stall');
    await admin().createEndpoint({
      name,
      served_entities: [
        { name: 'main', protocol: 'openai', model: EMBEDDING_MODEL, origins: [{ url: `${originUrl()}/mode/stall` }] },
      ],
      timeouts: { total_ms: 2_000 },
    });
    const key = await createKey([name], 1);
    const id = newRequestId('tei-abort');
    const controller = new AbortController();
    const pending = rejectionOf(
      fetch(embedUrl(name), {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ inputs: 'Paris' }),
        signal: controller.signal,
      }),
    );
    await eventually(async () => expect(await inFlight(key.id)).toBe(1));
    controller.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
    await eventually(async () => expect((await recordedRequest(id)).outcome).toBe('aborted'), { timeoutMs: 8_000 });
    await eventually(async () => expect(await inFlight(key.id)).toBe(0), { timeoutMs: 8_000 });
  });
});
