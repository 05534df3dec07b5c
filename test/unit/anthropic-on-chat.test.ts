import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error';
import { renderAnthropicError } from '../../src/http/error-renderers';
import type { MessagesRequest } from '../../src/protocols/anthropic/types';
import { inClientTerms } from '../../src/api/client-terms';
import type { Endpoint, ServedEntity } from '../../src/endpoints/schema';
import { anthropicOnChat } from '../../src/protocols/anthropic-on-chat';
import { messagesField, messagesToChat } from '../../src/protocols/anthropic-on-chat/request-adapter';
import { once } from '../../src/protocols/chat/chat-exchange';
import { anthropicOnChatResponse } from '../../src/protocols/anthropic-on-chat/response-translation';
import { mapChatFinishToAnthropic } from '../../src/protocols/shared/map-chat-finish-reason';
import { AnthropicOnChatCodec } from '../../src/protocols/anthropic-on-chat/stream-codec';
import { OpenAIPassthroughCodec } from '../../src/protocols/openai-passthrough/stream-codec';
import { ChatOnTgiCodec } from '../../src/protocols/chat-on-tgi/stream-codec';

const base = (extra: Partial<MessagesRequest>): MessagesRequest => ({
  max_tokens: 10,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

function parse(sse: string): Array<Record<string, unknown>> {
  return sse
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((b) => {
      const [event, data] = b.split('\n');
      const parsed = JSON.parse(data!.slice(6)) as Record<string, unknown>;
      expect(event).toBe(`event: ${String(parsed.type)}`);
      return parsed;
    });
}

describe('messagesToChat', () => {
  it('maps system blocks, images, tool use and results, sampling, tool choice and metadata.user_id', () => {
    const chat = messagesToChat({
      model: 'demo',
      max_tokens: 64,
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Use metric.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look: ' },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'QUJD' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: '…', signature: 's' },
            { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'boom', is_error: true }] },
      ],
      stop_sequences: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      metadata: { user_id: 'u1' },
    });
    expect(chat).toEqual({
      model: 'demo',
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'Be brief.\nUse metric.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look: ' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,QUJD' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Error: boom' },
      ],
      stop: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      user: 'u1',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(messagesToChat(base({ tool_choice: { type: 'tool', name: 'f' } })).tool_choice).toEqual({
      type: 'function',
      function: { name: 'f' },
    });
    expect(messagesToChat(base({ tool_choice: { type: 'none' } })).tool_choice).toBe('none');
  });

  it('refuses what needs Anthropic’s servers, naming the field', () => {
    expect(
      refusal(() =>
        messagesToChat(base({ thinking: { type: 'enabled', budget_tokens: 2000 } } as Partial<MessagesRequest>)),
      ).param,
    ).toBe('thinking');
    expect(refusal(() => messagesToChat(base({ tools: [{ type: 'bash_20250124', name: 'bash' }] })))).toMatchObject({
      param: 'tools.0',
      code: 'unsupported_tool',
    });
    expect(
      refusal(() => messagesToChat(base({ messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] })))
        .param,
    ).toBe('messages.0.content.0.type');
    expect(refusal(() => messagesToChat(base({ tool_choice: { type: 'tool' } }))).param).toBe('tool_choice.name');
  });

  it("finds the Messages field a chat message's field came from, for the origin adapter's refusals", () => {
    const { messages } = messagesToChat(
      base({
        system: [{ type: 'text', text: 'Be brief' }],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: '…', signature: 's' },
              { type: 'text', text: 'Let me look.' },
              { type: 'tool_use', id: 't1', name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 't2', name: 'get_time', input: {} },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't1', content: 'sunny' },
              { type: 'text', text: 'And this map?' },
              { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: '9:00' }] },
              { type: 'image', source: { type: 'url', url: 'https://x.test/map.png' } },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't3', name: 'get_weather', input: {} }] },
        ],
      }),
    );
    // Chat: system, user, assistant (2 calls), tool t1, tool t2, user (text + image parts), assistant (1 call).
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'user', 'assistant']);
    // A default system prompt prepended to the chat request shifts the indexes, not the messages.
    const withDefault = [{ role: 'system', content: 'default' }, ...messages];
    const at = (param: string) => messagesField(withDefault, param);
    expect(at('messages.0.content')).toBeNull(); // the endpoint's system prompt: no Messages field
    expect(at('messages.1.content')).toBe('system');
    expect(at('messages.1.role')).toBe('system');
    expect(at('messages.2.role')).toBe('messages.0.role');
    expect(at('messages.2.content')).toBe('messages.0.content');
    expect(at('messages.3.content')).toBe('messages.1.content');
    expect(at('messages.3.content.0')).toBe('messages.1.content');
    expect(at('messages.3.tool_calls.0.function.arguments')).toBe('messages.1.content.2.input');
    expect(at('messages.3.tool_calls.1.function.name')).toBe('messages.1.content.3.name');
    expect(at('messages.3.tool_calls.1.id')).toBe('messages.1.content.3.id');
    expect(at('messages.3.tool_calls.1')).toBe('messages.1.content.3');
    expect(at('messages.3.tool_calls.5')).toBe('messages.1');
    expect(at('messages.4.tool_call_id')).toBe('messages.2.content.0.tool_use_id');
    expect(at('messages.4.content')).toBe('messages.2.content.0.content');
    expect(at('messages.5.content.0')).toBe('messages.2.content.2.content');
    expect(at('messages.5.role')).toBe('messages.2.content.2');
    // The rest of the turn: its parts are the turn's text and image blocks, after the tool results.
    expect(at('messages.6.content.0.type')).toBe('messages.2.content.1.type');
    expect(at('messages.6.content.1.image_url.url')).toBe('messages.2.content.3.source');
    expect(at('messages.6.content.1')).toBe('messages.2.content.3');
    expect(at('messages.6.content')).toBe('messages.2.content');
    expect(at('messages.6.role')).toBe('messages.2.role');
    expect(at('messages.7')).toBe('messages.3');
    expect(at('messages.7.tool_calls.0.function.arguments')).toBe('messages.3.content.0.input');
    expect(at('messages.8')).toBeNull();
    expect(at('messages')).toBeNull();
    expect(at('tools.0.function.parameters')).toBeNull();
    // A text-only rest of the turn is one string: its content is the message's.
    const textOnly = messagesToChat(
      base({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
    ).messages;
    expect(messagesField(textOnly, 'messages.0.content')).toBe('messages.0.content');
  });
});

describe('anthropicOnChat: a refusal of the origin chat adapter, in Messages terms', () => {
  // The Anthropic provider's chat adapter (chat-on-anthropic) refuses what its Messages API cannot take, in chat's
  // terms. (The registry sends a Messages request for an Anthropic model through the passthrough; here the pair is
  // driven onto that adapter directly, as the chat-path refuser that checks message content.)
  const entity = {
    name: 'claude',
    external_model: { name: 'claude-x', provider: 'anthropic', task: 'llm/v1/chat' },
  } as ServedEntity;
  const ctx = (defaults: Endpoint['defaults'] = {}) => ({
    endpoint: { name: 'ep', defaults } as Endpoint,
    entity,
    originModel: 'claude-x',
    requestId: 'r1',
    stream: false,
  });
  /** What the route answers: the pair's exchange under the route's client-terms renaming, rendered in Anthropic's shape. */
  async function refused(
    request: MessagesRequest,
    defaults?: Endpoint['defaults'],
  ): Promise<{ param: string | null; body: unknown }> {
    const err = refusal(() =>
      inClientTerms('messages', () =>
        anthropicOnChat.exchange({ request, chat: once(() => messagesToChat(request)) }, ctx(defaults)),
      ),
    );
    return { param: err.param, body: await renderAnthropicError(err).json() };
  }
  const invalid = (message: string) => ({ type: 'error', error: { type: 'invalid_request_error', message } });

  it('names the tool_use block whose input the adapter refused, not the tool call chat made of it', async () => {
    // Chat: system, user, assistant with the call: messages.2.tool_calls.0.function.arguments.
    const { param, body } = await refused(
      base({
        system: 'Be brief',
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me look.' },
              { type: 'tool_use', id: 't1', name: 'get_weather', input: ['Paris'] },
            ],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'sunny' }] },
        ],
      }),
    );
    expect(param).toBe('messages.1.content.1.input');
    expect(body).toEqual(
      invalid("Invalid 'messages.1.content.1.input': must be a JSON object (Anthropic takes tool input as an object)"),
    );
  });

  it('names the image block (after a tool result that became a message of its own) the adapter refused', async () => {
    // Chat: system, user, assistant, tool (t1), user [text, image]: messages.4.content.1.image_url.url.
    const { param, body } = await refused(
      base({
        system: 'Be brief',
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't1', content: 'sunny' },
              { type: 'text', text: 'And this map?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'Qk0=' } },
            ],
          },
        ],
      }),
    );
    expect(param).toBe('messages.2.content.2.source');
    expect(body).toEqual(
      invalid(
        "'messages.2.content.2.source' is not supported by this endpoint's Anthropic model: Anthropic takes base64 JPEG, PNG, GIF or WebP images",
      ),
    );
  });

  it("counts the client's messages past the endpoint's system prompt, and names 'messages' for what no field built", async () => {
    // The endpoint's system prompt is chat's messages.0: the image is chat's messages.1.content.0.
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'Qk0=' } };
    const shifted = await refused(base({ messages: [{ role: 'user', content: [image] }] }), {
      system_prompt: 'Be brief',
    });
    expect(shifted.param).toBe('messages.0.content.0.source');
    expect(JSON.stringify(shifted.body)).not.toContain('image_url');
    // A turn of no blocks leaves chat no message to send: the refusal is of the messages.
    const empty = await refused(base({ messages: [{ role: 'user', content: [] }] }));
    expect(empty.param).toBe('messages');
    expect(empty.body).toEqual(
      invalid("Invalid 'messages': Anthropic needs at least one user message besides the system messages"),
    );
  });
});

describe('stop reasons and the non-streaming answer', () => {
  it('names the stop sequence vLLM reports, or the one TGI left at the end of the text', () => {
    expect(mapChatFinishToAnthropic({ reason: 'stop', stopReason: 'END' }, 'abc', ['END'], false)).toEqual({
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
    });
    expect(mapChatFinishToAnthropic({ reason: 'stop', stopReason: null }, 'abc END', ['END'], false)).toEqual({
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
    });
    expect(mapChatFinishToAnthropic({ reason: 'stop', stopReason: null }, 'abc', ['END'], false)).toEqual({
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(mapChatFinishToAnthropic({ reason: 'length', stopReason: null }, '', [], false).stop_reason).toBe(
      'max_tokens',
    );
    expect(mapChatFinishToAnthropic({ reason: 'stop', stopReason: null }, '', [], true).stop_reason).toBe('tool_use');
  });

  it('says max_tokens (or refusal), not tool_use, for a tool call cut off by length or a filter', () => {
    expect(mapChatFinishToAnthropic({ reason: 'length', stopReason: null }, '', [], true).stop_reason).toBe(
      'max_tokens',
    );
    expect(mapChatFinishToAnthropic({ reason: 'content_filter', stopReason: null }, '', [], true).stop_reason).toBe(
      'refusal',
    );
    const msg = anthropicOnChatResponse(
      {
        choices: [
          {
            message: { content: null, tool_calls: [{ id: 'call_1', function: { name: 'f', arguments: '{"x":' } }] },
            finish_reason: 'length',
          },
        ],
      },
      { promptTokens: 4, completionTokens: 6 },
      { id: 'msg_r1', endpointName: 'demo', requestId: 'r1', stops: [] },
    );
    expect(msg.stop_reason).toBe('max_tokens');
  });

  it('builds text and tool_use blocks with parsed input', () => {
    const msg = anthropicOnChatResponse(
      {
        choices: [
          {
            message: { content: 'Hi', tool_calls: [{ id: '', function: { name: 'f', arguments: '{"x":2}' } }] },
            finish_reason: 'tool_calls',
          },
        ],
      },
      { promptTokens: 4, completionTokens: 6 },
      { id: 'msg_r1', endpointName: 'demo', requestId: 'r1', stops: [] },
    );
    expect(msg).toEqual({
      id: 'msg_r1',
      type: 'message',
      role: 'assistant',
      model: 'demo',
      content: [
        { type: 'text', text: 'Hi' },
        { type: 'tool_use', id: 'call_r1_0', name: 'f', input: { x: 2 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 4, output_tokens: 6 },
    });
  });

  it('renders errors with Anthropic’s statuses and types', async () => {
    const overloaded = renderAnthropicError(new ApiError(503, 'No healthy origin', { code: 'no_healthy_origin' }));
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'No healthy origin' },
    });
    expect(renderAnthropicError(new ApiError(422, 'bad', { code: 'origin_rejected_request' })).status).toBe(400);
    const timeout = renderAnthropicError(new ApiError(504, 'slow'));
    expect(((await timeout.json()) as { error: { type: string } }).error.type).toBe('timeout_error');
  });
});

describe('AnthropicOnChatCodec', () => {
  const opts = { id: 'msg_r1', endpointName: 'demo', requestId: 'r1', stops: ['END'] };

  it('frames text then a tool call as two blocks, and ends with the usage', () => {
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', model: 'org/m', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const c = new AnthropicOnChatCodec(
      new OpenAIPassthroughCodec({ originModel: 'org/m', endpointName: 'demo', clientWantsUsage: true }),
      opts,
    );
    const stream =
      chunk({ role: 'assistant', content: '' }) +
      chunk({ content: 'Let me ' }) +
      chunk({ content: 'check.' }) +
      chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, 'tool_calls') +
      'data: {"id":"c","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":5}}\n\ndata: [DONE]\n\n';
    let out = '';
    for (let i = 0; i < stream.length; i += 11) out += c.push(stream.slice(i, i + 11));
    const events = parse(out + c.end());
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[6]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_9', name: 'f', input: {} },
    });
    expect(events[7]).toEqual({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '{"a":' },
    });
    expect(events[10]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 7, output_tokens: 5 },
    });
    expect(c.complete).toBe(true);
  });

  describe('parallel tool calls', () => {
    const chunk = (calls: unknown[], finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', model: 'org/m', choices: [{ index: 0, delta: { tool_calls: calls }, finish_reason: finish }] })}\n\n`;
    const start = (index: number, args?: string) => ({
      index,
      id: `call_${index}`,
      type: 'function',
      function: { name: `f${index}`, ...(args === undefined ? {} : { arguments: args }) },
    });
    const args = (index: number, a: string) => ({ index, function: { arguments: a } });
    const end = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":5}}\n\ndata: [DONE]\n\n';

    /** Runs the stream and checks Anthropic's rules: deltas and stops only for the open block, blocks numbered in order. */
    function run(stream: string) {
      const c = new AnthropicOnChatCodec(
        new OpenAIPassthroughCodec({ originModel: 'org/m', endpointName: 'demo', clientWantsUsage: true }),
        opts,
      );
      const events = parse(c.push(stream) + c.end());
      let open = -1;
      let next = 0;
      const inputs = new Map<number, string>();
      const ids: string[] = [];
      for (const e of events) {
        if (e.type === 'content_block_start') {
          expect(open).toBe(-1);
          expect(e.index).toBe(next++);
          open = e.index as number;
          ids.push((e.content_block as { id: string }).id);
          inputs.set(open, '');
        } else if (e.type === 'content_block_delta') {
          expect(e.index).toBe(open);
          inputs.set(open, inputs.get(open)! + (e.delta as { partial_json: string }).partial_json);
        } else if (e.type === 'content_block_stop') {
          expect(e.index).toBe(open);
          open = -1;
        }
      }
      expect(open).toBe(-1);
      expect(c.errored).toBe(false);
      const byId = Object.fromEntries(ids.map((id, i) => [id, JSON.parse(inputs.get(i)!) as unknown]));
      return { events, byId };
    }

    it('keeps the event sequence valid when a call gets arguments after the next one started', () => {
      // Chunk 1 starts calls 0 and 1; chunk 2 sends arguments for call 0.
      const { events, byId } = run(
        chunk([start(0), start(1)]) +
          chunk([args(0, '{"a":')]) +
          chunk([args(1, '{"b":')]) +
          chunk([args(0, '1}')]) +
          chunk([args(1, '2}')], 'tool_calls') +
          end,
      );
      expect(byId).toEqual({ call_0: { a: 1 }, call_1: { b: 2 } });
      // Call 1 comes whole at the end: start, one delta, stop.
      expect(events.filter((e) => e.index === 1).map((e) => e.type)).toEqual([
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
      ]);
      expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' } });
    });

    it('does so too when the first chunk already carries arguments for both calls', () => {
      const { byId } = run(
        chunk([start(0, '{"a"'), start(1, '{"b"')]) +
          chunk([args(0, ':1}')]) +
          chunk([args(1, ':2}')], 'tool_calls') +
          end,
      );
      expect(byId).toEqual({ call_0: { a: 1 }, call_1: { b: 2 } });
    });

    it('ends the stream with an error, never a delta for a closed block, when arguments follow text', () => {
      const c = new AnthropicOnChatCodec(
        new OpenAIPassthroughCodec({ originModel: 'org/m', endpointName: 'demo', clientWantsUsage: true }),
        opts,
      );
      const text = `data: ${JSON.stringify({ id: 'c', model: 'org/m', choices: [{ index: 0, delta: { content: 'x' } }] })}\n\n`;
      const events = parse(c.push(chunk([start(0)]) + text + chunk([args(0, '{}')]) + end) + c.end());
      expect(events.filter((e) => e.type === 'content_block_delta' && e.index === 0)).toEqual([]);
      expect(events.at(-1)).toMatchObject({ type: 'error' });
      expect(c.errored).toBe(true);
    });

    it('still streams the deltas of calls that come one after the other (vLLM)', () => {
      const { events, byId } = run(
        chunk([start(0)]) +
          chunk([args(0, '{"a":')]) +
          chunk([args(0, '1}')]) +
          chunk([start(1)]) +
          chunk([args(1, '{"b":')]) +
          chunk([args(1, '2}')], 'tool_calls') +
          end,
      );
      expect(byId).toEqual({ call_0: { a: 1 }, call_1: { b: 2 } });
      expect(events.map((e) => `${String(e.type)}${e.index === undefined ? '' : `:${String(e.index)}`}`)).toEqual([
        'message_start',
        'ping',
        'content_block_start:0',
        'content_block_delta:0',
        'content_block_delta:0',
        'content_block_stop:0',
        'content_block_start:1',
        'content_block_delta:1',
        'content_block_delta:1',
        'content_block_stop:1',
        'message_delta',
        'message_stop',
      ]);
    });
  });

  it('ends a stream whose tool call was cut off by length with max_tokens', () => {
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', model: 'org/m', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const c = new AnthropicOnChatCodec(
      new OpenAIPassthroughCodec({ originModel: 'org/m', endpointName: 'demo', clientWantsUsage: true }),
      opts,
    );
    const events = parse(
      c.push(
        chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f' } }] }) +
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, 'length') +
          'data: [DONE]\n\n',
      ) + c.end(),
    );
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
    });
  });

  it('sees the stop sequence TGI keeps at the end of a streamed text', () => {
    const tgi = (text: string, finish: string | null = null) =>
      `data:${JSON.stringify({ object: 'chat.completion.chunk', id: '', model: 'tgi', choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: finish }], usage: null })}\n\n`;
    const c = new AnthropicOnChatCodec(
      new ChatOnTgiCodec({ endpointName: 'demo', id: 'chatcmpl-r1', clientWantsUsage: true }),
      opts,
    );
    const events = parse(c.push(tgi('all E') + tgi('N') + tgi('D', 'stop_sequence') + 'data:[DONE]\n\n') + c.end());
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
    });
  });

  it('tells a failure as an Anthropic error event, once', () => {
    const c = new AnthropicOnChatCodec(
      new OpenAIPassthroughCodec({ originModel: 'm', endpointName: 'demo', clientWantsUsage: true }),
      opts,
    );
    const events = parse(c.fail('The origin sent nothing for 10 ms (idle timeout)', 'origin_timeout'));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'ping', 'error']);
    expect(events[2]).toEqual({
      type: 'error',
      error: { type: 'timeout_error', message: 'The origin sent nothing for 10 ms (idle timeout)' },
    });
    expect(c.end()).toBe('');
  });
});
