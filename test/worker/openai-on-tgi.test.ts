import { describe, expect, it } from 'vitest';
import {
  admin,
  call,
  createKey,
  eventually,
  inFlight,
  originRequestWith,
  originStats,
  originUrl,
  sseEvents,
} from './helpers/router';
import { expectError, type ErrorBody } from './helpers/expect-error';

// OpenAI chat and completions on an endpoint whose served entity speaks TGI: chat goes to
// TGI's Messages API, completions to /generate(_stream); the emulator serves TGI under /tgi.

type ChatBody = {
  id: string;
  object: string;
  model: string;
  choices: Array<{ message: { role: string; content: string }; finish_reason: string | null }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};
type ChatChunk = {
  id: string;
  model: string;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  choices: Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }>;
};
type CompletionBody = {
  id: string;
  object: string;
  model: string;
  choices: Array<{ index: number; text: string; logprobs: unknown; finish_reason: string | null }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};
type CompletionChunk = Omit<CompletionBody, 'usage'> & { usage?: CompletionBody['usage'] };

/** A TGI endpoint on the emulator: `<origin>[/mode/<m>]/tgi`, model "tgi". */
async function tgiEndpoint(name: string, mode?: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [
      { name: `${name}-tgi`, protocol: 'tgi', model: 'tgi', origins: [{ url: `${originUrl(mode)}/tgi` }] },
    ],
    ...extra,
  });
  if (res.status !== 201) throw new Error(`create endpoint ${name}: ${res.status} ${await res.text()}`);
}

const post = (token: string, path: string, json: unknown) => call(path, { method: 'POST', token, json });
const chat = (token: string, json: unknown) => post(token, '/v1/chat/completions', json);
const complete = (token: string, json: unknown) => post(token, '/v1/completions', json);
const say = (marker: string) => [{ role: 'user', content: `hello ${marker}` }];

const parse = <T>(events: string[]) => events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e) as T);

describe('OpenAI chat on a TGI origin', () => {
  it('answers with the endpoint name, a real id, OpenAI finish reasons and usage', async () => {
    await tgiEndpoint('tgi-chat');
    const { key } = await createKey();
    const res = await chat(key, { model: 'tgi-chat', messages: say('t1') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ChatBody;
    expect(body).toMatchObject({ object: 'chat.completion', model: 'tgi-chat' });
    expect(body.id).toMatch(/^chatcmpl-.+/);
    expect(body.choices[0]!.finish_reason).toBe('stop'); // EOS
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(body.usage).toEqual({ prompt_tokens: 2, completion_tokens: 13, total_tokens: 15 });
    const seen = await originRequestWith('hello t1');
    expect(seen.path).toBe('/tgi/v1/chat/completions');
    expect(seen.body!.model).toBe('tgi');

    const stopped = (await (
      await chat(key, { model: 'tgi-chat', messages: say('t2'), stop: ['photographer'] })
    ).json()) as ChatBody;
    expect(stopped.choices[0]!.finish_reason).toBe('stop'); // TGI: stop_sequence
    expect(stopped.choices[0]!.message.content).toMatch(/photographer$/);
    const cut = (await (
      await chat(key, { model: 'tgi-chat', messages: say('t3'), max_completion_tokens: 3 })
    ).json()) as ChatBody;
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage.completion_tokens).toBe(3);
    expect((await originRequestWith('hello t3')).body).toMatchObject({ max_tokens: 3 });
  });

  it('streams with the endpoint name, one id, the role once, mapped finish, [DONE] last and no usage chunk', async () => {
    await tgiEndpoint('tgi-chat-stream');
    const { key } = await createKey();
    const res = await chat(key, {
      model: 'tgi-chat-stream',
      messages: say('t4'),
      stream: true,
      stop: ['photographer'],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = parse<ChatChunk>(events);
    expect(chunks.length).toBeGreaterThan(1);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.id).toMatch(/^chatcmpl-.+/);
    expect(chunks.every((c) => c.model === 'tgi-chat-stream' && c.choices.length === 1 && c.usage === undefined)).toBe(
      true,
    );
    expect(chunks.filter((c) => c.choices[0]!.delta.role === 'assistant')).toHaveLength(1);
    expect(chunks.map((c) => c.choices[0]!.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.map((c) => c.choices[0]!.delta.content).join('')).toMatch(/photographer$/);
    // The router always asks TGI for usage (to count tokens), and drops the chunk again.
    expect((await originRequestWith('hello t4')).body!.stream_options).toEqual({ include_usage: true });
  });

  it('passes the usage chunk on when the client asks for it', async () => {
    await tgiEndpoint('tgi-chat-usage');
    const { key } = await createKey();
    const res = await chat(key, {
      model: 'tgi-chat-usage',
      messages: say('t5'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const usage = JSON.parse(events.at(-2)!) as ChatChunk;
    expect(usage).toMatchObject({
      model: 'tgi-chat-usage',
      choices: [],
      usage: { prompt_tokens: 2, completion_tokens: 13 },
    });
    expect(usage.id).toMatch(/^chatcmpl-/);
  });

  it('sends TGI stream_options with include_usage only, whatever else the client put in it', async () => {
    await tgiEndpoint('tgi-chat-stream-options');
    const { key } = await createKey();
    const res = await chat(key, {
      model: 'tgi-chat-stream-options',
      messages: say('tso1'),
      stream: true,
      // vLLM's continuous_usage_stats, and a key nobody knows: TGI's StreamOptions has include_usage alone.
      stream_options: { include_usage: false, continuous_usage_stats: true, chunk_size: 4 },
    });
    expect(res.status).toBe(200);
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    expect(parse<ChatChunk>(events).every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
    expect((await originRequestWith('hello tso1')).body!.stream_options).toEqual({ include_usage: true });
  });

  it("fixes TGI's traps: stop string → array, presence_penalty 0 and top_p 1 dropped, max_completion_tokens → max_tokens", async () => {
    await tgiEndpoint('tgi-chat-fixups');
    const { key } = await createKey();
    const res = await chat(key, {
      model: 'tgi-chat-fixups',
      messages: say('t6'),
      stop: 'photographer',
      presence_penalty: 0,
      top_p: 1,
      logit_bias: {},
      n: 1,
      user: 'u',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ChatBody;
    expect(body.choices[0]!.finish_reason).toBe('stop');
    const seen = (await originRequestWith('hello t6')).body!;
    expect(seen.stop).toEqual(['photographer']);
    for (const dropped of ['presence_penalty', 'top_p', 'logit_bias', 'n']) expect(seen).not.toHaveProperty(dropped);
  });

  it('maps response_format json_schema to TGI shape', async () => {
    await tgiEndpoint('tgi-chat-rf');
    const { key } = await createKey();
    const schema = { type: 'object', properties: { name: { type: 'string' } } };
    const res = await chat(key, {
      model: 'tgi-chat-rf',
      messages: say('t7'),
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
    });
    expect(res.status).toBe(200);
    expect((await originRequestWith('hello t7')).body!.response_format).toEqual({
      type: 'json_schema',
      value: { name: 'person', schema },
    });
  });

  it('refuses what TGI cannot honour with a 400 naming the field, before the origin sees it', async () => {
    await tgiEndpoint('tgi-chat-refuse');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ presence_penalty: 0.5 }, 'presence_penalty'],
      [{ logit_bias: { '1234': 5 } }, 'logit_bias'],
      [{ n: 2 }, 'n'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      [{ logprobs: true, top_logprobs: 10 }, 'top_logprobs'],
      [{ seed: -5 }, 'seed'],
    ];
    for (const [extra, param] of cases) {
      for (const stream of [false, true]) {
        const body = await expectError(
          await chat(key, { model: 'tgi-chat-refuse', messages: say(`refuse-${param}`), stream, ...extra }),
          400,
          {
            type: 'invalid_request_error',
            param,
            code: 'unsupported_parameter',
          },
        );
        expect(body.error.message).toContain(param);
      }
    }
    await expect(originRequestWith('hello refuse-')).rejects.toThrow();
    expect(await inFlight(id)).toBe(0);
  });
});

describe('OpenAI completions on a TGI origin (via /generate)', () => {
  it('answers a text_completion from /generate with the mapped parameters and usage', async () => {
    await tgiEndpoint('tgi-comp');
    const { key } = await createKey();
    const res = await complete(key, {
      model: 'tgi-comp',
      prompt: 'Once upon a time c1',
      max_tokens: 5,
      temperature: 0,
      top_p: 1,
      seed: 4,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CompletionBody;
    expect(body).toMatchObject({ object: 'text_completion', model: 'tgi-comp' });
    expect(body.id).toMatch(/^cmpl-.+/);
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: 'length' });
    expect(body.choices[0]!.text.length).toBeGreaterThan(0);
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
    const seen = await originRequestWith('Once upon a time c1');
    expect(seen.path).toBe('/tgi/generate');
    expect(seen.body).toEqual({
      inputs: 'Once upon a time c1',
      parameters: { max_new_tokens: 5, details: true, decoder_input_details: false, do_sample: false, seed: 4 },
    });
  });

  it('defaults max_tokens to 16, maps sampling, stop, echo and logprobs', async () => {
    await tgiEndpoint('tgi-comp-params');
    const { key } = await createKey();
    const res = await complete(key, {
      model: 'tgi-comp-params',
      prompt: ['Tell me c2'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 20,
      stop: 'photographer',
      repetition_penalty: 1.2,
      logprobs: 2,
    });
    const body = (await res.json()) as CompletionBody;
    expect(body.choices[0]!.finish_reason).toBe('stop'); // TGI: stop_sequence
    expect(body.choices[0]!.text).toMatch(/photographer$/);
    const logprobs = body.choices[0]!.logprobs as {
      tokens: string[];
      token_logprobs: number[];
      top_logprobs: Array<Record<string, number>>;
      text_offset: number[];
    };
    expect(logprobs.tokens.join('')).toBe(body.choices[0]!.text);
    expect(logprobs.token_logprobs).toHaveLength(logprobs.tokens.length);
    expect(logprobs.top_logprobs.every((t) => Object.keys(t).length === 2)).toBe(true);
    expect(logprobs.text_offset[0]).toBe(0);
    expect((await originRequestWith('Tell me c2')).body!.parameters).toEqual({
      max_new_tokens: 16,
      details: true,
      decoder_input_details: false,
      do_sample: true,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 20,
      stop: ['photographer'],
      repetition_penalty: 1.2,
      top_n_tokens: 2,
    });

    const echoed = (await (
      await complete(key, { model: 'tgi-comp-params', prompt: 'Echo me c3', echo: true, max_tokens: 2 })
    ).json()) as CompletionBody;
    expect(echoed.choices[0]!.text.startsWith('Echo me c3')).toBe(true);
    expect((await originRequestWith('Echo me c3')).body!.parameters).toMatchObject({ return_full_text: true });
  });

  it('streams text_completion chunks from /generate_stream, the finish reason last, then [DONE]', async () => {
    await tgiEndpoint('tgi-comp-stream');
    const { key } = await createKey();
    const res = await complete(key, { model: 'tgi-comp-stream', prompt: 'Stream please c4', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = parse<CompletionChunk>(events);
    expect(
      chunks.every((c) => c.object === 'text_completion' && c.model === 'tgi-comp-stream' && c.id.startsWith('cmpl-')),
    ).toBe(true);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    // 16 tokens asked for, EOS after 12: 12 text chunks and one empty chunk carrying the finish.
    expect(chunks.map((c) => c.choices[0]!.finish_reason)).toEqual([...Array(12).fill(null), 'stop']);
    expect(chunks.at(-1)!.choices[0]!.text).toBe('');
    const seen = await originRequestWith('Stream please c4');
    expect(seen.path).toBe('/tgi/generate_stream');
    expect(seen.body!.parameters).toMatchObject({ max_new_tokens: 16, details: true, do_sample: true });
  });

  it('sends the usage chunk when asked, with TGI counts', async () => {
    await tgiEndpoint('tgi-comp-usage');
    const { key } = await createKey();
    const res = await complete(key, {
      model: 'tgi-comp-usage',
      prompt: 'Count my tokens c5',
      stream: true,
      max_tokens: 4,
      stream_options: { include_usage: true },
    });
    const chunks = parse<CompletionChunk>(await sseEvents(res));
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 },
    });
  });

  it('refuses what TGI cannot honour with a 400 naming the field', async () => {
    await tgiEndpoint('tgi-comp-refuse');
    const { key } = await createKey();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ prompt: [1, 2, 3] }, 'prompt'],
      [{ prompt: ['a refuse', 'b refuse'] }, 'prompt'],
      [{ suffix: 'end' }, 'suffix'],
      [{ best_of: 2 }, 'best_of'],
      [{ n: 2 }, 'n'],
      [{ presence_penalty: -1 }, 'presence_penalty'],
      [{ logit_bias: { '5': 1 } }, 'logit_bias'],
      [{ stop: ['1', '2', '3', '4', '5'] }, 'stop'],
      [{ logprobs: 6 }, 'logprobs'],
      [{ logprobs: 1, echo: true }, 'echo'],
    ];
    for (const [extra, param] of cases) {
      const res = await complete(key, { model: 'tgi-comp-refuse', prompt: 'x refuse', ...extra });
      const body = await expectError(res, 400, { param, code: 'unsupported_parameter' });
      expect(body.error.message).toContain(param);
    }
    await expect(originRequestWith('refuse')).rejects.toThrow();
  });
});

describe('TGI origin failures through the OpenAI routes', () => {
  it("relays TGI's 422 validation errors (JSON and text/plain) as 4xx in OpenAI shape", async () => {
    await tgiEndpoint('tgi-422');
    const { key } = await createKey();
    // Passes the router's checks; TGI refuses prompt + max_new_tokens > max_total_tokens (4096).
    const tooLong = await expectError(
      await chat(key, { model: 'tgi-422', messages: say('v1'), max_tokens: 5000 }),
      422,
      {
        type: 'invalid_request_error',
        code: 'origin_rejected_request',
      },
    );
    expect(tooLong.error.message).toContain('max_new_tokens');
    const comp = await expectError(await complete(key, { model: 'tgi-422', prompt: 'v2', max_tokens: 5000 }), 422, {
      code: 'origin_rejected_request',
    });
    expect(comp.error.message).toContain('Input validation error');
    // TGI's axum extractor answers text/plain for a field of the wrong type.
    const shape = await expectError(await chat(key, { model: 'tgi-422', messages: say('v3'), logprobs: 'yes' }), 422, {
      code: 'origin_rejected_request',
    });
    expect(shape.error.message).toContain('Failed to deserialize');
  });

  it("turns TGI's in-stream errors (validation and generation) into one OpenAI error event", async () => {
    await tgiEndpoint('tgi-instream-validation');
    await tgiEndpoint('tgi-instream', 'instream-error/2');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const streams = [
      () => chat(key, { model: 'tgi-instream-validation', messages: say('v4'), stream: true, max_tokens: 5000 }),
      () => chat(key, { model: 'tgi-instream', messages: say('v5'), stream: true }),
      () => complete(key, { model: 'tgi-instream', prompt: 'v6', stream: true }),
    ];
    const expected = [/max_new_tokens/, /emulated failure/, /emulated failure/];
    for (const [i, send] of streams.entries()) {
      const res = await send();
      expect(res.status).toBe(200);
      const events = await sseEvents(res);
      const errors = events.filter((e) => e.startsWith('{"error"'));
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0]!)).toMatchObject({
        error: { code: 'origin_error', type: 'server_error', message: expect.stringMatching(expected[i]!) },
      });
      expect(events.at(-1)).toBe('[DONE]');
      expect(events.indexOf(errors[0]!)).toBe(events.length - 2);
      await eventually(async () => expect(await inFlight(id)).toBe(0));
    }
  });

  it('reports a /generate_stream that drops before its final event as an error, not a clean end', async () => {
    await tgiEndpoint('tgi-drop', 'drop/3');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const events = await sseEvents(await complete(key, { model: 'tgi-drop', prompt: 'v7', stream: true }));
    const chunks = parse<CompletionChunk & ErrorBody>(events);
    expect(chunks.at(-1)).toMatchObject({ error: { type: 'server_error' } });
    expect(chunks.some((c) => c.choices?.[0]?.finish_reason)).toBe(false);
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it("maps TGI's 424 generation error to 502", async () => {
    await tgiEndpoint('tgi-424', 'error424');
    const { key } = await createKey();
    const body = await expectError(await complete(key, { model: 'tgi-424', prompt: 'v8' }), 502, {
      code: 'origin_error',
    });
    expect(body.error.message).toContain('HTTP 424');
  });

  it('frees the slot and aborts the origin when the client cancels mid-stream (chat and completions)', async () => {
    await tgiEndpoint('tgi-cancel', 'slow/200');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    for (const res of [
      () => chat(key, { model: 'tgi-cancel', messages: say('v9'), stream: true }),
      () => complete(key, { model: 'tgi-cancel', prompt: 'v10', stream: true }),
    ]) {
      const abortedBefore = (await originStats()).aborted;
      const r = await res();
      expect(r.status).toBe(200);
      const reader = r.body!.getReader();
      await reader.read();
      await reader.cancel();
      await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
      await eventually(async () => expect(await inFlight(id)).toBe(0));
    }
  });
});
