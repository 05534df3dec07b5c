// TGI's generate API through `wrangler dev`, on a TGI origin and on a vLLM origin:
// the DataCrunch payload as their docs write it, streaming and not, the compat root,
// TGI's validation, and a client abort that must free the slot and stop the origin.
import { describe, expect, it } from 'vitest';
import {
  admin,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  newRequestId,
  originUrl,
  recordedRequest,
  routerUrl,
  uniqueName,
} from './helpers.ts';

const seedPayload = (model: string, stream: boolean) => ({
  model,
  inputs: 'My name is Olivier and I',
  parameters: {
    best_of: 1,
    decoder_input_details: !stream,
    details: true,
    do_sample: false,
    max_new_tokens: 20,
    repetition_penalty: 1.03,
    return_full_text: false,
    seed: null,
    stop: ['photographer'],
    temperature: 0.5,
    top_k: 10,
    top_p: 0.95,
    truncate: null,
    typical_p: 0.95,
    watermark: true,
  },
});

async function tgiEndpoint(prefix: string, mode?: string): Promise<string> {
  const name = uniqueName(prefix);
  const url = `${originUrl()}${mode ? `/mode/${mode}` : ''}/tgi`;
  await admin().createEndpoint({
    name,
    served_entities: [{ name: 'main', protocol: 'tgi', model: 'tgi', origins: [{ url }] }],
  });
  return name;
}

const endpointKinds = [
  ['tgi', (prefix: string, mode?: string) => tgiEndpoint(prefix, mode)],
  ['openai', async (prefix: string, mode?: string) => (await createEndpoint(prefix, { mode })).name],
] as const;

function post(path: string, key: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${routerUrl()}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

function events(raw: string): Array<Record<string, unknown>> {
  return raw
    .split('\n\n')
    .filter((e) => e.startsWith('data:'))
    .map((e) => JSON.parse(e.slice(5)) as Record<string, unknown>);
}

describe.each(endpointKinds)('TGI generate API through wrangler dev, %s origin', (kind, create) => {
  it('answers the DataCrunch payload on /generate', async () => {
    const name = await create(`e2e-gen-${kind}`);
    const { key } = await createKey([name]);
    const res = await post('/generate', key, seedPayload(name, false));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      generated_text: string;
      details: { finish_reason: string; generated_tokens: number; tokens: unknown[] };
    };
    expect(body.generated_text).toMatch(/photographer$/);
    expect(body.details.finish_reason).toBe('stop_sequence');
    expect(body.details.tokens).toHaveLength(body.details.generated_tokens);
  });

  it('streams the DataCrunch payload on /generate_stream, unbuffered TGI framing', async () => {
    const name = await create(`e2e-gens-${kind}`);
    const { key } = await createKey([name]);
    const res = await post('/generate_stream', key, seedPayload(name, true));
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const raw = await res.text();
    expect(raw).toMatch(/^data:\{"index":1,/);
    expect(raw).not.toContain('[DONE]');
    const all = events(raw);
    const final = all.at(-1) as { generated_text: string; details: { finish_reason: string } };
    expect(final.generated_text).toMatch(/photographer$/);
    expect(final.details.finish_reason).toBe('stop_sequence');
  });

  it('serves the compat root: an array without stream, events with it', async () => {
    const name = await create(`e2e-compat-${kind}`);
    const { key } = await createKey([name]);
    const array = (await (
      await post(`/endpoints/${name}`, key, { inputs: 'hi', parameters: { max_new_tokens: 3 }, stream: false })
    ).json()) as unknown[];
    expect(Array.isArray(array)).toBe(true);
    const raw = await (
      await post(`/endpoints/${name}`, key, { inputs: 'hi', parameters: { max_new_tokens: 3 }, stream: true })
    ).text();
    expect(events(raw)).toHaveLength(3);
  });

  it('refuses what TGI would refuse with 422 validation', async () => {
    const name = await create(`e2e-val-${kind}`);
    const { key } = await createKey([name]);
    const res = await post('/generate_stream', key, {
      model: name,
      inputs: 'x',
      parameters: { decoder_input_details: true },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: 'Input validation error: `decoder_input_details` == true is not supported when streaming tokens',
      error_type: 'validation',
    });
  });

  it('a client that leaves mid-stream frees its slot and the origin sees the abort', async () => {
    const name = await create(`e2e-abort-${kind}`, 'slow/300');
    const { id, key } = await createKey([name], 1);
    const requestId = newRequestId('tgi-abort');
    const controller = new AbortController();
    const res = await post(
      '/generate_stream',
      key,
      { model: name, inputs: 'x' },
      { headers: { 'x-request-id': requestId }, signal: controller.signal },
    );
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(async () => expect((await recordedRequest(requestId)).outcome).toBe('aborted'));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });
});
