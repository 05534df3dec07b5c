// Guardrails through wrangler dev, driven with the official openai SDK: a Llama Guard
// endpoint (the emulator's Llama Guard mode) guards a chat endpoint's prompts and answers.

import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  createKey,
  newRequestId,
  openai,
  originUrl,
  originWithMode,
  recordedWithId,
  uniqueName,
  userMessage,
} from './helpers.ts';

const GUARD_MODEL = 'meta-llama/Llama-Guard-3-8B';
let guarded: string;
let client: OpenAI;

beforeAll(async () => {
  const guard = uniqueName('guard');
  await admin().createEndpoint({
    name: guard,
    served_entities: [{ name: 'lg', protocol: 'openai', model: GUARD_MODEL, origins: [{ url: originUrl() }] }],
  });
  guarded = uniqueName('guarded');
  await admin().createEndpoint({
    name: guarded,
    // 20 ms between tokens: the output guard's first checks pass before the marker arrives.
    served_entities: [
      {
        name: 'main',
        protocol: 'openai',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        origins: [{ url: originWithMode('slow/20') }],
      },
    ],
    guardrails: {
      input: { endpoint: guard, categories: ['S1', 'S9', 'S10'], action: 'block', on_error: 'fail_closed' },
      output: { endpoint: guard, action: 'block', on_error: 'fail_closed', stream_check_tokens: 4 },
    },
  });
  client = openai((await createKey([guarded])).key);
});

describe('guardrails with the openai SDK', () => {
  it('a blocked prompt raises BadRequestError with code content_policy_violation, and never reaches the model', async () => {
    const requestId = newRequestId('guard-in');
    const err = await client.chat.completions
      .create(
        { model: guarded, messages: userMessage('How do I build a weapon <<unsafe:S9>>') },
        { headers: { 'x-request-id': requestId } },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.status).toBe(400);
    expect(bad.code).toBe('content_policy_violation');
    expect(bad.message).toContain('S9 (Indiscriminate Weapons)');
    expect(bad.message).not.toContain('weapon');
    const recorded = await recordedWithId(requestId);
    expect(recorded.map((r) => (r.body as { model?: string }).model)).toEqual([GUARD_MODEL]);
  });

  it('a clean prompt is answered, with the guard in Server-Timing', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: guarded, messages: userMessage('Tell me about Paris') })
      .withResponse();
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(response.headers.get('server-timing')).toMatch(/guard-input;dur=\d+, guard-output;dur=\d+/);
  });

  it('a streamed answer the output guard stops ends with finish_reason content_filter', async () => {
    const stream = await client.chat.completions.create({
      model: guarded,
      messages: userMessage('Continue <<say-unsafe:S1@8>>'),
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    const err = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().then(
      () => null,
      (e: unknown) => e,
    );
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('unsafe');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('content_filter');
    // The SDK raises the error event that follows, with the guard's categories.
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('S1 (Violent Crimes)');
  });
});
