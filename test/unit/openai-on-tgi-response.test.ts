import { describe, expect, it } from 'vitest';
import { completionsOnTgiResponse } from '../../src/protocols/completions-on-tgi/response-translation';
import { CompletionsOnTgiCodec } from '../../src/protocols/completions-on-tgi/stream-codec';
import { ChatOnTgiCodec } from '../../src/protocols/chat-on-tgi/stream-codec';
import { chatOnTgiResponse } from '../../src/protocols/chat-on-tgi/response-translation';

/** The JSON payloads of a client-side SSE text (`data: [DONE]` kept as the string). */
function payloads(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length))
    .map((d) => (d === '[DONE]' ? d : JSON.parse(d)));
}

// ---- TGI Messages API (chat) -------------------------------------------------------------

const head = '"id":"","created":1,"model":"tgi","system_fingerprint":"3.3.6-native"';
const tgiChunk = (content: string, finish: string | null = null) =>
  `data:{"object":"chat.completion.chunk",${head},"choices":[{"index":0,"delta":{"role":"assistant","content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],"usage":null}\n\n`;
const tgiUsage = `data:{"object":"chat.completion.chunk",${head},"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}}\n\n`;
const TGI_DONE = 'data:[DONE]\n\n';

const chatCodec = (clientWantsUsage = false) =>
  new ChatOnTgiCodec({ endpointName: 'ep', id: 'chatcmpl-r1', clientWantsUsage });

describe('ChatOnTgiCodec', () => {
  it('renames the model, fills the id, keeps the role only on the first delta, maps finish reasons', () => {
    const c = chatCodec();
    const out = payloads(
      c.push(tgiChunk(' Hi') + tgiChunk(' there') + tgiChunk('', 'stop_sequence') + tgiUsage + TGI_DONE),
    ) as Array<Record<string, unknown>>;
    expect(out.at(-1)).toBe('[DONE]');
    const chunks = out.slice(0, -1) as Array<{
      id: string;
      model: string;
      usage?: unknown;
      choices: Array<{ delta: Record<string, unknown>; finish_reason: unknown }>;
    }>;
    expect(chunks).toHaveLength(3); // the usage chunk the router asked for is dropped
    for (const ch of chunks) {
      expect(ch.id).toBe('chatcmpl-r1');
      expect(ch.model).toBe('ep');
      expect(ch).not.toHaveProperty('usage');
    }
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: ' Hi' });
    expect(chunks[1]!.choices[0]!.delta).toEqual({ content: ' there' });
    expect(chunks.map((ch) => ch.choices[0]!.finish_reason)).toEqual([null, null, 'stop']);
    expect(c.usage).toEqual({ promptTokens: 4, completionTokens: 3 });
    expect(c.complete).toBe(true);
    expect(c.end()).toBe('');
  });

  it('passes length through and keeps the usage chunk when the client asked for it', () => {
    const c = chatCodec(true);
    const out = payloads(c.push(tgiChunk(' a', 'length') + tgiUsage + TGI_DONE)) as Array<Record<string, unknown>>;
    expect((out[0] as { choices: Array<{ finish_reason: string }> }).choices[0]!.finish_reason).toBe('length');
    expect(out[0]).toHaveProperty('usage', null);
    expect(out[1]).toMatchObject({
      id: 'chatcmpl-r1',
      model: 'ep',
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 3 },
    });
    expect(out[2]).toBe('[DONE]');
  });

  it('removes usage from a chunk that has choices too when the client did not ask for it, and still reads it', () => {
    const c = chatCodec();
    const last = tgiChunk(' a', 'length').replace(
      '"usage":null',
      '"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}',
    );
    const out = payloads(c.push(last + TGI_DONE)) as Array<Record<string, unknown>>;
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ choices: [{ finish_reason: 'length' }] });
    expect(out[0]).not.toHaveProperty('usage');
    expect(c.usage).toEqual({ promptTokens: 4, completionTokens: 1 });

    const asked = chatCodec(true);
    expect(payloads(asked.push(last))[0]).toHaveProperty('usage', {
      prompt_tokens: 4,
      completion_tokens: 1,
      total_tokens: 5,
    });
  });

  it('maps eos_token (older TGI) to stop and keeps a real id', () => {
    const c = chatCodec();
    const [first] = payloads(c.push(tgiChunk('x', 'eos_token').replace('"id":""', '"id":"abc"'))) as Array<{
      id: string;
      choices: Array<{ finish_reason: string }>;
    }>;
    expect(first!.id).toBe('abc');
    expect(first!.choices[0]!.finish_reason).toBe('stop');
  });

  it("turns TGI's in-stream error into an OpenAI error event followed by [DONE]", () => {
    const c = chatCodec();
    const text = c.push(
      tgiChunk(' a') +
        'data:{"error":{"message":"Input validation error: `top_n_tokens` must be >= 0 and <= 5","http_status_code":422}}\n\n' +
        TGI_DONE,
    );
    const out = payloads(text);
    expect(out[1]).toMatchObject({
      error: { code: 'origin_error', type: 'server_error', message: expect.stringContaining('top_n_tokens') },
    });
    expect(out.slice(2)).toEqual(['[DONE]']);
    expect(c.errored).toBe(true);
    expect(c.end()).toBe('');
  });

  it('reports a stream that ends without [DONE] as an error, and counts chunks as the fallback usage', () => {
    const c = chatCodec();
    c.push(tgiChunk(' a') + tgiChunk(' b'));
    const tail = payloads(c.end());
    expect(tail[0]).toMatchObject({ error: { code: 'origin_stream_truncated' } });
    expect(tail[1]).toBe('[DONE]');
    expect(c.usage).toEqual({ promptTokens: 0, completionTokens: 2 });
  });

  it('handles events split across reads and passes keep-alives through', () => {
    const c = chatCodec();
    const whole = tgiChunk(' split');
    expect(c.push(':\n\n' + whole.slice(0, 20))).toBe(':\n\n');
    expect(payloads(c.push(whole.slice(20)))).toHaveLength(1);
  });
});

describe('chatOnTgiResponse', () => {
  it('fills the id, renames the model, maps finish reasons and reads usage', () => {
    const json = {
      object: 'chat.completion',
      id: '',
      created: 1,
      model: 'tgi',
      system_fingerprint: '3.3.6-native',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi photographer' },
          logprobs: null,
          finish_reason: 'stop_sequence',
        },
      ],
      usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 },
    };
    const { body, usage } = chatOnTgiResponse(json, 'ep', 'r2');
    expect(body).toMatchObject({
      id: 'chatcmpl-r2',
      model: 'ep',
      system_fingerprint: '3.3.6-native',
      choices: [{ finish_reason: 'stop' }],
    });
    expect(usage).toEqual({ promptTokens: 2, completionTokens: 5 });
  });

  it('passes length through and makes object tool-call arguments a JSON string', () => {
    const json = {
      id: '',
      model: 'tgi',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            tool_calls: [{ id: '0', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
          },
          finish_reason: 'length',
        },
      ],
    };
    const { body } = chatOnTgiResponse(json, 'ep', 'r3') as {
      body: {
        choices: Array<{ finish_reason: string; message: { tool_calls: Array<{ function: { arguments: unknown } }> } }>;
      };
    };
    expect(body.choices[0]!.finish_reason).toBe('length');
    expect(body.choices[0]!.message.tool_calls[0]!.function.arguments).toBe('{"a":1}');
  });
});

// ---- TGI generate (completions) ---------------------------------------------------------

const tok = (id: number, text: string, logprob: number, special = false) => ({ id, text, logprob, special });

describe('completionsOnTgiResponse', () => {
  const headers = new Headers({ 'x-prompt-tokens': '3', 'x-generated-tokens': '4' });

  it('builds a text_completion with usage from the header and details', () => {
    const json = {
      generated_text: ' I am a',
      details: { finish_reason: 'eos_token', generated_tokens: 4, seed: null, prefill: [], tokens: [] },
    };
    const { body, usage } = completionsOnTgiResponse(json, headers, {
      id: 'cmpl-r',
      endpointName: 'ep',
      logprobs: null,
    });
    expect(body).toMatchObject({
      id: 'cmpl-r',
      object: 'text_completion',
      model: 'ep',
      choices: [{ index: 0, text: ' I am a', logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    expect(usage).toEqual({ promptTokens: 3, completionTokens: 4 });
  });

  it('maps length and stop_sequence', () => {
    const finish = (reason: string) =>
      (
        completionsOnTgiResponse(
          { generated_text: 'x', details: { finish_reason: reason, generated_tokens: 1 } },
          headers,
          { id: 'i', endpointName: 'ep', logprobs: null },
        ).body as { choices: Array<{ finish_reason: string }> }
      ).choices[0]!.finish_reason;
    expect(finish('length')).toBe('length');
    expect(finish('stop_sequence')).toBe('stop');
  });

  it('builds OpenAI logprobs from details.tokens and top_tokens, leaving out special tokens', () => {
    const json = {
      generated_text: ' I am',
      details: {
        finish_reason: 'eos_token',
        generated_tokens: 3,
        seed: null,
        prefill: [],
        tokens: [tok(1, ' I', -0.1), tok(2, ' am', -0.2), tok(3, '</s>', -0.01, true)],
        top_tokens: [
          [tok(1, ' I', -0.1), tok(9, ' We', -1)],
          [tok(2, ' am', -0.2), tok(8, ' was', -2)],
          [tok(3, '</s>', -0.01, true)],
        ],
      },
    };
    const { body } = completionsOnTgiResponse(json, headers, { id: 'i', endpointName: 'ep', logprobs: 2 });
    expect((body as { choices: Array<{ logprobs: unknown }> }).choices[0]!.logprobs).toEqual({
      tokens: [' I', ' am'],
      token_logprobs: [-0.1, -0.2],
      top_logprobs: [
        { ' I': -0.1, ' We': -1 },
        { ' am': -0.2, ' was': -2 },
      ],
      text_offset: [0, 2],
    });
  });
});

const genEvent = (index: number, t: ReturnType<typeof tok>, extra: Record<string, unknown> = {}) =>
  `data:${JSON.stringify({ index, token: t, generated_text: null, details: null, ...extra })}\n\n`;
const genFinal = (
  index: number,
  t: ReturnType<typeof tok>,
  text: string,
  finish: string,
  generated: number,
  input = 3,
) =>
  `data:${JSON.stringify({ index, token: t, generated_text: text, details: { finish_reason: finish, generated_tokens: generated, seed: null, input_length: input } })}\n\n`;

const compCodec = (opts: Partial<ConstructorParameters<typeof CompletionsOnTgiCodec>[0]> = {}) =>
  new CompletionsOnTgiCodec({
    id: 'cmpl-r',
    endpointName: 'ep',
    logprobs: null,
    echo: null,
    clientWantsUsage: false,
    ...opts,
  });

type CompChunk = {
  id: string;
  object: string;
  model: string;
  choices: Array<{ index: number; text: string; logprobs: unknown; finish_reason: string | null }>;
  usage?: unknown;
};

describe('CompletionsOnTgiCodec', () => {
  it('turns token events into text_completion chunks and the final event into the finish, then [DONE]', () => {
    const c = compCodec();
    const text = c.push(
      genEvent(1, tok(1, ' I', -0.1)) +
        genEvent(2, tok(2, ' am', -0.2)) +
        genFinal(3, tok(3, '</s>', -0.01, true), ' I am', 'eos_token', 3),
    );
    const out = payloads(text);
    expect(out.at(-1)).toBe('[DONE]');
    const chunks = out.slice(0, -1) as CompChunk[];
    expect(chunks.map((ch) => ch.choices[0]!.text)).toEqual([' I', ' am', '']);
    expect(chunks.map((ch) => ch.choices[0]!.finish_reason)).toEqual([null, null, 'stop']);
    for (const ch of chunks) expect(ch).toMatchObject({ id: 'cmpl-r', object: 'text_completion', model: 'ep' });
    expect(c.usage).toEqual({ promptTokens: 3, completionTokens: 3 });
    expect(c.complete).toBe(true);
    expect(c.end()).toBe('');
  });

  it('maps length and stop_sequence, and sends the usage chunk when asked', () => {
    const c = compCodec({ clientWantsUsage: true });
    const out = payloads(
      c.push(genEvent(1, tok(1, ' a', -1)) + genFinal(2, tok(2, ' b', -1), ' a b', 'length', 2, 5)),
    ) as CompChunk[];
    expect(out[1]!.choices[0]).toMatchObject({ text: ' b', finish_reason: 'length' });
    expect(out[2]).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
    expect(out[3]).toBe('[DONE]');
    const stop = compCodec();
    const last = payloads(stop.push(genFinal(1, tok(1, ' x', -1), ' x', 'stop_sequence', 1)))[0] as CompChunk;
    expect(last.choices[0]!.finish_reason).toBe('stop');
  });

  it('sends the prompt first when echoing', () => {
    const c = compCodec({ echo: 'Once upon' });
    const out = payloads(c.push(genFinal(1, tok(1, ' a', -1), 'Once upon a', 'length', 1))) as CompChunk[];
    expect(out.slice(0, 2).map((ch) => ch.choices[0]!.text)).toEqual(['Once upon', ' a']);
  });

  it('builds per-chunk logprobs with running text offsets', () => {
    const c = compCodec({ logprobs: 1 });
    const out = payloads(
      c.push(
        genEvent(1, tok(1, ' I', -0.1), { top_tokens: [tok(1, ' I', -0.1)] }) +
          genFinal(2, tok(2, ' am', -0.2), ' I am', 'length', 2).replace(
            '"generated_text"',
            `"top_tokens":[${JSON.stringify(tok(2, ' am', -0.2))}],"generated_text"`,
          ),
      ),
    ) as CompChunk[];
    expect(out[0]!.choices[0]!.logprobs).toEqual({
      tokens: [' I'],
      token_logprobs: [-0.1],
      top_logprobs: [{ ' I': -0.1 }],
      text_offset: [0],
    });
    expect(out[1]!.choices[0]!.logprobs).toEqual({
      tokens: [' am'],
      token_logprobs: [-0.2],
      top_logprobs: [{ ' am': -0.2 }],
      text_offset: [2],
    });
  });

  it("turns TGI's in-stream error into an OpenAI error event and [DONE]", () => {
    const c = compCodec();
    const out = payloads(
      c.push(
        genEvent(1, tok(1, ' a', -1)) +
          'data:{"error":"Request failed during generation: boom","error_type":"generation"}\n\n',
      ),
    );
    expect(out[1]).toMatchObject({ error: { code: 'origin_error', message: expect.stringContaining('boom') } });
    expect(out[2]).toBe('[DONE]');
    expect(c.errored).toBe(true);
    expect(c.end()).toBe('');
  });

  it('reports a stream that ends before the final event as an error', () => {
    const c = compCodec();
    c.push(genEvent(1, tok(1, ' a', -1)) + genEvent(2, tok(2, ' b', -1)));
    const tail = payloads(c.end());
    expect(tail[0]).toMatchObject({ error: { code: 'origin_stream_truncated' } });
    expect(tail[1]).toBe('[DONE]');
    expect(c.errored).toBe(true);
    expect(c.usage).toEqual({ promptTokens: 0, completionTokens: 2 });
  });

  it('reads an event split across reads, and a final event without its blank line at the end', () => {
    const c = compCodec();
    const e = genEvent(1, tok(1, ' a', -1));
    expect(c.push(e.slice(0, 15))).toBe('');
    expect(payloads(c.push(e.slice(15)))).toHaveLength(1);
    c.push(genFinal(2, tok(2, ' b', -1), ' a b', 'length', 2).trimEnd());
    expect(payloads(c.end()).at(-1)).toBe('[DONE]');
    expect(c.complete).toBe(true);
  });
});
