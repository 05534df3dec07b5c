// External models under `wrangler dev`: the official openai SDK against an OpenAI and an
// Anthropic external model, with the emulator's provider flavours standing in for the
// providers (each endpoint's API base points at the emulator). The secrets are the
// emulated providers' keys, given to wrangler dev as an env file (test/e2e/setup/stack.ts).

import OpenAI, { APIError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  createKey,
  newRequestId,
  openai,
  originUrl,
  recordedRequest,
  rejectionOf,
  uniqueName,
  userMessage,
} from './helpers.ts';

type Model = Parameters<ReturnType<typeof admin>['createEndpoint']>[0]['served_entities'][number];

function openaiModel(
  name: string,
  task: 'llm/v1/chat' | 'llm/v1/embeddings' = 'llm/v1/chat',
  secret = 'OPENAI_API_KEY',
  mode = '',
): Model {
  return {
    name: 'ext',
    external_model: {
      name,
      provider: 'openai',
      task,
      openai_config: {
        openai_api_key: `{{secrets/${secret}}}`,
        openai_api_base: `${originUrl()}${mode ? `/mode/${mode}` : ''}/openai/v1`,
      },
    },
  };
}

function anthropicModel(mode = '', name = 'claude-sonnet-4-5'): Model {
  return {
    name: 'ext',
    external_model: {
      name,
      provider: 'anthropic',
      task: 'llm/v1/chat',
      anthropic_config: {
        anthropic_api_key: '{{secrets/ANTHROPIC_API_KEY}}',
        anthropic_api_base: `${originUrl()}${mode ? `/mode/${mode}` : ''}/anthropic`,
      },
    },
  };
}

async function endpoint(prefix: string, entity: Model): Promise<string> {
  const created = await admin().createEndpoint({ name: uniqueName(prefix), served_entities: [entity] });
  expect(created.state).toBe('ready');
  return created.name;
}

const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

let client: OpenAI;
let clientKey: string;
const ep: Record<string, string> = {};

beforeAll(async () => {
  ep.gpt = await endpoint('ext-gpt', openaiModel('gpt-4o-mini'));
  ep.embed = await endpoint('ext-embed', openaiModel('text-embedding-3-small', 'llm/v1/embeddings'));
  ep.gptWrongKey = await endpoint('ext-gpt-wrong', openaiModel('gpt-4o-mini', 'llm/v1/chat', 'WRONG_OPENAI_KEY'));
  ep.gpt429 = await endpoint('ext-gpt-429', openaiModel('gpt-4o-mini', 'llm/v1/chat', 'OPENAI_API_KEY', 'error429'));
  ep.claude = await endpoint('ext-claude', anthropicModel());
  ep.claude529 = await endpoint('ext-claude-529', anthropicModel('error529'));
  ep.claude429 = await endpoint('ext-claude-429', anthropicModel('error429'));
  ep.claudeUnknown = await endpoint('ext-claude-404', anthropicModel('', 'claude-nonexistent'));
  clientKey = (await createKey(null)).key;
  client = openai(clientKey);
});

describe.each([
  ['OpenAI', 'gpt'],
  ['Anthropic', 'claude'],
])('the openai SDK against an %s external model', (_provider, which) => {
  it('chat, non-streaming', async () => {
    const requestId = newRequestId('ext');
    const completion = await client.chat.completions.create(
      {
        model: ep[which]!,
        messages: [{ role: 'system', content: 'Be brief.' }, ...userMessage('Hello there')],
        max_tokens: 6,
      },
      { headers: { 'x-request-id': requestId } },
    );
    expect(completion.model).toBe(ep[which]);
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBe(6);
    // The provider saw its own key, never the client's.
    const seen = await recordedRequest(requestId);
    expect(JSON.stringify(seen)).not.toContain(clientKey);
    expect(seen.headers[which === 'gpt' ? 'authorization' : 'x-api-key']).toBe('[redacted]');
  });

  it('chat, streaming, with usage', async () => {
    const stream = await client.chat.completions.create({
      model: ep[which]!,
      messages: userMessage('Tell me something'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
  });

  it('tools: a tool call, then the answer to its result', async () => {
    const first = await client.chat.completions.create({
      model: ep[which]!,
      messages: userMessage('Weather in Paris?'),
      tools: [weather],
    });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });

    const second = await client.chat.completions.create({
      model: ep[which]!,
      tools: [weather],
      messages: [
        ...userMessage('Weather in Paris?'),
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 C' },
      ],
    });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(second.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it('tools, streaming: the SDK reassembles the call', async () => {
    const runner = client.chat.completions.stream({
      model: ep[which]!,
      messages: userMessage('Weather in Paris?'),
      tools: [weather],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message
      .tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });
  });
});

describe('embeddings on an OpenAI external model', () => {
  it('returns vectors (the SDK asks for base64 and decodes it)', async () => {
    const result = await client.embeddings.create({ model: ep.embed!, input: ['first', 'second'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding).toHaveLength(8);
    expect(result.usage.prompt_tokens).toBe(2);
  });

  it('the task decides the routes: chat on an embeddings model is a BadRequestError naming the task', async () => {
    const err = await rejectionOf(client.chat.completions.create({ model: ep.embed!, messages: userMessage('hi') }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).message).toContain("task 'llm/v1/embeddings'");
  });
});

describe("providers' errors map to the SDK's classes", () => {
  it('a rate-limited provider is a RateLimitError with its Retry-After', async () => {
    for (const name of [ep.gpt429!, ep.claude429!]) {
      const err = await rejectionOf(client.chat.completions.create({ model: name, messages: userMessage('hi') }));
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as APIError).headers?.get('retry-after')).toBe('7');
      expect((err as APIError).code).toBe('provider_rate_limited');
    }
  });

  it('an overloaded Anthropic (529) is a 503 InternalServerError with Retry-After', async () => {
    const err = await rejectionOf(
      client.chat.completions.create({ model: ep.claude529!, messages: userMessage('hi') }),
    );
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(503);
    expect((err as APIError).headers?.get('retry-after')).toBe('1');
  });

  it("the provider refusing the router's key, or not knowing the model, is a 502 (the endpoint's fault, not the client's)", async () => {
    const auth = await rejectionOf(
      client.chat.completions.create({ model: ep.gptWrongKey!, messages: userMessage('hi') }),
    );
    expect(auth).toBeInstanceOf(InternalServerError);
    expect((auth as APIError).status).toBe(502);
    expect((auth as APIError).code).toBe('provider_authentication_failed');
    const missing = await rejectionOf(
      client.chat.completions.create({ model: ep.claudeUnknown!, messages: userMessage('hi') }),
    );
    expect((missing as APIError).status).toBe(502);
    expect((missing as APIError).code).toBe('provider_not_found');
  });

  it('what Anthropic cannot honour is a BadRequestError naming the field', async () => {
    const err = await rejectionOf(
      client.chat.completions.create({ model: ep.claude!, messages: userMessage('hi'), temperature: 1.7 }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).param).toBe('temperature');
  });
});
