import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error';
import { chatToAnthropic, DEFAULT_MAX_TOKENS } from '../../src/protocols/chat-on-anthropic/request-adapter';
import { ChatOnAnthropicCodec } from '../../src/protocols/chat-on-anthropic/stream-codec';
import { chatOnAnthropicResponse } from '../../src/protocols/chat-on-anthropic/response-translation';

const ev = (payload: { type: string } & Record<string, unknown>) =>
  `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
const STREAM = [
  ev({
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 },
    },
  }),
  ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ev({ type: 'ping' }),
  ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
  ev({ type: 'content_block_stop', index: 0 }),
  ev({
    type: 'content_block_start',
    index: 1,
    content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
  }),
  ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } }),
  ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } }),
  ev({ type: 'content_block_stop', index: 1 }),
  ev({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 7 } }),
  ev({ type: 'message_stop' }),
].join('');

/** The chunks, without `created` (a clock reading, not part of what is compared). */
function payloads(out: string): unknown[] {
  return out
    .split('\n\n')
    .filter((e) => e.startsWith('data: ') && e !== 'data: [DONE]')
    .map((e) => {
      const { created: _clock, ...chunk } = JSON.parse(e.slice(6)) as Record<string, unknown>;
      return chunk;
    });
}

describe('ChatOnAnthropicCodec', () => {
  it('gives the same chunks however the stream is split into network reads', () => {
    const whole = new ChatOnAnthropicCodec({ id: 'chatcmpl-x', endpointName: 'ep', clientWantsUsage: true });
    const expected = whole.push(STREAM) + whole.end();
    for (const size of [1, 7, 64]) {
      const c = new ChatOnAnthropicCodec({ id: 'chatcmpl-x', endpointName: 'ep', clientWantsUsage: true });
      let out = '';
      for (let i = 0; i < STREAM.length; i += size) out += c.push(STREAM.slice(i, i + size));
      out += c.end();
      expect(payloads(out)).toEqual(payloads(expected));
    }
    expect(expected.endsWith('data: [DONE]\n\n')).toBe(true);
    const chunks = payloads(expected) as Array<{
      choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
      usage?: unknown;
    }>;
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hello' },
      { tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 15, completion_tokens: 7, total_tokens: 22 });
    expect(whole.usage).toEqual({ promptTokens: 15, completionTokens: 7 });
  });

  it('reports a stream that ends before message_stop as an error, and an error event as one', () => {
    const cut = new ChatOnAnthropicCodec({ id: 'x', endpointName: 'ep', clientWantsUsage: false });
    const out = cut.push(STREAM.slice(0, STREAM.indexOf('event: message_delta'))) + cut.end();
    expect(out).toContain('"code":"origin_stream_truncated"');
    expect(cut.usage.promptTokens).toBe(15); // usage so far is still counted
    const failed = new ChatOnAnthropicCodec({ id: 'x', endpointName: 'ep', clientWantsUsage: false });
    const error = failed.push(ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    expect(error).toContain('"code":"provider_overloaded"');
    expect(failed.errored).toBe(true);
  });
});

describe('chatToAnthropic', () => {
  it('maps images (data: and https URLs) and merges consecutive tool results into one user turn', () => {
    const body = chatToAnthropic(
      {
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'Rules.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
              { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
            ],
          },
          {
            role: 'assistant',
            content: 'Calling',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
              { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'one' },
          { role: 'tool', tool_call_id: 'c2', content: 'two' },
        ],
        parallel_tool_calls: false,
      },
      'claude',
      false,
    );
    expect(body.system).toBe('Rules.');
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          { type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Calling' },
          { type: 'tool_use', id: 'c1', name: 'f', input: {} },
          { type: 'tool_use', id: 'c2', name: 'g', input: { x: 1 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'one' },
          { type: 'tool_result', tool_use_id: 'c2', content: 'two' },
        ],
      },
    ]);
  });

  it('maps tool_choice and refuses what has no Anthropic counterpart, naming the field', () => {
    const messages = [{ role: 'user' as const, content: 'x' }];
    expect(chatToAnthropic({ messages, tool_choice: 'required' }, 'm', false).tool_choice).toEqual({ type: 'any' });
    expect(
      chatToAnthropic({ messages, tool_choice: { type: 'function', function: { name: 'f' } } }, 'm', false).tool_choice,
    ).toEqual({ type: 'tool', name: 'f' });
    expect(chatToAnthropic({ messages, n: 1, presence_penalty: 0, logprobs: false, top_k: -1 }, 'm', true)).toEqual({
      model: 'm',
      max_tokens: DEFAULT_MAX_TOKENS,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      stream: true,
    });
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ seed: 3 }, 'seed'],
      [{ frequency_penalty: 0.5 }, 'frequency_penalty'],
      [{ logit_bias: { '1': 2 } }, 'logit_bias'],
      [{ tools: [{ type: 'function', function: { name: 'f', strict: true } }] }, 'tools.0.function.strict'],
      [
        {
          messages: [
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'not json' } }],
            },
          ],
        },
        'messages.0.tool_calls.0.function.arguments',
      ],
      [{ messages: [{ role: 'system', content: 'only system' }] }, 'messages'],
    ];
    for (const [extra, param] of refused) {
      try {
        chatToAnthropic({ messages, ...extra }, 'm', false);
        expect.unreachable(`${param} was not refused`);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).param).toBe(param);
        expect((err as ApiError).status).toBe(400);
      }
    }
  });
});

describe('chatOnAnthropicResponse', () => {
  it('joins text, turns tool_use into tool_calls and counts cached prompt tokens', () => {
    const { body, usage } = chatOnAnthropicResponse(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude',
        stop_reason: 'max_tokens',
        stop_sequence: null,
        content: [
          { type: 'text', text: 'a' },
          { type: 'thinking', thinking: 'hidden' },
          { type: 'text', text: 'b' },
          { type: 'tool_use', id: 't', name: 'f', input: { q: 1 } },
        ],
        usage: { input_tokens: 3, cache_creation_input_tokens: 2, output_tokens: 4 },
      },
      { id: 'chatcmpl-r', endpointName: 'ep' },
    );
    expect(body).toMatchObject({
      id: 'chatcmpl-r',
      object: 'chat.completion',
      model: 'ep',
      choices: [
        {
          message: {
            role: 'assistant',
            content: 'ab',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }],
          },
          finish_reason: 'length',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
    expect(usage).toEqual({ promptTokens: 5, completionTokens: 4 });
  });
});
