import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error';
import type { Endpoint, ServedEntity } from '../../src/endpoints/schema';
import { chatToTgi } from '../../src/protocols/chat-on-tgi/request-adapter';
import { completionsToTgi } from '../../src/protocols/completions-on-tgi/request-adapter';
import { originExchange } from '../../src/protocols/registry';
import { refusal } from './refusal';

const messages = [{ role: 'user' as const, content: 'hi' }];
const chat = (extra: Record<string, unknown>, stream = false) =>
  chatToTgi({ model: 'ep', messages, ...extra }, 'tgi', stream);
const gen = (extra: Record<string, unknown>, model = 'tgi') =>
  completionsToTgi({ model: 'ep', prompt: 'Once upon', ...extra }, model);

function expectRefused(fn: () => unknown, param: string): ApiError {
  const err = refusal(fn);
  expect(err.status).toBe(400);
  expect(err.param).toBe(param);
  expect(err.code).toBe('unsupported_parameter');
  expect(err.message).toContain(`'${param}'`);
  return err;
}

describe('chat → TGI Messages API', () => {
  it('sets the origin model, keeps messages and passes unknown extras through', () => {
    const body = chat({
      temperature: 0.7,
      seed: 3,
      frequency_penalty: 0.5,
      tools: [{ type: 'function' }],
      tool_prompt: 'x',
    });
    expect(body).toEqual({
      model: 'tgi',
      messages,
      temperature: 0.7,
      seed: 3,
      frequency_penalty: 0.5,
      tools: [{ type: 'function' }],
      tool_prompt: 'x',
    });
  });

  it('makes a bare stop string an array and refuses more than 4 stops', () => {
    expect(chat({ stop: 'END' }).stop).toEqual(['END']);
    expect(chat({ stop: ['a', 'b'] }).stop).toEqual(['a', 'b']);
    expectRefused(() => chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop');
  });

  it('drops top_p 1 (TGI refuses 1.0) and top_p under greedy decoding, keeps it otherwise', () => {
    expect(chat({ top_p: 1 })).not.toHaveProperty('top_p');
    expect(chat({ top_p: 0.9 }).top_p).toBe(0.9);
    expect(chat({ top_p: 0.9, temperature: 0 })).not.toHaveProperty('top_p');
  });

  it('drops presence_penalty 0 (TGI would make it repetition_penalty 2) and refuses any other value', () => {
    expect(chat({ presence_penalty: 0 })).not.toHaveProperty('presence_penalty');
    const err = expectRefused(() => chat({ presence_penalty: 0.5 }), 'presence_penalty');
    expect(err.message).toContain('repetition_penalty');
  });

  it('drops an empty logit_bias and refuses a real one', () => {
    expect(chat({ logit_bias: {} })).not.toHaveProperty('logit_bias');
    expect(chat({ logit_bias: null })).not.toHaveProperty('logit_bias');
    expectRefused(() => chat({ logit_bias: { '50256': -100 } }), 'logit_bias');
  });

  it('drops n 1 and refuses n > 1', () => {
    expect(chat({ n: 1 })).not.toHaveProperty('n');
    expectRefused(() => chat({ n: 2 }), 'n');
  });

  it("maps response_format json_schema to TGI's shape, drops text, refuses json_object and schemas without properties", () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      chat({ response_format: { type: 'json_schema', json_schema: { name: 'thing', schema, strict: true } } })
        .response_format,
    ).toEqual({
      type: 'json_schema',
      value: { name: 'thing', schema },
    });
    expect(chat({ response_format: { type: 'text' } })).not.toHaveProperty('response_format');
    expectRefused(() => chat({ response_format: { type: 'json_object' } }), 'response_format');
    expectRefused(
      () => chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'string' } } } }),
      'response_format',
    );
    // TGI's own grammar shape passes.
    expect(chat({ response_format: { type: 'regex', value: '[a-z]+' } }).response_format).toEqual({
      type: 'regex',
      value: '[a-z]+',
    });
  });

  it('renames max_completion_tokens to max_tokens', () => {
    const body = chat({ max_completion_tokens: 9 });
    expect(body.max_tokens).toBe(9);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it("always asks for usage on streams, with TGI's one stream option only; none without a stream", () => {
    expect(chat({ stream: true }, true).stream_options).toEqual({ include_usage: true });
    const options = { include_usage: false, continuous_usage_stats: true, x: 1 };
    expect(chat({ stream: true, stream_options: options }, true).stream_options).toEqual({ include_usage: true });
    expect(chat({})).not.toHaveProperty('stream_options');
  });

  it('drops null fields (TGI booleans refuse null) and refuses top_logprobs over 5', () => {
    expect(chat({ stream: null, temperature: null })).toEqual({ model: 'tgi', messages });
    expect(chat({ logprobs: true, top_logprobs: 5 }).top_logprobs).toBe(5);
    expectRefused(() => chat({ logprobs: true, top_logprobs: 6 }), 'top_logprobs');
    expectRefused(() => chat({ seed: -1 }), 'seed');
  });

  it('uses the entity model (an adapter id on TGI) as model', () => {
    expect(chatToTgi({ model: 'ep', messages }, 'my-lora', false).model).toBe('my-lora');
  });
});

describe('completions → TGI generate', () => {
  it('defaults max_new_tokens to 16, samples, asks for details', () => {
    expect(gen({})).toEqual({
      body: {
        inputs: 'Once upon',
        parameters: { max_new_tokens: 16, details: true, decoder_input_details: false, do_sample: true },
      },
      logprobs: null,
      echo: false,
    });
  });

  it('maps the sampling fields', () => {
    const { parameters } = gen({
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      stop: 'END',
      frequency_penalty: 0.3,
      repetition_penalty: 1.1,
    }).body;
    expect(parameters).toEqual({
      max_new_tokens: 5,
      details: true,
      decoder_input_details: false,
      do_sample: true,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      stop: ['END'],
      frequency_penalty: 0.3,
      repetition_penalty: 1.1,
    });
  });

  it('decodes greedily at temperature 0, leaving out everything that would make TGI sample', () => {
    const { parameters } = gen({ temperature: 0, top_p: 0.5, top_k: 3 }).body;
    expect(parameters.do_sample).toBe(false);
    for (const k of ['temperature', 'top_p', 'top_k']) expect(parameters).not.toHaveProperty(k);
  });

  it('drops the "off" values TGI refuses: top_p 1, top_k 0 and -1', () => {
    const { parameters } = gen({ top_p: 1, top_k: -1 }).body;
    expect(parameters).not.toHaveProperty('top_p');
    expect(parameters).not.toHaveProperty('top_k');
    expect(gen({ top_k: 0 }).body.parameters).not.toHaveProperty('top_k');
  });

  it('takes a string or one-string array prompt, refuses token ids, several prompts and an empty one', () => {
    expect(gen({ prompt: ['only'] }).body.inputs).toBe('only');
    expect(expectRefused(() => gen({ prompt: [1, 2, 3] }), 'prompt').message).toContain('token ids');
    expectRefused(() => gen({ prompt: [[1, 2]] }), 'prompt');
    expect(expectRefused(() => gen({ prompt: ['a', 'b'] }), 'prompt').message).toContain('one prompt');
    expectRefused(() => gen({ prompt: '' }), 'prompt');
  });

  it('refuses what TGI cannot do', () => {
    expectRefused(() => gen({ suffix: 'tail' }), 'suffix');
    expectRefused(() => gen({ best_of: 2 }), 'best_of');
    expectRefused(() => gen({ n: 2 }), 'n');
    expectRefused(() => gen({ presence_penalty: 1 }), 'presence_penalty');
    expectRefused(() => gen({ logit_bias: { '1': 5 } }), 'logit_bias');
    expectRefused(() => gen({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop');
    expectRefused(() => gen({ logprobs: 6 }), 'logprobs');
    expectRefused(() => gen({ logprobs: 1, echo: true }), 'echo');
    expectRefused(() => gen({ seed: -1 }), 'seed');
    // …and accepts their neutral values.
    expect(() => gen({ best_of: 1, n: 1, presence_penalty: 0, logit_bias: {}, suffix: null })).not.toThrow();
  });

  it('maps echo to return_full_text, logprobs to top_n_tokens, an adapter model to adapter_id', () => {
    const echo = gen({ echo: true });
    expect(echo.echo).toBe(true);
    expect(echo.body.parameters.return_full_text).toBe(true);
    const lp = gen({ logprobs: 3 });
    expect(lp.logprobs).toBe(3);
    expect(lp.body.parameters.top_n_tokens).toBe(3);
    expect(gen({ logprobs: 0 }).body.parameters).not.toHaveProperty('top_n_tokens');
    expect(gen({}, 'my-lora').body.parameters.adapter_id).toBe('my-lora');
    expect(gen({}).body.parameters).not.toHaveProperty('adapter_id');
  });

  it('maps response_format to a grammar', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(
      gen({ response_format: { type: 'json_schema', json_schema: { name: 'n', schema } } }).body.parameters.grammar,
    ).toEqual({
      type: 'json_schema',
      value: { name: 'n', schema },
    });
  });
});

describe('openaiOnTgi', () => {
  const ctx = (stream: boolean) => ({
    endpoint: { name: 'ep' } as Endpoint,
    entity: { name: 'e', protocol: 'tgi', model: 'tgi', origins: [] } as unknown as ServedEntity,
    originModel: 'tgi',
    requestId: 'req-1',
    stream,
  });

  it('routes chat to the Messages API and completions to /generate or /generate_stream', () => {
    expect(originExchange('chat', { messages }, ctx(false)).path).toBe('/v1/chat/completions');
    expect(originExchange('completions', { prompt: 'x' }, ctx(false)).path).toBe('/generate');
    expect(originExchange('completions', { prompt: 'x', stream: true }, ctx(true)).path).toBe('/generate_stream');
  });

  it('refuses while building the exchange, before any origin call', () => {
    expect(() => originExchange('chat', { messages, n: 3 }, ctx(false))).toThrow(ApiError);
    expect(() => originExchange('completions', { prompt: 'x', suffix: 'y' }, ctx(false))).toThrow(ApiError);
  });
});
