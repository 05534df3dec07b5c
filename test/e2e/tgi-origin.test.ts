// OpenAI chat and completions on a TGI origin, driven with the official openai SDK through
// `wrangler dev`: chat goes to TGI's Messages API, completions to /generate(_stream); the
// answers must look like OpenAI's (endpoint name as model, real ids, OpenAI finish
// reasons, usage), and a field TGI cannot honour must raise a BadRequestError.

import OpenAI, { APIError, BadRequestError } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  collect,
  createKey,
  newRequestId,
  openai,
  originUrl,
  recordedRequest,
  rejectionOf,
  uniqueName,
  userMessage,
} from './helpers.ts';

let ep: string;
let client: OpenAI;

async function tgiEndpoint(prefix: string, mode?: string): Promise<string> {
  const name = uniqueName(prefix);
  const url = `${originUrl()}${mode ? `/mode/${mode}` : ''}/tgi`;
  await admin().createEndpoint({
    name,
    served_entities: [{ name: 'main', protocol: 'tgi', model: 'tgi', origins: [{ url }] }],
  });
  return name;
}

beforeAll(async () => {
  ep = await tgiEndpoint('tgi-openai');
  client = openai((await createKey(null)).key);
});

describe('chat completions on a TGI origin', () => {
  it('answers a non-streaming request like OpenAI', async () => {
    const id = newRequestId('tgi-chat');
    const res = await client.chat.completions.create(
      { model: ep, messages: userMessage('Tell me about Paris'), stop: 'photographer' },
      { headers: { 'x-request-id': id } },
    );
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe(ep);
    expect(res.id).toBe(`chatcmpl-${id}`);
    expect(res.choices[0]!.message.role).toBe('assistant');
    expect(res.choices[0]!.message.content).toMatch(/photographer$/);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    const seen = await recordedRequest(id);
    expect(seen.path).toBe('/tgi/v1/chat/completions');
    expect(seen.body).toMatchObject({ model: 'tgi', stop: ['photographer'] });
  });

  it('streams deltas that add up to the non-streaming answer, with usage when asked', async () => {
    const prompt = 'Describe a photograph of the Seine';
    const whole = await client.chat.completions.create({ model: ep, messages: userMessage(prompt) });
    const chunks = await collect(
      await client.chat.completions.create({
        model: ep,
        messages: userMessage(prompt),
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const content = chunks.filter((c) => c.choices.length > 0);
    expect(
      content.every((c) => c.model === ep && c.object === 'chat.completion.chunk' && c.id.startsWith('chatcmpl-')),
    ).toBe(true);
    expect(content.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe(whole.choices[0]!.message.content);
    expect(content.map((c) => c.choices[0]!.finish_reason).filter(Boolean)).toEqual(['stop']);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual(whole.usage);
  });

  it('raises BadRequestError for a field TGI cannot honour, naming it', async () => {
    const err = await rejectionOf(
      client.chat.completions.create({ model: ep, messages: userMessage('Hi'), presence_penalty: 0.7 }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).param).toBe('presence_penalty');
    expect((err as APIError).code).toBe('unsupported_parameter');
    expect((err as APIError).message).toMatch(/^400 'presence_penalty' is not supported/);
  });

  it("raises an APIError mid-stream for TGI's in-stream error", async () => {
    const faulty = await tgiEndpoint('tgi-openai-instream', 'instream-error/2');
    const stream = await client.chat.completions.create({ model: faulty, messages: userMessage('Hi'), stream: true });
    const err = await rejectionOf(collect(stream));
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/emulated failure/);
  });
});

describe('completions on a TGI origin (via /generate)', () => {
  it('answers a non-streaming request like OpenAI', async () => {
    const id = newRequestId('tgi-comp');
    const res = await client.completions.create(
      { model: ep, prompt: 'Once upon a time', max_tokens: 5, temperature: 0 },
      { headers: { 'x-request-id': id } },
    );
    expect(res.object).toBe('text_completion');
    expect(res.model).toBe(ep);
    expect(res.id).toBe(`cmpl-${id}`);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.choices[0]!.text.length).toBeGreaterThan(0);
    expect(res.usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    const seen = await recordedRequest(id);
    expect(seen.path).toBe('/tgi/generate');
    expect(seen.body).toMatchObject({
      inputs: 'Once upon a time',
      parameters: { max_new_tokens: 5, do_sample: false, details: true },
    });
  });

  it('streams text chunks that add up to the non-streaming text, then the finish and usage', async () => {
    const prompt = 'A story about light';
    const whole = await client.completions.create({ model: ep, prompt, stop: ['photographer'] });
    const id = newRequestId('tgi-comp-stream');
    const chunks = await collect(
      await client.completions.create(
        { model: ep, prompt, stop: ['photographer'], stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-request-id': id } },
      ),
    );
    const text = chunks.filter((c) => c.choices.length > 0);
    expect(text.every((c) => c.model === ep && c.object === 'text_completion')).toBe(true);
    expect(text.map((c) => c.choices[0]!.text).join('')).toBe(whole.choices[0]!.text);
    expect(text.map((c) => c.choices[0]!.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)!.usage).toEqual(whole.usage);
    expect((await recordedRequest(id)).path).toBe('/tgi/generate_stream');
  });

  it('raises BadRequestError for several prompts', async () => {
    const err = await rejectionOf(client.completions.create({ model: ep, prompt: ['one', 'two'] }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).param).toBe('prompt');
  });
});
