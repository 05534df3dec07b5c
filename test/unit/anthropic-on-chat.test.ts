import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error';
import { renderAnthropicError } from '../../src/http/error-renderers';
import type { MessagesRequest } from '../../src/protocols/anthropic/types';
import { messagesToChat } from '../../src/protocols/anthropic-on-chat/request-adapter';
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
