import { beforeAll, describe, expect, it } from 'vitest';
import { admin, call, createKey, eventually, inFlight, originAttempts, originStats, originUrl } from './helpers/router';

// POST /v1/messages on an Anthropic external model: passed straight through to the provider's Messages API
// (the emulator's Anthropic flavour), not translated to chat and back.

type Event = { type: string; [k: string]: unknown };
type Message = {
  id: string;
  model: string;
  content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
};
type ErrorBody = { type: string; error: { type: string; message: string } };

const MODEL = 'claude-sonnet-4-5';
const weather = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

async function claude(name: string, mode = '', extra: Record<string, unknown> = {}): Promise<void> {
  const external_model = {
    name: MODEL,
    provider: 'anthropic',
    task: 'llm/v1/chat',
    anthropic_config: {
      anthropic_api_key: '{{secrets/ANTHROPIC_API_KEY}}',
      anthropic_api_base: `${originUrl(mode)}/anthropic`,
    },
  };
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [{ name: 'claude', external_model }],
    ...extra,
  });
  if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
}

const send = (
  key: string,
  json: unknown,
  path = '/v1/messages',
  requestId = crypto.randomUUID(),
  headers: Record<string, string> = {},
) =>
  call(path, {
    method: 'POST',
    json,
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'x-request-id': requestId, ...headers },
  });

/** The one body the provider received for this request. */
async function received(requestId: string): Promise<Record<string, unknown>> {
  const attempts = await originAttempts(requestId);
  expect(attempts).toHaveLength(1);
  expect(attempts[0]!.path).toMatch(/\/anthropic\/v1\/messages$/);
  return attempts[0]!.body!;
}

function parseEvents(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const event = JSON.parse(dataLine!.slice('data: '.length)) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

describe('Messages passed through to an Anthropic external model', () => {
  let key: string;
  beforeAll(async () => {
    await claude('pass-claude', '', {
      defaults: { system_prompt: 'You are the default system prompt.', temperature: 0.3 },
    });
    for (const mode of ['error429', 'error529', 'instream-error/2', 'slow/50'])
      await claude(`pass-claude-${mode.replace('/', '-')}`, mode);
    ({ key } = await createKey({ endpoints: null }));
  });

  it('sends the request as the client wrote it (model renamed), and answers the provider’s message with the endpoint’s name', async () => {
    const requestId = crypto.randomUUID();
    const body = {
      model: 'pass-claude',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'Sunny, 21 C' }] }],
        },
      ],
      tools: [weather],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      top_k: 40,
      stop_sequences: ['\n\nHuman:'],
      metadata: { user_id: 'user-7' },
      // Refused on the chat path (chat origins have no extended thinking); Anthropic takes it, so it passes.
      thinking: { type: 'enabled', budget_tokens: 1024 },
    };
    const res = await send(key, body, '/v1/messages', requestId);
    expect(res.status).toBe(200);
    const message = (await res.json()) as Message;
    expect(message.model).toBe('pass-claude');
    expect(message.id).toMatch(/^msg_/); // the provider's id, not the router's msg_<request id>
    expect(message.id).not.toBe(`msg_${requestId}`);
    expect(['end_turn', 'max_tokens']).toContain(message.stop_reason);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    // Byte for byte what the client sent, but the model: blocks, tool_choice, top_k, thinking and metadata untouched
    // (the chat path would have sent `system` as a string, tool results as strings, and refused `thinking`).
    expect(await received(requestId)).toEqual({ ...body, model: MODEL, temperature: 0.3 });
  });

  it('passes the client’s anthropic-beta header on to Anthropic, with the router’s credentials, not the client’s key', async () => {
    const body = { model: 'pass-claude', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] };
    const betas = 'prompt-caching-2024-07-31,token-efficient-tools-2025-02-19';
    const withBetas = crypto.randomUUID();
    expect((await send(key, body, '/v1/messages', withBetas, { 'anthropic-beta': betas })).status).toBe(200);
    const [sent] = await originAttempts(withBetas);
    expect(sent!.headers['anthropic-beta']).toBe(betas);
    expect(sent!.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent!.headers['x-api-key']).toBe('[redacted]'); // the provider's key, which the emulator's log hides
    const without = crypto.randomUUID();
    expect((await send(key, body, '/v1/messages', without)).status).toBe(200);
    expect((await originAttempts(without))[0]!.headers['anthropic-beta']).toBeUndefined();
  });

  it('answers at /endpoints/{name}/v1/messages too, with the endpoint’s defaults where the request leaves them out', async () => {
    const requestId = crypto.randomUUID();
    const res = await send(
      key,
      { max_tokens: 16, messages: [{ role: 'user', content: 'Hello there' }] },
      '/endpoints/pass-claude/v1/messages',
      requestId,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as Message).model).toBe('pass-claude');
    expect(await received(requestId)).toEqual({
      model: MODEL,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Hello there' }],
      system: 'You are the default system prompt.',
      temperature: 0.3,
    });
  });

  it('relays the provider’s stream event by event, tool use included, and counts its usage', async () => {
    const { id, key: own } = await createKey({ endpoints: ['pass-claude'] });
    const requestId = crypto.randomUUID();
    const res = await send(
      own,
      {
        model: 'pass-claude',
        max_tokens: 64,
        stream: true,
        tools: [weather],
        tool_choice: { type: 'tool', name: 'get_weather' },
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      },
      '/v1/messages',
      requestId,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseEvents(await res.text());
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      ...events.slice(6, -3).map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const start = events[0]!.message as { model: string; usage: { input_tokens: number } };
    expect(start.model).toBe('pass-claude');
    const tool = events[5]!.content_block as { type: string; name: string };
    expect(tool).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    const json = events
      .filter((e) => (e.delta as { type?: string } | undefined)?.type === 'input_json_delta')
      .map((e) => (e.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ location: 'Paris' });
    expect((events.at(-2)!.delta as { stop_reason: string }).stop_reason).toBe('tool_use');
    expect((await received(requestId)).stream).toBe(true);
    await eventually(async () => {
      const rows = (
        (await (await admin('GET', `/keys/${id}/usage`)).json()) as {
          data: Array<{ endpoint: string; completed: number; prompt_tokens: number; completion_tokens: number }>;
        }
      ).data;
      const row = rows.find((r) => r.endpoint === 'pass-claude');
      expect(row?.completed).toBe(1);
      expect(row!.prompt_tokens).toBe(start.usage.input_tokens); // from message_start
      expect(row!.completion_tokens).toBe(12); // from message_delta (the emulator's tool call counts 12)
    });
  });

  it('answers the provider’s refusals in Anthropic’s shape: its 400 with its message, 429 with Retry-After, 529 overloaded', async () => {
    const orphan = await send(key, {
      model: 'pass-claude',
      max_tokens: 16,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }],
    });
    expect(orphan.status).toBe(400);
    const refused = (await orphan.json()) as ErrorBody;
    expect(refused).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(refused.error.message).toContain('toolu_nope');

    const limited = await send(key, {
      model: 'pass-claude-error429',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as ErrorBody).error.type).toBe('rate_limit_error');

    const overloaded = await send(key, {
      model: 'pass-claude-error529',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(overloaded.status).toBe(529);
    expect(((await overloaded.json()) as ErrorBody).error.type).toBe('overloaded_error');
  });

  it('still validates the request before the provider sees it (max_tokens is required)', async () => {
    const before = (await originStats()).requests;
    const res = await send(key, { model: 'pass-claude', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.type).toBe('invalid_request_error');
    expect((await originStats()).requests).toBe(before);
  });

  it('passes an in-stream error event on, and ends there', async () => {
    const res = await send(key, {
      model: 'pass-claude-instream-error-2',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'Tell me a long story' }],
    });
    expect(res.status).toBe(200);
    const events = parseEvents(await res.text());
    expect(events.at(-1)!.type).toBe('error');
    expect(events.some((e) => e.type === 'message_stop')).toBe(false);
  });

  it('a client leaving mid-stream aborts the provider request and frees the slot', async () => {
    const { id, key: one } = await createKey({ concurrency_limit: 1, endpoints: null });
    const abortedBefore = (await originStats()).aborted;
    const res = await send(one, {
      model: 'pass-claude-slow-50',
      max_tokens: 200,
      stream: true,
      messages: [{ role: 'user', content: 'Tell me a long story about the sea' }],
    });
    expect(res.status).toBe(200);
    const second = await send(one, {
      model: 'pass-claude',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(second.status).toBe(429);
    const reader = res.body!.getReader();
    let deltas = 0;
    while (deltas < 3) {
      const { value } = await reader.read();
      deltas += (new TextDecoder().decode(value).match(/event: content_block_delta/g) ?? []).length;
    }
    await reader.cancel();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });
});
