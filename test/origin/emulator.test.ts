import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type Origin } from './server.ts';
import { at, post, readAll, sseEvents, ssePayloads } from './test-helpers.ts';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const CHAT = { model: MODEL, messages: [{ role: 'user', content: 'Tell me about yourself' }] };
const DATACRUNCH = {
  inputs: 'My name is Olivier and I',
  parameters: {
    best_of: 1,
    decoder_input_details: true,
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
};

let origin: Origin;
beforeAll(async () => {
  origin = await startOrigin({ port: 0 });
});
afterAll(async () => {
  await origin.close();
});

describe('vLLM OpenAI server', () => {
  it('answers a non-stream chat completion in vLLM shape', async () => {
    const res = await post(`${origin.url}/v1/chat/completions`, CHAT, { headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(200);
    const body: unknown = await res.json();
    expect(body).toMatchObject({
      id: 'chatcmpl-req-1',
      object: 'chat.completion',
      model: MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', tool_calls: [] },
          logprobs: null,
          finish_reason: 'stop',
          stop_reason: null,
        },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 13, total_tokens: 17 },
    });
    expect(typeof at(body, 'choices.0.message.content')).toBe('string');
  });

  it('streams chat with "data: " framing, a role-first chunk, a usage chunk and [DONE]', async () => {
    const res = await post(`${origin.url}/v1/chat/completions`, {
      ...CHAT,
      stream: true,
      max_tokens: 5,
      stream_options: { include_usage: true },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { text } = await readAll(res);
    const events = sseEvents(text);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = ssePayloads(text, 'data: ');
    expect(chunks[0]).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ delta: { role: 'assistant', content: '' } }],
    });
    const usage = chunks.at(-1);
    expect(usage).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 } });
    const final = chunks.at(-2);
    expect(final).toMatchObject({ choices: [{ finish_reason: 'length', stop_reason: null }] });
    expect(
      chunks.slice(1, -2).every((c) => at(c, 'choices.0.finish_reason') === null && at(c, 'usage') === undefined),
    ).toBe(true);
  });

  it('honours stop strings (removed from text, stop_reason set) and include_stop_str_in_output', async () => {
    const plain: unknown = await (await post(`${origin.url}/v1/chat/completions`, CHAT)).json();
    const words = String(at(plain, 'choices.0.message.content')).trim().split(' ');
    const stop = words[3] ?? '';
    const cut: unknown = await (await post(`${origin.url}/v1/chat/completions`, { ...CHAT, stop })).json();
    expect(at(cut, 'choices.0.finish_reason')).toBe('stop');
    expect(at(cut, 'choices.0.stop_reason')).toBe(stop);
    expect(at(cut, 'choices.0.message.content')).not.toContain(stop);
    const kept: unknown = await (
      await post(`${origin.url}/v1/chat/completions`, { ...CHAT, stop: [stop], include_stop_str_in_output: true })
    ).json();
    expect(String(at(kept, 'choices.0.message.content')).endsWith(stop)).toBe(true);
  });

  it('serves completions with logprobs, and stream chunks carrying usage:null and stop_reason', async () => {
    const res = await post(`${origin.url}/v1/completions`, {
      model: MODEL,
      prompt: 'Once upon a time',
      max_tokens: 4,
      logprobs: 2,
    });
    const body: unknown = await res.json();
    expect(body).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, finish_reason: 'length', stop_reason: null }],
      usage: { prompt_tokens: 4, completion_tokens: 4 },
    });
    expect(at(body, 'id')).toMatch(/^cmpl-/);
    expect(at(body, 'choices.0.logprobs.tokens')).toHaveLength(4);
    expect(Object.keys(at(body, 'choices.0.logprobs.top_logprobs.0') as object)).toHaveLength(2);
    const { text } = await readAll(
      await post(`${origin.url}/v1/completions`, { prompt: 'Once upon a time', max_tokens: 3, stream: true }),
    );
    const chunks = ssePayloads(text, 'data: ');
    expect(chunks).toHaveLength(3);
    for (const c of chunks) expect(c).toMatchObject({ usage: null, choices: [{ stop_reason: null }] });
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('returns deterministic 8-dim embeddings as floats and as little-endian float32 base64', async () => {
    const floats: unknown = await (await post(`${origin.url}/v1/embeddings`, { input: ['hello', 'world'] })).json();
    expect(floats).toMatchObject({
      object: 'list',
      model: 'BAAI/bge-small-en-v1.5',
      usage: { prompt_tokens: 2, completion_tokens: 0 },
    });
    const vec = at(floats, 'data.0.embedding') as number[];
    expect(vec).toHaveLength(8);
    const b64: unknown = await (
      await post(`${origin.url}/v1/embeddings`, { input: 'hello', encoding_format: 'base64' })
    ).json();
    const buf = Buffer.from(String(at(b64, 'data.0.embedding')), 'base64');
    expect(Array.from({ length: 8 }, (_, i) => buf.readFloatLE(i * 4))).toEqual(vec);
  });

  it('lists models in vLLM shape and answers /health', async () => {
    const body: unknown = await (await fetch(`${origin.url}/v1/models`)).json();
    expect(body).toMatchObject({ object: 'list' });
    expect((at(body, 'data') as unknown[]).map((m) => at(m, 'id'))).toEqual([MODEL, 'BAAI/bge-small-en-v1.5']);
    expect(at(body, 'data.0')).toMatchObject({ object: 'model', owned_by: 'vllm', max_model_len: 4096, root: MODEL });
    const health = await fetch(`${origin.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
  });

  it('rejects invalid sampling with 400 and an unknown model with 404', async () => {
    const bad = await post(`${origin.url}/v1/chat/completions`, { ...CHAT, top_p: 1.5 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { message: 'top_p must be in (0, 1], got 1.5.', type: 'BadRequestError', param: null, code: 400 },
    });
    const missing = await post(`${origin.url}/v1/chat/completions`, { ...CHAT, model: 'nope' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 },
    });
  });
});

describe('TGI', () => {
  it('answers /generate with details, keeping the stop sequence in the text', async () => {
    const res = await post(`${origin.url}/generate`, DATACRUNCH);
    expect(res.status).toBe(200);
    const body: unknown = await res.json();
    expect(String(at(body, 'generated_text')).endsWith('photographer')).toBe(true);
    expect(at(body, 'details')).toMatchObject({ finish_reason: 'stop_sequence', prefill: [] });
    const tokens = at(body, 'details.tokens') as unknown[];
    expect(tokens).toHaveLength(at(body, 'details.generated_tokens') as number);
    expect(tokens[0]).toEqual({
      id: expect.any(Number),
      text: expect.any(String),
      logprob: expect.any(Number),
      special: false,
    });
    expect(typeof at(body, 'details.seed')).toBe('number'); // sampling (temperature 0.5): a seed is reported
    expect(res.headers.get('x-generated-tokens')).toBe(String(tokens.length));
    expect(res.headers.get('x-compute-type')).toBeTruthy();
  });

  it('streams /generate_stream as data:{…} events from index 1, ending without [DONE]', async () => {
    const res = await post(`${origin.url}/generate_stream`, {
      ...DATACRUNCH,
      parameters: { ...DATACRUNCH.parameters, decoder_input_details: false },
    });
    expect(res.status).toBe(200);
    const { text } = await readAll(res);
    const events = sseEvents(text);
    expect(events.every((e) => e.startsWith('data:{'))).toBe(true);
    expect(text).not.toContain('[DONE]');
    const payloads = ssePayloads(text, 'data:');
    expect(payloads.map((p) => at(p, 'index'))).toEqual(payloads.map((_, i) => i + 1));
    expect(payloads.slice(0, -1).every((p) => at(p, 'generated_text') === null && at(p, 'details') === null)).toBe(
      true,
    );
    expect(payloads.at(-1)).toMatchObject({
      details: { finish_reason: 'stop_sequence', generated_tokens: payloads.length },
    });
    expect(String(at(payloads.at(-1), 'generated_text')).endsWith('photographer')).toBe(true);
  });

  it('rejects invalid parameters with 422 validation errors', async () => {
    for (const [param, message] of [
      [{ top_p: 1.0 }, '`top_p` must be > 0.0 and < 1.0'],
      [{ temperature: 0 }, '`temperature` must be strictly positive'],
    ] as const) {
      const res = await post(`${origin.url}/generate`, { inputs: 'hi', parameters: param });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ error: `Input validation error: ${message}`, error_type: 'validation' });
    }
    const shape = await post(`${origin.url}/generate`, { inputs: 'hi', parameters: { stop: 'x' } });
    expect(shape.status).toBe(422);
    expect(await shape.text()).toMatch(/^Failed to deserialize the JSON body into the target type: /);
  });

  it('reports /generate_stream validation errors in-stream under HTTP 200', async () => {
    const res = await post(`${origin.url}/generate_stream`, DATACRUNCH);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      'data:{"error":"Input validation error: `decoder_input_details` == true is not supported when streaming tokens","error_type":"validation"}\n\n',
    );
  });

  it('answers POST / (compat) with an array, or a stream when asked', async () => {
    const body: unknown = await (
      await post(`${origin.url}/`, { inputs: 'hi', parameters: { max_new_tokens: 3 } })
    ).json();
    expect(Array.isArray(body)).toBe(true);
    expect(body).toMatchObject([{ generated_text: expect.any(String) }]);
    const streamed = await (
      await post(`${origin.url}/`, { inputs: 'hi', stream: true, parameters: { max_new_tokens: 3 } })
    ).text();
    expect(ssePayloads(streamed, 'data:')).toHaveLength(3);
  });

  it('serves /info with its limits', async () => {
    expect(await (await fetch(`${origin.url}/info`)).json()).toMatchObject({
      model_id: MODEL,
      max_best_of: 2,
      max_stop_sequences: 4,
      max_input_tokens: 4000,
      max_total_tokens: 4096,
      max_client_batch_size: 4,
      max_concurrent_requests: 128,
    });
  });

  it('speaks TGI Messages API quirks on /tgi/v1/chat/completions', async () => {
    const res = await post(`${origin.url}/tgi/v1/chat/completions`, {
      ...CHAT,
      stream: true,
      max_tokens: 3,
      stream_options: { include_usage: true },
    });
    const { text } = await readAll(res);
    expect(sseEvents(text).every((e) => e.startsWith('data:') && !e.startsWith('data: '))).toBe(true);
    expect(text.endsWith('data:[DONE]\n\n')).toBe(true);
    const chunks = ssePayloads(text, 'data:');
    for (const c of chunks.slice(0, 3)) {
      expect(c).toMatchObject({
        id: '',
        system_fingerprint: '3.3.6-native',
        usage: null,
        choices: [{ delta: { role: 'assistant' } }],
      });
    }
    expect(chunks[2]).toMatchObject({ choices: [{ finish_reason: 'length' }] });
    expect(chunks[3]).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
    const bare = await post(`${origin.url}/tgi/v1/chat/completions`, { ...CHAT, stop: 'x' });
    expect(bare.status).toBe(422);
    expect(bare.headers.get('content-type')).toMatch(/^text\/plain/);
    const topP = await post(`${origin.url}/v1/chat/completions`, { ...CHAT, model: 'tgi', top_p: 1.0 });
    expect(topP.status).toBe(422);
  });
});

describe('tool calls under max_tokens (vLLM and TGI Messages API)', () => {
  const weather = {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } },
    },
  };
  type Choice = { message: { tool_calls: Array<{ function: { name: string; arguments: string } }> } };
  type Chunk = {
    choices: Array<{
      delta: { tool_calls?: Array<{ function: { arguments?: string | null } }> };
      finish_reason: string | null;
    }>;
    usage?: { completion_tokens: number } | null;
  };

  const flavours = [
    { name: 'vLLM', path: '/v1/chat/completions', prefix: 'data: ', whole: 'tool_calls' },
    { name: 'TGI', path: '/tgi/v1/chat/completions', prefix: 'data:', whole: 'stop' },
  ] as const;

  for (const { name, path, prefix, whole } of flavours) {
    it(`${name}: a non-stream call is cut where the stream is, with finish_reason length`, async () => {
      const ask = { ...CHAT, tools: [weather] };
      // {"city":"Paris","days":3}: 4 argument pieces, 5 tokens with the name.
      const full = (await (await post(`${origin.url}${path}`, ask)).json()) as { choices: Choice[] };
      expect(full).toMatchObject({ choices: [{ finish_reason: whole }], usage: { completion_tokens: 5 } });
      const args = full.choices[0]!.message.tool_calls[0]!.function.arguments;
      expect(JSON.parse(args)).toEqual({ city: 'Paris', days: 3 });

      for (const maxTokens of [1, 3]) {
        const limited = { ...ask, max_tokens: maxTokens };
        const plain = (await (await post(`${origin.url}${path}`, limited)).json()) as { choices: Choice[] };
        const { text } = await readAll(
          await post(`${origin.url}${path}`, { ...limited, stream: true, stream_options: { include_usage: true } }),
        );
        const chunks = ssePayloads(text, prefix) as Chunk[];
        const streamedArgs = chunks
          .flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))
          .map((t) => t.function.arguments ?? '')
          .join('');
        const streamedFinish = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
        expect(streamedFinish).toEqual(['length']);
        expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: maxTokens });
        expect(streamedArgs).toBe(args.slice(0, (maxTokens - 1) * 8));

        expect(plain).toMatchObject({
          choices: [{ finish_reason: 'length', message: { tool_calls: [{ function: { name: 'get_weather' } }] } }],
          usage: { completion_tokens: maxTokens },
        });
        expect(plain.choices[0]!.message.tool_calls[0]!.function.arguments).toBe(streamedArgs);
      }
    });
  }
});
