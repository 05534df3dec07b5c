import { env } from 'cloudflare:workers';
import { inject, describe, expect, it } from 'vitest';
import { CONCURRENCY_MESSAGE } from '../../src/http/api-error';
import {
  admin,
  call,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  originRequestWith,
  originStats,
} from './helpers/router';

/** The DataCrunch example, as their docs write it. */
const seedPayload = (model: string, marker: string, stream = false) => ({
  model,
  inputs: `My name is Olivier and I ${marker}`,
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

async function createTgiEndpoint(name: string, mode = ''): Promise<void> {
  const base = inject('originUrl') + (mode ? `/mode/${mode}` : '') + '/tgi';
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [{ name: `${name}-tgi`, protocol: 'tgi', model: 'tgi', origins: [{ url: base }] }],
  });
  if (res.status !== 201) throw new Error(`create ${name}: ${await res.text()}`);
}

const post = (path: string, token: string, json: unknown, init: RequestInit = {}) =>
  call(path, { method: 'POST', token, json, ...init });

interface TgiEvent {
  index: number;
  token: { id: number; text: string; logprob: number | null; special: boolean };
  generated_text: string | null;
  details: { finish_reason: string; generated_tokens: number; seed: number | null; input_length: number } | null;
}

async function tgiEvents(
  res: Response,
): Promise<{ raw: string; events: Array<TgiEvent | { error: string; error_type: string }> }> {
  const raw = await res.text();
  const events = raw
    .split('\n\n')
    .filter((e) => e.startsWith('data:'))
    .map((e) => JSON.parse(e.slice('data:'.length)));
  return { raw, events };
}

function expectTgiStream(raw: string, events: TgiEvent[]): TgiEvent {
  expect(raw).not.toContain('[DONE]');
  expect(raw.startsWith('data:{')).toBe(true);
  expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i + 1));
  const final = events.at(-1)!;
  expect(events.slice(0, -1).every((e) => e.generated_text === null && e.details === null)).toBe(true);
  expect(typeof final.generated_text).toBe('string');
  return final;
}

describe.each([
  ['tgi', createTgiEndpoint],
  ['openai', (name: string, mode = '') => createEndpoint(name, { mode }).then(() => undefined)],
] as const)('TGI generate API on a %s origin', (protocol, create) => {
  const ep = (suffix: string) => `gen-${protocol}-${suffix}`;

  it('answers the DataCrunch payload on /generate with TGI details', async () => {
    await create(ep('seed'));
    const { key } = await createKey();
    const res = await post('/generate', key, seedPayload(ep('seed'), `seed-${protocol}`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      generated_text: string;
      details: {
        finish_reason: string;
        generated_tokens: number;
        seed: null;
        prefill: unknown[];
        tokens: Array<{ id: number; text: string; logprob: number }>;
      };
    };
    expect(body.generated_text.endsWith('photographer')).toBe(true);
    expect(body.details).toMatchObject({ finish_reason: 'stop_sequence', prefill: expect.any(Array) });
    expect(body.details.generated_tokens).toBeGreaterThan(0);
    expect(body.details.tokens.length).toBeGreaterThan(0);
    expect(body.details.tokens.map((t) => t.text).join('')).toBe(body.generated_text);
    expect(body.details.tokens.every((t) => Number.isInteger(t.id) && t.id > 0 && typeof t.logprob === 'number')).toBe(
      true,
    );
  });

  it('streams the DataCrunch payload on /generate_stream as TGI events', async () => {
    await create(ep('stream'));
    const { key } = await createKey();
    const res = await post('/generate_stream', key, seedPayload(ep('stream'), `stream-${protocol}`, true));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { raw, events } = await tgiEvents(res);
    const final = expectTgiStream(raw, events as TgiEvent[]);
    expect(final.generated_text!.endsWith('photographer')).toBe(true);
    expect(final.details).toMatchObject({ finish_reason: 'stop_sequence' });
    expect(final.details!.generated_tokens).toBeGreaterThan(0);
    expect((events as TgiEvent[]).map((e) => e.token.text).join('')).toBe(final.generated_text);
  });

  it('ends on EOS with eos_token and, without details asked, no details', async () => {
    await create(ep('eos'));
    const { key } = await createKey();
    const plain = await post('/generate', key, {
      model: ep('eos'),
      inputs: `hi eos-${protocol}`,
      parameters: { max_new_tokens: 100, details: true },
    });
    const detailed = (await plain.json()) as {
      generated_text: string;
      details: { finish_reason: string; generated_tokens: number; tokens: TgiEvent['token'][] };
    };
    expect(detailed).toMatchObject({ details: { finish_reason: 'eos_token' } });
    // As in the stream: every generated token listed, the last one TGI's special EOS token.
    expect(detailed.details.tokens).toHaveLength(detailed.details.generated_tokens);
    expect(detailed.details.tokens.at(-1)).toMatchObject({ special: true });
    expect(
      detailed.details.tokens
        .filter((t) => !t.special)
        .map((t) => t.text)
        .join(''),
    ).toBe(detailed.generated_text);
    const { raw: sameRaw, events: same } = await tgiEvents(
      await post('/generate_stream', key, {
        model: ep('eos'),
        inputs: `hi eos-${protocol}`,
        parameters: { max_new_tokens: 100, details: true },
      }),
    );
    const sameFinal = expectTgiStream(sameRaw, same as TgiEvent[]);
    expect(same).toHaveLength(detailed.details.generated_tokens);
    expect(sameFinal.details!.generated_tokens).toBe(detailed.details.generated_tokens);
    expect((same as TgiEvent[]).map((e) => e.token.special)).toEqual(detailed.details.tokens.map((t) => t.special));
    const bare = await post('/generate', key, { model: ep('eos'), inputs: `hi bare-${protocol}` });
    const body = (await bare.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['generated_text']);
    const { raw, events } = await tgiEvents(
      await post('/generate_stream', key, {
        model: ep('eos'),
        inputs: `hi s-${protocol}`,
        parameters: { max_new_tokens: 3 },
      }),
    );
    const final = expectTgiStream(raw, events as TgiEvent[]);
    expect(final.details).toBeNull();
    expect(events).toHaveLength(3);
  });

  it('serves the compat root with stream false (array) and true (events), and scoped generate URLs', async () => {
    await create(ep('compat'));
    const { key } = await createKey();
    const array = await post(`/endpoints/${ep('compat')}`, key, {
      inputs: `compat-${protocol}`,
      parameters: { max_new_tokens: 4 },
      stream: false,
    });
    const body = (await array.json()) as Array<{ generated_text: string }>;
    expect(Array.isArray(body)).toBe(true);
    expect(body[0]!.generated_text.length).toBeGreaterThan(0);
    const streamed = await post(`/endpoints/${ep('compat')}`, key, {
      inputs: `compat-s-${protocol}`,
      parameters: { max_new_tokens: 4 },
      stream: true,
    });
    const { raw, events } = await tgiEvents(streamed);
    expectTgiStream(raw, events as TgiEvent[]);
    const scoped = await post(`/endpoints/${ep('compat')}/generate`, key, {
      model: 'ignored',
      inputs: `scoped-${protocol}`,
      parameters: { max_new_tokens: 2 },
    });
    expect(scoped.status).toBe(200);
    expect(
      (await post(`/endpoints/${ep('compat')}/generate_stream`, key, { inputs: 'x' })).headers.get('content-type'),
    ).toContain('event-stream');
  });

  it('relays an in-stream origin error as a TGI error event', async () => {
    await create(ep('instream'), 'instream-error/2');
    const { key } = await createKey();
    const { events } = await tgiEvents(await post('/generate_stream', key, { model: ep('instream'), inputs: 'x' }));
    const last = events.at(-1) as { error: string; error_type: string };
    expect(last.error).toBeTruthy();
    expect(typeof last.error).toBe('string');
    expect(last.error_type).toBeTruthy();
  });

  it('reports a stream the origin drops as incomplete', async () => {
    await create(ep('drop'), 'drop/2');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const { events } = await tgiEvents(await post('/generate_stream', key, { model: ep('drop'), inputs: 'x' }));
    expect(events.at(-1)).toMatchObject({
      error_type: expect.stringMatching(/incomplete_generation_stream|generation/),
    });
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('frees the slot and aborts the origin when the client leaves mid-stream', async () => {
    await create(ep('abort'), 'slow/200');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const before = (await originStats()).aborted;
    const res = await post('/generate_stream', key, { model: ep('abort'), inputs: 'x' });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(before));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('counts generated tokens as usage', async () => {
    await create(ep('usage'));
    const { id, key } = await createKey();
    await (
      await post('/generate', key, { model: ep('usage'), inputs: 'count me', parameters: { max_new_tokens: 5 } })
    ).text();
    await (
      await post('/generate_stream', key, { model: ep('usage'), inputs: 'count me', parameters: { max_new_tokens: 4 } })
    ).text();
    await eventually(async () => {
      const usage = (await (await admin('GET', `/keys/${id}/usage`)).json()) as {
        data: Array<{ requests: number; completion_tokens: number; prompt_tokens: number }>;
      };
      expect(usage.data[0]).toMatchObject({ requests: 2, completion_tokens: 9 });
      expect(usage.data[0]!.prompt_tokens).toBeGreaterThan(0);
    });
  });
});

describe('TGI generate API: translation to an OpenAI origin', () => {
  it('maps the parameters to /v1/completions', async () => {
    await createEndpoint('gen-map');
    const { key } = await createKey();
    await (await post('/generate', key, seedPayload('gen-map', 'map-check'))).text();
    const seen = await originRequestWith('map-check');
    expect(seen.path).toBe('/v1/completions');
    expect(seen.body).toMatchObject({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      prompt: 'My name is Olivier and I map-check',
      max_tokens: 20,
      temperature: 0.5,
      top_k: 10,
      top_p: 0.95,
      repetition_penalty: 1.03,
      stop: ['photographer'],
      include_stop_str_in_output: true,
    });
    for (const dropped of ['typical_p', 'watermark', 'inputs', 'parameters'])
      expect(seen.body).not.toHaveProperty(dropped);
  });

  it('decodes greedily when TGI would, and samples when parameters are absent', async () => {
    await createEndpoint('gen-greedy');
    const { key } = await createKey();
    await (
      await post('/generate', key, { model: 'gen-greedy', inputs: 'greedy-check', parameters: { max_new_tokens: 3 } })
    ).text();
    expect((await originRequestWith('greedy-check')).body).toMatchObject({ temperature: 0, max_tokens: 3 });
    await (await post('/generate', key, { model: 'gen-greedy', inputs: 'sampling-check' })).text();
    expect((await originRequestWith('sampling-check')).body).toMatchObject({ temperature: 1 });
  });

  it('prepends the prompt for return_full_text', async () => {
    await createEndpoint('gen-full');
    const { key } = await createKey();
    const body = (await (
      await post('/generate', key, {
        model: 'gen-full',
        inputs: 'Prefix here',
        parameters: { return_full_text: true, max_new_tokens: 2 },
      })
    ).json()) as { generated_text: string };
    expect(body.generated_text.startsWith('Prefix here')).toBe(true);
  });

  it('refuses best_of > 1, which vLLM cannot serve, with a TGI validation error', async () => {
    await createEndpoint('gen-bestof');
    const { key } = await createKey();
    const res = await post('/generate', key, {
      model: 'gen-bestof',
      inputs: 'x',
      parameters: { best_of: 2, do_sample: true },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error_type: 'validation', error: expect.stringContaining('best_of') });
  });
});

describe('TGI validation and errors', () => {
  const rules: Array<[string, Record<string, unknown>, boolean, RegExp]> = [
    ['empty inputs', { inputs: '' }, false, /`inputs` cannot be empty/],
    ['temperature 0', { parameters: { temperature: 0 } }, false, /`temperature` must be strictly positive/],
    ['top_p 1.0', { parameters: { top_p: 1.0 } }, false, /`top_p` must be > 0.0 and < 1.0/],
    ['top_p 0', { parameters: { top_p: 0 } }, false, /`top_p` must be > 0.0 and < 1.0/],
    ['typical_p 1', { parameters: { typical_p: 1 } }, false, /`typical_p` must be > 0.0 and < 1.0/],
    ['top_k 0', { parameters: { top_k: 0 } }, false, /`top_k` must be strictly positive/],
    [
      'repetition_penalty 0',
      { parameters: { repetition_penalty: 0 } },
      false,
      /`repetition_penalty` must be strictly positive/,
    ],
    [
      'frequency_penalty 3',
      { parameters: { frequency_penalty: 3 } },
      false,
      /`frequency_penalty` must be >= -2.0 and <= 2.0/,
    ],
    ['max_new_tokens 0', { parameters: { max_new_tokens: 0 } }, false, /`max_new_tokens` must be strictly positive/],
    [
      '5 stop sequences',
      { parameters: { stop: ['a', 'b', 'c', 'd', 'e'] } },
      false,
      /`stop` supports up to 4 stop sequences. Given: 5/,
    ],
    ['truncate 0', { parameters: { truncate: 0 } }, false, /`truncate` must be strictly positive/],
    ['top_n_tokens 6', { parameters: { top_n_tokens: 6 } }, false, /`top_n_tokens` must be >= 0 and <= 5/],
    ['best_of 3', { parameters: { best_of: 3, do_sample: true } }, false, /`best_of` must be > 0 and <= 2/],
    ['best_of 2 greedy', { parameters: { best_of: 2 } }, false, /you must use sampling when `best_of` is > 1/],
    [
      'best_of 2 with seed',
      { parameters: { best_of: 2, do_sample: true, seed: 1 } },
      false,
      /`seed` must not be set when `best_of` > 1/,
    ],
    ['best_of 2 streaming', { parameters: { best_of: 2, do_sample: true } }, true, /`best_of` != 1 is not allowed/],
    [
      'decoder_input_details streaming',
      { parameters: { decoder_input_details: true } },
      true,
      /`decoder_input_details` == true is not supported when streaming/,
    ],
    [
      'grammar without properties',
      { parameters: { grammar: { type: 'json', value: { type: 'object' } } } },
      false,
      /Grammar must have a 'properties' field/,
    ],
    [
      'wrong type',
      { parameters: { top_k: 'ten' } },
      false,
      /Failed to deserialize the JSON body into the target type: parameters.top_k/,
    ],
    [
      'missing inputs',
      { inputs: undefined },
      false,
      /Failed to deserialize the JSON body into the target type: inputs: missing field/,
    ],
  ];

  it.each(rules)('422 validation for %s, before any origin is called', async (label, patch, stream, message) => {
    await createEndpoint(`val-${label.replace(/[^a-z0-9]/gi, '-')}`);
    const { key } = await createKey();
    const marker = `never-sent-${label.replace(/\W/g, '')}`;
    const body = { model: `val-${label.replace(/[^a-z0-9]/gi, '-')}`, inputs: marker, ...patch };
    const res = await post(stream ? '/generate_stream' : '/generate', key, body);
    expect(res.status).toBe(422);
    const err = (await res.json()) as { error: string; error_type: string };
    expect(err.error_type).toBe('validation');
    expect(err.error).toMatch(message);
    await expect(originRequestWith(marker)).rejects.toThrow();
  });

  it('/generate without a model says to name the endpoint or use /endpoints/{name}/generate', async () => {
    const { key } = await createKey();
    for (const path of ['/generate', '/generate_stream']) {
      const res = await post(path, key, { inputs: 'hi' });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({
        error:
          "Invalid 'model': required field is missing (name the endpoint in the body's 'model', or call /endpoints/{name}/generate)",
        error_type: 'validation',
      });
    }
  });

  it('answers auth, scope, model and concurrency errors in TGI shape', async () => {
    await createEndpoint('tgi-errs', { mode: 'slow/100' });
    await createEndpoint('tgi-other');
    const noKey = await call('/generate', { method: 'POST', json: { model: 'tgi-errs', inputs: 'x' } });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({
      error: expect.stringMatching(/^Missing API key/),
      error_type: 'authentication_error',
    });

    const { key } = await createKey({ endpoints: ['tgi-errs'], concurrency_limit: 1 });
    const scoped = await post('/generate', key, { model: 'tgi-other', inputs: 'x' });
    expect(scoped.status).toBe(403);
    expect(await scoped.json()).toMatchObject({ error_type: 'permission_error' });
    const unknown = await post('/generate', key, { model: 'nope', inputs: 'x' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: expect.stringContaining('nope') });

    const first = await post('/generate_stream', key, { model: 'tgi-errs', inputs: 'x' });
    const refused = await post('/generate', key, { model: 'tgi-errs', inputs: 'x' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: CONCURRENCY_MESSAGE, error_type: 'overloaded' });
    await first.text();

    const badJson = await call('/generate', { method: 'POST', token: key, body: '{' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error_type: 'validation' });
  });

  it('maps a stopped endpoint and a failing origin to TGI errors', async () => {
    await createEndpoint('tgi-broken', { mode: 'error500' });
    await createEndpoint('tgi-stopped');
    await admin('POST', '/endpoints/tgi-stopped/stop');
    const { key } = await createKey();
    const broken = await post('/generate', key, { model: 'tgi-broken', inputs: 'x' });
    expect(broken.status).toBe(502);
    expect(await broken.json()).toMatchObject({ error_type: 'generation' });
    const stopped = await post('/generate', key, { model: 'tgi-stopped', inputs: 'x' });
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toMatchObject({ error: expect.stringContaining('stopped') });
    expect(env.DB).toBeDefined();
  });
});
