import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAdminError, expectError } from './helpers/expect-error';
import {
  admin,
  call,
  CHAT_MODEL,
  createKey,
  eventually,
  inFlight,
  originStats,
  originUrl,
  sseEvents,
} from './helpers/router';

const OPENAI_KEY = env.OPENAI_API_KEY;
const ANTHROPIC_KEY = env.ANTHROPIC_API_KEY;
const WRONG_KEY = env.WRONG_OPENAI_KEY;
const SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, WRONG_KEY];

const hello = [{ role: 'user', content: 'Hello there, how are you?' }];

/** Every console line the router writes during this file's tests (checked for secrets at the end). */
const logged: string[] = [];
const originals: Partial<Record<'log' | 'info' | 'warn' | 'error' | 'debug', (...args: unknown[]) => void>> = {};

beforeAll(() => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    originals[level] = original;
    console[level] = (...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      original(...args);
    };
  }
});

afterAll(() => {
  for (const [level, original] of Object.entries(originals))
    (console as unknown as Record<string, unknown>)[level] = original;
});

/** Every response body an admin read or inference answer gave in this file (checked for secrets too). */
const answers: string[] = [];
async function read(res: Response): Promise<string> {
  const text = await res.clone().text();
  answers.push(text);
  return text;
}

function openaiModel(task = 'llm/v1/chat', name = 'gpt-4o-mini', secret = 'OPENAI_API_KEY', mode = '') {
  return {
    name,
    provider: 'openai',
    task,
    openai_config: { openai_api_key: `{{secrets/${secret}}}`, openai_api_base: `${originUrl(mode)}/openai/v1` },
  };
}

function anthropicModel(name = 'claude-sonnet-4-5', mode = '', secret = 'ANTHROPIC_API_KEY') {
  return {
    name,
    provider: 'anthropic',
    task: 'llm/v1/chat',
    anthropic_config: {
      anthropic_api_key: `{{secrets/${secret}}}`,
      anthropic_api_base: `${originUrl(mode)}/anthropic`,
    },
  };
}

async function createExternal(
  name: string,
  external_model: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await admin('POST', '/endpoints', { name, served_entities: [{ name: 'ext', external_model }], ...extra });
  const text = await read(res);
  if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function chat(key: string, body: Record<string, unknown>): Promise<Response> {
  const res = await call('/v1/chat/completions', { method: 'POST', token: key, json: body });
  await read(res);
  return res;
}

describe('external models: config and secrets', () => {
  it('stores and shows the secret reference, never the key', async () => {
    const created = await createExternal('ext-openai-config', openaiModel());
    expect(created.state).toBe('ready');
    expect(created.state_reason).toBe('');
    const entity = (
      created.served_entities as Array<{ external_model: { openai_config: { openai_api_key: string } } }>
    )[0]!;
    expect(entity.external_model.openai_config.openai_api_key).toBe('{{secrets/OPENAI_API_KEY}}');
    const reads = [
      await admin('GET', '/endpoints/ext-openai-config'),
      await admin('GET', '/endpoints'),
      await admin('GET', '/endpoints/ext-openai-config/versions'),
    ];
    for (const res of reads) {
      expect(res.status).toBe(200);
      const text = await read(res);
      expect(text).toContain('{{secrets/OPENAI_API_KEY}}');
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    const audit = await read(await admin('GET', '/audit?limit=50'));
    expect(audit).toContain('ext-openai-config');
    for (const secret of SECRETS) expect(audit).not.toContain(secret);
    const row = await env.DB.prepare("SELECT config FROM endpoint_configs WHERE endpoint = 'ext-openai-config'").first<{
      config: string;
    }>();
    expect(row!.config).toContain('{{secrets/OPENAI_API_KEY}}');
    expect(row!.config).not.toContain(OPENAI_KEY);
  });

  it('refuses a key in plaintext without echoing it', async () => {
    const plaintext = 'sk-proj-pasted-by-mistake-000111222333';
    const model = { ...openaiModel(), openai_config: { openai_api_key: plaintext } };
    const res = await admin('POST', '/endpoints', {
      name: 'ext-plaintext',
      served_entities: [{ name: 'ext', external_model: model }],
    });
    const body = await expectAdminError(res, 400, {
      param: 'served_entities.0.external_model.openai_config.openai_api_key',
    });
    expect(body.error.message).toContain('{{secrets/');
    expect(JSON.stringify(body)).not.toContain(plaintext);
  });

  it('refuses secrets the operator has not granted (the router cannot be made to send its own)', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'ext-admin-token',
      served_entities: [{ name: 'ext', external_model: openaiModel('llm/v1/chat', 'gpt-4o-mini', 'ADMIN_TOKEN') }],
    });
    await expectError(res, 400, {
      code: 'secret_not_granted',
      param: 'served_entities.0.external_model.openai_config.openai_api_key',
    });
    const tenantOnly = await admin('POST', '/endpoints', {
      name: 'ext-acme-only',
      served_entities: [{ name: 'ext', external_model: openaiModel('llm/v1/chat', 'gpt-4o-mini', 'ACME_API_KEY') }],
    });
    const body = await expectError(tenantOnly, 400, { code: 'secret_not_granted' });
    expect(body.error.message).toContain("tenant 'default'");
  });

  it('shows an endpoint whose secret is missing as not_ready with the reason, and answers 503 (not 500)', async () => {
    const created = await createExternal('ext-unset', openaiModel('llm/v1/chat', 'gpt-4o-mini', 'UNSET_API_KEY'));
    expect(created.state).toBe('not_ready');
    expect(created.state_reason).toContain("secret 'UNSET_API_KEY' is not set");
    const { key } = await createKey({ endpoints: ['ext-unset'] });
    const res = await chat(key, { model: 'ext-unset', messages: hello });
    const body = await expectError(res, 503, { code: 'endpoint_not_ready' });
    expect(body.error.message).toContain('UNSET_API_KEY');
    expect(res.headers.get('retry-after')).toBe('30');
  });
});

describe("external models: Databricks' rules", () => {
  const selfHosted = { name: 'local', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] };

  it('an endpoint with an external model has exactly one served entity', async () => {
    const res = await admin('POST', '/endpoints', {
      name: 'ext-two',
      served_entities: [{ name: 'ext', external_model: openaiModel() }, selfHosted],
    });
    const body = await expectError(res, 400, { param: 'served_entities' });
    expect(body.error.message).toBe('An endpoint with an external model has exactly one served entity (2 given)');
  });

  it('an update cannot add or remove external_model', async () => {
    await createExternal('ext-rules', openaiModel());
    const remove = await admin('PATCH', '/endpoints/ext-rules', { served_entities: [selfHosted] });
    const removed = await expectError(remove, 400, { code: 'external_model_change', param: 'served_entities' });
    expect(removed.error.message).toContain('cannot remove external_model');

    const local = await admin('POST', '/endpoints', { name: 'ext-rules-local', served_entities: [selfHosted] });
    expect(local.status).toBe(201);
    const add = await admin('PATCH', '/endpoints/ext-rules-local', {
      served_entities: [{ name: 'ext', external_model: openaiModel() }],
    });
    const added = await expectError(add, 400, { code: 'external_model_change' });
    expect(added.error.message).toContain('cannot add external_model');

    const inPlace = await admin('PATCH', '/endpoints/ext-rules/served-entities/ext', { model: 'gpt-4o' });
    await expectError(inPlace, 400, { code: 'external_model_entity' });

    // Changing the external model itself is an ordinary update.
    const change = await admin('PATCH', '/endpoints/ext-rules', {
      served_entities: [{ name: 'ext', external_model: openaiModel('llm/v1/chat', 'gpt-4o') }],
    });
    expect(change.status).toBe(200);
    const changed = JSON.parse(await read(change)) as {
      config_version: number;
      served_entities: Array<{ external_model: { name: string } }>;
    };
    expect(changed.config_version).toBe(2);
    expect(changed.served_entities[0]!.external_model.name).toBe('gpt-4o');
  });

  it('checks the provider config and the task against the provider', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { name: 'gpt-4o-mini', provider: 'openai', task: 'llm/v1/chat' },
        'served_entities.0.external_model.openai_config',
        "needs 'openai_config'",
      ],
      [
        { ...anthropicModel(), openai_config: openaiModel().openai_config },
        'served_entities.0.external_model.openai_config',
        "remove 'openai_config'",
      ],
      [
        { ...anthropicModel(), task: 'llm/v1/embeddings' },
        'served_entities.0.external_model.task',
        "serves task 'llm/v1/chat' only",
      ],
      [{ ...openaiModel(), task: 'llm/v1/images' }, 'served_entities.0.external_model.task', ''],
      [{ ...openaiModel(), provider: 'cohere' }, 'served_entities.0.external_model.provider', ''],
    ];
    for (const [model, param, message] of cases) {
      const res = await admin('POST', '/endpoints', {
        name: 'ext-bad',
        served_entities: [{ name: 'ext', external_model: model }],
      });
      const body = await expectAdminError(res, 400, { param });
      expect(body.error.message).toContain(message);
    }
  });

  it('the task decides which routes answer; the others are a 400 naming the task', async () => {
    await createExternal('ext-embed', openaiModel('llm/v1/embeddings', 'text-embedding-3-small'));
    await createExternal('ext-chat-only', anthropicModel());
    const { key } = await createKey({ endpoints: ['ext-embed', 'ext-chat-only'] });
    const chatOnEmbed = await chat(key, { model: 'ext-embed', messages: hello });
    const body = await expectError(chatOnEmbed, 400, { code: 'unsupported_task' });
    expect(body.error.message).toBe(
      "Endpoint 'ext-embed' serves an external model for task 'llm/v1/embeddings': it answers POST /v1/embeddings only",
    );
    const embedOnChat = await call('/v1/embeddings', {
      method: 'POST',
      token: key,
      json: { model: 'ext-chat-only', input: 'x' },
    });
    await expectError(embedOnChat, 400, { code: 'unsupported_task' });
    const generate = await call('/generate', {
      method: 'POST',
      token: key,
      json: { model: 'ext-chat-only', inputs: 'x' },
    });
    expect(generate.status).toBe(422);
    expect(((await generate.json()) as { error: string }).error).toContain("task 'llm/v1/chat'");
  });
});

describe('external models: OpenAI provider', () => {
  let key: string;
  beforeAll(async () => {
    await createExternal('ext-gpt', openaiModel());
    await createExternal('ext-instruct', openaiModel('llm/v1/completions', 'gpt-3.5-turbo-instruct'));
    await createExternal('ext-embeddings', openaiModel('llm/v1/embeddings', 'text-embedding-3-small'));
    await createExternal('ext-gpt-wrong-key', openaiModel('llm/v1/chat', 'gpt-4o-mini', 'WRONG_OPENAI_KEY'));
    await createExternal('ext-gpt-unknown', openaiModel('llm/v1/chat', 'gpt-9-nonexistent'));
    await createExternal('ext-gpt-429', openaiModel('llm/v1/chat', 'gpt-4o-mini', 'OPENAI_API_KEY', 'error429'));
    key = (await createKey({ endpoints: null })).key;
  });

  it('passes chat through with the provider key; the client key never reaches the provider', async () => {
    const res = await chat(key, { model: 'ext-gpt', messages: hello, max_tokens: 5 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      model: string;
      choices: Array<{ finish_reason: string }>;
      usage: { completion_tokens: number };
    };
    expect(body.model).toBe('ext-gpt');
    expect(body.choices[0]!.finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(5);
    const seen = (await originStats()).recent.filter((r) => r.path.endsWith('/openai/v1/chat/completions'));
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last.headers.authorization).toBe('[redacted]'); // present (and accepted: the answer was 200)
    expect((last.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(JSON.stringify(seen)).not.toContain(key);
  });

  it('streams chat with usage, and completions and embeddings on their own tasks', async () => {
    const res = await chat(key, {
      model: 'ext-gpt',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const usage = JSON.parse(events.at(-2)!) as { usage: { prompt_tokens: number }; choices: unknown[]; model: string };
    expect(usage.choices).toEqual([]);
    expect(usage.usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.model).toBe('ext-gpt');

    const completion = await call('/v1/completions', {
      method: 'POST',
      token: key,
      json: { model: 'ext-instruct', prompt: 'Say hi', max_tokens: 3 },
    });
    expect(completion.status).toBe(200);
    expect(((await completion.json()) as { object: string }).object).toBe('text_completion');

    const embedding = await call('/v1/embeddings', {
      method: 'POST',
      token: key,
      json: { model: 'ext-embeddings', input: ['a', 'b'] },
    });
    expect(embedding.status).toBe(200);
    expect(((await embedding.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('refuses top_k (OpenAI has none) before calling the provider', async () => {
    await expectError(await chat(key, { model: 'ext-gpt', messages: hello, top_k: 5 }), 400, {
      param: 'top_k',
      code: 'unsupported_parameter',
    });
  });

  it("maps the provider's errors: bad credentials and unknown models are the endpoint's fault (502), rate limits stay 429 with Retry-After", async () => {
    const wrong = await chat(key, { model: 'ext-gpt-wrong-key', messages: hello });
    const auth = await expectError(wrong, 502, { code: 'provider_authentication_failed' });
    expect(auth.error.message).toContain("secret 'WRONG_OPENAI_KEY'");
    expect(auth.error.message).not.toContain('*****'); // OpenAI quotes part of the key in its 401: not passed on

    await expectError(await chat(key, { model: 'ext-gpt-unknown', messages: hello }), 502, {
      code: 'provider_not_found',
    });

    const limited = await chat(key, { model: 'ext-gpt-429', messages: hello });
    await expectError(limited, 429, { code: 'provider_rate_limited', type: 'rate_limit_error' });
    expect(limited.headers.get('retry-after')).toBe('7');
  });
});

describe('external models: Anthropic provider', () => {
  let key: string;
  const weather = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  };

  beforeAll(async () => {
    await createExternal('ext-claude', anthropicModel(), { defaults: { max_tokens: 64 } });
    await createExternal('ext-claude-nodefault', anthropicModel());
    for (const mode of ['error429', 'error529', 'error403', 'instream-error/2']) {
      await createExternal(`ext-claude-${mode.replace('/', '-')}`, anthropicModel('claude-sonnet-4-5', mode));
    }
    await createExternal('ext-claude-unknown', anthropicModel('claude-nonexistent'));
    key = (await createKey({ endpoints: null })).key;
  });

  it('translates a chat with a system message to the Messages API and back', async () => {
    const res = await chat(key, {
      model: 'ext-claude',
      messages: [{ role: 'system', content: 'Be brief.' }, ...hello],
      stop: 'photographer',
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      user: 'user-7',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      object: string;
      model: string;
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('ext-claude');
    expect(body.choices[0]!.finish_reason).toBe('stop');
    expect(body.choices[0]!.message.content).not.toContain('photographer');
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    const sent = (await originStats()).recent.filter((r) => r.path.endsWith('/anthropic/v1/messages')).at(-1)!;
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64, // the endpoint's default
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there, how are you?' }] }],
      stop_sequences: ['photographer'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-7' },
    });
    expect(sent.headers['x-api-key']).toBe('[redacted]');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined(); // the client's bearer key is not forwarded
  });

  it('uses the documented max_tokens default when neither request nor endpoint gives one', async () => {
    const res = await chat(key, { model: 'ext-claude-nodefault', messages: hello });
    expect(res.status).toBe(200);
    const sent = (await originStats()).recent.filter((r) => r.path.endsWith('/anthropic/v1/messages')).at(-1)!;
    expect((sent.body as { max_tokens: number }).max_tokens).toBe(4096);
  });

  it('round-trips tools: tool_calls out, tool results back in', async () => {
    const first = await chat(key, { model: 'ext-claude', messages: hello, tools: [weather], tool_choice: 'required' });
    expect(first.status).toBe(200);
    const answer = (await first.json()) as {
      choices: Array<{
        finish_reason: string;
        message: {
          content: string | null;
          tool_calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
        };
      }>;
    };
    const choice = answer.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const callMade = choice.message.tool_calls[0]!;
    expect(callMade.function.name).toBe('get_weather');
    expect(JSON.parse(callMade.function.arguments)).toEqual({ location: 'Paris' });

    const second = await chat(key, {
      model: 'ext-claude',
      tools: [weather],
      messages: [
        ...hello,
        { role: 'assistant', content: null, tool_calls: [callMade] },
        { role: 'tool', tool_call_id: callMade.id, content: 'Sunny, 21 C' },
      ],
    });
    expect(second.status).toBe(200);
    expect(((await second.json()) as { choices: Array<{ finish_reason: string }> }).choices[0]!.finish_reason).toBe(
      'stop',
    );
    const sent = (await originStats()).recent.filter((r) => r.path.endsWith('/anthropic/v1/messages')).at(-1)!;
    expect((sent.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hello there, how are you?' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: callMade.id, name: 'get_weather', input: { location: 'Paris' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: callMade.id, content: 'Sunny, 21 C' }] },
    ]);
  });

  it('streams: events become OpenAI chunks with tool calls, finish_reason and usage', async () => {
    const res = await chat(key, {
      model: 'ext-claude',
      messages: hello,
      tools: [weather],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map(
      (e) =>
        JSON.parse(e) as {
          choices: Array<{
            delta: {
              role?: string;
              content?: string;
              tool_calls?: Array<{ id?: string; function: { name?: string; arguments: string } }>;
            };
            finish_reason: string | null;
          }>;
          usage?: { prompt_tokens: number; completion_tokens: number };
        },
    );
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const args = chunks
      .flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))
      .map((t) => t.function.arguments)
      .join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    expect(
      chunks.find((c) => c.choices[0]?.delta.tool_calls?.[0]?.id)?.choices[0]!.delta.tool_calls![0]!.function.name,
    ).toBe('get_weather');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBe(12);
  });

  it('refuses what Anthropic cannot honour before calling it', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ temperature: 1.5 }, 'temperature'],
      [{ n: 2 }, 'n'],
      [{ logprobs: true }, 'logprobs'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [{ messages: [...hello, { role: 'system', content: 'late' }] }, 'messages.1.role'],
      [
        { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] },
        'messages.0.content.0.type',
      ],
    ];
    const before = (await originStats()).requests;
    for (const [extra, param] of cases) {
      await expectError(await chat(key, { model: 'ext-claude', messages: hello, ...extra }), 400, { param });
    }
    expect((await originStats()).requests).toBe(before);
  });

  it('refuses null or non-object tools and tool calls with a 400 naming them, before calling Anthropic', async () => {
    const before = (await originStats()).requests;
    await expectError(await chat(key, { model: 'ext-claude', messages: hello, tools: [null] }), 400, {
      code: 'invalid_body',
      param: 'tools.0',
      message: "Invalid 'tools.0': expected object, got null",
    });
    await expectError(
      await chat(key, {
        model: 'ext-claude',
        messages: [...hello, { role: 'assistant', content: 'x', tool_calls: [weather, 'call'] }],
      }),
      400,
      { param: 'messages.1.tool_calls.1', message: "Invalid 'messages.1.tool_calls.1': expected object, got string" },
    );
    expect((await originStats()).requests).toBe(before);
  });

  it("maps Anthropic's errors to OpenAI's shape with the right status and Retry-After", async () => {
    const limited = await chat(key, { model: 'ext-claude-error429', messages: hello });
    await expectError(limited, 429, { code: 'provider_rate_limited' });
    expect(limited.headers.get('retry-after')).toBe('7');
    const overloaded = await chat(key, { model: 'ext-claude-error529', messages: hello });
    await expectError(overloaded, 503, { code: 'provider_overloaded' });
    expect(overloaded.headers.get('retry-after')).toBe('1');
    await expectError(await chat(key, { model: 'ext-claude-error403', messages: hello }), 502, {
      code: 'provider_permission_denied',
    });
    await expectError(await chat(key, { model: 'ext-claude-unknown', messages: hello }), 502, {
      code: 'provider_not_found',
    });
  });

  it("turns a stream's error event into an OpenAI error event", async () => {
    const res = await chat(key, { model: 'ext-claude-instream-error-2', messages: hello, stream: true });
    expect(res.status).toBe(200);
    const events = await sseEvents(res);
    const error = JSON.parse(events.at(-2)!) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('provider_overloaded');
    expect(error.error.message).toContain('overloaded_error');
    expect(events.at(-1)).toBe('[DONE]');
  });
});

describe('external models: the Responses API rides the chat path to the provider', () => {
  it('answers /v1/responses on an Anthropic and an OpenAI chat model, streaming and not', async () => {
    await createExternal('ext-resp-claude', anthropicModel());
    await createExternal('ext-resp-gpt', openaiModel());
    const { key } = await createKey({ endpoints: null });
    for (const model of ['ext-resp-claude', 'ext-resp-gpt']) {
      const res = await call('/v1/responses', {
        method: 'POST',
        token: key,
        json: { model, input: 'Hello there', max_output_tokens: 5 },
      });
      const text = await read(res);
      expect(res.status).toBe(200);
      const body = JSON.parse(text) as {
        model: string;
        status: string;
        output: Array<{ content: Array<{ text: string }> }>;
        usage: { output_tokens: number };
      };
      expect(body.model).toBe(model);
      expect(body.status).toBe('incomplete');
      expect(body.output[0]!.content[0]!.text.length).toBeGreaterThan(0);
      expect(body.usage.output_tokens).toBe(5);
      const streamed = await call('/v1/responses', {
        method: 'POST',
        token: key,
        json: { model, input: 'Hello there', stream: true },
      });
      const events = await read(streamed);
      expect(events).toContain('event: response.output_text.delta');
      expect(events).toContain('event: response.completed');
    }
  });

  it('names the Responses field in a refusal of the Anthropic adapter, not the chat field it became', async () => {
    await createExternal('ext-resp-claude-terms', anthropicModel());
    const { key } = await createKey({ endpoints: null });
    const respond = (json: Record<string, unknown>) =>
      call('/v1/responses', {
        method: 'POST',
        token: key,
        json: { model: 'ext-resp-claude-terms', input: 'Hi', ...json },
      });
    const tool = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } };
    const strict = await expectError(await respond({ tools: [tool, { ...tool, name: 'other', strict: true }] }), 400, {
      code: 'unsupported_parameter',
      param: 'tools.1.strict',
    });
    expect(strict.error.message).toBe(
      "'tools.1.strict' is not supported by this endpoint's Anthropic model: strict schema adherence is not mapped to Anthropic",
    );
    const format = await expectError(await respond({ text: { format: { type: 'json_object' } } }), 400, {
      param: 'text.format',
    });
    expect(format.error.message).toMatch(/^'text\.format' is not supported by this endpoint's Anthropic model: /);
  });

  it("names the input item (and its field) that the Anthropic adapter refused, not just 'input'", async () => {
    await createExternal('ext-resp-claude-items', anthropicModel());
    const { key } = await createKey({ endpoints: null });
    const respond = (json: Record<string, unknown>) =>
      call('/v1/responses', { method: 'POST', token: key, json: { model: 'ext-resp-claude-items', ...json } });
    // Instructions become chat's first message: the late system message is chat's messages.2, the input's item 1.
    const late = await expectError(
      await respond({
        instructions: 'Be brief',
        input: [
          { role: 'user', content: 'Hi' },
          { role: 'system', content: 'late' },
        ],
      }),
      400,
      { code: 'unsupported_parameter', param: 'input.1.role' },
    );
    expect(late.error.message).toMatch(/^'input\.1\.role' is not supported by this endpoint's Anthropic model: /);
    expect(late.error.message).not.toContain('messages');
    // A function call merged into the assistant message before it (chat's messages.1.tool_calls.0): its arguments.
    const call1 = { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '[1]' };
    await expectError(
      await respond({
        input: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: 'Let me look.' },
          call1,
          { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        ],
      }),
      400,
      {
        code: 'invalid_body',
        param: 'input.2.arguments',
        message: expect.stringMatching(/^Invalid 'input\.2\.arguments': /),
      },
    );
    // A content part of a kind Anthropic does not take (a BMP image): the part, by its index in the item.
    await expectError(
      await respond({
        input: [
          { role: 'user', content: 'Hi' },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'Look:' },
              { type: 'input_image', image_url: 'data:image/bmp;base64,Qk0=' },
            ],
          },
        ],
      }),
      400,
      { code: 'unsupported_parameter', param: 'input.1.content.1.image_url' },
    );
  });
});

describe('external models: what the router does for self-hosted origins holds here too', () => {
  beforeAll(async () => {
    await createExternal('ext-claude-slow', anthropicModel('claude-sonnet-4-5', 'slow/50'));
    await createExternal('ext-gpt-stall', openaiModel('llm/v1/chat', 'gpt-4o-mini', 'OPENAI_API_KEY', 'stall'), {
      timeouts: { first_byte_ms: 300, total_ms: 2_000 },
    });
  });

  it('per-key concurrency; a client leaving aborts the provider request, frees the slot and still counts usage', async () => {
    const { id, key } = await createKey({ concurrency_limit: 1, endpoints: null });
    const abortedBefore = (await originStats()).aborted;
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'ext-claude-slow', messages: hello, stream: true },
    });
    expect(res.status).toBe(200);
    const second = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: { model: 'ext-claude-slow', messages: hello },
    });
    await expectError(second, 429, { code: 'concurrency_limit_exceeded' });
    const reader = res.body!.getReader();
    let deltas = 0;
    while (deltas < 3) {
      const { value } = await reader.read();
      deltas += (new TextDecoder().decode(value).match(/"content":"[^"]+"/g) ?? []).length;
    }
    await reader.cancel();
    await eventually(async () => expect((await originStats()).aborted).toBeGreaterThan(abortedBefore));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
    await eventually(async () => {
      const rows = (
        (await (await admin('GET', `/keys/${id}/usage`)).json()) as {
          data: Array<{ endpoint: string; aborted: number; prompt_tokens: number; completion_tokens: number }>;
        }
      ).data;
      const row = rows.find((r) => r.endpoint === 'ext-claude-slow');
      expect(row?.aborted).toBe(1);
      expect(row!.prompt_tokens).toBeGreaterThan(0);
      expect(row!.completion_tokens).toBeGreaterThanOrEqual(3);
    });
  });

  it("the endpoint's timeouts hold for a provider that does not answer", async () => {
    const { key } = await createKey({ endpoints: null });
    const res = await chat(key, { model: 'ext-gpt-stall', messages: hello });
    await expectError(res, 504, { code: 'origin_timeout' });
  });
});

describe('external models: a provider that echoes its key in an error', () => {
  // The emulator's echo-key mode: a plain-text 500 quoting the request's credential header after n filler characters.
  const ECHO_PREFIX = 'upstream failed; request header x-api-key: ';
  /** Filler that starts the key 10 characters before offset 500, where a 500-character cut would split it. */
  const SPLIT_AT_500 = 490 - ECHO_PREFIX.length;
  let key: string;
  beforeAll(async () => {
    await createExternal('ext-gpt-echo', openaiModel('llm/v1/chat', 'gpt-4o-mini', 'OPENAI_API_KEY', 'echo-key'));
    await createExternal('ext-claude-echo', anthropicModel('claude-sonnet-4-5', `echo-key/${SPLIT_AT_500}`));
    key = (await createKey({ endpoints: null })).key;
  });

  it('ejecting the provider logs its failure with the key cut out, and the client is told without it', async () => {
    const before = logged.length;
    // Five consecutive failures (the default) eject the provider's API base in this isolate.
    for (let i = 0; i < 5; i++) {
      const res = await chat(key, { model: 'ext-gpt-echo', messages: hello });
      const body = await expectError(res, 502, { code: 'provider_error' });
      expect(body.error.message).toContain('[secret]');
      expect(body.error.message).not.toContain(OPENAI_KEY);
    }
    const ejections = logged
      .slice(before)
      .filter((line) => line.startsWith('{"msg":"origin ejected"'))
      .map((line) => JSON.parse(line) as { origin: string; detail: string });
    const mine = ejections.filter((e) => e.origin.includes('/mode/echo-key/openai'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.detail).toBe('HTTP 500: upstream failed; request header authorization: Bearer [secret]');
  });

  it('a Messages or Responses request on the chat path is logged with the key cut out too', async () => {
    // Other origins than the test above (the mode is in the URL): each gets ejected afresh in this isolate.
    await createExternal('ext-gpt-echo-msg', openaiModel('llm/v1/chat', 'gpt-4o-mini', 'OPENAI_API_KEY', 'echo-key/1'));
    await createExternal('ext-claude-echo-resp', anthropicModel('claude-sonnet-4-5', 'echo-key/2'));
    const before = logged.length;
    for (let i = 0; i < 5; i++) {
      const messages = await call('/v1/messages', {
        method: 'POST',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        json: { model: 'ext-gpt-echo-msg', max_tokens: 16, messages: hello },
      });
      expect(messages.status).toBe(502);
      expect(await read(messages)).not.toContain(OPENAI_KEY);
      const responses = await call('/v1/responses', {
        method: 'POST',
        token: key,
        json: { model: 'ext-claude-echo-resp', input: 'hello' },
      });
      expect(responses.status).toBe(502);
      expect(await read(responses)).not.toContain(ANTHROPIC_KEY);
    }
    const details = logged
      .slice(before)
      .filter((line) => line.startsWith('{"msg":"origin ejected"'))
      .map((line) => JSON.parse(line) as { origin: string; detail: string })
      .filter((e) => /\/mode\/echo-key\/[12]\//.test(e.origin))
      .map((e) => e.detail);
    expect(details).toHaveLength(2);
    for (const detail of details) {
      expect(detail).toContain('[secret]');
      expect(detail).not.toContain(OPENAI_KEY);
      expect(detail).not.toContain(ANTHROPIC_KEY);
    }
  });

  it('cuts the key out of the whole body before shortening the message, so no part of it is left', async () => {
    const res = await chat(key, { model: 'ext-claude-echo', messages: hello });
    const body = await expectError(res, 502, { code: 'provider_error' });
    expect(body.error.message).not.toContain(ANTHROPIC_KEY.slice(0, 10)); // the part before offset 500
    expect(body.error.message).toContain(`${ECHO_PREFIX}[secret]`);
  });
});

describe("external models: a provider that echoes its key in a stream's error event", () => {
  // The emulator's instream-echo-key mode: after two tokens, the protocol's in-stream error event (OpenAI
  // `data: {"error":…}`, Anthropic `event: error`) whose message quotes the request's credential header.
  let key: string;
  beforeAll(async () => {
    const gpt = openaiModel('llm/v1/chat', 'gpt-4o-mini', 'OPENAI_API_KEY', 'instream-echo-key');
    await createExternal('ext-gpt-instream-echo', gpt);
    await createExternal('ext-claude-instream-echo', anthropicModel('claude-sonnet-4-5', 'instream-echo-key'));
    key = (await createKey({ endpoints: null })).key;
  });

  /** Each client protocol's streaming request: its route, its headers (the key included) and its body. */
  const streams: Record<string, (model: string) => [string, Record<string, string>, Record<string, unknown>]> = {
    chat: (model) => ['/v1/chat/completions', {}, { model, messages: hello, stream: true }],
    messages: (model) => [
      '/v1/messages',
      { 'anthropic-version': '2023-06-01' },
      { model, max_tokens: 16, messages: hello, stream: true },
    ],
    responses: (model) => ['/v1/responses', {}, { model, input: 'Hello there', stream: true }],
  };

  for (const model of ['ext-gpt-instream-echo', 'ext-claude-instream-echo']) {
    for (const [protocol, request] of Object.entries(streams)) {
      it(`${model}, ${protocol}: the error event reaches the client with the key cut out`, async () => {
        const [path, headers, json] = request(model);
        const res = await call(path, { method: 'POST', headers, token: key, json });
        expect(res.status).toBe(200);
        const text = await read(res);
        expect(text).toContain('upstream failed; request header');
        expect(text).toContain('[secret]');
        for (const secret of SECRETS) expect(text).not.toContain(secret);
      });
    }
  }
});

describe('external models: secrets never logged', () => {
  it('no log line and no answer of this file carries a secret value', () => {
    expect(logged.some((line) => line.includes('"msg":"request"'))).toBe(true); // the capture works
    expect(answers.length).toBeGreaterThan(20);
    for (const secret of SECRETS) {
      for (const line of logged) expect(line).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });
});
