import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error';
import { OpenAIPassthroughCodec } from '../../src/protocols/openai-passthrough/stream-codec';
import { refuseUnsupported } from '../../src/protocols/responses/refusals';
import type { ResponsesRequest } from '../../src/protocols/responses/types';
import { inputField, responsesToChat } from '../../src/protocols/responses-on-chat/request-adapter';
import { responsesOnChatResponse } from '../../src/protocols/responses-on-chat/response-translation';
import { ResponsesOnChatCodec } from '../../src/protocols/responses-on-chat/stream-codec';
import { ChatOnTgiCodec } from '../../src/protocols/chat-on-tgi/stream-codec';

const shell = (request: Partial<ResponsesRequest> = {}) => ({
  id: 'resp_r1',
  createdAt: 1,
  endpointName: 'demo',
  request: { input: 'x', ...request } as ResponsesRequest,
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

/** Parses `event:`/`data:` pairs, checking the two agree. */
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

describe('responsesToChat', () => {
  it('maps instructions, messages, function calls and outputs, and the sampling fields', () => {
    const chat = responsesToChat({
      model: 'demo',
      instructions: 'Be brief',
      input: [
        { role: 'developer', content: 'Use metric units' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather?' },
            { type: 'input_image', image_url: 'https://x/y.png' },
          ],
        },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'get_weather', arguments: '{"city":"Lyon"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'rain' }] },
        { type: 'reasoning', id: 'rs_1', summary: [] },
      ],
      max_output_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u1',
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object', properties: {} }, strict: true } },
    });
    expect(chat).toEqual({
      model: 'demo',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'system', content: 'Use metric units' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather?' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'c2', content: 'rain' },
      ],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u1',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'w', schema: { type: 'object', properties: {} }, strict: true },
      },
    });
  });

  it('refuses what needs OpenAI-side state or hosted tools, naming the field', () => {
    expect(refusal(() => refuseUnsupported({ input: 'x', previous_response_id: 'resp_1' })).param).toBe(
      'previous_response_id',
    );
    expect(refusal(() => refuseUnsupported({ input: 'x', conversation: 'conv_1' } as ResponsesRequest)).param).toBe(
      'conversation',
    );
    expect(refusal(() => refuseUnsupported({ input: [{ type: 'item_reference', id: 'msg_1' }] })).param).toBe(
      'input.0',
    );
    const hosted = refusal(() =>
      refuseUnsupported({ input: 'x', tools: [{ type: 'function', name: 'f' }, { type: 'code_interpreter' }] }),
    );
    expect(hosted).toMatchObject({ status: 400, param: 'tools.1', code: 'unsupported_tool' });
    expect(hosted.message).toContain("'code_interpreter'");
    expect(refusal(() => responsesToChat({ input: [{ type: 'computer_call_output', call_id: 'c' }] })).param).toBe(
      'input.0.type',
    );
    expect(
      refusal(() => responsesToChat({ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }))
        .param,
    ).toBe('input.0.content.0.type');
  });

  it("finds the input item (and its field) a chat message's field came from, for the origin adapter's refusals", () => {
    const { messages } = responsesToChat({
      instructions: 'Be brief',
      input: [
        { role: 'developer', content: 'Use metric units' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather here?' },
            { type: 'input_image', image_url: 'https://x.test/a.png' },
          ],
        },
        { role: 'assistant', content: 'Let me look.' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{}' },
        { type: 'reasoning', summary: [] },
        { type: 'function_call', call_id: 'c2', name: 'get_time', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        { type: 'function_call', call_id: 'c3', name: 'get_weather', arguments: '{}' },
      ],
    });
    // A default system prompt prepended to the chat request shifts the indexes, not the messages.
    const withDefault = [{ role: 'system', content: 'default' }, ...messages];
    const at = (param: string) => inputField(withDefault, param);
    expect(at('messages.0')).toBeNull(); // the endpoint's system prompt: no input item
    expect(at('messages.1.content')).toBe('instructions');
    expect(at('messages.2.role')).toBe('input.0.role');
    expect(at('messages.3.content.1.image_url.url')).toBe('input.1.content.1.image_url');
    expect(at('messages.3.content.0.type')).toBe('input.1.content.0.type');
    expect(at('messages.4.content')).toBe('input.2.content');
    // Both calls (the reasoning item between them dropped) joined the assistant message before them.
    expect(at('messages.4.tool_calls.0.function.arguments')).toBe('input.3.arguments');
    expect(at('messages.4.tool_calls.1.function.name')).toBe('input.5.name');
    expect(at('messages.4.tool_calls.1.id')).toBe('input.5.call_id');
    expect(at('messages.5.tool_call_id')).toBe('input.6.call_id');
    expect(at('messages.5.content')).toBe('input.6.output');
    // A call with no assistant message before it is an assistant message of its own.
    expect(at('messages.6')).toBe('input.7');
    expect(at('messages.6.tool_calls.0.function.arguments')).toBe('input.7.arguments');
    expect(at('messages.7')).toBeNull();
    expect(at('messages')).toBeNull();
    expect(at('tools.0')).toBeNull();
    expect(inputField(responsesToChat({ input: 'Hi' }).messages, 'messages.0.content')).toBe('input');
  });
});

describe('responsesOnChatResponse', () => {
  it('turns text and tool calls into output items, length into incomplete', () => {
    const body = responsesOnChatResponse(
      {
        choices: [
          {
            message: {
              content: 'Hi',
              tool_calls: [{ id: '0', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
            finish_reason: 'length',
          },
        ],
      },
      { promptTokens: 3, completionTokens: 4 },
      shell({ metadata: { a: 'b' } }),
      'r1',
    );
    expect(body).toMatchObject({
      id: 'resp_r1',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      store: false,
      metadata: { a: 'b' },
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
    });
    expect(body.output).toEqual([
      {
        type: 'message',
        id: 'msg_r1',
        status: 'incomplete',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [] }],
      },
      // TGI's bare counter id is replaced by one unique to the request.
      // Cut off by length like the message: its arguments may be incomplete.
      { type: 'function_call', id: 'fc_r1_0', call_id: 'call_r1_0', name: 'f', arguments: '{}', status: 'incomplete' },
    ]);
  });
});

describe('ResponsesOnChatCodec', () => {
  const vllm = (delta: unknown, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'org/m', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const usage = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\n';
  const inner = () =>
    new OpenAIPassthroughCodec({ originModel: 'org/m', endpointName: 'demo', clientWantsUsage: true });

  it('emits the typed events in order, whatever the chunk boundaries, and completes with usage', () => {
    const stream =
      vllm({ role: 'assistant', content: '' }) +
      vllm({ content: 'Hel' }) +
      vllm({ content: 'lo' }, 'stop') +
      usage +
      'data: [DONE]\n\n';
    const c = new ResponsesOnChatCodec(inner(), shell(), 'r1');
    let out = '';
    for (let i = 0; i < stream.length; i += 7) out += c.push(stream.slice(i, i + 7));
    out += c.end();
    const events = parse(out);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.at(-1)!.response).toMatchObject({
      status: 'completed',
      usage: { input_tokens: 5, output_tokens: 2 },
    });
    expect(c.complete).toBe(true);
    expect(c.usage).toEqual({ promptTokens: 5, completionTokens: 2 });
  });

  it('streams TGI tool calls (empty ids, name then argument pieces) as a function_call item', () => {
    const tgi = (fn: unknown, finish: string | null = null) =>
      `data:${JSON.stringify({ object: 'chat.completion.chunk', id: '', model: 'tgi', created: 1, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: '', type: 'function', function: fn }] }, finish_reason: finish }], usage: null })}\n\n`;
    const c = new ResponsesOnChatCodec(
      new ChatOnTgiCodec({ endpointName: 'demo', id: 'chatcmpl-r1', clientWantsUsage: true }),
      shell(),
      'r1',
    );
    const events = parse(
      c.push(
        tgi({ name: 'f', arguments: '' }) +
          tgi({ name: null, arguments: '{"a":' }) +
          tgi({ name: null, arguments: '1}' }, 'stop') +
          'data:[DONE]\n\n',
      ) + c.end(),
    );
    expect(events.find((e) => e.type === 'response.output_item.added')!.item).toMatchObject({
      type: 'function_call',
      call_id: 'call_r1_0',
      name: 'f',
    });
    expect(events.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({
      arguments: '{"a":1}',
      name: 'f',
    });
    expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
  });

  it('marks a function_call cut off by length incomplete, as the response', () => {
    const c = new ResponsesOnChatCodec(inner(), shell(), 'r1');
    const events = parse(
      c.push(
        vllm({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f' } }] }) +
          vllm({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, 'length') +
          usage +
          'data: [DONE]\n\n',
      ) + c.end(),
    );
    expect(events.find((e) => e.type === 'response.output_item.done')!.item).toMatchObject({
      type: 'function_call',
      arguments: '{"a":',
      status: 'incomplete',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', output: [{ type: 'function_call', status: 'incomplete' }] },
    });
  });

  it('reports a stream that ends without [DONE] as response.failed and an error event', () => {
    const c = new ResponsesOnChatCodec(inner(), shell(), 'r1');
    const events = parse(c.push(vllm({ content: 'Hi' })) + c.end());
    expect(events.slice(-2)).toMatchObject([
      { type: 'response.failed', response: { status: 'failed', error: { code: 'origin_stream_truncated' } } },
      { type: 'error', code: 'origin_stream_truncated' },
    ]);
    expect(c.errored).toBe(true);
    expect(c.fail('again', 'x')).toBe('');
  });

  it('tells a relay failure (timeout) in the same way, once', () => {
    const c = new ResponsesOnChatCodec(inner(), shell(), 'r1');
    const events = parse(c.fail('The origin sent nothing for 10 ms (idle timeout)', 'origin_timeout'));
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.failed', 'error']);
    expect(c.end()).toBe('');
  });
});
