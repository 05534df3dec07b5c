import { describe, expect, it } from 'vitest';
import { admin, call, createEndpoint, createKey, eventually, originRequestWith, originUrl } from './helpers/router';

// The Anthropic Messages API, translated to the chat path on vLLM- and TGI-protocol origins
// (both directions, streaming and not), with Anthropic's errors, auth headers and stop reasons.

type Block = { type: string; text?: string; id?: string; name?: string; input?: unknown };
type MessageBody = {
  id: string;
  type: string;
  role: string;
  model: string;
  content: Block[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number };
};
type Event = { type: string; [k: string]: unknown };
type ErrorBody = { type: string; error: { type: string; message: string } };

async function tgiEndpoint(name: string, mode?: string): Promise<void> {
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [
      { name: `${name}-tgi`, protocol: 'tgi', model: 'tgi', origins: [{ url: `${originUrl(mode)}/tgi` }] },
    ],
  });
  if (res.status !== 201) throw new Error(`create endpoint ${name}: ${res.status} ${await res.text()}`);
}

const send = (key: string, json: unknown, path = '/v1/messages', headers: Record<string, string> = {}) =>
  call(path, { method: 'POST', json, headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', ...headers } });

async function events(res: Response): Promise<Event[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  return (await res.text())
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const event = JSON.parse(dataLine!.slice('data: '.length)) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

async function expectAnthropicError(res: Response, status: number, type: string, message?: RegExp): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorBody;
  expect(body.type).toBe('error');
  expect(body.error.type).toBe(type);
  if (message) expect(body.error.message).toMatch(message);
  return body;
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

for (const kind of ['vllm', 'tgi'] as const) {
  describe(`Messages on a ${kind}-protocol origin (translated to chat)`, () => {
    const make = (name: string, mode?: string) =>
      kind === 'tgi' ? tgiEndpoint(name, mode) : createEndpoint(name, { mode }).then(() => undefined);

    it('answers in Anthropic shape: system, text blocks, end_turn, usage', async () => {
      const name = `msg-${kind}-plain`;
      await make(name);
      const { key } = await createKey();
      const res = await send(key, {
        model: name,
        max_tokens: 100,
        system: 'Be brief',
        messages: [{ role: 'user', content: `hello m-${kind}-1` }],
        metadata: { user_id: 'u-42' },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as MessageBody;
      expect(body).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: name,
        stop_reason: 'end_turn',
        stop_sequence: null,
      });
      expect(body.id).toMatch(/^msg_/);
      expect(body.content).toHaveLength(1);
      expect(body.content[0]!.type).toBe('text');
      expect(body.usage.output_tokens).toBe(13);
      const seen = await originRequestWith(`hello m-${kind}-1`);
      expect(seen.body).toMatchObject({
        max_tokens: 100,
        user: 'u-42',
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: `hello m-${kind}-1` },
        ],
      });
    });

    it('streams message_start, ping, content blocks, message_delta with usage and message_stop', async () => {
      const name = `msg-${kind}-stream`;
      await make(name);
      const { key } = await createKey();
      const request = {
        model: name,
        max_tokens: 100,
        messages: [{ role: 'user', content: [{ type: 'text', text: `hello m-${kind}-2` }] }],
      };
      const whole = (await (await send(key, request)).json()) as MessageBody;
      const list = await events(await send(key, { ...request, stream: true }));
      expect(list.map((e) => e.type).filter((t) => t !== 'content_block_delta')).toEqual([
        'message_start',
        'ping',
        'content_block_start',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const text = list
        .filter((e) => e.type === 'content_block_delta')
        .map((e) => (e.delta as { text: string }).text)
        .join('');
      expect(text).toBe(whole.content[0]!.text);
      expect(list.find((e) => e.type === 'message_delta')).toMatchObject({
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: whole.usage,
      });
    });

    it('maps stop_sequences, max_tokens and the matched sequence to stop_reason', async () => {
      const name = `msg-${kind}-stops`;
      await make(name);
      const { key } = await createKey();
      const base = { model: name, messages: [{ role: 'user', content: 'hello stops' }] };
      const stopped = (await (
        await send(key, { ...base, max_tokens: 100, stop_sequences: ['photographer'] })
      ).json()) as MessageBody;
      expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'photographer' });
      const list = await events(
        await send(key, { ...base, max_tokens: 100, stop_sequences: ['photographer'], stream: true }),
      );
      expect(list.find((e) => e.type === 'message_delta')).toMatchObject({
        delta: { stop_reason: 'stop_sequence', stop_sequence: 'photographer' },
      });
      const cut = (await (await send(key, { ...base, max_tokens: 3 })).json()) as MessageBody;
      expect(cut).toMatchObject({ stop_reason: 'max_tokens', usage: { output_tokens: 3 } });
    });

    it('uses tools: tool_use blocks out, tool_result blocks back, streaming and not', async () => {
      const name = `msg-${kind}-tools`;
      await make(name);
      const { key } = await createKey();
      const ask = { role: 'user', content: `weather m-${kind}-3` };
      const first = (await (
        await send(key, { model: name, max_tokens: 100, messages: [ask], tools: [weatherTool] })
      ).json()) as MessageBody;
      expect(first.stop_reason).toBe('tool_use');
      const use = first.content.find((b) => b.type === 'tool_use')!;
      expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
      expect(use.id).toBeTruthy();
      const seen = await originRequestWith(`weather m-${kind}-3`);
      expect(seen.body!.tools).toEqual([
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherTool.input_schema },
        },
      ]);

      const list = await events(
        await send(key, {
          model: name,
          max_tokens: 100,
          messages: [ask],
          tools: [weatherTool],
          tool_choice: { type: 'tool', name: 'get_weather' },
          stream: true,
        }),
      );
      const start = list.find((e) => e.type === 'content_block_start')!;
      expect(start.content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
      const json = list
        .filter((e) => e.type === 'content_block_delta')
        .map((e) => e.delta as { type: string; partial_json: string })
        .map((d) => {
          expect(d.type).toBe('input_json_delta');
          return d.partial_json;
        });
      expect(JSON.parse(json.join(''))).toEqual({ city: 'Paris' });
      expect(list.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' } });

      const history = [
        ask,
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: use.id, name: 'get_weather', input: use.input },
          ],
        },
      ];
      const result = { type: 'tool_result', tool_use_id: use.id, content: [{ type: 'text', text: 'sunny' }] };
      const second = await send(key, {
        model: name,
        max_tokens: 100,
        tools: [weatherTool],
        messages: [...history, { role: 'user', content: [result] }],
      });
      const answer = (await second.json()) as MessageBody;
      expect(answer.stop_reason).toBe('end_turn');
      expect(answer.content[0]!.type).toBe('text');

      // Tool results become tool messages, before the rest of the user's turn.
      await send(key, {
        model: name,
        max_tokens: 100,
        tools: [weatherTool],
        messages: [...history, { role: 'user', content: [result, { type: 'text', text: `And tomorrow ${kind}?` }] }],
      });
      const messages = (await originRequestWith(`And tomorrow ${kind}?`)).body!.messages as unknown[];
      expect(messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: use.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: use.id, content: 'sunny' },
        { role: 'user', content: `And tomorrow ${kind}?` },
      ]);
    });

    it('says max_tokens, not tool_use, when max_tokens cuts a streamed tool call short', async () => {
      const name = `msg-${kind}-tool-cut`;
      await make(name);
      const { key } = await createKey();
      const list = await events(
        await send(key, {
          model: name,
          max_tokens: 2,
          messages: [{ role: 'user', content: 'weather cut' }],
          tools: [weatherTool],
          stream: true,
        }),
      );
      expect(list.find((e) => e.type === 'content_block_start')!.content_block).toMatchObject({ type: 'tool_use' });
      expect(list.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    });

    it('ends a stream that fails mid-way with an Anthropic error event', async () => {
      const name = `msg-${kind}-fail`;
      await make(name, 'instream-error/2');
      const { key } = await createKey();
      const list = await events(
        await send(key, { model: name, max_tokens: 100, messages: [{ role: 'user', content: 'hello' }], stream: true }),
      );
      expect(list.at(-1)).toMatchObject({
        type: 'error',
        error: { type: 'api_error', message: expect.stringMatching(/emulated failure/) },
      });
      expect(list.some((e) => e.type === 'message_stop')).toBe(false);
    });
  });
}

describe('Messages: Anthropic errors and auth', () => {
  it('answers errors in Anthropic shape with its statuses', async () => {
    await createEndpoint('msg-errors');
    const { key } = await createKey();
    const ok = { model: 'msg-errors', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    await expectAnthropicError(await send('sk-wrong', ok), 401, 'authentication_error', /Invalid API key/);
    await expectAnthropicError(await call('/v1/messages', { method: 'POST', json: ok }), 401, 'authentication_error');
    await expectAnthropicError(await send(key, { ...ok, model: 'nope' }), 404, 'not_found_error', /does not exist/);
    await expectAnthropicError(
      await send(key, { ...ok, max_tokens: undefined }),
      400,
      'invalid_request_error',
      /'max_tokens': required field is missing/,
    );
    await expectAnthropicError(
      await send(key, { ...ok, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
      400,
      'invalid_request_error',
      /Server tool 'web_search_20250305'/,
    );
    await expectAnthropicError(
      await send(key, { ...ok, thinking: { type: 'enabled', budget_tokens: 1024 } }),
      400,
      'invalid_request_error',
      /'thinking'/,
    );
    await expectAnthropicError(
      await call('/v1/messages', {
        method: 'POST',
        token: key,
        body: 'not json',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_request_error',
      /not valid JSON/,
    );
    await expectAnthropicError(await send(key, ok, '/endpoints/nope/v1/messages'), 404, 'not_found_error');
  });

  it('checks the blocks of a tool result: null or a non-object is a 400 naming its path', async () => {
    await createEndpoint('msg-null-blocks');
    const { key } = await createKey();
    const turn = (content: unknown) => ({
      model: 'msg-null-blocks',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content }] },
      ],
    });
    await expectAnthropicError(
      await send(key, turn([null])),
      400,
      'invalid_request_error',
      /^Invalid 'messages\.2\.content\.0\.content\.0': expected object, got null$/,
    );
    await expectAnthropicError(
      await send(key, turn(42)),
      400,
      'invalid_request_error',
      /^Invalid 'messages\.2\.content\.0\.content': expected string or array, got number$/,
    );
    expect((await send(key, turn([{ type: 'text', text: 'sunny' }]))).status).toBe(200);
    const image = { type: 'image', source: { type: 'url', url: 'https://example.com/map.png' } };
    const withImage = await expectAnthropicError(
      await send(key, turn([{ type: 'text', text: 'sunny' }, image])),
      400,
      'invalid_request_error',
    );
    expect(withImage.error.message).toBe(
      "'messages.2.content.0.content.1' has type 'image': tool results take text blocks only on this endpoint (its origins take a tool's result as text); send the image as an image block of the user message",
    );
  });

  it('refuses a tool call without its id, name or input, a tool result without its tool_use_id, and a custom tool without its input_schema', async () => {
    await createEndpoint('msg-tool-fields');
    const { key } = await createKey();
    const body = (toolUse: Record<string, unknown>, toolResult: Record<string, unknown>, tools?: unknown[]) => ({
      model: 'msg-tool-fields',
      max_tokens: 10,
      ...(tools ? { tools } : {}),
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', ...toolUse }] },
        { role: 'user', content: [{ type: 'tool_result', ...toolResult, content: 'sunny' }] },
      ],
    });
    const good = { id: 't1', name: 'get_weather', input: {} };
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, unknown[] | undefined, RegExp]> = [
      [
        { name: 'get_weather', input: {} },
        { tool_use_id: 't1' },
        undefined,
        /^Invalid 'messages\.1\.content\.0\.id': required field is missing$/,
      ],
      [
        { id: 't1', input: {} },
        { tool_use_id: 't1' },
        undefined,
        /^Invalid 'messages\.1\.content\.0\.name': required field is missing$/,
      ],
      [
        { id: 't1', name: 'get_weather' },
        { tool_use_id: 't1' },
        undefined,
        /^Invalid 'messages\.1\.content\.0\.input': required field is missing$/,
      ],
      [good, {}, undefined, /^Invalid 'messages\.2\.content\.0\.tool_use_id': required field is missing$/],
      [good, { tool_use_id: '' }, undefined, /^Invalid 'messages\.2\.content\.0\.tool_use_id': /],
      [
        good,
        { tool_use_id: 't1' },
        [{ name: 'get_weather' }],
        /^Invalid 'tools\.0\.input_schema': required field is missing/,
      ],
    ];
    for (const [toolUse, toolResult, tools, message] of cases)
      await expectAnthropicError(
        await send(key, body(toolUse, toolResult, tools)),
        400,
        'invalid_request_error',
        message,
      );
    // A server tool (a `type` of Anthropic's own) has no input_schema; the request passes validation.
    const server = await send(
      key,
      body(good, { tool_use_id: 't1' }, [{ type: 'web_search_20250305', name: 'web_search' }]),
    );
    expect(server.status).not.toBe(500);
    expect(
      (await send(key, body(good, { tool_use_id: 't1' }, [{ name: 'get_weather', input_schema: { type: 'object' } }])))
        .status,
    ).toBe(200);
  });

  it("a block of a kind the message's role does not take names the kinds it does; an image source says what it lacks", async () => {
    await createEndpoint('msg-block-roles');
    const { key } = await createKey();
    const turn = (role: string, block: unknown) => ({
      model: 'msg-block-roles',
      max_tokens: 10,
      messages: [{ role, content: [block] }],
    });
    // A tool_use block in a user turn was refused with a list of kinds that named tool_use itself.
    await expectAnthropicError(
      await send(key, turn('user', { type: 'tool_use', id: 't1', name: 'f', input: {} })),
      400,
      'invalid_request_error',
      /^'messages\.0\.content\.0' is a block of type 'tool_use', which a user message does not take: send text, image and tool_result blocks \(tool_use blocks go in assistant messages\)$/,
    );
    await expectAnthropicError(
      await send(key, turn('assistant', { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } })),
      400,
      'invalid_request_error',
      /^'messages\.0\.content\.0' is a block of type 'image', which an assistant message does not take: send text and tool_use blocks \(image blocks go in user messages\)$/,
    );
    await expectAnthropicError(
      await send(key, turn('user', { type: 'bogus' })),
      400,
      'invalid_request_error',
      /^'messages\.0\.content\.0' is a block of type 'bogus', which a user message does not take: send text, image and tool_result blocks$/,
    );
    // A base64 source without its data was told to be "a base64 or url image source".
    await expectAnthropicError(
      await send(key, turn('user', { type: 'image', source: { type: 'base64', media_type: 'image/png' } })),
      400,
      'invalid_request_error',
      /^'messages\.0\.content\.0\.source\.data' is missing: a base64 image source holds the image's bytes in 'data'$/,
    );
    await expectAnthropicError(
      await send(key, turn('user', { type: 'image', source: { type: 'url' } })),
      400,
      'invalid_request_error',
      /^'messages\.0\.content\.0\.source\.url' is missing: a url image source holds the image's address in 'url'$/,
    );
    await expectAnthropicError(
      await send(key, turn('user', { type: 'image', source: { type: 'file', file_id: 'f1' } })),
      400,
      'invalid_request_error',
      /^'messages\.0\.content\.0\.source' must be a base64 or url image source \(files need Anthropic's storage\)$/,
    );
  });

  it("names the Messages field in a refusal of the origin's adapter, not the chat field it became", async () => {
    await tgiEndpoint('msg-tgi-terms');
    const { key } = await createKey();
    const body = await expectAnthropicError(
      await send(key, {
        model: 'msg-tgi-terms',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
        stop_sequences: ['a', 'b', 'c', 'd', 'e'],
      }),
      400,
      'invalid_request_error',
    );
    expect(body.error.message).toBe(
      "'stop_sequences' is not supported by this endpoint's TGI origin: TGI accepts at most 4 stop sequences (5 given)",
    );
  });

  it('takes the key from x-api-key or Authorization: Bearer, and the endpoint from the path', async () => {
    await createEndpoint('msg-auth');
    const { key } = await createKey();
    const body = { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const viaBearer = await call('/endpoints/msg-auth/v1/messages', { method: 'POST', token: key, json: body });
    expect(((await viaBearer.json()) as MessageBody).model).toBe('msg-auth');
    const viaHeader = await send(key, body, '/endpoints/msg-auth/v1/messages');
    expect(viaHeader.status).toBe(200);
  });

  it('answers 429 rate_limit_error at the key’s concurrency limit, and 529 overloaded_error when the origins are overloaded', async () => {
    await createEndpoint('msg-slow', { mode: 'slow/300' });
    const created = await createKey({ concurrency_limit: 1 });
    const body = { model: 'msg-slow', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
    const first = send(created.key, body);
    await eventually(async () => {
      const res = await send(created.key, body);
      await expectAnthropicError(res, 429, 'rate_limit_error', /Concurrent request limit/);
      expect(res.headers.get('retry-after')).toBeTruthy();
    });
    expect((await first).status).toBe(200);

    // Every origin answers 429 (overloaded): Anthropic's 529 overloaded_error, not the key's rate_limit_error.
    await createEndpoint('msg-overloaded', { mode: 'error429' });
    const { key } = await createKey();
    await expectAnthropicError(
      await send(key, { ...body, model: 'msg-overloaded' }),
      529,
      'overloaded_error',
      /overloaded/,
    );
  });

  it('records usage for streamed messages', async () => {
    await createEndpoint('msg-usage');
    const created = await createKey();
    await send(created.key, {
      model: 'msg-usage',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello usage' }],
      stream: true,
    }).then((r) => r.text());
    await eventually(async () => {
      const usage = (await (await admin('GET', `/keys/${created.id}/usage`)).json()) as {
        data: Array<{ endpoint: string; completed: number; completion_tokens: number }>;
      };
      expect(usage.data.find((r) => r.endpoint === 'msg-usage')).toMatchObject({ completed: 1, completion_tokens: 13 });
    });
  });
});
