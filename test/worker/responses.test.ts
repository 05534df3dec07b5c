import { describe, expect, it } from 'vitest';
import {
  admin,
  call,
  CHAT_MODEL,
  createEndpoint,
  createKey,
  eventually,
  originRequestWith,
  originUrl,
} from './helpers/router';
import { expectError } from './helpers/expect-error';

// The OpenAI Responses API: translated to the chat path on vLLM- and TGI-protocol origins
// (both directions, streaming and not), passed through to an origin that serves
// /v1/responses itself, and refused where the router cannot honour it (stateless).

type OutputItem = {
  type: string;
  id: string;
  status: string;
  content?: Array<{ type: string; text: string }>;
  call_id?: string;
  name?: string;
  arguments?: string;
};
type ResponseBody = {
  id: string;
  object: string;
  model: string;
  status: string;
  store: boolean;
  incomplete_details: { reason: string } | null;
  output: OutputItem[];
  metadata: Record<string, string>;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
};
type Event = { type: string; sequence_number: number; [k: string]: unknown };

async function tgiEndpoint(name: string, mode?: string): Promise<void> {
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [
      { name: `${name}-tgi`, protocol: 'tgi', model: 'tgi', origins: [{ url: `${originUrl(mode)}/tgi` }] },
    ],
  });
  if (res.status !== 201) throw new Error(`create endpoint ${name}: ${res.status} ${await res.text()}`);
}

const respond = (token: string, json: unknown, path = '/v1/responses') => call(path, { method: 'POST', token, json });

/** The typed events of a Responses stream: each `event:` name must match its data's `type`. */
async function events(res: Response): Promise<Event[]> {
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const blocks = (await res.text()).split('\n\n').filter((b) => b.startsWith('event: '));
  return blocks.map((block) => {
    const [eventLine, dataLine] = block.split('\n');
    const event = JSON.parse(dataLine!.slice('data: '.length)) as Event;
    expect(eventLine).toBe(`event: ${event.type}`);
    return event;
  });
}

const textOf = (body: ResponseBody) =>
  body.output
    .filter((i) => i.type === 'message')
    .flatMap((i) => i.content!.map((c) => c.text))
    .join('');

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

for (const kind of ['vllm', 'tgi'] as const) {
  describe(`Responses on a ${kind}-protocol origin (translated to chat)`, () => {
    const make = (name: string, mode?: string) =>
      kind === 'tgi' ? tgiEndpoint(name, mode) : createEndpoint(name, { mode }).then(() => undefined);

    it('answers a non-streaming request as a response object with usage', async () => {
      const name = `resp-${kind}-plain`;
      await make(name);
      const { key } = await createKey();
      const res = await respond(key, {
        model: name,
        instructions: 'Be brief',
        input: `hello r-${kind}-1`,
        metadata: { team: 'search' },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ResponseBody;
      expect(body).toMatchObject({
        object: 'response',
        model: name,
        status: 'completed',
        store: false,
        metadata: { team: 'search' },
      });
      expect(body.id).toMatch(/^resp_/);
      expect(textOf(body).length).toBeGreaterThan(0);
      expect(body.usage.total_tokens).toBe(body.usage.input_tokens + body.usage.output_tokens);
      expect(body.usage.output_tokens).toBe(13);
      const seen = await originRequestWith(`hello r-${kind}-1`);
      expect(seen.path).toMatch(/\/v1\/chat\/completions$/);
      expect(seen.body!.messages).toEqual([
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: `hello r-${kind}-1` },
      ]);
    });

    it('streams typed events with increasing sequence numbers that add up to the non-streaming answer', async () => {
      const name = `resp-${kind}-stream`;
      await make(name);
      const { key } = await createKey();
      const input = [{ role: 'user', content: [{ type: 'input_text', text: `hello r-${kind}-2` }] }];
      const whole = (await (await respond(key, { model: name, input })).json()) as ResponseBody;
      const res = await respond(key, { model: name, input, stream: true });
      expect(res.status).toBe(200);
      const list = await events(res);
      expect(list.map((e) => e.sequence_number)).toEqual(list.map((_, i) => i));
      const types = list.map((e) => e.type);
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const deltas = list.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta as string);
      expect(deltas.join('')).toBe(textOf(whole));
      expect(list.find((e) => e.type === 'response.output_text.done')!.text).toBe(textOf(whole));
      const completed = list.at(-1)!.response as ResponseBody;
      expect(completed).toMatchObject({ status: 'completed', model: name });
      expect(completed.usage).toEqual(whole.usage);
    });

    it('calls function tools and takes their outputs back, streaming and not', async () => {
      const name = `resp-${kind}-tools`;
      await make(name);
      const { key } = await createKey();
      const res = await respond(key, { model: name, input: `weather r-${kind}-3`, tools: [weatherTool] });
      const body = (await res.json()) as ResponseBody;
      const call = body.output.find((i) => i.type === 'function_call')!;
      expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
      expect(JSON.parse(call.arguments!)).toEqual({ city: 'Paris' });
      expect(call.call_id).toBeTruthy();
      expect(call.call_id).not.toBe('0');
      const seen = await originRequestWith(`weather r-${kind}-3`);
      expect(seen.body!.tools).toEqual([
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherTool.parameters },
        },
      ]);

      const list = await events(
        await respond(key, {
          model: name,
          input: `weather r-${kind}-4`,
          tools: [weatherTool],
          tool_choice: { type: 'function', name: 'get_weather' },
          stream: true,
        }),
      );
      const added = list.find((e) => e.type === 'response.output_item.added')!.item as OutputItem;
      expect(added).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '' });
      const args = list
        .filter((e) => e.type === 'response.function_call_arguments.delta')
        .map((e) => e.delta)
        .join('');
      expect(JSON.parse(args)).toEqual({ city: 'Paris' });
      expect(list.find((e) => e.type === 'response.function_call_arguments.done')!.arguments).toBe(args);
      const done = (list.at(-1)!.response as ResponseBody).output[0]!;
      expect(done).toMatchObject({
        type: 'function_call',
        call_id: added.call_id,
        arguments: args,
        status: 'completed',
      });

      // The second turn: the call and its output go back as chat messages, and the answer is text.
      const second = await respond(key, {
        model: name,
        input: [
          { role: 'user', content: `weather r-${kind}-5` },
          { type: 'function_call', call_id: call.call_id, name: 'get_weather', arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
        ],
        tools: [weatherTool],
      });
      expect(textOf((await second.json()) as ResponseBody).length).toBeGreaterThan(0);
      const messages = (await originRequestWith(`weather r-${kind}-5`)).body!.messages as Array<
        Record<string, unknown>
      >;
      expect(messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: call.call_id, type: 'function', function: { name: 'get_weather', arguments: call.arguments } },
          ],
        },
        { role: 'tool', tool_call_id: call.call_id, content: 'sunny' },
      ]);
    });

    it('reports a response cut at max_output_tokens as incomplete', async () => {
      const name = `resp-${kind}-short`;
      await make(name);
      const { key } = await createKey();
      const body = (await (
        await respond(key, { model: name, input: 'hello', max_output_tokens: 3 })
      ).json()) as ResponseBody;
      expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
      const list = await events(
        await respond(key, { model: name, input: 'hello', max_output_tokens: 3, stream: true }),
      );
      expect(list.at(-1)).toMatchObject({
        type: 'response.incomplete',
        response: { incomplete_details: { reason: 'max_output_tokens' } },
      });
    });

    if (kind === 'vllm') {
      it('marks a streamed function call cut at max_output_tokens incomplete, as the response', async () => {
        const name = `resp-${kind}-tool-cut`;
        await make(name);
        const { key } = await createKey();
        const list = await events(
          await respond(key, {
            model: name,
            input: 'weather cut',
            tools: [weatherTool],
            max_output_tokens: 2,
            stream: true,
          }),
        );
        expect(list.find((e) => e.type === 'response.output_item.done')!.item).toMatchObject({
          type: 'function_call',
          status: 'incomplete',
        });
        expect(list.at(-1)).toMatchObject({
          type: 'response.incomplete',
          response: { output: [{ type: 'function_call', status: 'incomplete' }] },
        });
      });
    }

    it('ends a stream that fails mid-way with response.failed and an error event', async () => {
      const name = `resp-${kind}-fail`;
      await make(name, 'instream-error/2');
      const { key } = await createKey();
      const list = await events(await respond(key, { model: name, input: 'hello', stream: true }));
      expect(list.slice(-2).map((e) => e.type)).toEqual(['response.failed', 'error']);
      expect(list.at(-2)!.response).toMatchObject({
        status: 'failed',
        error: { message: expect.stringMatching(/emulated failure/) },
      });
      expect(list.map((e) => e.sequence_number)).toEqual(list.map((_, i) => i));
    });
  });
}

describe('Responses passed through to an origin that serves /v1/responses', () => {
  it('sends the request as is (store false, the origin model) and renames the model on the way back', async () => {
    await admin('POST', '/endpoints', {
      name: 'resp-native',
      served_entities: [
        { name: 'native', protocol: 'openai', model: CHAT_MODEL, responses_api: true, origins: [{ url: originUrl() }] },
      ],
      defaults: { temperature: 0.3 },
    });
    const { key } = await createKey();
    const body = (await (await respond(key, { model: 'resp-native', input: 'hello native-1' })).json()) as ResponseBody;
    expect(body).toMatchObject({ object: 'response', model: 'resp-native', status: 'completed' });
    expect(body.usage.output_tokens).toBe(13);
    const seen = await originRequestWith('hello native-1');
    expect(seen.path).toBe('/v1/responses');
    expect(seen.body).toMatchObject({ model: CHAT_MODEL, store: false, temperature: 0.3 });

    const list = await events(await respond(key, { model: 'resp-native', input: 'hello native-2', stream: true }));
    expect(list[0]).toMatchObject({ type: 'response.created', response: { model: 'resp-native' } });
    expect(list.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { model: 'resp-native', usage: { output_tokens: 13 } },
    });
    expect(list.map((e) => e.sequence_number)).toEqual(list.map((_, i) => i));
  });

  it('reports a passthrough stream the origin cut short', async () => {
    await admin('POST', '/endpoints', {
      name: 'resp-native-drop',
      served_entities: [
        {
          name: 'native',
          protocol: 'openai',
          model: CHAT_MODEL,
          responses_api: true,
          origins: [{ url: originUrl('drop/3') }],
        },
      ],
    });
    const { key } = await createKey();
    const list = await events(await respond(key, { model: 'resp-native-drop', input: 'hello', stream: true }));
    expect(list.slice(-2).map((e) => e.type)).toEqual(['response.failed', 'error']);
    expect(list.map((e) => e.sequence_number)).toEqual(list.map((_, i) => i));
  });
});

describe('Responses: what a stateless router refuses', () => {
  it('refuses previous_response_id, item references and built-in tools with a 400 that says why', async () => {
    await createEndpoint('resp-refuse');
    const { key } = await createKey();
    const base = { model: 'resp-refuse', input: 'hello' };
    const stateful = await expectError(await respond(key, { ...base, previous_response_id: 'resp_123' }), 400, {
      param: 'previous_response_id',
    });
    expect(stateful.error.message).toMatch(/stateless.*keeps no responses.*whole conversation in 'input'/);
    await expectError(await respond(key, { ...base, input: [{ type: 'item_reference', id: 'msg_1' }] }), 400, {
      param: 'input.0',
      message: expect.stringMatching(/store to false/),
    });
    const web = await expectError(await respond(key, { ...base, tools: [{ type: 'web_search' }] }), 400, {
      param: 'tools.0',
      code: 'unsupported_tool',
    });
    expect(web.error.message).toMatch(/Built-in tool 'web_search'/);
    await expectError(
      await respond(key, { ...base, tools: [{ type: 'file_search', vector_store_ids: ['vs'] }] }),
      400,
      { message: expect.stringMatching(/'file_search'/) },
    );
    await expectError(await respond(key, { ...base, tool_choice: { type: 'computer_use_preview' } }), 400, {
      param: 'tool_choice',
    });
    await expectError(await respond(key, { model: 'resp-refuse' }), 400, {
      param: 'input',
      message: "Invalid 'input': required field is missing",
    });
    await expectError(await respond(key, { ...base, input: [{ type: 'input_file', file_id: 'f' }] }), 400, {
      param: 'input.0.type',
    });
  });

  it('checks every element of the arrays it reads: null or a non-object is a 400 naming its path, whatever the model', async () => {
    const { key } = await createKey();
    // Translated before the endpoint is looked up: a model that does not exist gets the same refusal.
    for (const model of ['resp-refuse', 'no-such-endpoint']) {
      const output = await expectError(
        await respond(key, { model, input: [{ type: 'function_call_output', call_id: 'c', output: [null] }] }),
        400,
        { code: 'invalid_body', param: 'input.0.output.0' },
      );
      expect(output.error.message).toBe("Invalid 'input.0.output.0': expected object, got null");
    }
    await expectError(
      await respond(key, { model: 'resp-refuse', input: [{ type: 'message', role: 'user', content: [7] }] }),
      400,
      { param: 'input.0.content.0', message: "Invalid 'input.0.content.0': expected object, got number" },
    );
    await expectError(await respond(key, { model: 'resp-refuse', input: 'hi', tools: [null] }), 400, {
      param: 'tools.0',
      message: "Invalid 'tools.0': expected object, got null",
    });
  });

  it('refuses function_call arguments that are not a JSON string, and a function_call_output without output', async () => {
    const { key } = await createKey();
    const call = { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' };
    // Refused before the endpoint is looked up (it does not exist): no longer sent on as '{}' and ''.
    const items = (item: unknown) => ({ model: 'no-such-endpoint', input: [call, item] });
    const asObject = await expectError(
      await respond(key, items({ ...call, call_id: 'c2', arguments: { city: 'Lyon' } })),
      400,
      { code: 'invalid_body', param: 'input.1.arguments' },
    );
    expect(asObject.error.message).toBe(
      `Invalid 'input.1.arguments': must be a JSON string (the arguments as the model gave them, e.g. '{"city":"Paris"}')`,
    );
    await expectError(await respond(key, items({ type: 'function_call_output', call_id: 'c1' })), 400, {
      param: 'input.1.output',
      message: "Invalid 'input.1.output': required field is missing",
    });
    await expectError(await respond(key, items({ type: 'function_call_output', call_id: 'c1', output: null })), 400, {
      param: 'input.1.output',
      message: "Invalid 'input.1.output': expected string or array, got null",
    });
  });

  it("names the Responses field in a refusal of the origin's adapter, not the chat field it became", async () => {
    await tgiEndpoint('resp-tgi-terms');
    const { key } = await createKey();
    const body = await expectError(
      await respond(key, { model: 'resp-tgi-terms', input: 'hi', text: { format: { type: 'json_object' } } }),
      400,
      { code: 'unsupported_parameter', param: 'text.format' },
    );
    expect(body.error.message).toMatch(/^'text\.format' is not supported by this endpoint's TGI origin: /);
    expect(body.error.message).not.toContain('response_format');
    expect(body.error.message).toContain('use {"type":"json_schema","name":…,"schema":{…}}'); // the Responses shape
  });

  it('holds the router rules: unknown model 404, bad key 401, the endpoint path names the model', async () => {
    await createEndpoint('resp-rules');
    const { key } = await createKey();
    await expectError(await respond(key, { model: 'nope', input: 'hi' }), 404, { code: 'model_not_found' });
    await expectError(await respond('sk-wrong', { model: 'resp-rules', input: 'hi' }), 401, {
      code: 'invalid_api_key',
    });
    const res = await respond(key, { input: 'hello path-1' }, '/endpoints/resp-rules/v1/responses');
    expect(((await res.json()) as ResponseBody).model).toBe('resp-rules');
    const created = await createKey();
    await respond(created.key, { model: 'resp-rules', input: 'hello usage', stream: true }).then((r) => r.text());
    await eventually(async () => {
      const usage = (await (await admin('GET', `/keys/${created.id}/usage`)).json()) as {
        data: Array<{ endpoint: string; completed: number; completion_tokens: number }>;
      };
      expect(usage.data.find((r) => r.endpoint === 'resp-rules')).toMatchObject({
        completed: 1,
        completion_tokens: 13,
      });
    });
  });
});
