// A stream with nothing to change passes through the router natively (src/proxy/pass-through.ts):
// an endpoint named as the origin serves the model (vLLM's --served-model-name) and a client that
// asks for usage, driven with the official openai SDK and the Vercel AI SDK, which asks for it.

import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import type OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, collect, createKey, eventually, openai, originWithMode, routerUrl, userMessage } from './helpers.ts';
import { E2E_SERVED_NAME } from './setup/stack.ts';

type ChatChunk = OpenAI.Chat.Completions.ChatCompletionChunk;

let key: { id: string; key: string };

beforeAll(async () => {
  await admin().createEndpoint({
    name: E2E_SERVED_NAME,
    served_entities: [
      { name: 'main', protocol: 'openai', model: E2E_SERVED_NAME, origins: [{ url: originWithMode() }] },
    ],
  });
  key = await createKey([E2E_SERVED_NAME]);
});

describe('streams that pass through natively', () => {
  it('openai SDK: the stream and its usage chunk, as the origin wrote them; the usage is counted', async () => {
    const client = openai(key.key);
    const stream = await client.chat.completions.create({
      model: E2E_SERVED_NAME,
      messages: userMessage('Tell me about Paris'),
      max_tokens: 40,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatChunk[] = await collect(stream);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.model === E2E_SERVED_NAME)).toBe(true);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage!.completion_tokens).toBeGreaterThan(0);
    // The same request not streamed: the same answer (the emulator is deterministic), counted alike.
    const plain = await client.chat.completions.create({
      model: E2E_SERVED_NAME,
      messages: userMessage('Tell me about Paris'),
      max_tokens: 40,
    });
    expect(plain.choices[0]!.message.content).toBe(text);
    expect(plain.usage).toMatchObject({
      prompt_tokens: usage.usage!.prompt_tokens,
      completion_tokens: usage.usage!.completion_tokens,
    });
    await eventually(async () => {
      const row = (await admin().keyUsage(key.id)).find((r) => r.endpoint === E2E_SERVED_NAME);
      expect(row).toMatchObject({
        requests: 2,
        completed: 2,
        prompt_tokens: 2 * usage.usage!.prompt_tokens,
        completion_tokens: 2 * usage.usage!.completion_tokens,
      });
    });
  });

  it('Vercel AI SDK: streamText over chat completions reads the text and the usage', async () => {
    const provider = createOpenAI({ apiKey: key.key, baseURL: `${routerUrl()}/v1` });
    const streamed = streamText({
      model: provider.chat(E2E_SERVED_NAME),
      prompt: 'Tell me about Paris',
      maxRetries: 0,
    });
    const text = (await collect(streamed.textStream)).join('');
    expect(text.length).toBeGreaterThan(0);
    const usage = await streamed.usage;
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect((await streamed.response).modelId).toBe(E2E_SERVED_NAME);
  });

  it('the same endpoint without include_usage: no usage chunk the client did not ask for', async () => {
    const chunks: ChatChunk[] = await collect(
      await openai(key.key).chat.completions.create({
        model: E2E_SERVED_NAME,
        messages: userMessage('Tell me about Paris'),
        max_tokens: 10,
        stream: true,
      }),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.choices.length > 0 && !c.usage)).toBe(true);
  });
});
